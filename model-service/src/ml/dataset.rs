//! The Titanic training set: built into the service, or read from a file, checked against
//! its sha256, parsed into records.

use crate::ml::files::sha256_hex;
use lifeboat_api_types::kaggle::{self, Header, RowError};
use lifeboat_api_types::{Passenger, passenger_rules};
use std::fmt;
use std::path::{Path, PathBuf};

/// sha256 of the Kaggle Titanic `train.csv` (891 passengers) that Lifeboat is built on.
pub const TITANIC_SHA256: &str = "4a437fde05fe5264e1701a7387ac6fb75393772ba38bb2c9c566405af5af4bd7";

/// That file's bytes, from the repository (`data/titanic.csv`, provenance in
/// `data/README.md`): a build, a first start and the tests need no download.
pub const BUILT_IN: &[u8] = include_bytes!("../../../data/titanic.csv");

/// Why the data set cannot be used. Every variant says what to fix.
#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    #[error("cannot read the data set at {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "the data set from {from} has sha256 {actual}, expected {expected} (DATASET_SHA256): \
         wrong or damaged file"
    )]
    Checksum {
        from: Source,
        expected: String,
        actual: String,
    },
    #[error("the data set has no column {0:?}")]
    MissingColumn(&'static str),
    #[error("the data set's line {line}: {column} {reason}")]
    BadRow {
        line: u64,
        column: &'static str,
        value: String,
        reason: String,
    },
    #[error("the data set is not valid CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("the data set has no rows")]
    Empty,
}

/// One labelled passenger from the training set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Record {
    pub passenger: Passenger,
    pub survived: bool,
}

/// Where the data set's bytes came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A file at the configured path.
    File(PathBuf),
    /// [`BUILT_IN`], used when no file is at the configured path.
    BuiltIn,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::File(path) => write!(f, "{}", path.display()),
            Self::BuiltIn => f.write_str("the copy built into the service"),
        }
    }
}

/// The parsed data set, the sha256 of the bytes it came from, and where they came from.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub records: Vec<Record>,
    pub sha256: String,
    pub source: Source,
}

/// The built-in copy, parsed: for tests, benchmarks and scripts.
pub fn built_in() -> Dataset {
    from_bytes(BUILT_IN, Source::BuiltIn, TITANIC_SHA256)
        .expect("the built-in data set is the file its sha256 names")
}

/// Reads the Titanic data set at `path` and checks its sha256, blocking: for benchmarks and
/// scripts given a path (the service itself uses [`load`]).
pub fn read_titanic(path: &Path) -> Result<Dataset, DatasetError> {
    let bytes = std::fs::read(path).map_err(|source| DatasetError::Read {
        path: path.display().to_string(),
        source,
    })?;
    from_bytes(&bytes, Source::File(path.to_owned()), TITANIC_SHA256)
}

/// The data set the service trains on: the file at `path` when one is there (a folder the
/// operator mounted, or the copy an earlier version downloaded), else [`BUILT_IN`]. Either
/// is refused unless its sha256 is `expected_sha256`; a file that is there but unreadable
/// or wrong is an error, never quietly replaced by the built-in copy.
pub async fn load(path: &Path, expected_sha256: &str) -> Result<Dataset, DatasetError> {
    match tokio::fs::read(path).await {
        Ok(bytes) => from_bytes(&bytes, Source::File(path.to_owned()), expected_sha256),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            from_bytes(BUILT_IN, Source::BuiltIn, expected_sha256)
        }
        Err(source) => Err(DatasetError::Read {
            path: path.display().to_string(),
            source,
        }),
    }
}

fn from_bytes(bytes: &[u8], source: Source, expected: &str) -> Result<Dataset, DatasetError> {
    let actual = sha256_hex(bytes);
    if !actual.eq_ignore_ascii_case(expected) {
        return Err(DatasetError::Checksum {
            from: source,
            expected: expected.to_owned(),
            actual,
        });
    }
    Ok(Dataset {
        records: parse(bytes)?,
        sha256: actual,
        source,
    })
}

