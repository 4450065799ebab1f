//! Delivery through an SMTP server (lettre).

use lettre::message::Mailbox;
use lettre::transport::smtp::response::Category;
use lettre::{SmtpTransport, Transport};

use super::{MailError, Mailer, OutgoingEmail, build_message};

/// Sends through the SMTP server of a URL: `smtp://host:port` (plain, or
/// STARTTLS with `?tls=required`), `smtps://user:password@host` (TLS).
pub struct SmtpMailer {
    transport: SmtpTransport,
    from: Mailbox,
}

impl SmtpMailer {
    /// A mailer for `url`, sending as `from`.
    pub fn from_url(url: &str, from: Mailbox) -> Result<Self, MailError> {
        let transport = SmtpTransport::from_url(url)
            .map_err(|e| MailError::Invalid(format!("SMTP URL: {e}")))?
            .timeout(Some(std::time::Duration::from_secs(30)))
            .build();
        Ok(Self { transport, from })
    }
}

impl Mailer for SmtpMailer {
    fn send(&self, email: &OutgoingEmail) -> Result<(), MailError> {
        let message = build_message(&self.from, email)?;
        self.transport.send(&message).map(drop).map_err(|e| {
            // A permanent refusal of this message (5.x: no such mailbox,
            // message rejected) is final; one of the sending itself (53x:
            // authentication, 50x: a command refused) is the server's or its
            // configuration's to mend, so it is tried again.
            let of_message = e
                .status()
                .is_some_and(|code| code.category == Category::MailSystem);
            if e.is_permanent() && of_message {
                MailError::Refused(e.to_string())
            } else {
                MailError::Transport(e.to_string())
            }
        })
    }
}
