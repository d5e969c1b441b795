//! Passwords: the policy, and bcrypt (cost 12) on a small pool of worker threads of its own.
//!
//! bcrypt is slow on purpose (about 0.25 s of CPU per check). On the blocking pool a login
//! storm would take every core from the async runtime and predictions would wait seconds; on
//! its own threads, one fewer than the cores (at least one) and below normal priority, logins
//! queue behind each other while predictions keep the CPU they need. At most
//! [`QUEUE_LIMIT`] checks wait; more are refused at once ([`PasswordError::Busy`], a 503).

use anyhow::{Context, anyhow};
use secrecy::{ExposeSecret, SecretString};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, OnceLock};

/// bcrypt work factor.
pub const BCRYPT_COST: u32 = 12;

/// Password checks that may wait for a worker; about 4 s of work with one worker.
pub const QUEUE_LIMIT: usize = 16;

/// How much lower than normal the workers run: the lowest (nice 19), so under contention
/// they get the CPU that serving requests leaves over.
const NICENESS: i32 = 19;

/// Puts the calling thread (a password worker) under Linux's `SCHED_IDLE` policy: it runs
/// on a core only when nothing else wants it, a request's thread that wakes takes the core
/// from it at once, and the kernel places a woken thread on a core that runs only such work
/// as if the core were free (why not nice 19 alone: docs/architecture.md, "Why some
/// infrastructure is our own"). The nice value is lowered too, in case the policy is refused. Both are per thread on Linux: only the worker is
/// lowered.
fn lower_this_threads_priority() {
    use thread_priority::{
        NormalThreadSchedulePolicy, ThreadPriority, ThreadSchedulePolicy, thread_native_id,
    };
    // A worker that cannot be lowered still works, at normal priority: say so and go on.
    let _ = thread_priority::set_thread_priority_and_policy(
        thread_native_id(),
        ThreadPriority::Min,
        ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Idle),
    )
    .inspect_err(|error| tracing::warn!(?error, "cannot put a password worker under SCHED_IDLE"));
    let _ = rustix::process::setpriority_process(None, NICENESS)
        .inspect_err(|error| tracing::warn!(%error, "cannot lower a password worker's priority"));
}

/// A password that meets [`lifeboat_api_types::check_new_password`]: 8 or more characters,
/// at most 72 bytes in UTF-8.
#[derive(Debug)]
pub struct Password(SecretString);

impl Password {
    /// Applies the policy to a new password, or says what is wrong with it.
    pub fn parse(raw: String) -> Result<Self, &'static str> {
        lifeboat_api_types::check_new_password(&raw)?;
        Ok(Self(SecretString::from(raw)))
    }
}

/// Why a password could not be hashed or checked.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    /// Every worker is busy and the queue is full: try again in a moment.
    #[error("too many password checks are waiting")]
    Busy,
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

/// Hashes a password with bcrypt at cost 12, on the password workers.
pub async fn hash_password(password: Password) -> Result<String, PasswordError> {
    let hash = workers()
        .run(move || bcrypt::hash(password.0.expose_secret(), BCRYPT_COST))
        .await?;
    Ok(hash.context("cannot hash the password")?)
}

/// Checks `password` against `hash`, on the password workers. With no hash (unknown e-mail)
/// it still runs one bcrypt verification, against a throwaway hash, so the answer takes as
/// long either way and does not tell which e-mails exist.
pub async fn verify_password(
    password: SecretString,
    hash: Option<String>,
) -> Result<bool, PasswordError> {
    workers()
        .run(move || {
            let known = hash.is_some();
            let hash = hash.unwrap_or_else(|| dummy_hash().to_owned());
            let matches = bcrypt::verify(password.expose_secret(), &hash).unwrap_or(false);
            known && matches
        })
        .await
}

type Job = Box<dyn FnOnce() + Send>;

/// Threads that run password work in arrival order, with a bounded queue in front.
pub struct PasswordWorkers {
    /// `None` when no worker thread could be started.
    queue: Option<SyncSender<Job>>,
}

impl PasswordWorkers {
    /// Starts `threads` workers (lowered to [`NICENESS`]) behind a queue of `queue_limit`.
    pub fn start(threads: usize, queue_limit: usize) -> Self {
        let (queue, jobs) = std::sync::mpsc::sync_channel::<Job>(queue_limit);
        let jobs = Arc::new(Mutex::new(jobs));
        let mut started = 0;
        for i in 0..threads {
            let jobs = Arc::clone(&jobs);
            let spawned = std::thread::Builder::new()
                .name(format!("password-{i}"))
                .spawn(move || work(&jobs));
            match spawned {
                Ok(_) => started += 1,
                Err(error) => tracing::error!(%error, "cannot start a password worker"),
            }
        }
        Self {
            queue: (started > 0).then_some(queue),
        }
    }

