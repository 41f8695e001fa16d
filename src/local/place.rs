//! Where a database's socket is: `DB/phonedesk.run/socket`, in a directory only its owner
//! may enter. A Unix socket's path holds at most 107 bytes (`sun_path`), so a database
//! deeper than that gets its socket in `/tmp/phonedesk-UID/` instead, named by a hash of the
//! database's full path. Both sides work the place out from the canonical path, so a
//! client given `--db ./db` finds the socket of a server given `--db /home/ann/db`.

use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// The longest path a Unix socket address holds, its closing NUL aside.
pub const SUN_PATH_MAX: usize = 107;

/// The private directory kept inside the database.
pub const DIR_NAME: &str = "phonedesk.run";
const SOCKET_NAME: &str = "socket";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The directory only the owner may enter; the socket is inside it.
    pub dir: PathBuf,
    pub socket: PathBuf,
    /// The directory is ours alone to remove at the end (the one inside the database).
    pub own_dir: bool,
}

/// Where the socket of the organisation `organisation` of the database at `db` is: a
/// process serves the organisations it opened, so a command for another one never reaches
/// it. The default organisation's socket is where it always was.
pub fn place(db: &Path, organisation: &str) -> Place {
    let mut full = std::fs::canonicalize(db).unwrap_or_else(|_| db.to_path_buf());
    let dir = full.join(DIR_NAME);
    let socket = dir.join(SOCKET_NAME);
    // A database server has no directory of ours: its socket goes where a long path's does.
    let local = crate::store::postgres_url(db).is_none();
    if organisation != crate::organisation::DEFAULT {
        // Not a name a location can have (a newline), so no database's own hash meets it.
        full.as_mut_os_string()
            .push(format!("\norganisation={organisation}"));
    }
    let shared = organisation != crate::organisation::DEFAULT;
    if local && !shared && socket.as_os_str().len() <= SUN_PATH_MAX {
        return Place {
            dir,
            socket,
            own_dir: true,
        };
    }
    // SAFETY: geteuid has no preconditions and cannot fail.
    let uid = unsafe { libc::geteuid() };
    let dir = PathBuf::from(format!("/tmp/phonedesk-{uid}"));
    let socket = dir.join(format!(
        "{:016x}.socket",
        fnv1a(full.as_os_str().as_bytes())
    ));
    Place {
        dir,
        socket,
        own_dir: false,
    }
}

/// FNV-1a, 64 bits: stable across builds, unlike std's hasher (client and server may be
/// different builds and must name the same file).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Why the socket's directory cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum PlaceError {
    #[error("{0} is not a directory")]
    NotADirectory(PathBuf),
    #[error("{path} belongs to another user (uid {uid}); remove it or give it back to this user")]
    NotOurs { path: PathBuf, uid: u32 },
    #[error("cannot make {path}: {}", crate::text::plain_io(.source))]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Makes the socket's directory, owner-only (0700), before any socket is in it: the socket
/// is never reachable by others, whatever the umask made of its own mode bits. An existing
/// directory must be ours; its mode is put back to 0700.
pub fn private_dir(dir: &Path) -> Result<(), PlaceError> {
    let io = |source| PlaceError::Io {
        path: dir.to_path_buf(),
        source,
    };
    match std::fs::DirBuilder::new().mode(0o700).create(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(io(e)),
    }
    let meta = std::fs::symlink_metadata(dir).map_err(io)?;
    if !meta.is_dir() {
        return Err(PlaceError::NotADirectory(dir.to_path_buf()));
    }
    // SAFETY: geteuid has no preconditions and cannot fail.
    let uid = unsafe { libc::geteuid() };
    if meta.uid() != uid {
        return Err(PlaceError::NotOurs {
            path: dir.to_path_buf(),
            uid: meta.uid(),
        });
    }
    if meta.mode() & 0o777 != 0o700 {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(io)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_database_path_keeps_its_socket_inside() {
        let tmp = tempfile::tempdir().unwrap();
        let p = place(tmp.path(), "default");
        let full = std::fs::canonicalize(tmp.path()).unwrap();
        assert_eq!(p.socket, full.join("phonedesk.run/socket"));
        assert!(p.own_dir);
    }

    #[test]
    fn a_deep_database_path_gets_a_short_socket_in_tmp_named_by_its_hash() {
        let tmp = tempfile::tempdir().unwrap();
        let deep = tmp.path().join("d".repeat(60)).join("e".repeat(60));
        std::fs::create_dir_all(&deep).unwrap();
        let p = place(&deep, "default");
        assert!(!p.own_dir);
        assert!(
            p.socket.to_string_lossy().starts_with("/tmp/phonedesk-"),
            "{p:?}"
        );
        assert!(p.socket.as_os_str().len() <= SUN_PATH_MAX);
        // Another spelling of the same directory finds the same socket; another
        // directory does not.
        let spelled = deep.join("..").join("e".repeat(60));
        assert_eq!(place(&spelled, "default"), p);
        let other = tmp.path().join("d".repeat(60)).join("f".repeat(60));
        std::fs::create_dir_all(&other).unwrap();
        assert_ne!(place(&other, "default").socket, p.socket);
    }

    #[test]
    fn each_organisation_of_a_database_server_has_its_own_socket() {
        let db = Path::new("postgres://127.0.0.1:5432/pd");
        let (default, acme, beta) = (place(db, "default"), place(db, "acme"), place(db, "beta"));
        for p in [&default, &acme, &beta] {
            assert!(!p.own_dir, "{p:?}");
            assert!(p.socket.as_os_str().len() <= SUN_PATH_MAX);
        }
        assert_ne!(default.socket, acme.socket);
        assert_ne!(acme.socket, beta.socket);
        assert_eq!(place(db, "acme"), acme);
        assert_ne!(
            place(Path::new("postgres://127.0.0.1:5432/other"), "acme"),
            acme
        );
    }

    #[test]
    fn the_directory_is_made_owner_only_and_put_back_to_owner_only() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("run");
        private_dir(&dir).unwrap();
        let mode = |d: &Path| std::fs::metadata(d).unwrap().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        private_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);
        let file = tmp.path().join("file");
        std::fs::write(&file, "x").unwrap();
        assert!(matches!(
            private_dir(&file),
            Err(PlaceError::NotADirectory(_))
        ));
    }
}
