//! Who may connect: phonedesk's authorized-keys file and the server's host key.
//!
//! Each non-empty line that does not start with `#` is
//!
//! ```text
//! ROLE NAME KEYTYPE BASE64 [COMMENT]
//! admin alice ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI... alice@laptop
//! viewer noc ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ...
//! ```
//!
//! `ROLE` is `admin` (everything) or `viewer` (reads only). `NAME` is who the audit log
//! says acted (letters, digits, `.`, `_`, `-`, `@`; at most 32 characters). The rest is the
//! key exactly as in an OpenSSH `.pub` file.

use crate::domain::{Actor, Role};
use anyhow::{bail, Context, Result};
use russh::keys::ssh_key::{self, HashAlg, LineEnding, PrivateKey, PublicKey};
use std::path::Path;

#[derive(Debug, Clone)]
pub struct AuthorizedKey {
    pub role: Role,
    pub name: String,
    pub key: PublicKey,
}

impl AuthorizedKey {
    pub fn actor(&self) -> Actor {
        Actor {
            name: self.name.clone(),
            role: self.role,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct AuthorizedKeys {
    keys: Vec<AuthorizedKey>,
}

impl AuthorizedKeys {
    pub fn load(path: &Path) -> Result<AuthorizedKeys> {
        let text = std::fs::read_to_string(path).with_context(|| {
            format!(
                "cannot read the authorized keys file {} (one key a line: `admin|viewer NAME KEYTYPE BASE64 [COMMENT]`; see docs/ssh.md)",
                path.display()
            )
        })?;
        check_not_writable_by_others(path)?;
        let keys = AuthorizedKeys::parse(&text)
            .with_context(|| format!("in the authorized keys file {}", path.display()))?;
        if keys.is_empty() {
            bail!(
                "the authorized keys file {} lists no keys; add a line `admin NAME KEYTYPE BASE64` (see docs/ssh.md)",
                path.display()
            );
        }
        Ok(keys)
    }

    pub fn parse(text: &str) -> Result<AuthorizedKeys> {
        let mut keys: Vec<AuthorizedKey> = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let n = i + 1;
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut words = line.split_whitespace();
            let role = match words.next() {
                Some("admin") => Role::Admin,
                Some("viewer") => Role::Viewer,
                Some(other) => bail!("line {n}: the role `{}` is neither `admin` nor `viewer` (expected `ROLE NAME KEYTYPE BASE64 [COMMENT]`)", clip(other)),
                None => unreachable!("the line is not empty"),
            };
            let Some(name) = words.next() else {
                bail!("line {n}: a name is missing after the role (expected `ROLE NAME KEYTYPE BASE64 [COMMENT]`)");
            };
            if !valid_name(name) {
                bail!(
                    "line {n}: the name `{}` must be 1 to 32 letters, digits, `.`, `_`, `-` or `@`",
                    clip(name)
                );
            }
            let rest: Vec<&str> = words.collect();
            if rest.len() < 2 {
                bail!("line {n}: the key is missing after the name `{name}` (expected `ROLE NAME KEYTYPE BASE64 [COMMENT]`)");
            }
            let key = PublicKey::from_openssh(&rest.join(" ")).map_err(|e| {
                anyhow::anyhow!(
                    "line {n}: the key of `{name}` is not a valid OpenSSH public key ({e})"
                )
            })?;
            if let Some(other) = keys.iter().find(|k| k.key.key_data() == key.key_data()) {
                bail!("line {n}: this key is already listed for `{}`", other.name);
            }
            keys.push(AuthorizedKey {
                role,
                name: name.to_string(),
                key,
            });
        }
        Ok(AuthorizedKeys { keys })
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn find(&self, key: &PublicKey) -> Option<&AuthorizedKey> {
        self.keys
            .iter()
            .find(|k| k.key.key_data() == key.key_data())
    }
}

fn valid_name(name: &str) -> bool {
    (1..=32).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
}

/// Echo at most 40 printable characters of untrusted text in an error.
fn clip(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).take(40).collect()
}

pub fn fingerprint(key: &PublicKey) -> String {
    key.fingerprint(HashAlg::Sha256).to_string()
}

/// Loads the host key at `path`, or creates an Ed25519 key there (mode 0600) on first start.
/// Returns the key and whether it was created.
pub fn load_or_create_host_key(path: &Path) -> Result<(PrivateKey, bool)> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let key = PrivateKey::from_openssh(text.as_bytes()).map_err(|e| {
                anyhow::anyhow!(
                    "the host key {} is not an OpenSSH private key ({e})",
                    path.display()
                )
            })?;
            if key.is_encrypted() {
                bail!(
                    "the host key {} is encrypted; phonedesk needs an unencrypted key",
                    path.display()
                );
            }
            check_mode(path)?;
            Ok((key, false))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
            }
            let seed: [u8; 32] = rand::random();
            let mut key = PrivateKey::from(ssh_key::private::Ed25519Keypair::from_seed(&seed));
            key.set_comment("phonedesk host key");
            let text = key
                .to_openssh(LineEnding::LF)
                .map_err(|e| anyhow::anyhow!("cannot encode the host key: {e}"))?;
            write_private(path, text.as_bytes())?;
            Ok((key, true))
        }
        Err(e) => Err(e).with_context(|| format!("cannot read the host key {}", path.display())),
    }
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot create the host key {}", path.display()))?;
    f.write_all(bytes)
        .and_then(|_| f.sync_all())
        .with_context(|| format!("cannot write the host key {}", path.display()))
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes)
        .with_context(|| format!("cannot write the host key {}", path.display()))
}

