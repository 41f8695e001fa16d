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
    Sled(String),
}

/// An OS error in words, without Rust's "(os error N)" or a debug struct.
fn plain_io(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.rfind(" (os error ") {
        Some(at) if e.raw_os_error().is_some() => text[..at].to_lowercase(),
        _ => text,
    }
}
