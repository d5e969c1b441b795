//! The prediction history's writer. A signed-in user's prediction is handed to a bounded
//! queue as it is answered, and one task writes the queue to Postgres in batches (one
//! multi-row `INSERT` and one upsert of the daily counts per batch), so the prediction path
//! never waits for Postgres. Anonymous predictions are only counted.
//!
//! Nothing answered is lost on a SIGTERM: the server finishes its requests first, then
//! [`RecorderTask::finish`] writes what is queued. When Postgres is down (or the queue
//! full) the predictions are still answered; what cannot be written is counted in
//! `prediction_history_lost_total` and logged once per outage, not once per row.
//!
//! Retention: [`keep_within`] deletes entries older than `PREDICTION_RETENTION_DAYS`, a
//! small batch at a time.

use crate::db::predictions::{self, NewPrediction};
use chrono::{DateTime, NaiveDate, Utc};
use lifeboat_api_types::DailyPredictions;
use sqlx::PgPool;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

/// Predictions waiting to be written, at most; more are lost (and counted).
pub const QUEUE_CAPACITY: usize = 10_000;
/// Most predictions written by one statement.
pub const BATCH_MAX: usize = 1_000;
/// How long the writer gathers predictions after the first one before writing them.
pub const GATHER_FOR: Duration = Duration::from_millis(200);
/// Entries deleted by one retention statement.
const RETENTION_BATCH: i64 = 1_000;
/// How often retention runs.
const RETENTION_EVERY: Duration = Duration::from_secs(3600);

/// A prediction answered: kept when the caller was signed in, only counted otherwise.
#[derive(Debug, Clone, PartialEq)]
pub enum Answered {
    SignedIn(NewPrediction),
    Anonymous { at: DateTime<Utc> },
}

impl Answered {
    fn day(&self) -> NaiveDate {
        match self {
            Self::SignedIn(row) => row.made_at.date_naive(),
            Self::Anonymous { at } => at.date_naive(),
        }
    }
}

/// The handle the prediction path records through; cheap to clone.
#[derive(Debug, Clone)]
pub struct Recorder {
    /// `None` when recording is switched off (`RECORD_PREDICTIONS=false`, for benchmarks).
    queue: Option<mpsc::Sender<Answered>>,
    /// Whether the queue has been full since the last successful write (to log it once).
    overflowing: Arc<AtomicBool>,
}

/// The task that writes the queue; [`RecorderTask::finish`] writes what is left and stops it.
#[derive(Debug)]
pub struct RecorderTask {
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl Recorder {
    /// Starts the writer on `db`; with `enabled` false nothing is queued or written.
    pub fn start(db: PgPool, enabled: bool) -> (Self, RecorderTask) {
        let overflowing = Arc::new(AtomicBool::new(false));
        let (stop, stopped) = watch::channel(false);
        if !enabled {
            let recorder = Self {
                queue: None,
                overflowing,
            };
            return (recorder, RecorderTask { stop, task: None });
        }
        let (queue, pending) = mpsc::channel(QUEUE_CAPACITY);
        let writer = Writer {
            db,
            pending,
            stopped,
            overflowing: Arc::clone(&overflowing),
            in_outage: false,
        };
        let task = tokio::spawn(writer.run());
        let recorder = Self {
            queue: Some(queue),
            overflowing,
        };
        (
            recorder,
            RecorderTask {
                stop,
                task: Some(task),
            },
        )
    }

    /// Queues `answered` without waiting; when the queue is full it is lost and counted.
    pub fn record(&self, answered: Answered) {
        let Some(queue) = &self.queue else { return };
        if queue.try_send(answered).is_err() {
            lost("queue_full", 1);
            if !self.overflowing.swap(true, Ordering::Relaxed) {
                tracing::warn!(
                    capacity = QUEUE_CAPACITY,
                    "the prediction history queue is full: predictions are answered but not recorded"
                );
            }
        }
    }
}

impl RecorderTask {
    /// Writes every prediction queued so far, then stops the writer.
    pub async fn finish(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take()
            && let Err(error) = task.await
        {
            tracing::error!(%error, "the prediction history writer failed");
        }
    }
}

struct Writer {
    db: PgPool,
    pending: mpsc::Receiver<Answered>,
    stopped: watch::Receiver<bool>,
    overflowing: Arc<AtomicBool>,
    /// Whether the last write failed (so an outage is logged once, and its end once).
    in_outage: bool,
}

impl Writer {
    async fn run(mut self) {
        let mut batch = Vec::with_capacity(BATCH_MAX);
        let mut stopping = false;
        while !stopping {
            let received = tokio::select! {
                biased;
                _ = self.stopped.wait_for(|stop| *stop) => None,
                received = self.pending.recv_many(&mut batch, BATCH_MAX) => Some(received),
            };
            match received {
                None => stopping = true,
                Some(0) => break,
                Some(_) => stopping = self.gather(&mut batch).await,
            }
            self.write(&mut batch).await;
        }
        // Stopping: the server has answered its last request, so the queue holds all that
        // is left.
        while let Ok(answered) = self.pending.try_recv() {
            batch.push(answered);
            if batch.len() == BATCH_MAX {
                self.write(&mut batch).await;
            }
        }
        self.write(&mut batch).await;
    }

