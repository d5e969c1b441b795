//! Reading a CSV file in the layout of Kaggle's Titanic files for batch predictions: the
//! bytes as UTF-8 CSV text, within the row limit. The columns and each row's rules are
//! [`kaggle`]'s: a row that breaks them is reported by line number with the reason rather
//! than sinking the file.

use lifeboat_api_types::kaggle::{self, Header};
use lifeboat_api_types::{BATCH_FILE_MAX_ROWS, BatchFileError, Passenger};

/// A row that passed the rules.
#[derive(Debug, Clone, PartialEq)]
pub struct GoodRow {
    /// Its line in the file; the header is line 1.
    pub line: u64,
    pub passenger_id: String,
    pub passenger: Passenger,
    /// The file's `Survived`, when it has the column.
    pub actual: Option<bool>,
}

/// The file, read: the good rows and the reasons for the others.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReadFile {
    pub rows: Vec<GoodRow>,
    pub errors: Vec<BatchFileError>,
}

/// Why the whole file is refused (422): it cannot be read as a passenger list at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("the file is not UTF-8 text; save it as CSV (UTF-8)")]
    NotText,
    #[error("the file is not CSV: {0}")]
    NotCsv(String),
    #[error("the file has no column {0}; its first line must name the columns")]
    MissingColumns(String),
    #[error("the file has no passenger rows")]
    Empty,
    #[error("the file has more than {BATCH_FILE_MAX_ROWS} passenger rows")]
    TooManyRows,
}

