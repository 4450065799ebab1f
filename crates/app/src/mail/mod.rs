//! Outgoing email: the [`Mailer`] port and its implementations. Use cases
//! never send directly; they queue an [`OutgoingEmail`] in the outbox
//! (`crate::outbox`) and the delivery worker calls the mailer after commit.

mod file;
mod smtp;

pub use file::{FileMailer, LogMailer};
pub use smtp::SmtpMailer;

/// An email to send.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OutgoingEmail {
    /// Recipient address.
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub text: String,
    /// HTML body, sent as an alternative when present.
    pub html: Option<String>,
}

/// Why an email could not be sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The message itself is wrong (bad address): retrying cannot help.
    #[error("invalid email: {0}")]
    Invalid(String),
    /// The transport failed (server down, busy, a 4xx reply): try again
    /// later.
    #[error("cannot deliver email: {0}")]
    Transport(String),
    /// The mail server refused the message for good (a 55x reply: no such
    /// mailbox, message rejected): sending it again would be refused again.
    #[error("email refused by the mail server: {0}")]
    Refused(String),
}

/// Sends email. Implementations: SMTP (production), files or logs
/// (development).
pub trait Mailer: Send + Sync {
    /// Sends one message.
    fn send(&self, email: &OutgoingEmail) -> Result<(), MailError>;
}

/// Builds the RFC 5322 message shared by the SMTP and file mailers.
fn build_message(
    from: &lettre::message::Mailbox,
    email: &OutgoingEmail,
) -> Result<lettre::Message, MailError> {
    use lettre::message::{MultiPart, SinglePart};
    let to = email
        .to
        .parse()
        .map_err(|e| MailError::Invalid(format!("recipient '{}': {e}", email.to)))?;
    let builder = lettre::Message::builder()
        .from(from.clone())
        .to(to)
        .subject(email.subject.clone());
    let built = match &email.html {
        Some(html) => builder.multipart(MultiPart::alternative_plain_html(
            email.text.clone(),
            html.clone(),
        )),
        None => builder.singlepart(SinglePart::plain(email.text.clone())),
    };
    built.map_err(|e| MailError::Invalid(e.to_string()))
}

/// Parses a sender like `Prelevo <no-reply@example.com>`.
pub fn parse_sender(from: &str) -> Result<lettre::message::Mailbox, MailError> {
    from.parse()
        .map_err(|e| MailError::Invalid(format!("sender '{from}': {e}")))
}
