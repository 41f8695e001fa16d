//! Room to read on a full disk. sled writes when it opens (a fresh snapshot of its page
//! table, zeros over the tail of its log) and cannot open without room for that. So a
//! database keeps a reserve file, given back to the file system when an open finds the disk
//! full and made whole again before the next write; and a write is refused in words while
//! free space is short, before sled starts one it could not finish.

use std::fs::OpenOptions;
use std::io::ErrorKind;
use std::path::Path;

pub(super) const RESERVE_FILE: &str = "phonedesk.reserve";

/// Free bytes on the disk holding `dir`, for this user; `None` when it cannot be told.
pub(super) fn free_bytes(dir: &Path) -> Option<u64> {
    fs2::available_space(dir).ok()
}

/// Gives the reserve back to the file system. Returns whether there was one.
pub(super) fn release_reserve(dir: &Path) -> bool {
    std::fs::remove_file(dir.join(RESERVE_FILE)).is_ok()
}

/// Makes the reserve `bytes` long, its blocks allocated. Returns false (and leaves no
/// partial reserve) when the disk has no room for it.
pub(super) fn restore_reserve(dir: &Path, bytes: u64) -> std::io::Result<bool> {
    use fs2::FileExt;
    let path = dir.join(RESERVE_FILE);
    if bytes == 0 || std::fs::metadata(&path).is_ok_and(|m| m.len() >= bytes) {
        return Ok(true);
    }
    let file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)?;
    match file.allocate(bytes).and_then(|()| file.sync_all()) {
        Ok(()) => Ok(true),
        Err(e) if super::is_disk_full(&e) || e.kind() == ErrorKind::Unsupported => {
            drop(file);
            let _ = std::fs::remove_file(&path);
            Ok(false)
        }
        Err(e) => Err(e),
    }
}

/// sled writes a snapshot to `snap.N.generating` and renames it when complete; one it could
/// not finish (the disk filled) stays behind, and sled's next open takes it for the newest
/// snapshot and calls the database corrupt. It is never a complete snapshot: remove it.
/// Only called while holding the process lock, so no sled of ours is writing one.
pub(super) fn remove_unfinished_snapshots(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("snap.") && name.ends_with(".generating") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}
