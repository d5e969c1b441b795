//! Where the log goes: stdout behind one buffer that every thread shares, written in batches.

use std::io::{BufWriter, Write};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use tracing::Level;
use tracing_subscriber::fmt::MakeWriter;

/// Writes what is still buffered when dropped. Hold it for the whole of `main`.
#[derive(Debug)]
#[must_use = "buffered log lines are written out when the guard is dropped"]
pub struct LogGuard(BatchedStdout);

impl LogGuard {
    pub(crate) fn new(out: BatchedStdout) -> Self {
        Self(out)
    }
}

impl Drop for LogGuard {
    fn drop(&mut self) {
        self.0.flush();
    }
}

/// How long a log line may wait in the buffer before it is written.
pub(crate) const LOG_FLUSH_EVERY: Duration = Duration::from_millis(100);

/// The log's output (stdout) behind one buffer shared by every thread; each line goes in
/// whole under the lock.
#[derive(Clone)]
pub(crate) struct BatchedStdout(Arc<Mutex<BufWriter<Output>>>);

type Output = Box<dyn Write + Send>;

impl std::fmt::Debug for BatchedStdout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BatchedStdout")
    }
}

impl BatchedStdout {
    pub(crate) fn new(out: Output) -> Self {
        Self(Arc::new(Mutex::new(BufWriter::with_capacity(
            64 * 1024,
            out,
        ))))
    }

    fn line(&self, urgent: bool) -> Line<'_> {
        Line {
            // A thread that panicked while writing leaves the buffer usable.
            out: self.0.lock().unwrap_or_else(PoisonError::into_inner),
            urgent,
        }
    }

    /// Adds one whole line (INFO: written with the next batch).
    pub(crate) fn write_line(&self, line: &[u8]) -> std::io::Result<()> {
        self.line(false).write_all(line)
    }

    fn flush(&self) {
        if let Ok(mut out) = self.0.lock() {
            let _ = out.flush();
        }
    }

    /// Flushes from a small thread of its own, so a quiet service's lines appear promptly.
    pub(crate) fn flush_every(&self, period: Duration) {
        let out = self.clone();
        let spawned = std::thread::Builder::new()
            .name("log-flush".into())
            .stack_size(64 * 1024)
            .spawn(move || {
                loop {
                    std::thread::sleep(period);
                    out.flush();
                }
            });
        if let Err(error) = spawned {
            eprintln!("cannot start the log flush thread ({error}); lines are written at once");
        }
    }
}

/// One log line's writer: holds the buffer until the line is in.
pub(crate) struct Line<'a> {
    out: MutexGuard<'a, BufWriter<Output>>,
    urgent: bool,
}

impl Write for Line<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.out.write(bytes)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

impl Drop for Line<'_> {
    fn drop(&mut self) {
        if self.urgent {
            let _ = self.out.flush();
        }
    }
}

impl<'a> MakeWriter<'a> for BatchedStdout {
    type Writer = Line<'a>;

    fn make_writer(&'a self) -> Line<'a> {
        self.line(false)
    }

    fn make_writer_for(&'a self, meta: &tracing::Metadata<'_>) -> Line<'a> {
        self.line(*meta.level() <= Level::WARN)
    }
}
