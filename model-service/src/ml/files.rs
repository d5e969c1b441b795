//! File primitives: a content hash (artifacts and the data set), and a write that readers
//! see whole or not at all (the downloaded data set). A leaf: it imports nothing of ours.

use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::Path;

/// Name prefix of the temporary files written before the rename; a crash can leave them
/// behind (earlier builds wrote artifacts this way too), and the model folder's start-up
/// removes them.
pub const TEMP_PREFIX: &str = ".tmp-";

/// The hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Writes `bytes` to `path` so that readers see the old file or the whole new one, never a
/// part: a temporary file in the same folder, fsync, rename, fsync of the folder.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    std::fs::File::open(dir)?.sync_all()
}