/// Parses the Kaggle `train.csv` layout with [`kaggle`]'s columns and rules; every row must
/// say whether the passenger survived. Empty Age, Fare and Embarked cells mean "unknown".
pub fn parse(bytes: &[u8]) -> Result<Vec<Record>, DatasetError> {
    let mut reader = csv::Reader::from_reader(bytes);
    let header = Header::find(reader.headers()?, &[kaggle::OUTCOME_COLUMN])
        .map_err(|missing| DatasetError::MissingColumn(missing[0]))?;
    let mut records = Vec::new();
    for row in reader.records() {
        let row = row?;
        let line = row.position().map_or(0, csv::Position::line);
        let cells: Vec<&str> = row.iter().collect();
        let bad = |column, value: &str, reason: String| DatasetError::BadRow {
            line,
            column,
            value: value.to_owned(),
            reason,
        };
        let read = header.read(&cells).map_err(|error| match error {
            RowError::Cells(cells) => {
                let first = &cells[0];
                bad(first.column, &first.value, first.reason.clone())
            }
            width @ RowError::Width { .. } => bad("row", "", width.to_string()),
        })?;
        let survived = read.survived.ok_or_else(|| {
            bad(
                kaggle::OUTCOME_COLUMN,
                "",
                passenger_rules::REQUIRED.to_owned(),
            )
        })?;
        records.push(Record {
            passenger: read.passenger,
            survived,
        });
    }
    if records.is_empty() {
        return Err(DatasetError::Empty);
    }
    Ok(records)
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;
    use lifeboat_api_types::{Embarked, Sex};

    const HEADER: &str =
        "PassengerId,Survived,Pclass,Name,Sex,Age,SibSp,Parch,Ticket,Fare,Cabin,Embarked\n";

    fn csv(rows: &str) -> Vec<u8> {
        format!("{HEADER}{rows}").into_bytes()
    }

    #[test]
    fn a_good_file_parses_with_unknowns_kept_unknown() {
        let records = parse(&csv(
            "1,0,3,\"Braund, Mr. Owen Harris\",male,22,1,0,A/5 21171,7.25,,S\n\
             2,1,1,\"Cumings, Mrs. John Bradley\",female,,1,0,PC 17599,71.2833,C85,\n",
        ))
        .unwrap();
        assert_eq!(records.len(), 2);
        assert!(!records[0].survived);
        assert_eq!(records[0].passenger.age, Some(22.0));
        assert_eq!(records[0].passenger.embarked, Some(Embarked::S));
        assert!(records[1].survived);
        assert_eq!(records[1].passenger.sex, Sex::Female);
        assert_eq!(records[1].passenger.age, None);
        assert_eq!(records[1].passenger.embarked, None);
    }

    #[test]
    fn a_missing_column_is_named() {
        let bytes = b"PassengerId,Survived,Pclass,Name,Sex,Age,SibSp,Parch,Ticket,Cabin,Embarked\n";
        assert!(matches!(
            parse(bytes),
            Err(DatasetError::MissingColumn("Fare"))
        ));
    }

    #[test]
    fn a_bad_row_names_its_line_and_column() {
        let err = parse(&csv(
            "1,0,3,A,male,22,1,0,T,7.25,,S\n2,1,7,B,female,30,0,0,T,10,,C\n",
        ))
        .unwrap_err();
        match err {
            DatasetError::BadRow {
                line,
                column,
                value,
                ..
            } => {
                assert_eq!((line, column, value.as_str()), (3, "Pclass", "7"));
            }
            other => panic!("expected a bad row, got {other}"),
        }
    }

    #[test]
    fn a_negative_age_is_a_bad_row() {
        assert!(matches!(
            parse(&csv("1,0,3,A,male,-2,1,0,T,7.25,,S\n")),
            Err(DatasetError::BadRow { column: "Age", .. })
        ));
    }

    #[test]
    fn a_file_with_only_a_header_is_empty() {
        assert!(matches!(parse(HEADER.as_bytes()), Err(DatasetError::Empty)));
    }

    #[tokio::test]
    async fn a_file_with_the_wrong_checksum_is_refused_not_replaced_by_the_built_in_copy() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("titanic.csv");
        std::fs::write(&path, csv("1,0,3,A,male,22,1,0,T,7.25,,S\n")).unwrap();
        let err = load(&path, TITANIC_SHA256).await.unwrap_err();
        match err {
            DatasetError::Checksum { from, .. } => assert_eq!(from, Source::File(path)),
            other => panic!("expected a checksum error, got {other}"),
        }
    }

    #[tokio::test]
    async fn a_file_with_the_right_checksum_is_read_from_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("titanic.csv");
        let bytes = csv("1,0,3,A,male,22,1,0,T,7.25,,S\n");
        std::fs::write(&path, &bytes).unwrap();
        let dataset = load(&path, &sha256_hex(&bytes)).await.unwrap();
        assert_eq!(dataset.records.len(), 1);
        assert_eq!(dataset.sha256, sha256_hex(&bytes));
        assert_eq!(dataset.source, Source::File(path));
    }

    #[tokio::test]
    async fn with_no_file_at_the_path_the_built_in_copy_is_used() {
        let dir = tempfile::tempdir().unwrap();
        let dataset = load(&dir.path().join("titanic.csv"), TITANIC_SHA256)
            .await
            .unwrap();
        assert_eq!(dataset.source, Source::BuiltIn);
        assert_eq!(dataset.records.len(), 891);
        assert_eq!(dataset.sha256, TITANIC_SHA256);
    }

    #[tokio::test]
    async fn with_no_file_and_another_expected_checksum_the_built_in_copy_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let err = load(&dir.path().join("titanic.csv"), &"0".repeat(64))
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                DatasetError::Checksum {
                    from: Source::BuiltIn,
                    ..
                }
            ),
            "{err}"
        );
    }

    #[tokio::test]
    async fn a_path_that_cannot_be_read_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        // A folder where the file should be: there, but not readable as a file.
        let err = load(dir.path(), TITANIC_SHA256).await.unwrap_err();
        assert!(matches!(err, DatasetError::Read { .. }), "{err}");
        assert!(err.to_string().contains(&dir.path().display().to_string()));
    }

    #[test]
    fn the_built_in_copy_is_the_kaggle_training_set() {
        let dataset = built_in();
        assert_eq!(dataset.records.len(), 891);
        assert_eq!(
            dataset.records.iter().filter(|r| r.survived).count(),
            342,
            "Kaggle's train.csv has 342 survivors"
        );
    }
}
