//! Development mailers: write each message to a `.eml` file, or to the log.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use lettre::message::Mailbox;

use super::{MailError, Mailer, OutgoingEmail, build_message};

/// Writes each message as an `.eml` file (openable by any mail client).
pub struct FileMailer {
    dir: PathBuf,
    from: Mailbox,
    sequence: AtomicU64,
}

impl FileMailer {
    /// A mailer writing into `dir` (created when missing).
    pub fn new(dir: impl Into<PathBuf>, from: Mailbox) -> Result<Self, MailError> {
        let dir = dir.into();
        std::fs::create_dir_all(&dir)
            .map_err(|e| MailError::Transport(format!("{}: {e}", dir.display())))?;
        Ok(Self {
            dir,
            from,
            sequence: AtomicU64::new(0),
        })
    }
}

impl Mailer for FileMailer {
    fn send(&self, email: &OutgoingEmail) -> Result<(), MailError> {
        let message = build_message(&self.from, email)?;
        let n = self.sequence.fetch_add(1, Ordering::Relaxed);
        let path = self.dir.join(format!("{}-{n:06}.eml", std::process::id()));
        std::fs::write(&path, message.formatted())
            .map_err(|e| MailError::Transport(format!("{}: {e}", path.display())))
    }
}

/// Logs each message's recipient and subject (never its body, which may
/// hold a one-time link).
pub struct LogMailer;

impl Mailer for LogMailer {
    fn send(&self, email: &OutgoingEmail) -> Result<(), MailError> {
        tracing::info!(to = %email.to, subject = %email.subject, "email (log mailer: not sent)");
        Ok(())
    }
}
