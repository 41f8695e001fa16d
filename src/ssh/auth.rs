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
//!
//! A line may start with `org=ORGANISATION`: the key then signs in to that organisation of
//! a PostgreSQL database (`org=acme admin alice ssh-ed25519 ...`); without it, to the
//! default one, as every line did before organisations. A separate word rather than
//! `alice@acme`, since names may hold `@`.

use crate::domain::{Actor, Role};
use anyhow::{bail, Context, Result};
use russh::keys::ssh_key::{self, HashAlg, LineEnding, PrivateKey, PublicKey};
use std::path::Path;

#[derive(Debug, Clone)]
pub struct AuthorizedKey {
    /// The organisation the key signs in to (`org=NAME`; else the default).
    pub organisation: String,
    /// Its line in the file, for messages.
    pub line: usize,
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
                "cannot read the authorized keys file {} (one key a line: `[org=ORGANISATION] admin|viewer NAME KEYTYPE BASE64 [COMMENT]`; see docs/ssh.md)",
                path.display()
            )
        })?;
        check_safe_path(path)?;
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
            let mut words = line.split_whitespace().peekable();
            let organisation = match words.peek().and_then(|w| w.strip_prefix("org=")) {
                Some(org) => {
                    if let Err(e) = crate::organisation::check_name(org) {
                        bail!("line {n}: {e} (expected `org=ORGANISATION ROLE NAME KEYTYPE BASE64 [COMMENT]`)");
                    }
                    let org = org.to_string();
                    words.next();
                    org
                }
                None => crate::organisation::DEFAULT.to_string(),
            };
            let role = match words.next() {
                Some("admin") => Role::Admin,
                Some("viewer") => Role::Viewer,
                Some(other) if other.contains('=') => bail!("line {n}: `{}` is not understood; a line may start with `org=ORGANISATION`, then `ROLE NAME KEYTYPE BASE64 [COMMENT]`", clip(other)),
                Some(other) => bail!("line {n}: the role `{}` is neither `admin` nor `viewer` (expected `[org=ORGANISATION] ROLE NAME KEYTYPE BASE64 [COMMENT]`)", clip(other)),
                None => bail!("line {n}: the role is missing after the organisation (expected `org=ORGANISATION ROLE NAME KEYTYPE BASE64 [COMMENT]`)"),
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
                if other.organisation != organisation {
                    bail!(
                        "line {n}: this key is already listed for `{}` of the organisation `{}` (line {}); a key signs in to one organisation, so give each its own key",
                        other.name,
                        other.organisation,
                        other.line
                    );
                }
                bail!("line {n}: this key is already listed for `{}`", other.name);
            }
            keys.push(AuthorizedKey {
                organisation,
                line: n,
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

    /// The organisations the keys sign in to, each with the first line naming it.
    pub fn organisations(&self) -> std::collections::BTreeMap<&str, usize> {
        let mut orgs = std::collections::BTreeMap::new();
        for k in &self.keys {
            orgs.entry(k.organisation.as_str()).or_insert(k.line);
        }
        orgs
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

/// Echo at most 40 characters of untrusted text in an error, hidden ones escaped.
fn clip(s: &str) -> String {
    crate::text::one_line(s).chars().take(40).collect()
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

/// Whoever can replace the authorized-keys file can let anyone in, and so can whoever may
/// write a directory above it (they can rename it and put another file in its place). Like
/// sshd's `StrictModes`: the file and every directory above it must belong to root or to
/// the user the server runs as, and no one else may write them. As in sshd there is no
/// exception for world-writable directories with the sticky bit, such as `/tmp`.
#[cfg(unix)]
fn check_safe_path(path: &Path) -> Result<()> {
    use std::os::unix::fs::MetadataExt;
    let file = std::fs::canonicalize(path)
        .with_context(|| format!("cannot find the authorized keys file {}", path.display()))?;
    // SAFETY: geteuid cannot fail and touches no memory of ours.
    let me = unsafe { libc::geteuid() };
    for at in file.ancestors() {
        let meta = std::fs::metadata(at).with_context(|| {
            format!(
                "cannot look at {} (above the authorized keys file)",
                at.display()
            )
        })?;
        let is_file = at == file;
        let what = if is_file {
            format!("the authorized keys file {}", at.display())
        } else {
            format!(
                "the authorized keys file {} is refused: the directory {} above it",
                file.display(),
                at.display()
            )
        };
        if meta.uid() != 0 && meta.uid() != me {
            bail!(
                "{what} belongs to {}, not to root or to {} (the user the server runs as), so that user could replace the keys; run `chown {} {}` or keep the file elsewhere",
                user_name(meta.uid()),
                user_name(me),
                user_name(me),
                at.display()
            );
        }
        let mode = meta.mode();
        if mode & 0o022 != 0 {
            let fix = if is_file {
                format!("run `chmod go-w {}`", at.display())
            } else {
                format!(
                    "run `chmod go-w {}` or keep the file in a directory only its owner can write",
                    at.display()
                )
            };
            bail!(
                "{what} can be written by others (mode {:o}), so they could replace the keys; {fix}",
                mode & 0o7777
            );
        }
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_safe_path(_path: &Path) -> Result<()> {
    Ok(())
}

/// A user's login name for a message, or "user id N" when it has none.
#[cfg(unix)]
fn user_name(uid: u32) -> String {
    let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
    let mut buf = vec![0 as libc::c_char; 4096];
    let mut found: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: every pointer is valid for the call; the name is copied before `buf` drops.
    let rc = unsafe { libc::getpwuid_r(uid, &mut pwd, buf.as_mut_ptr(), buf.len(), &mut found) };
    if rc != 0 || found.is_null() || pwd.pw_name.is_null() {
        return format!("user id {uid}");
    }
    // SAFETY: getpwuid_r filled `pw_name` with a NUL-terminated string inside `buf`.
    let name = unsafe { std::ffi::CStr::from_ptr(pwd.pw_name) };
    let name = name.to_string_lossy();
    if name.is_empty() {
        format!("user id {uid}")
    } else {
        name.into_owned()
    }
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

    #[test]
    fn a_line_may_name_its_organisation() {
        let text = format!(
            "admin alice {}\norg=acme admin alice {} acme's alice\norg=beta-2 viewer noc@beta {}\n",
            ed_key(1),
            ed_key(2),
            ed_key(3)
        );
        let keys = AuthorizedKeys::parse(&text).unwrap();
        let find = |seed| {
            keys.find(&PublicKey::from_openssh(&ed_key(seed)).unwrap())
                .unwrap()
        };
        assert_eq!(find(1).organisation, "default");
        assert_eq!(find(2).organisation, "acme");
        assert_eq!(find(2).actor(), Actor::admin("alice"));

        assert_eq!(find(3).organisation, "beta-2");
        assert_eq!(find(3).actor(), Actor::viewer("noc@beta"));
        let orgs: Vec<_> = keys.organisations().into_iter().collect();
        assert_eq!(orgs, vec![("acme", 2), ("beta-2", 3), ("default", 1)]);
    }

    #[test]
    fn a_bad_organisation_is_named_with_its_line() {
        let e = AuthorizedKeys::parse(&format!(
            "admin a {}\norg=ac.me admin b {}\n",
            ed_key(1),
            ed_key(2)
        ))
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("line 2") && e.contains("ac.me") && e.contains("letters, digits"),
            "{e}"
        );
        let e = AuthorizedKeys::parse(&format!("org= admin b {}\n", ed_key(2)))
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 1") && e.contains("must be 1 to 32"), "{e}");
        let e = AuthorizedKeys::parse("org=acme\n").unwrap_err().to_string();
        assert!(e.contains("line 1") && e.contains("role is missing"), "{e}");
        let e = AuthorizedKeys::parse(&format!("admin org=acme b {}\n", ed_key(2)))
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 1") && e.contains("name `org=acme`"), "{e}");
        let e = AuthorizedKeys::parse(&format!("organisation=acme admin b {}\n", ed_key(2)))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("line 1") && e.contains("may start with `org="),
            "{e}"
        );
        // One key, two organisations: which one would it sign in to?
        let e = AuthorizedKeys::parse(&format!(
            "org=acme admin a {}\norg=beta admin a {}\n",
            ed_key(1),
            ed_key(1)
        ))
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("line 2") && e.contains("`acme` (line 1)") && e.contains("its own key"),
            "{e}"
        );
    }

    /// A directory outside `/tmp` (world-writable, so never safe) that only we can write.
    #[cfg(unix)]
    fn safe_dir() -> tempfile::TempDir {
        let base = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target");
        std::fs::create_dir_all(&base).unwrap();
        tempfile::Builder::new()
            .prefix("auth-test")
            .tempdir_in(base)
            .unwrap()
    }

    #[cfg(unix)]
    #[test]
    fn an_authorized_keys_file_others_can_write_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = safe_dir();
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

    #[cfg(unix)]
    #[test]
    fn a_directory_above_the_keys_file_others_can_write_is_named() {
        use std::os::unix::fs::PermissionsExt;
        let dir = safe_dir();
        let open = dir.path().join("open");
        let inner = open.join("inner");
        std::fs::create_dir_all(&inner).unwrap();
        let path = inner.join("authorized_keys");
        std::fs::write(&path, format!("admin a {}\n", ed_key(1))).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(AuthorizedKeys::load(&path).unwrap().len(), 1);
        // A directory two levels up that anyone may write, sticky bit or not.
        for mode in [0o777, 0o1777, 0o775] {
            std::fs::set_permissions(&open, std::fs::Permissions::from_mode(mode)).unwrap();
            let e = AuthorizedKeys::load(&path).unwrap_err().to_string();
            assert!(
                e.contains(&format!("the directory {} above it", open.display()))
                    && e.contains(&format!("(mode {mode:o})"))
                    && e.contains("written by others"),
                "{e}"
            );
        }
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(AuthorizedKeys::load(&path).unwrap().len(), 1);
        // Under /tmp nothing is safe: /tmp itself can be written by everyone.
        let tmp = tempfile::tempdir().unwrap();
        let in_tmp = tmp.path().join("authorized_keys");
        std::fs::write(&in_tmp, format!("admin a {}\n", ed_key(1))).unwrap();
        std::fs::set_permissions(&in_tmp, std::fs::Permissions::from_mode(0o600)).unwrap();
        let e = AuthorizedKeys::load(&in_tmp).unwrap_err().to_string();
        assert!(e.contains("written by others"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn a_keys_file_or_directory_owned_by_someone_else_is_refused() {
        use std::os::unix::fs::{chown, PermissionsExt};
        // Only root can give a file away; as another user this is what sshd's check meets.
        if unsafe { libc::geteuid() } != 0 {
            return;
        }
        let dir = safe_dir();
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        let path = sub.join("authorized_keys");
        std::fs::write(&path, format!("admin a {}\n", ed_key(1))).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        chown(&path, Some(65534), None).unwrap();
        let e = AuthorizedKeys::load(&path).unwrap_err().to_string();
        assert!(
            e.contains(&format!("the authorized keys file {}", path.display()))
                && e.contains("not to root"),
            "{e}"
        );
        chown(&path, Some(0), None).unwrap();
        chown(&sub, Some(65534), None).unwrap();
        let e = AuthorizedKeys::load(&path).unwrap_err().to_string();
        assert!(
            e.contains(&format!("the directory {} above it", sub.display()))
                && e.contains("not to root"),
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
