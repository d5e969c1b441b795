//! Access tokens: HS256 JWTs (RFC 8725 practice: the algorithm pinned, issuer and audience
//! set and checked, no leeway), keys built once from the secret.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use lifeboat_api_types::Role;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use uuid::Uuid;

/// How long an access token is valid.
pub const TOKEN_TTL: Duration = Duration::from_secs(3600);
/// Shortest secret accepted: 256 bits, as HS256 wants.
pub const MIN_SECRET_BYTES: usize = 32;
const ISSUER: &str = "lifeboat";
const AUDIENCE: &str = "lifeboat-api";

/// What a token says about its holder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claims {
    /// The user's id.
    pub sub: Uuid,
    /// The role when the token was issued; what a request may do is decided by the role
    /// stored now (see `AuthUser`).
    pub role: Role,
    /// The sign-in session the token belongs to; the token stops working when it ends.
    pub sid: Uuid,
    pub iat: u64,
    pub exp: u64,
    pub iss: String,
    pub aud: String,
}

/// The signing and verifying keys and the validation rules, made once at start-up.
#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl std::fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JwtKeys { .. }")
    }
}

impl JwtKeys {
    /// Builds the keys, refusing a secret shorter than 32 bytes.
    pub fn new(secret: &SecretString) -> anyhow::Result<Self> {
        let bytes = secret.expose_secret().as_bytes();
        if bytes.len() < MIN_SECRET_BYTES {
            anyhow::bail!(
                "JWT_SECRET is {} bytes; at least {MIN_SECRET_BYTES} are required",
                bytes.len()
            );
        }
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        // `sid` and `role` are required too: a token without them does not deserialize.
        validation.set_required_spec_claims(&["exp", "iat", "sub", "iss", "aud"]);
        validation.leeway = 0;
        Ok(Self {
            encoding: EncodingKey::from_secret(bytes),
            decoding: DecodingKey::from_secret(bytes),
            validation,
        })
    }

    /// A fresh token for `user` with `role` in `session`, valid for [`TOKEN_TTL`].
    pub fn issue(&self, user: Uuid, role: Role, session: Uuid) -> anyhow::Result<String> {
        let now = jsonwebtoken::get_current_timestamp();
        self.sign(&Claims {
            sub: user,
            role,
            sid: session,
            iat: now,
            exp: now + TOKEN_TTL.as_secs(),
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
        })
    }

    /// Signs arbitrary claims (tests use it to make expired or foreign tokens).
    pub fn sign(&self, claims: &Claims) -> anyhow::Result<String> {
        let header = Header::new(Algorithm::HS256);
        Ok(encode(&header, claims, &self.encoding)?)
    }

    /// The claims of a valid token; `None` for anything else (bad signature, other
    /// algorithm, expired, wrong issuer or audience, malformed).
    pub fn verify(&self, token: &str) -> Option<Claims> {
        decode::<Claims>(token, &self.decoding, &self.validation)
            .ok()
            .map(|data| data.claims)
    }
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;

    fn keys() -> JwtKeys {
        JwtKeys::new(&SecretString::from("0123456789abcdef0123456789abcdef")).unwrap()
    }

    #[test]
    fn the_keys_never_print_the_secret() {
        let printed = format!("{:?}", keys());
        assert_eq!(printed, "JwtKeys { .. }");
    }

    #[test]
    fn a_short_secret_is_refused() {
        assert!(JwtKeys::new(&SecretString::from("too short")).is_err());
    }

    #[test]
    fn an_issued_token_verifies_with_its_claims() {
        let keys = keys();
        let (user, session) = (Uuid::new_v4(), Uuid::new_v4());
        let claims = keys
            .verify(&keys.issue(user, Role::Admin, session).unwrap())
            .unwrap();
        assert_eq!(
            (claims.sub, claims.role, claims.sid),
            (user, Role::Admin, session)
        );
        assert_eq!(claims.exp - claims.iat, 3600);
    }

    #[test]
    fn a_token_signed_with_another_secret_is_refused() {
        let other =
            JwtKeys::new(&SecretString::from("another secret of at least 32 bytes")).unwrap();
        let token = other
            .issue(Uuid::new_v4(), Role::User, Uuid::new_v4())
            .unwrap();
        assert!(keys().verify(&token).is_none());
    }
}
