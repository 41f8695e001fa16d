use crate::text::plain_io;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the database at {path} is in use by another phonedesk process (pid {pid}); close it, or connect to it with `phonedesk` over SSH if it is a server")]
    Locked { path: PathBuf, pid: String },
    #[error("the database at {path} is held by `phonedesk serve` (pid {pid}); connect with: ssh -p {port} {host}")]
    HeldByServer {
        path: PathBuf,
        pid: u32,
        host: String,
        port: u16,
    },
    #[error("the database at {path} was written by a newer phonedesk (schema {found}, this one knows {supported}); upgrade phonedesk")]
    NewerSchema {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error("{path} is not a phonedesk database: it holds other files; give a new or empty directory with --db (nothing was written there)")]
    NotADatabase { path: PathBuf },
    #[error("the database at {path} is damaged ({detail}); restore it from a backup or move it aside to start afresh")]
    Corrupt { path: PathBuf, detail: String },
    #[error("the disk is full: free some space on the disk holding {path}; phonedesk writes again as soon as there is room")]
    DiskFull { path: PathBuf },
    #[error("the database at {path} could not be opened again after a failed write; free some disk space, and the next change tries again")]
    Closed { path: PathBuf },
    #[error("cannot use the database at {path}: {}", plain_io(source))]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the database failed: {0}")]
    Failed(String),
    #[error("{url} is not a PostgreSQL address; write it as postgres://USER@HOST:PORT/DATABASE")]
    BadUrl { url: String },
    #[error("cannot reach the PostgreSQL database at {server}: {detail}; check that the server runs and that the address is right")]
    Unreachable { server: String, detail: String },
    #[error("the PostgreSQL database at {server} refused: {detail}")]
    Postgres { server: String, detail: String },
    #[error("the connection to the PostgreSQL database at {server} was lost while a change was being written: it may or may not have been written; look at the audit log before doing it again")]
    CommitUnknown { server: String },
    #[error(
        "the organisation “{organisation}” cannot be opened: {}",
        crate::organisation::ONE_ONLY
    )]
    OneOrganisation { organisation: String },
    /// The connection was lost during the commit, and the database, asked again, does not
    /// hold it: nothing was written (the engine decides the action again, once).
    #[error("the connection to the PostgreSQL database at {server} was lost while a change was being written, and it was not written; try again")]
    NotWritten { server: String },
    #[error("the database at {location} already holds phonedesk records; copy into a new, empty database (nothing was written)")]
    NotNew { location: String },
}

impl StoreError {
    /// Whether the change that failed was certainly not written: the database could not be
    /// reached, or said so after a lost commit. Deciding it again is safe.
    pub fn nothing_written(&self) -> bool {
        matches!(
            self,
            StoreError::Unreachable { .. } | StoreError::NotWritten { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Error, ErrorKind};

    fn io(source: Error) -> String {
        StoreError::Io {
            path: "/srv/db".into(),
            source,
        }
        .to_string()
    }

    #[test]
    fn io_errors_read_as_words() {
        assert_eq!(
            io(Error::from_raw_os_error(libc::EACCES)),
            "cannot use the database at /srv/db: permission denied"
        );
        // What sled hands on for an error it kept.
        let kept = format!("{:?}", Error::from_raw_os_error(libc::EACCES));
        assert_eq!(
            io(Error::new(ErrorKind::PermissionDenied, kept)),
            "cannot use the database at /srv/db: permission denied"
        );
        assert_eq!(
            io(Error::other("it is a file; give the database's directory")),
            "cannot use the database at /srv/db: it is a file; give the database's directory"
        );
    }
}