/// Reads `bytes` as a Kaggle-layout CSV file.
pub fn read(bytes: &[u8]) -> Result<ReadFile, FileError> {
    let text = std::str::from_utf8(bytes).map_err(|_| FileError::NotText)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let names = reader
        .headers()
        .map_err(|e| FileError::NotCsv(e.to_string()))?;
    let header = Header::find(names, &[kaggle::ID_COLUMN])
        .map_err(|missing| FileError::MissingColumns(missing.join(", ")))?;
    let mut read = ReadFile::default();
    let mut count = 0;
    for record in reader.records() {
        let record = record.map_err(|e| FileError::NotCsv(e.to_string()))?;
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue; // A blank line, as spreadsheets leave at the end.
        }
        count += 1;
        if count > BATCH_FILE_MAX_ROWS {
            return Err(FileError::TooManyRows);
        }
        let cells: Vec<&str> = record.iter().collect();
        match header.read(&cells) {
            Ok(row) => read.rows.push(GoodRow {
                line,
                passenger_id: row.id.unwrap_or_default().to_owned(),
                passenger: row.passenger,
                actual: row.survived,
            }),
            Err(error) => read.errors.push(BatchFileError {
                line,
                reason: error.to_string(),
            }),
        }
    }
    if count == 0 {
        return Err(FileError::Empty);
    }
    Ok(read)
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;
    use lifeboat_api_types::{Embarked, Sex};

    const HEADER: &str =
        "PassengerId,Survived,Pclass,Name,Sex,Age,SibSp,Parch,Ticket,Fare,Cabin,Embarked";

    fn file(rows: &[&str]) -> Vec<u8> {
        let mut text = format!("{HEADER}\n");
        for row in rows {
            text.push_str(row);
            text.push('\n');
        }
        text.into_bytes()
    }

    #[test]
    fn kaggle_rows_are_read_with_quoted_names_and_their_outcome() {
        let read = read(&file(&[
            r#"1,0,3,"Braund, Mr. Owen Harris",male,22,1,0,A/5 21171,7.25,,S"#,
            r#"2,1,1,"Cumings, Mrs. John Bradley (Florence Briggs Thayer)",female,38,1,0,PC 17599,71.2833,C85,C"#,
        ]))
        .unwrap();
        assert!(read.errors.is_empty(), "{:?}", read.errors);
        assert_eq!(read.rows.len(), 2);
        let first = &read.rows[0];
        assert_eq!(
            (first.line, first.passenger_id.as_str(), first.actual),
            (2, "1", Some(false))
        );
        assert_eq!(first.passenger.pclass, 3);
        assert_eq!(first.passenger.embarked, Some(Embarked::S));
        assert_eq!(read.rows[1].actual, Some(true));
    }

    #[test]
    fn empty_age_fare_and_port_are_left_for_the_model_to_fill() {
        let read = read(&file(&[r#"6,0,3,"Moran, Mr. James",male,,0,0,330877,,,"#])).unwrap();
        let passenger = &read.rows[0].passenger;
        assert_eq!(
            (passenger.age, passenger.fare, passenger.embarked),
            (None, None, None)
        );
    }

    #[test]
    fn columns_are_found_by_name_in_any_order_without_survived() {
        let text = "Embarked,Fare,Parch,SibSp,Age,Sex,Pclass,PassengerId,Extra\nQ,8.05,0,0,30,female,2,900,x\n";
        let read = read(text.as_bytes()).unwrap();
        let row = &read.rows[0];
        assert_eq!((row.passenger_id.as_str(), row.actual), ("900", None));
        assert_eq!(row.passenger.pclass, 2);
        assert_eq!(row.passenger.sex, Sex::Female);
    }

    #[test]
    fn each_broken_row_is_named_by_line_with_its_reason_and_the_rest_are_kept() {
        let read = read(&file(&[
            r#"1,0,3,"A",male,22,1,0,T,7.25,,S"#,
            r#"2,0,4,"B",male,22,1,0,T,7.25,,S"#,
            r#"3,0,3,"C",male,-5,1,0,T,7.25,,S"#,
            r#"4,0,3,"D",male,22,1,0,T,7.25,,X"#,
            r#"5,1,1,"E",female,abc,0,0,T,30,,C"#,
        ]))
        .unwrap();
        assert_eq!(read.rows.len(), 1);
        let reasons: Vec<(u64, &str)> = read
            .errors
            .iter()
            .map(|e| (e.line, e.reason.as_str()))
            .collect();
        assert_eq!(
            reasons,
            [
                (3, "Pclass must be 1, 2 or 3"),
                (4, "Age must be between 0 and 120"),
                (5, "Embarked must be S, C or Q"),
                (6, "Age must be a number, not \"abc\""),
            ]
        );
    }

    #[test]
    fn a_file_without_the_columns_or_rows_or_text_is_refused_whole() {
        assert_eq!(
            read(b"name,age\nx,1\n"),
            Err(FileError::MissingColumns(
                "PassengerId, Pclass, Sex, SibSp, Parch, Fare, Embarked".into()
            ))
        );
        assert_eq!(read(&file(&[])), Err(FileError::Empty));
        assert_eq!(
            read(&[0x89, b'P', b'N', b'G', 0xff, 0xfe]),
            Err(FileError::NotText)
        );
        assert_eq!(
            read(b"{\"not\": \"csv\"}"),
            Err(FileError::MissingColumns(
                "PassengerId, Pclass, Sex, Age, SibSp, Parch, Fare, Embarked".into()
            ))
        );
    }

    #[test]
    fn more_rows_than_the_limit_are_refused() {
        let row = r#"1,0,3,"A",male,22,1,0,T,7.25,,S"#;
        let rows = vec![row; BATCH_FILE_MAX_ROWS];
        assert_eq!(read(&file(&rows)).unwrap().rows.len(), BATCH_FILE_MAX_ROWS);
        let rows = vec![row; BATCH_FILE_MAX_ROWS + 1];
        assert_eq!(read(&file(&rows)), Err(FileError::TooManyRows));
    }

    #[test]
    fn a_short_row_is_reported_not_misread() {
        let read = read(&file(&["7,0,3"])).unwrap();
        assert_eq!(read.errors[0].reason, "has 3 cells where the header has 12");
    }
}
