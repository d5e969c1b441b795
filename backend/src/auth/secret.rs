//! The JWT secret: from `JWT_SECRET`, or generated once into a file and kept there, so a
//! fresh install needs no configuration and no secret ever lives in the repository.

use anyhow::Context;
use secrecy::SecretString;
use std::io::Write;
use std::path::Path;

/// Reads the secret from `path`, or creates the file with 64 random bytes (hex) when it does
/// not exist. The file is written atomically and readable by its owner only.
pub fn load_or_create_secret(path: &Path) -> anyhow::Result<SecretString> {
    match std::fs::read_to_string(path) {
        Ok(text) => return Ok(SecretString::from(text.trim().to_owned())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
    let secret = hex::encode(rand::random::<[u8; 32]>()) + &hex::encode(rand::random::<[u8; 32]>());
    let file = private_temp_file(path, secret.as_bytes())
        .with_context(|| format!("cannot write beside {}", path.display()))?;
    persist_or_adopt(file, path, secret)
}

/// A new file beside `path` (its folder made if missing) holding `contents`, synced and
/// readable by its owner only: persist it to `path` to put it in place atomically.
pub fn private_temp_file(path: &Path, contents: &[u8]) -> std::io::Result<tempfile::NamedTempFile> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut file = tempfile::Builder::new()
        .prefix(".secret-")
        .tempfile_in(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(file.path(), std::fs::Permissions::from_mode(0o600))?;
    }
    file.write_all(contents)?;
    file.as_file().sync_all()?;
    Ok(file)
}

/// Moves the new secret into place unless a file is already there, in which case that one
/// wins (two starts racing both end up with the first secret).
fn persist_or_adopt(
    file: tempfile::NamedTempFile,
    path: &Path,
    secret: String,
) -> anyhow::Result<SecretString> {
    match file.persist_noclobber(path) {
        Ok(_) => {
            tracing::info!(path = %path.display(), "generated a new JWT secret");
            Ok(SecretString::from(secret))
        }
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => {
            load_or_create_secret(path)
        }
        Err(e) => Err(e.error).with_context(|| format!("cannot create {}", path.display())),
    }
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    #[test]
    fn a_secret_path_that_cannot_be_read_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        // A folder where the file should be.
        assert!(load_or_create_secret(dir.path()).is_err());
    }

    #[test]
    fn a_secret_written_meanwhile_by_another_start_wins() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("jwt_secret");
        let ours = tempfile::NamedTempFile::new_in(dir.path()).unwrap();
        std::fs::write(&path, "the-other-start-was-first-with-this-secret").unwrap();
        let adopted = persist_or_adopt(ours, &path, "ours".into()).unwrap();
        assert_eq!(
            adopted.expose_secret(),
            "the-other-start-was-first-with-this-secret"
        );
    }

    #[test]
    fn a_secret_that_cannot_be_moved_into_place_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let ours = tempfile::NamedTempFile::new_in(dir.path()).unwrap();
        let nowhere = dir.path().join("missing-folder/jwt_secret");
        assert!(persist_or_adopt(ours, &nowhere, "ours".into()).is_err());
    }

    #[test]
    fn the_secret_is_generated_once_and_then_reused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secrets/jwt_secret");
        let first = load_or_create_secret(&path).unwrap();
        assert_eq!(first.expose_secret().len(), 128);
        let second = load_or_create_secret(&path).unwrap();
        assert_eq!(first.expose_secret(), second.expose_secret());
    }
}
