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
    #[error("the database at {path} is damaged ({detail}); restore it from a backup or move it aside to start afresh")]
    Corrupt { path: PathBuf, detail: String },
    #[error("cannot use the database at {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the database failed: {0}")]
    Sled(String),
}
