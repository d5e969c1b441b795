//! The Titanic training set: fetched once, checked against its sha256, parsed into records.

use crate::ml::files::sha256_hex;
use lifeboat_api_types::{Embarked, Passenger, Sex};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// sha256 of the Kaggle Titanic `train.csv` (891 passengers) that Lifeboat is built on.
pub const TITANIC_SHA256: &str = "4a437fde05fe5264e1701a7387ac6fb75393772ba38bb2c9c566405af5af4bd7";

const REQUIRED_COLUMNS: [&str; 8] = [
    "Survived", "Pclass", "Sex", "Age", "SibSp", "Parch", "Fare", "Embarked",
];
const MAX_DOWNLOAD_BYTES: usize = 10 * 1024 * 1024;

/// Why the data set cannot be used. Every variant says what to fix.
#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    #[error("cannot read the data set at {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot write the downloaded data set to {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot download the data set from {url}: {reason}")]
    Download { url: String, reason: String },
    #[error("the data set's sha256 is {actual}, expected {expected}: wrong or damaged file")]
    Checksum { expected: String, actual: String },
    #[error("the data set has no column {0:?}")]
    MissingColumn(&'static str),
    #[error("the data set's line {line} has a bad {column}: {value:?}")]
    BadRow {
        line: u64,
        column: &'static str,
        value: String,
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

/// The parsed data set and the sha256 of the bytes it came from.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub records: Vec<Record>,
    pub sha256: String,
}

/// The data set on a developer's machine, for tests, benchmarks and scripts:
/// `LIFEBOAT_DATASET_PATH`, else the shared copy beside the checkout
/// (`../shared/data/titanic.csv`). The product itself takes its path from its configuration.
pub fn development_copy() -> PathBuf {
    std::env::var_os("LIFEBOAT_DATASET_PATH")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/titanic.csv")
        })
}

/// Reads the Titanic data set at `path` and checks its sha256, blocking: for benchmarks and
/// scripts (the service itself uses [`fetch`]).
pub fn read_titanic(path: &Path) -> Result<Dataset, DatasetError> {
    let bytes = std::fs::read(path).map_err(|source| DatasetError::Read {
        path: path.display().to_string(),
        source,
    })?;
    let sha256 = verify(&bytes, TITANIC_SHA256)?;
    Ok(Dataset {
        records: parse(&bytes)?,
        sha256,
    })
}

/// Reads the data set from `path`, downloading it from `url` first when the file is missing,
/// and refuses it unless its sha256 is `expected_sha256`.
pub async fn fetch(path: &Path, url: &str, expected_sha256: &str) -> Result<Dataset, DatasetError> {
    let bytes = match tokio::fs::read(path).await {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            tracing::info!(path = %path.display(), url, "data set missing, downloading it");
            let bytes = download(url).await?;
            verify(&bytes, expected_sha256)?;
            write_atomically(path, &bytes).await?;
            bytes
        }
        Err(source) => {
            return Err(DatasetError::Read {
                path: path.display().to_string(),
                source,
            });
        }
    };
    let sha256 = verify(&bytes, expected_sha256)?;
    let records = parse(&bytes)?;
    Ok(Dataset { records, sha256 })
}

fn verify(bytes: &[u8], expected: &str) -> Result<String, DatasetError> {
    let actual = sha256_hex(bytes);
    if actual.eq_ignore_ascii_case(expected) {
        Ok(actual)
    } else {
        Err(DatasetError::Checksum {
            expected: expected.to_owned(),
            actual,
        })
    }
}

async fn download(url: &str) -> Result<Vec<u8>, DatasetError> {
    let fail = |reason: String| DatasetError::Download {
        url: url.to_owned(),
        reason,
    };
    let client = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(120))
        .build()
        .map_err(|e| fail(e.to_string()))?;
    let response = client
        .get(url)
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map_err(|e| fail(e.to_string()))?;
    if response
        .content_length()
        .is_some_and(|len| len > MAX_DOWNLOAD_BYTES as u64)
    {
        return Err(fail("larger than 10 MiB".into()));
    }
    let bytes = response.bytes().await.map_err(|e| fail(e.to_string()))?;
    if bytes.len() > MAX_DOWNLOAD_BYTES {
        return Err(fail("larger than 10 MiB".into()));
    }
    Ok(bytes.to_vec())
}

async fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), DatasetError> {
    let path = path.to_owned();
    let bytes = bytes.to_vec();
    let display = path.display().to_string();
    tokio::task::spawn_blocking(move || crate::ml::files::write_atomically(&path, &bytes))
        .await
        .map_err(|e| std::io::Error::other(e.to_string()))
        .and_then(|r| r)
        .map_err(|source| DatasetError::Write {
            path: display,
            source,
        })
}

