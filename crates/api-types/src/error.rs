//! The one JSON error body every Lifeboat API answers with.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Field name → human-readable reason, for 422 answers.
pub type FieldErrors = BTreeMap<String, String>;

/// `{"error": "<code>", "message": "...", "fields": {...}}`.
///
/// `error` is a stable machine-readable code (`validation_failed`, `model_service_unavailable`…),
/// `message` is for people, `fields` names each invalid input field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub fields: FieldErrors,
}

impl ErrorBody {
    /// An error body without field details.
    pub fn new(error: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            error: error.into(),
            message: message.into(),
            fields: FieldErrors::new(),
        }
    }

    /// A `validation_failed` body naming each invalid field.
    pub fn validation(fields: FieldErrors) -> Self {
        let names: Vec<&str> = fields.keys().map(String::as_str).collect();
        Self {
            error: "validation_failed".into(),
            message: format!("invalid input: {}", names.join(", ")),
            fields,
        }
    }
}

/// The `message` of a 413: the body is larger than `limit` bytes. The edge of every service
/// answers it, and the web app says it before sending a file that large.
pub fn too_large_message(limit: usize) -> String {
    format!(
        "the request body is larger than the {} this route takes",
        in_binary_units(limit)
    )
}

/// `2 MiB`, `64 KiB`, `100 bytes`.
fn in_binary_units(bytes: usize) -> String {
    match bytes {
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 && b % (1 << 10) == 0 => format!("{} KiB", b >> 10),
        b => format!("{b} bytes"),
    }
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;

    #[test]
    fn a_validation_body_names_every_field_in_its_message() {
        let mut fields = FieldErrors::new();
        fields.insert("age".into(), "must be between 0 and 120".into());
        fields.insert("pclass".into(), "must be 1, 2 or 3".into());
        let body = ErrorBody::validation(fields);
        assert_eq!(body.error, "validation_failed");
        assert_eq!(body.message, "invalid input: age, pclass");
    }

    #[test]
    fn an_error_without_fields_serialises_without_the_fields_key() {
        let json = serde_json::to_value(ErrorBody::new("not_found", "no such thing")).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"error": "not_found", "message": "no such thing"})
        );
    }

    #[test]
    fn limits_are_said_in_binary_units() {
        assert_eq!(in_binary_units(2 * 1024 * 1024), "2 MiB");
        assert_eq!(in_binary_units(64 * 1024), "64 KiB");
        assert_eq!(in_binary_units(100), "100 bytes");
        assert_eq!(
            too_large_message(2 * 1024 * 1024),
            "the request body is larger than the 2 MiB this route takes"
        );
    }
}
