//! A real SMTP server for the mail tests: maildev (from npm, installed by
//! `tests/mail/setup.sh`), the same mail catcher the compose `mail` profile runs, on free
//! loopback ports, with its REST API to read what arrived. Stopped when dropped.

use crate::eventually;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A mail as the catcher received it.
#[derive(Debug, Clone, Deserialize)]
pub struct CaughtMail {
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    pub to: Vec<Address>,
}

/// One recipient.
#[derive(Debug, Clone, Deserialize)]
pub struct Address {
    pub address: String,
}

impl CaughtMail {
    /// Whether it was sent to `address` (any letter case).
    pub fn is_to(&self, address: &str) -> bool {
        self.to
            .iter()
            .any(|to| to.address.eq_ignore_ascii_case(address))
    }

    /// The first link in the text body that starts with `prefix`.
    pub fn link(&self, prefix: &str) -> Option<String> {
        let start = self.text.find(prefix)?;
        let link = self.text[start..].split_whitespace().next()?;
        Some(link.to_owned())
    }
}

/// The catcher: SMTP on `smtp_port`, its web inbox and REST API on `web_port`.
#[derive(Debug)]
pub struct MailCatcher {
    pub smtp_port: u16,
    pub web_port: u16,
    process: Option<Child>,
    client: reqwest::Client,
}

impl MailCatcher {
    /// Starts maildev on two free ports and waits until it answers.
    pub async fn start() -> Self {
        let mut catcher = Self {
            smtp_port: free_port(),
            web_port: free_port(),
            process: None,
            client: reqwest::Client::new(),
        };
        catcher.resume().await;
        catcher
    }

    /// `SMTP_URL` for the backend: plain SMTP on loopback.
    pub fn smtp_url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.smtp_port)
    }

    /// Stops the server: nothing listens on its SMTP port until [`MailCatcher::resume`].
    pub fn stop(&mut self) {
        if let Some(mut process) = self.process.take() {
            let _ = process.kill();
            let _ = process.wait();
        }
    }

    /// Starts the server again on the same ports (it has forgotten what it had received).
    pub async fn resume(&mut self) {
        self.stop();
        let process = Command::new(maildev())
            .args([
                "--ip",
                "127.0.0.1",
                "--smtp",
                &self.smtp_port.to_string(),
                "--web",
                &self.web_port.to_string(),
                "--silent",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("maildev starts");
        self.process = Some(process);
        let smtp = format!("127.0.0.1:{}", self.smtp_port);
        eventually("the mail catcher answering", async || {
            let web = self.client.get(self.api("/email")).send().await.ok()?;
            let smtp = tokio::net::TcpStream::connect(&smtp).await.ok()?;
            drop(smtp);
            web.status().is_success().then_some(())
        })
        .await;
    }

    /// Every mail received so far, oldest first.
    pub async fn mails(&self) -> Vec<CaughtMail> {
        self.client
            .get(self.api("/email"))
            .send()
            .await
            .expect("the mail catcher answers")
            .json()
            .await
            .expect("the mail catcher answers a list of mails")
    }

    /// Waits for a mail to `address` whose subject contains `subject`, and answers it.
    pub async fn wait_for(&self, address: &str, subject: &str) -> CaughtMail {
        eventually(&format!("a mail \"{subject}\" to {address}"), async || {
            self.mails()
                .await
                .into_iter()
                .rev()
                .find(|mail| mail.is_to(address) && mail.subject.contains(subject))
        })
        .await
    }

    fn api(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.web_port)
    }
}

impl Drop for MailCatcher {
    fn drop(&mut self) {
        self.stop();
    }
}

/// `LIFEBOAT_MAILDEV`, else the maildev `tests/mail/setup.sh` installs.
fn maildev() -> PathBuf {
    let path = std::env::var_os("LIFEBOAT_MAILDEV").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../mail/node_modules/.bin/maildev"),
        PathBuf::from,
    );
    assert!(
        path.exists(),
        "{} is missing: run tests/mail/setup.sh (or set LIFEBOAT_MAILDEV)",
        path.display()
    );
    path
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}