/// Parses the Kaggle `train.csv` layout. Columns are found by name, so their order and any
/// extra columns do not matter. Empty Age, Fare and Embarked cells mean "unknown".
pub fn parse(bytes: &[u8]) -> Result<Vec<Record>, DatasetError> {
    let mut reader = csv::Reader::from_reader(bytes);
    let headers = reader.headers()?.clone();
    let mut index = [0usize; REQUIRED_COLUMNS.len()];
    for (slot, name) in index.iter_mut().zip(REQUIRED_COLUMNS) {
        *slot = headers
            .iter()
            .position(|h| h.trim() == name)
            .ok_or(DatasetError::MissingColumn(name))?;
    }
    let mut records = Vec::new();
    for row in reader.records() {
        let row = row?;
        let line = row.position().map_or(0, csv::Position::line);
        let cell = |i: usize| row.get(index[i]).unwrap_or("").trim();
        let bad = |i: usize| DatasetError::BadRow {
            line,
            column: REQUIRED_COLUMNS[i],
            value: cell(i).to_owned(),
        };
        let survived = match cell(0) {
            "0" => false,
            "1" => true,
            _ => return Err(bad(0)),
        };
        let pclass = cell(1)
            .parse::<u8>()
            .ok()
            .filter(|p| (1..=3).contains(p))
            .ok_or_else(|| bad(1))?;
        let sex = Sex::parse(cell(2)).ok_or_else(|| bad(2))?;
        let age = optional(cell(3)).map_err(|()| bad(3))?;
        let sibsp = cell(4).parse::<u8>().map_err(|_| bad(4))?;
        let parch = cell(5).parse::<u8>().map_err(|_| bad(5))?;
        let fare = optional(cell(6)).map_err(|()| bad(6))?;
        let embarked = match cell(7) {
            "" => None,
            port => Some(Embarked::parse(port).ok_or_else(|| bad(7))?),
        };
        records.push(Record {
            passenger: Passenger {
                pclass,
                sex,
                age,
                sibsp,
                parch,
                fare,
                embarked,
            },
            survived,
        });
    }
    if records.is_empty() {
        return Err(DatasetError::Empty);
    }
    Ok(records)
}

fn optional(cell: &str) -> Result<Option<f64>, ()> {
    if cell.is_empty() {
        return Ok(None);
    }
    match cell.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(Some(v)),
        _ => Err(()),
    }
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;

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
    async fn a_file_with_the_wrong_checksum_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("titanic.csv");
        std::fs::write(&path, csv("1,0,3,A,male,22,1,0,T,7.25,,S\n")).unwrap();
        let err = fetch(&path, "http://127.0.0.1:9/unused", TITANIC_SHA256)
            .await
            .unwrap_err();
        assert!(matches!(err, DatasetError::Checksum { .. }), "{err}");
    }

    #[tokio::test]
    async fn a_file_with_the_right_checksum_is_loaded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("titanic.csv");
        let bytes = csv("1,0,3,A,male,22,1,0,T,7.25,,S\n");
        std::fs::write(&path, &bytes).unwrap();
        let dataset = fetch(&path, "http://127.0.0.1:9/unused", &sha256_hex(&bytes))
            .await
            .unwrap();
        assert_eq!(dataset.records.len(), 1);
        assert_eq!(dataset.sha256, sha256_hex(&bytes));
    }

    #[tokio::test]
    async fn a_missing_file_is_downloaded_checked_and_kept() {
        let bytes = csv("1,1,1,A,female,30,0,0,T,80,,C\n");
        let url = serve_once(bytes.clone()).await;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("titanic.csv");
        let dataset = fetch(&path, &url, &sha256_hex(&bytes)).await.unwrap();
        assert_eq!(dataset.records.len(), 1);
        assert_eq!(std::fs::read(&path).unwrap(), bytes);
    }

    #[tokio::test]
    async fn a_download_with_the_wrong_checksum_is_not_kept() {
        let url = serve_once(csv("1,1,1,A,female,30,0,0,T,80,,C\n")).await;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("titanic.csv");
        let err = fetch(&path, &url, TITANIC_SHA256).await.unwrap_err();
        assert!(matches!(err, DatasetError::Checksum { .. }), "{err}");
        assert!(!path.exists());
    }

    #[tokio::test]
    async fn an_unreachable_download_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let err = fetch(
            &dir.path().join("titanic.csv"),
            &format!("http://127.0.0.1:{port}/titanic.csv"),
            TITANIC_SHA256,
        )
        .await
        .unwrap_err();
        assert!(matches!(err, DatasetError::Download { .. }), "{err}");
    }

    /// A real HTTP server on a free loopback port that serves `body` at /titanic.csv.
    async fn serve_once(body: Vec<u8>) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = axum::Router::new().route(
            "/titanic.csv",
            axum::routing::get(move || {
                let body = body.clone();
                async move { body }
            }),
        );
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        format!("http://{addr}/titanic.csv")
    }
}
