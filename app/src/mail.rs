//! Sending e-mail: through an SMTP server, or (when none is configured) into a folder.
//!
//! The folder mode keeps a development machine or a demo from needing a mail server: every
//! message is written as an `.eml` file that any mail program opens. Application mail goes
//! through the outbox (`crate::outbox`), so that several app instances deliver each message
//! exactly once; this module is only the last step, the transport.
//!
//! Header injection is impossible by construction: every header is built by lettre's typed
//! builders (names and subjects become RFC 2047 encoded words when they need to), and the
//! display name and subject are flattened to one line first, so a line break typed into a name
//! can never start a header of its own.

use std::path::PathBuf;

use lettre::message::{Mailbox, MultiPart, header::ContentType};
use lettre::transport::smtp::AsyncSmtpTransport;
use lettre::{AsyncFileTransport, AsyncTransport, Message, Tokio1Executor};

/// The address users reach Utfall at, for links in e-mails (from `UTFALL_BASE_URL`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl(pub String);

/// An e-mail to send. Plain text keeps it readable everywhere, including screen readers; an
/// HTML part, when there is one, is sent next to it as an alternative.
#[derive(Debug, Clone, Default)]
pub struct Email {
    /// The recipient's address.
    pub to: String,
    /// The recipient's name, shown by mail programs ("Anna Berg <anna@…>").
    pub to_name: Option<String>,
    pub subject: String,
    /// The plain-text body.
    pub body: String,
    /// The HTML body, if any.
    pub html: Option<String>,
    /// The `Message-ID` header without its angle brackets' domain part: a stable id (the
    /// outbox derives it from the idempotency key), so a message sent twice is recognisably
    /// one message. `None` lets lettre pick a random one.
    pub message_id: Option<String>,
}

/// `text` on one line: line breaks and other control characters become single spaces.
pub fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Why a message could not be sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("ogiltig e-postadress: {0}")]
    Address(String),
    #[error("meddelandet kunde inte byggas: {0}")]
    Build(#[from] lettre::error::Error),
    #[error("SMTP: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    #[error("e-postmappen: {0}")]
    File(#[from] lettre::transport::file::Error),
    #[error("UTFALL_SMTP_URL: ogiltig adress / invalid URL: {0}")]
    Config(String),
}

/// The configured mail transport.
#[derive(Clone)]
pub enum Mailer {
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        from: Mailbox,
    },
    Folder {
        transport: AsyncFileTransport<Tokio1Executor>,
        folder: PathBuf,
        from: Mailbox,
    },
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the SMTP URL: it may carry a password.
        match self {
            Mailer::Smtp { from, .. } => write!(f, "Mailer::Smtp(from {from})"),
            Mailer::Folder { folder, .. } => write!(f, "Mailer::Folder({})", folder.display()),
        }
    }
}

impl Mailer {
    /// A transport for `smtp://user:pass@host:port` (or `smtps://`), sending as `from`.
    pub fn smtp(url: &str, from: &str) -> Result<Self, MailError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| MailError::Config(e.to_string()))?
            .build();
        Ok(Mailer::Smtp {
            transport,
            from: parse_mailbox(from)?,
        })
    }

    /// A transport that writes each message as an `.eml` file into `folder` (created if missing).
    pub fn folder(folder: impl Into<PathBuf>, from: &str) -> Result<Self, MailError> {
        let folder = folder.into();
        std::fs::create_dir_all(&folder)
            .map_err(|e| MailError::Config(format!("{}: {e}", folder.display())))?;
        Ok(Mailer::Folder {
            transport: AsyncFileTransport::new(&folder),
            folder,
            from: parse_mailbox(from)?,
        })
    }

    /// Sends one message.
    pub async fn send(&self, email: &Email) -> Result<(), MailError> {
        let from = match self {
            Mailer::Smtp { from, .. } | Mailer::Folder { from, .. } => from.clone(),
        };
        let mut to = parse_mailbox(&email.to)?;
        if let Some(name) = email.to_name.as_deref().map(one_line)
            && !name.is_empty()
        {
            to.name = Some(name);
        }
        let domain = from.email.domain().to_string();
        let builder = Message::builder()
            .from(from)
            .to(to)
            .subject(one_line(&email.subject))
            .message_id(
                email
                    .message_id
                    .as_ref()
                    .map(|id| format!("<{id}@{domain}>")),
            );
        let message = match &email.html {
            Some(html) => builder.multipart(MultiPart::alternative_plain_html(
                email.body.clone(),
                html.clone(),
            ))?,
            None => builder
                .header(ContentType::TEXT_PLAIN)
                .body(email.body.clone())?,
        };
        match self {
            Mailer::Smtp { transport, .. } => {
                transport.send(message).await?;
            }
            Mailer::Folder { transport, .. } => {
                transport.send(message).await?;
            }
        }
        Ok(())
    }
}

fn parse_mailbox(address: &str) -> Result<Mailbox, MailError> {
    address
        .parse()
        .map_err(|_| MailError::Address(address.to_string()))
}
