//! Request ids: the header that carries one id through every service a request touches, a
//! new id for a request without one, and a caller's id made safe for logs and headers.

use axum::http::{HeaderName, HeaderValue};

/// The header that carries one id through every service a request touches.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Longest request id kept from a caller; longer ones are cut.
pub const REQUEST_ID_MAX_LEN: usize = 64;

/// A new id: a random UUID.
pub(crate) fn new_request_id() -> HeaderValue {
    let mut text = uuid::Uuid::encode_buffer();
    let id = uuid::Uuid::new_v4().hyphenated().encode_lower(&mut text);
    HeaderValue::from_str(id).unwrap_or_else(|_| HeaderValue::from_static("unknown"))
}

/// A caller's request id made safe for logs and headers: only ASCII letters, digits and
/// `-_.:` are kept, at most [`REQUEST_ID_MAX_LEN`] of them; `None` when nothing is left (a
/// new id is generated then). An id that is already clean (every id our services pass on)
/// is kept as it is, without a copy.
pub fn clean_request_id(raw: &HeaderValue) -> Option<HeaderValue> {
    let bytes = raw.as_bytes();
    if !bytes.is_empty()
        && bytes.len() <= REQUEST_ID_MAX_LEN
        && bytes.iter().copied().all(is_request_id_byte)
    {
        return Some(raw.clone());
    }
    let kept: Vec<u8> = bytes
        .iter()
        .copied()
        .filter(|&b| is_request_id_byte(b))
        .take(REQUEST_ID_MAX_LEN)
        .collect();
    if kept.is_empty() {
        return None;
    }
    HeaderValue::from_bytes(&kept).ok()
}

fn is_request_id_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':')
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;

    #[test]
    fn a_request_id_keeps_only_safe_characters_and_at_most_64_of_them() {
        let clean = |raw: &[u8]| clean_request_id(&HeaderValue::from_bytes(raw).unwrap());
        assert_eq!(clean(b"trace-me-123").unwrap(), "trace-me-123");
        assert_eq!(clean(b"a b\"c\td<script>").unwrap(), "abcdscript");
        assert_eq!(clean(b"\xff\xfeok").unwrap(), "ok");
        let long = "x".repeat(500);
        assert_eq!(clean(long.as_bytes()).unwrap().len(), 64);
        assert_eq!(clean(b" \"<>{}"), None);
    }
}