    /// Adds what arrives within [`GATHER_FOR`] (up to [`BATCH_MAX`]); `true` when asked to
    /// stop meanwhile.
    async fn gather(&mut self, batch: &mut Vec<Answered>) -> bool {
        let deadline = tokio::time::sleep(GATHER_FOR);
        tokio::pin!(deadline);
        while batch.len() < BATCH_MAX {
            let room = BATCH_MAX - batch.len();
            tokio::select! {
                biased;
                _ = self.stopped.wait_for(|stop| *stop) => return true,
                () = &mut deadline => return false,
                received = self.pending.recv_many(batch, room) => {
                    if received == 0 {
                        return false;
                    }
                }
            }
        }
        false
    }

    async fn write(&mut self, batch: &mut Vec<Answered>) {
        if batch.is_empty() {
            return;
        }
        let mut days: BTreeMap<NaiveDate, DailyPredictions> = BTreeMap::new();
        let mut rows = Vec::with_capacity(batch.len());
        for answered in batch.drain(..) {
            let day = answered.day();
            let count = days.entry(day).or_insert(DailyPredictions {
                day,
                signed_in: 0,
                anonymous: 0,
            });
            match answered {
                Answered::SignedIn(row) => {
                    count.signed_in += 1;
                    rows.push(row);
                }
                Answered::Anonymous { .. } => count.anonymous += 1,
            }
        }
        let days: Vec<DailyPredictions> = days.into_values().collect();
        match self.store(&rows, &days).await {
            Ok(stored) => {
                metrics::counter!("prediction_history_recorded_total").increment(stored);
                if self.in_outage {
                    tracing::info!("recording predictions again");
                    self.in_outage = false;
                }
                self.overflowing.store(false, Ordering::Relaxed);
            }
            Err(error) => {
                lost("database", rows.len() as u64);
                if !self.in_outage {
                    tracing::warn!(
                        %error,
                        "cannot record predictions: they are answered, and counted in prediction_history_lost_total until Postgres is back"
                    );
                    self.in_outage = true;
                }
            }
        }
    }

    async fn store(&self, rows: &[NewPrediction], days: &[DailyPredictions]) -> sqlx::Result<u64> {
        let mut tx = self.db.begin().await?;
        let stored = predictions::record(&mut tx, rows, days).await?;
        tx.commit().await?;
        Ok(stored)
    }
}

fn lost(reason: &'static str, rows: u64) {
    metrics::counter!("prediction_history_lost_total", "reason" => reason).increment(rows);
}

/// Help texts of the history's metrics, and their series from the start.
pub fn describe_metrics() {
    metrics::describe_counter!(
        "prediction_history_recorded_total",
        "Signed-in predictions written to the history"
    );
    metrics::describe_counter!(
        "prediction_history_lost_total",
        "Signed-in predictions answered but not written to the history, by reason (database, queue_full)"
    );
    metrics::counter!("prediction_history_recorded_total").increment(0);
    for reason in ["database", "queue_full"] {
        lost(reason, 0);
    }
}

/// Deletes, every hour, the entries older than `days` days, [`RETENTION_BATCH`] at a time so
/// no statement holds many locks.
pub async fn keep_within(db: PgPool, days: u32) {
    let mut every = tokio::time::interval(RETENTION_EVERY);
    loop {
        every.tick().await;
        let cutoff = Utc::now() - chrono::Duration::days(i64::from(days));
        match delete_older_than(&db, cutoff).await {
            Ok(0) => {}
            Ok(deleted) => tracing::info!(deleted, days, "deleted predictions past retention"),
            Err(error) => tracing::warn!(%error, "cannot apply the prediction retention"),
        }
    }
}

/// Deletes every entry made before `cutoff`, in small batches; returns how many.
pub async fn delete_older_than(db: &PgPool, cutoff: DateTime<Utc>) -> sqlx::Result<u64> {
    let mut total = 0;
    loop {
        let mut conn = db.acquire().await?;
        let deleted = predictions::delete_older_than(&mut conn, cutoff, RETENTION_BATCH).await?;
        total += deleted;
        if deleted < RETENTION_BATCH as u64 {
            return Ok(total);
        }
    }
}
