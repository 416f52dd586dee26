//! Reading from a file: 4 KB at random places, 1 MB in order.
//!
//! A file just written sits in the page cache, and reading it measures
//! RAM, not the disk. On Linux the file is opened with `O_DIRECT`, which
//! reads straight from the device into an aligned buffer. Where that is
//! refused, the cache is dropped before each read with `posix_fadvise`
//! (`DONTNEED`); on a file system that lives in memory (tmpfs) there is no
//! device to reach, and the figures say "page cache".

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;
use std::time::Instant;

use rand::{Rng, RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{Budget, Stats};

/// The alignment `O_DIRECT` wants of offsets, lengths and buffers: a page,
/// which covers every device's logical block.
const ALIGN: usize = 4096;

/// How the reads reached the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileAccess {
    /// Straight from the device with `O_DIRECT`.
    Direct,
    /// Through the page cache, dropped before each read with
    /// `posix_fadvise(DONTNEED)`.
    CacheDropped,
    /// From the page cache: the data never left memory.
    PageCache,
}

/// A temporary file of random bytes, open for reading.
pub struct TestFile {
    file: File,
    size: u64,
    access: FileAccess,
    buffer: Vec<u8>,
    rng: ChaCha8Rng,
}

impl TestFile {
    /// Writes `size` random bytes (a whole number of MiB) to `path`,
    /// flushes them to the device, and opens the file for reading, around
    /// the page cache if the system allows.
    pub fn create(path: &Path, size: u64) -> io::Result<TestFile> {
        let mut rng = ChaCha8Rng::seed_from_u64(4096);
        let mut chunk = vec![0u8; 1 << 20];
        let mut file = File::create(path)?;
        for _ in 0..size.div_ceil(chunk.len() as u64) {
            // Random, so that no layer can compress or deduplicate it.
            rng.fill_bytes(&mut chunk);
            file.write_all(&chunk)?;
        }
        // Written back, so the cache holds clean pages that can be dropped.
        file.sync_all()?;
        let size = file.metadata()?.len();
        drop(file);

        let mut buffer = vec![0u8; (1 << 20) + ALIGN];
        let (file, access) = match open_direct(path) {
            Some(file) if !in_memory(&file) && direct_read_works(&file, &mut buffer) => {
                (file, FileAccess::Direct)
            }
            _ => {
                let file = File::open(path)?;
                let access = if !in_memory(&file) && drop_cache(&file, 0, size) {
                    FileAccess::CacheDropped
                } else {
                    FileAccess::PageCache
                };
                (file, access)
            }
        };
        Ok(TestFile {
            file,
            size,
            access,
            buffer,
            rng,
        })
    }

    /// How the reads reach the data.
    pub fn access(&self) -> FileAccess {
        self.access
    }

    /// The median time to read `bytes` (a multiple of 4096, at most 1 MiB)
    /// at a random offset that is a multiple of `bytes`.
    pub fn read(&mut self, bytes: usize, budget: &Budget) -> io::Result<Stats> {
        let slots = (self.size / bytes as u64).max(1);
        budget.sample(|| {
            let offset = self.rng.random_range(0..slots) * bytes as u64;
            if self.access == FileAccess::CacheDropped {
                drop_cache(&self.file, offset, bytes as u64);
            }
            let buffer = aligned(&mut self.buffer, bytes);
            let started = Instant::now();
            read_exact_at(&self.file, buffer, offset)?;
            Ok(started.elapsed().as_nanos() as f64)
        })
    }
}

/// `len` bytes of `buffer` starting at an [`ALIGN`]ed address; `buffer`
/// has room for them wherever the allocator put it.
fn aligned(buffer: &mut [u8], len: usize) -> &mut [u8] {
    let start = buffer.as_ptr().align_offset(ALIGN);
    &mut buffer[start..start + len]
}

/// Whether one aligned read works: some file systems accept `O_DIRECT` at
/// open and refuse it at read.
fn direct_read_works(file: &File, buffer: &mut [u8]) -> bool {
    read_exact_at(file, aligned(buffer, ALIGN), 0).is_ok()
}

#[cfg(unix)]
fn read_exact_at(file: &File, buffer: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buffer, offset)
}

#[cfg(not(unix))]
fn read_exact_at(file: &File, buffer: &mut [u8], offset: u64) -> io::Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = file;
    file.seek(SeekFrom::Start(offset))?;
    file.read_exact(buffer)
}

#[cfg(target_os = "linux")]
fn open_direct(path: &Path) -> Option<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_DIRECT)
        .open(path)
        .ok()
}

#[cfg(not(target_os = "linux"))]
fn open_direct(_path: &Path) -> Option<File> {
    None
}

/// Asks the kernel to forget the cached pages of `len` bytes at `offset`.
#[cfg(target_os = "linux")]
fn drop_cache(file: &File, offset: u64, len: u64) -> bool {
    use std::os::fd::AsRawFd;
    let (Ok(offset), Ok(len)) = (libc::off_t::try_from(offset), libc::off_t::try_from(len)) else {
        return false;
    };
    // SAFETY: posix_fadvise only reads its arguments; the descriptor is
    // open for as long as `file` is borrowed.
    let err =
        unsafe { libc::posix_fadvise(file.as_raw_fd(), offset, len, libc::POSIX_FADV_DONTNEED) };
    err == 0
}

#[cfg(not(target_os = "linux"))]
fn drop_cache(_file: &File, _offset: u64, _len: u64) -> bool {
    false
}

/// Whether `file` is on a file system kept in memory, tmpfs or ramfs.
#[cfg(target_os = "linux")]
fn in_memory(file: &File) -> bool {
    use std::os::fd::AsRawFd;
    // SAFETY: statfs is plain old data, for which all zeroes is valid.
    let mut stats: libc::statfs = unsafe { std::mem::zeroed() };
    // SAFETY: `stats` is a valid statfs to write to; the descriptor is
    // open for as long as `file` is borrowed.
    if unsafe { libc::fstatfs(file.as_raw_fd(), &mut stats) } != 0 {
        return false;
    }
    #[allow(clippy::useless_conversion)]
    let kind = i64::from(stats.f_type);
    // ramfs's magic number, which libc does not name.
    const RAMFS_MAGIC: i64 = 0x8584_58f6;
    #[allow(clippy::useless_conversion)]
    let memory = [i64::from(libc::TMPFS_MAGIC), RAMFS_MAGIC];
    memory.contains(&kind)
}

#[cfg(not(target_os = "linux"))]
fn in_memory(_file: &File) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffers_are_aligned_for_direct_reads() {
        let mut buffer = vec![0u8; 8192 + ALIGN];
        let part = aligned(&mut buffer, 8192);
        assert_eq!(part.len(), 8192);
        assert_eq!(part.as_ptr() as usize % ALIGN, 0);
    }

    #[test]
    fn a_test_file_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let mut file = TestFile::create(&dir.path().join("f"), 2 << 20).unwrap();
        let budget = Budget::new(std::time::Duration::from_millis(5));
        let stats = file.read(4096, &budget).unwrap();
        assert!(stats.samples >= 5);
        assert!(stats.median.as_nanos() > 0.0);
    }
}
