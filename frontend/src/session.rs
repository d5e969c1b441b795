//! Who is signed in, read from the access token itself: its subject, role and expiry. The
//! signature is the server's business; the app only needs to know when to refresh it. The
//! refresh token is opaque: it is only sent back to exchange it for a new pair.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use lifeboat_api_types::{Role, TokenResponse};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A signed-in person, as kept in `localStorage` between visits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub token: String,
    pub email: String,
    pub user_id: Uuid,
    pub role: Role,
    /// When the token stops working, in seconds since 1970.
    pub expires_at: u64,
    /// Exchanged once for the next access token (absent in sessions stored by older versions).
    #[serde(default)]
    pub refresh_token: Option<String>,
}

/// The claims of our tokens that the app reads.
#[derive(Deserialize)]
struct Claims {
    sub: Uuid,
    role: Role,
    exp: u64,
}

impl Session {
    /// Reads the claims of `token` (a JWT), or `None` when it is not one of ours.
    pub fn from_token(token: &str, email: &str) -> Option<Self> {
        let payload = token.split('.').nth(1)?;
        let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
        let claims: Claims = serde_json::from_slice(&bytes).ok()?;
        Some(Self {
            token: token.to_owned(),
            email: email.to_owned(),
            user_id: claims.sub,
            role: claims.role,
            expires_at: claims.exp,
            refresh_token: None,
        })
    }

    /// The session a login or refresh answer describes.
    pub fn from_pair(pair: &TokenResponse, email: &str) -> Option<Self> {
        Some(Self {
            refresh_token: Some(pair.refresh_token.clone()),
            ..Self::from_token(&pair.access_token, email)?
        })
    }

    /// Seconds left before the token expires at `now` (seconds since 1970); 0 once expired.
    pub fn seconds_left(&self, now: u64) -> u64 {
        self.expires_at.saturating_sub(now)
    }

    pub fn is_expired(&self, now: u64) -> bool {
        self.seconds_left(now) == 0
    }

    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;

    fn token(claims: &serde_json::Value) -> String {
        let part = |v: &[u8]| URL_SAFE_NO_PAD.encode(v);
        format!(
            "{}.{}.{}",
            part(br#"{"alg":"HS256","typ":"JWT"}"#),
            part(claims.to_string().as_bytes()),
            part(b"signature")
        )
    }

    #[test]
    fn the_subject_role_and_expiry_are_read_from_the_token() {
        let id = Uuid::from_u128(0x1234);
        let jwt = token(&serde_json::json!({
            "sub": id, "role": "admin", "exp": 2_000, "iat": 1_000,
            "iss": "lifeboat", "aud": "lifeboat-api"
        }));
        let session = Session::from_token(&jwt, "ada@example.com").unwrap();
        assert_eq!(session.user_id, id);
        assert!(session.is_admin());
        assert_eq!(session.expires_at, 2_000);
        assert_eq!(session.email, "ada@example.com");
    }

    #[test]
    fn a_login_or_refresh_answer_keeps_its_refresh_token_with_the_session() {
        let jwt = token(&serde_json::json!({"sub": Uuid::from_u128(7), "role": "user", "exp": 9}));
        let pair = TokenResponse {
            access_token: jwt,
            token_type: "Bearer".into(),
            expires_in: 3600,
            refresh_token: "r1".into(),
        };
        let session = Session::from_pair(&pair, "a@example.com").unwrap();
        assert_eq!(session.refresh_token.as_deref(), Some("r1"));
        assert_eq!(session.expires_at, 9);
        // A session stored by an older version, without one, still loads.
        let old = r#"{"token":"t","email":"a@example.com","user_id":"00000000-0000-0000-0000-000000000007","role":"user","expires_at":9}"#;
        let loaded: Session = serde_json::from_str(old).unwrap();
        assert_eq!(loaded.refresh_token, None);
    }

    #[test]
    fn a_token_expires_at_its_exp_claim() {
        let jwt = token(
            &serde_json::json!({"sub": Uuid::from_u128(0x1234), "role": "user", "exp": 2_000}),
        );
        let session = Session::from_token(&jwt, "a@example.com").unwrap();
        assert_eq!(session.seconds_left(1_400), 600);
        assert!(!session.is_expired(1_999));
        assert!(session.is_expired(2_000));
        assert!(session.is_expired(9_999));
    }

    #[test]
    fn something_that_is_not_our_token_gives_no_session() {
        for bad in [
            "",
            "not-a-jwt",
            "a.b.c",
            &token(&serde_json::json!({"sub": "nope", "role": "user", "exp": 1})),
            &token(&serde_json::json!({"sub": Uuid::from_u128(0x1234), "role": "root", "exp": 1})),
        ] {
            assert_eq!(Session::from_token(bad, "a@example.com"), None, "{bad}");
        }
    }
}