/// Whoever can write the authorized-keys file can let anyone in: like sshd, refuse a file
/// that others may write.
#[cfg(unix)]
fn check_not_writable_by_others(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)?.permissions().mode();
    if mode & 0o022 != 0 {
        bail!(
            "the authorized keys file {} can be written by others (mode {:o}); run `chmod go-w {}`",
            path.display(),
            mode & 0o777,
            path.display()
        );
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_not_writable_by_others(_path: &Path) -> Result<()> {
    Ok(())
}

#[cfg(unix)]
fn check_mode(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)?.permissions().mode();
    if mode & 0o077 != 0 {
        bail!(
            "the host key {} is readable by others (mode {:o}); run `chmod 600 {}`",
            path.display(),
            mode & 0o777,
            path.display()
        );
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_mode(_path: &Path) -> Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ED: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHXNoXbJ1P2s1XHc5u4S8kwHx6yHcQWwOQdFhT0oYQxg";

    fn ed_key(seed: u8) -> String {
        let k = PrivateKey::from(ssh_key::private::Ed25519Keypair::from_seed(&[seed; 32]));
        k.public_key().to_openssh().unwrap()
    }

    #[test]
    fn reads_roles_names_and_comments() {
        let text = format!(
            "# who may connect\n\nadmin alice {} alice@laptop\nviewer noc {}\n",
            ed_key(1),
            ed_key(2)
        );
        let keys = AuthorizedKeys::parse(&text).unwrap();
        assert_eq!(keys.len(), 2);
        let alice = keys
            .find(&PublicKey::from_openssh(&ed_key(1)).unwrap())
            .unwrap();
        assert_eq!(alice.actor(), Actor::admin("alice"));
        let noc = keys
            .find(&PublicKey::from_openssh(&ed_key(2)).unwrap())
            .unwrap();
        assert_eq!(noc.actor(), Actor::viewer("noc"));
        assert!(keys
            .find(&PublicKey::from_openssh(&ed_key(3)).unwrap())
            .is_none());
    }

    #[test]
    fn a_bad_line_is_named() {
        let e = AuthorizedKeys::parse(&format!("admin a {}\nroot bob {}\n", ed_key(1), ed_key(2)))
            .unwrap_err();
        assert!(
            e.to_string().contains("line 2") && e.to_string().contains("root"),
            "{e}"
        );
        let e = AuthorizedKeys::parse("admin bob ssh-ed25519 AAAAnotbase64!!\n").unwrap_err();
        assert!(
            e.to_string().contains("line 1") && e.to_string().contains("bob"),
            "{e}"
        );
        let e = AuthorizedKeys::parse(&format!("admin {ED}\n")).unwrap_err();
        assert!(e.to_string().contains("line 1"), "{e}");
        let e = AuthorizedKeys::parse("viewer carol\n").unwrap_err();
        assert!(
            e.to_string().contains("line 1") && e.to_string().contains("missing"),
            "{e}"
        );
        let e = AuthorizedKeys::parse(&format!("admin a {}\nviewer b {}\n", ed_key(1), ed_key(1)))
            .unwrap_err();
        assert!(
            e.to_string().contains("line 2") && e.to_string().contains("already"),
            "{e}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn an_authorized_keys_file_others_can_write_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("authorized_keys");
        std::fs::write(&path, format!("admin a {}\n", ed_key(1))).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        assert_eq!(AuthorizedKeys::load(&path).unwrap().len(), 1);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o666)).unwrap();
        let e = AuthorizedKeys::load(&path).unwrap_err().to_string();
        assert!(
            e.contains("written by others") && e.contains("chmod go-w"),
            "{e}"
        );
    }

    #[test]
    fn host_key_is_created_once_with_mode_0600() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys/host_ed25519");
        let (k1, created) = load_or_create_host_key(&path).unwrap();
        assert!(created);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        let (k2, created) = load_or_create_host_key(&path).unwrap();
        assert!(!created);
        assert_eq!(fingerprint(k1.public_key()), fingerprint(k2.public_key()));
        assert!(fingerprint(k1.public_key()).starts_with("SHA256:"));
    }
}
