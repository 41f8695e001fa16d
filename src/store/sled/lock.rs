//! One process per database. sled locks its files too, but our own lock file also says who
//! holds the database, so a second `phonedesk` can tell the administrator what to do.

use crate::store::StoreError;
use fs2::FileExt;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

pub(super) const LOCK_FILE: &str = "phonedesk.lock";

pub struct ProcessLock {
    file: File,
}

impl ProcessLock {
    pub fn acquire(dir: &Path) -> Result<ProcessLock, StoreError> {
        let path = dir.join(LOCK_FILE);
        let io = |source| StoreError::Io {
            path: path.clone(),
            source,
        };
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        if file.try_lock_exclusive().is_err() {
            let mut text = String::new();
            let _ = file.read_to_string(&mut text);
            return Err(match ServerMarker::parse(&text) {
                Some(m) => StoreError::HeldByServer {
                    path: dir.to_path_buf(),
                    pid: m.pid,
                    host: m.host,
                    port: m.port,
                },
                None => StoreError::Locked {
                    path: dir.to_path_buf(),
                    pid: text.lines().next().unwrap_or("unknown").trim().to_string(),
                },
            });
        }
        // The pid only helps another phonedesk say who holds the database; the lock is
        // held without it, so a full disk (where even these bytes fail) still opens it
        // for reading.
        let _ = write_pid(&mut file);
        Ok(ProcessLock { file })
    }
}

fn write_pid(file: &mut File) -> std::io::Result<()> {
    file.set_len(0)?;
    file.seek(SeekFrom::Start(0))?;
    write!(file, "{}", std::process::id())?;
    file.flush()
}

impl Drop for ProcessLock {
    fn drop(&mut self) {
        let _ = self.file.set_len(0);
        let _ = FileExt::unlock(&self.file);
    }
}

/// What `phonedesk serve` writes into the lock file: `pid`, `serve`, host, port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerMarker {
    pub pid: u32,
    pub host: String,
    pub port: u16,
}

impl ServerMarker {
    fn parse(text: &str) -> Option<ServerMarker> {
        let mut lines = text.lines();
        let pid = lines.next()?.trim().parse().ok()?;
        if lines.next()?.trim() != "serve" {
            return None;
        }
        let host = lines.next()?.trim().to_string();
        let port = lines.next()?.trim().parse().ok()?;
        Some(ServerMarker { pid, host, port })
    }

    /// Records in the held lock file that a server owns the database at `dir`.
    pub fn write(dir: &Path, host: &str, port: u16) -> std::io::Result<()> {
        let path: PathBuf = dir.join(LOCK_FILE);
        let mut f = OpenOptions::new().write(true).open(path)?;
        f.set_len(0)?;
        write!(f, "{}\nserve\n{host}\n{port}\n", std::process::id())?;
        f.flush()
    }
}
