//! A small tmpfs for the full-disk tests: mounted on a directory, filled to the last byte,
//! freed again. Mounting needs root (or CAP_SYS_ADMIN); where it is impossible a test says
//! so and passes, unless PHONEDESK_REQUIRE_TMPFS is set (`.ci/run` sets it when it can
//! mount one).
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A tmpfs mounted on `path`, unmounted when dropped.
pub struct SmallDisk {
    path: PathBuf,
    _dir: Option<tempfile::TempDir>,
}

impl SmallDisk {
    /// A tmpfs of `mb` megabytes on a new temporary directory.
    pub fn mount(mb: u32) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().to_path_buf();
        mount_tmpfs(&path, mb)?;
        Some(SmallDisk {
            path,
            _dir: Some(dir),
        })
    }

    /// A tmpfs of `mb` megabytes in place of the directory `dir`, holding what it held.
    pub fn mount_over(dir: &Path, mb: u32) -> Option<SmallDisk> {
        let aside = dir.with_extension("before-tmpfs");
        std::fs::rename(dir, &aside).unwrap();
        std::fs::create_dir(dir).unwrap();
        if mount_tmpfs(dir, mb).is_none() {
            std::fs::remove_dir(dir).unwrap();
            std::fs::rename(&aside, dir).unwrap();
            return None;
        }
        let copied = Command::new("cp")
            .arg("-a")
            .arg(aside.join("."))
            .arg(dir)
            .status()
            .unwrap();
        assert!(copied.success());
        Some(SmallDisk {
            path: dir.to_path_buf(),
            _dir: None,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn filler(&self) -> PathBuf {
        self.path.join("filler")
    }

    /// Fills the disk to the last byte.
    pub fn fill(&self) {
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.filler())
            .unwrap();
        for chunk in [1 << 20, 4096, 1] {
            let bytes = vec![0u8; chunk];
            while f.write_all(&bytes).is_ok() {}
        }
        assert_eq!(fs2::available_space(&self.path).unwrap(), 0);
    }

    pub fn free(&self) {
        std::fs::remove_file(self.filler()).unwrap();
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.path).status();
    }
}

fn mount_tmpfs(dir: &Path, mb: u32) -> Option<()> {
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", &format!("size={mb}m"), "tmpfs"])
        .arg(dir)
        .output();
    match mounted {
        Ok(out) if out.status.success() => Some(()),
        other => {
            let why = match other {
                Ok(out) => String::from_utf8_lossy(&out.stderr).trim().to_string(),
                Err(e) => e.to_string(),
            };
            assert!(
                std::env::var_os("PHONEDESK_REQUIRE_TMPFS").is_none(),
                "cannot mount a tmpfs, and PHONEDESK_REQUIRE_TMPFS is set: {why}"
            );
            eprintln!("skipped: cannot mount a tmpfs here (needs root): {why}");
            None
        }
    }
}

/// A full-disk refusal in plain words, never an OS error's debug text.
pub fn assert_plain_disk_full(message: &str) {
    assert!(message.contains("the disk is full"), "{message}");
    for debug in ["Os {", "os error", "StorageFull", "IO error"] {
        assert!(!message.contains(debug), "not plain words: {message}");
    }
}
