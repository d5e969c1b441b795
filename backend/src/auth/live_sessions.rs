//! A cached "is this session still live?" for the prediction path, which must not ask
//! Postgres on every request: a token whose session has ended (logged out, a reused refresh
//! token, the account removed) is refused there too, not taken as a signed-in caller.
//!
//! A live session is believed for [`SESSION_CHECK_TTL`]; an ended one is remembered for good
//! (sessions never come back). This process forgets a session the moment it ends one
//! ([`LiveSessions::forget`]); another backend replica sees it end within the TTL.

use crate::auth::Claims;
use crate::db::sessions;
use sqlx::PgPool;
use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// How long a session found live is believed live without asking Postgres again.
pub const SESSION_CHECK_TTL: Duration = Duration::from_secs(5);
/// How long the check may wait for Postgres before it gives up (and the token is believed).
pub const SESSION_CHECK_TIMEOUT: Duration = Duration::from_millis(250);
/// Sessions remembered at most; past that the cache starts afresh.
const MAX_REMEMBERED: usize = 100_000;

#[derive(Debug, Clone, Copy)]
enum Known {
    Live { checked: Instant },
    Ended,
}

/// The cache (one per process).
#[derive(Debug)]
pub struct LiveSessions {
    known: RwLock<HashMap<Uuid, Known>>,
    /// Sessions remembered at most ([`MAX_REMEMBERED`]).
    capacity: usize,
}

impl Default for LiveSessions {
    fn default() -> Self {
        Self {
            known: RwLock::default(),
            capacity: MAX_REMEMBERED,
        }
    }
}

impl LiveSessions {
    /// Whether the session of `claims` is live: `Ok(false)` when it has ended or its user is
    /// gone, `Err` when Postgres cannot say within [`SESSION_CHECK_TIMEOUT`]. Then the
    /// session is believed live for a TTL, so an outage costs one wait per session and TTL,
    /// not one per request.
    pub async fn is_live(&self, db: &PgPool, claims: &Claims) -> sqlx::Result<bool> {
        match self.read().get(&claims.sid) {
            Some(Known::Ended) => return Ok(false),
            Some(Known::Live { checked }) if checked.elapsed() < SESSION_CHECK_TTL => {
                return Ok(true);
            }
            _ => {}
        }
        let asked = tokio::time::timeout(SESSION_CHECK_TIMEOUT, async {
            let mut conn = db.acquire().await?;
            sessions::live_role(&mut conn, claims.sid, claims.sub).await
        })
        .await
        .unwrap_or(Err(sqlx::Error::PoolTimedOut));
        let live = match asked {
            Ok(role) => role.is_some(),
            Err(error) => {
                self.remember(
                    claims.sid,
                    Known::Live {
                        checked: Instant::now(),
                    },
                );
                return Err(error);
            }
        };
        let now = if live {
            Known::Live {
                checked: Instant::now(),
            }
        } else {
            Known::Ended
        };
        self.remember(claims.sid, now);
        Ok(live)
    }

    fn remember(&self, session: Uuid, what: Known) {
        let mut known = self.write();
        if known.len() >= self.capacity {
            known.clear();
        }
        // A session found ended stays ended, whatever a later failed check believed.
        if !matches!(known.get(&session), Some(Known::Ended)) {
            known.insert(session, what);
        }
    }

    /// Remembers that `session` has ended (this process just ended it).
    pub fn forget(&self, session: Uuid) {
        self.write().insert(session, Known::Ended);
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<Uuid, Known>> {
        self.known.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<Uuid, Known>> {
        self.known.write().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;
    use lifeboat_api_types::Role;
    use sqlx::postgres::PgPoolOptions;

    fn claims() -> Claims {
        Claims {
            sub: Uuid::new_v4(),
            role: Role::User,
            sid: Uuid::new_v4(),
            iat: 0,
            exp: u64::MAX,
            iss: String::new(),
            aud: String::new(),
        }
    }

    /// A pool whose Postgres is not there: every check of it fails.
    fn unreachable() -> PgPool {
        PgPoolOptions::new()
            .acquire_timeout(Duration::from_millis(50))
            .connect_lazy("postgres://nobody@127.0.0.1:1/none")
            .unwrap()
    }

    #[tokio::test]
    async fn when_postgres_cannot_say_the_token_is_believed_and_postgres_not_asked_again_at_once() {
        let sessions = LiveSessions::default();
        let claims = claims();
        assert!(sessions.is_live(&unreachable(), &claims).await.is_err());
        assert!(sessions.is_live(&unreachable(), &claims).await.unwrap());
    }

    #[tokio::test]
    async fn a_session_known_to_have_ended_stays_ended_whatever_a_failed_check_believed() {
        let sessions = LiveSessions::default();
        let claims = claims();
        sessions.forget(claims.sid);
        sessions.remember(
            claims.sid,
            Known::Live {
                checked: Instant::now(),
            },
        );
        assert!(!sessions.is_live(&unreachable(), &claims).await.unwrap());
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_live_session_is_asked_again_once_its_check_is_older_than_the_ttl(db: PgPool) {
        use crate::db::{sessions as rows, users};
        let mut conn = db.acquire().await.unwrap();
        let user = users::insert(&mut conn, "ttl@example.com", "x", Role::User, true)
            .await
            .unwrap();
        let sid = rows::start(
            &mut conn,
            user.id,
            chrono::Utc::now() + chrono::Duration::days(1),
        )
        .await
        .unwrap();
        let claims = Claims {
            sub: user.id,
            sid,
            ..claims()
        };
        let sessions = LiveSessions::default();
        assert!(sessions.is_live(&db, &claims).await.unwrap());
        // Believed since longer than the TTL: asked again, and ended meanwhile.
        let long_ago = Instant::now()
            .checked_sub(SESSION_CHECK_TTL + Duration::from_secs(1))
            .unwrap();
        sessions
            .write()
            .insert(sid, Known::Live { checked: long_ago });
        rows::end(&mut conn, sid, rows::EndReason::Logout)
            .await
            .unwrap();
        assert!(!sessions.is_live(&db, &claims).await.unwrap());
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_session_postgres_does_not_know_is_refused_and_remembered_as_ended(db: PgPool) {
        let sessions = LiveSessions::default();
        let claims = claims();
        assert!(!sessions.is_live(&db, &claims).await.unwrap());
        // Not asked again: the answer stands even with Postgres gone.
        assert!(!sessions.is_live(&unreachable(), &claims).await.unwrap());
    }

    #[test]
    fn past_its_capacity_the_cache_starts_afresh() {
        let sessions = LiveSessions {
            known: RwLock::default(),
            capacity: 2,
        };
        for _ in 0..3 {
            sessions.remember(Uuid::new_v4(), Known::Ended);
        }
        assert_eq!(sessions.read().len(), 1);
    }
}
