//! The log file: `hearth.<UTC date>.log` in the log dir, a new one each day, the newest seven
//! kept. Written here rather than by `tracing_appender::rolling`, which creates its files with
//! the umask's mode: a log names chats, tools and paths, so its files are 0600 from the start
//! and its folder 0700 (see `hearth_store::private`), and what an older Hearth left is
//! tightened when it opens.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::store::private;

/// Log files kept, today's included.
pub const KEEP: usize = 7;
const PREFIX: &str = "hearth.";
const SUFFIX: &str = ".log";

pub struct DailyFile {
    dir: PathBuf,
    day: String,
    file: File,
}

impl DailyFile {
    /// Creates the log dir (0700) if needed, tightens the files already in it and opens today's.
    pub fn open(dir: &Path) -> io::Result<DailyFile> {
        private::create_dir_all(dir)?;
        for old in log_files(dir) {
            private::tighten(&old);
        }
        let day = today();
        let file = open_day(dir, &day)?;
        Ok(DailyFile { dir: dir.to_path_buf(), day, file })
    }

    /// Today's file: the open one, or (after midnight UTC) a new one, the oldest beyond
    /// [`KEEP`] removed.
    fn current(&mut self) -> io::Result<&mut File> {
        let day = today();
        if day != self.day {
            self.file = open_day(&self.dir, &day)?;
            self.day = day;
            let mut files = log_files(&self.dir);
            files.sort();
            let extra = files.len().saturating_sub(KEEP);
            for old in &files[..extra] {
                let _ = std::fs::remove_file(old);
            }
        }
        Ok(&mut self.file)
    }
}

impl Write for DailyFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.current()?.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

fn today() -> String {
    chrono::Utc::now().format("%Y-%m-%d").to_string()
}

fn open_day(dir: &Path, day: &str) -> io::Result<File> {
    let path = dir.join(format!("{PREFIX}{day}{SUFFIX}"));
    let file = private::file_options().create(true).append(true).open(&path)?;
    private::tighten(&path);
    Ok(file)
}

/// The log files in `dir` (by name: `hearth.*.log`).
fn log_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    entries
        .flatten()
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with(PREFIX) && name.ends_with(SUFFIX) && e.path().is_file()
        })
        .map(|e| e.path())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_day_opens_a_new_file_and_only_the_newest_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        for day in 1..=9 {
            std::fs::write(dir.path().join(format!("hearth.2020-01-0{day}.log")), "old\n").unwrap();
        }
        let mut log = DailyFile::open(dir.path()).unwrap();
        log.day = "2020-01-09".into();
        writeln!(log, "today").unwrap();
        let mut names: Vec<_> =
            log_files(dir.path()).iter().map(|p| p.file_name().unwrap().to_owned()).collect();
        names.sort();
        assert_eq!(names.len(), KEEP, "{names:?}");
        assert_eq!(names.last().unwrap().to_string_lossy(), format!("hearth.{}.log", today()));
        assert_eq!(names.first().unwrap().to_string_lossy(), "hearth.2020-01-04.log");
        let written = std::fs::read_to_string(dir.path().join(format!("hearth.{}.log", today())));
        assert_eq!(written.unwrap(), "today\n");
    }
}