    /// Runs `task` on a worker and waits for its result; refuses at once when the queue is
    /// full.
    pub async fn run<T: Send + 'static>(
        &self,
        task: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, PasswordError> {
        let queue = self
            .queue
            .as_ref()
            .ok_or_else(|| anyhow!("no password worker is running"))?;
        let (reply, answer) = tokio::sync::oneshot::channel();
        queue
            .try_send(Box::new(move || {
                let _ = reply.send(task());
            }))
            .map_err(|error| match error {
                TrySendError::Full(_) => PasswordError::Busy,
                TrySendError::Disconnected(_) => anyhow!("the password workers stopped").into(),
            })?;
        answer
            .await
            .map_err(|_| anyhow!("a password worker failed").into())
    }
}

/// A worker's life: lower its own priority, then take jobs until the queue is gone.
fn work(jobs: &Mutex<Receiver<Job>>) {
    lower_this_threads_priority();
    loop {
        let job = jobs.lock().unwrap_or_else(|p| p.into_inner()).recv();
        match job {
            Ok(job) => job(),
            Err(_) => return,
        }
    }
}

/// The process's password workers: one fewer than the cores, at least one.
fn workers() -> &'static PasswordWorkers {
    static WORKERS: OnceLock<PasswordWorkers> = OnceLock::new();
    WORKERS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        PasswordWorkers::start(cores.saturating_sub(1).max(1), QUEUE_LIMIT)
    })
}

/// A cost-12 hash of a random string, made once.
fn dummy_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| {
        let noise: [u8; 16] = rand::random();
        bcrypt::hash(hex::encode(noise), BCRYPT_COST).unwrap_or_default()
    })
}

/// Computes the throwaway hash now, so the first unknown-e-mail login is not the slow one.
pub fn warm_up() {
    let _ = dummy_hash();
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;

    #[test]
    fn eight_characters_of_any_script_are_enough() {
        assert!(Password::parse("héllo wö".into()).is_ok());
        assert!(Password::parse("密码密码密码密码".into()).is_ok());
        assert_eq!(
            Password::parse("short".into()).unwrap_err(),
            "must be at least 8 characters"
        );
    }

    #[test]
    fn a_password_over_72_bytes_is_refused_not_truncated() {
        assert!(Password::parse("a".repeat(72)).is_ok());
        assert!(Password::parse("a".repeat(73)).is_err());
        // 25 three-byte characters: 25 characters but 75 bytes.
        assert!(Password::parse("密".repeat(25)).is_err());
    }

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let hash = hash_password(Password::parse("correct horse".into()).unwrap())
            .await
            .unwrap();
        assert!(hash.starts_with("$2b$12$"), "{hash}");
        assert!(
            verify_password("correct horse".into(), Some(hash.clone()))
                .await
                .unwrap()
        );
        assert!(
            !verify_password("wrong horse".into(), Some(hash))
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn an_unknown_account_never_verifies() {
        assert!(!verify_password("anything".into(), None).await.unwrap());
    }

    #[tokio::test]
    async fn a_full_queue_is_refused_at_once_instead_of_waiting() {
        let workers: &'static PasswordWorkers = Box::leak(Box::new(PasswordWorkers::start(1, 1)));
        let (release, gate) = std::sync::mpsc::channel::<()>();
        let (started_tx, started) = tokio::sync::oneshot::channel();
        let holding = tokio::spawn(workers.run(move || {
            let _ = started_tx.send(());
            let _ = gate.recv();
        }));
        started.await.unwrap();
        // The one worker is held: one job may wait in the queue, the next is refused.
        let waiting = tokio::spawn(workers.run(|| 1));
        tokio::task::yield_now().await;
        // Bounded, so a queue that waited instead of refusing fails here rather than hangs.
        let refused = tokio::time::timeout(std::time::Duration::from_secs(2), workers.run(|| 2))
            .await
            .expect("a full queue must refuse at once");
        assert!(matches!(refused, Err(PasswordError::Busy)), "{refused:?}");

        release.send(()).unwrap();
        holding.await.unwrap().unwrap();
        assert_eq!(waiting.await.unwrap().unwrap(), 1);
    }

    #[tokio::test]
    async fn the_workers_run_under_the_idle_policy_and_the_lowest_nice_value() {
        use thread_priority::{NormalThreadSchedulePolicy, ThreadSchedulePolicy};
        let workers = PasswordWorkers::start(1, 1);
        let (policy, niceness) = workers
            .run(|| {
                (
                    thread_priority::thread_schedule_policy().unwrap(),
                    rustix::process::getpriority_process(None).unwrap(),
                )
            })
            .await
            .unwrap();
        assert_eq!(
            policy,
            ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Idle)
        );
        assert_eq!(niceness, NICENESS);
        // The test's own thread is untouched.
        assert_ne!(
            thread_priority::thread_schedule_policy().unwrap(),
            ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Idle)
        );
    }
}
