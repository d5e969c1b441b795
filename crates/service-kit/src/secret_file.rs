//! Settings that may be given as a value or as a file holding it (`X` or `X_FILE`), as
//! orchestrators hand out secrets: Docker Swarm mounts each at `/run/secrets/<name>`.

use std::path::Path;

/// `value` when given (and not empty), else the contents of `file` without the line break
/// that usually ends it, else `None`: an empty file is no value either (compose mounts
/// `/dev/null` for a secret file that is not given). `variable` names the setting in the
/// error.
pub fn value_or_file(
    value: Option<&str>,
    file: Option<&Path>,
    variable: &str,
) -> Result<Option<String>, SecretFileError> {
    if let Some(value) = value.filter(|v| !v.is_empty()) {
        return Ok(Some(value.to_owned()));
    }
    let Some(file) = file else {
        return Ok(None);
    };
    let text = std::fs::read_to_string(file).map_err(|source| SecretFileError {
        variable: variable.to_owned(),
        path: file.display().to_string(),
        source,
    })?;
    let text = text.trim_end_matches(['\r', '\n']);
    Ok((!text.is_empty()).then(|| text.to_owned()))
}

/// The file named by `<variable>_FILE` cannot be read.
#[derive(Debug, thiserror::Error)]
#[error("cannot read {variable}_FILE ({path}): {source}")]
pub struct SecretFileError {
    variable: String,
    path: String,
    source: std::io::Error,
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;

    #[test]
    fn a_value_wins_over_a_file_and_a_file_loses_its_final_line_break() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("secret");
        std::fs::write(&file, "s3cret with a space \n").unwrap();
        let read = |value| value_or_file(value, Some(&file), "X").unwrap();
        assert_eq!(read(Some("given")).as_deref(), Some("given"));
        assert_eq!(read(Some("")).as_deref(), Some("s3cret with a space "));
        assert_eq!(read(None).as_deref(), Some("s3cret with a space "));
        assert_eq!(value_or_file(None, None, "X").unwrap(), None);
    }

    #[test]
    fn an_empty_file_is_no_value() {
        let read = |value| value_or_file(value, Some(Path::new("/dev/null")), "X").unwrap();
        assert_eq!(read(None), None);
        assert_eq!(read(Some("given")).as_deref(), Some("given"));
    }

    #[test]
    fn a_missing_file_is_an_error_naming_the_setting() {
        let error = value_or_file(None, Some(Path::new("/no/such/file")), "DATABASE_URL")
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with("cannot read DATABASE_URL_FILE (/no/such/file)"),
            "{error}"
        );
    }
}
