//! The mails with a one-time password link (new account, reset): their Swedish text (pure).
//! They go out through the outbox, queued in the transaction that creates the link.

use crate::outbox::{KIND_PASSWORD_LINK, NewMail};

/// Which password mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkKind {
    /// A new account, created by the admin named `by`: valid 7 days.
    Welcome { by: String },
    /// A new password: valid 2 hours.
    Reset,
}

/// To whom a password link is mailed, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkMail {
    pub kind: LinkKind,
    pub name: String,
    pub email: String,
    /// `UTFALL_BASE_URL`, without a trailing slash.
    pub base_url: String,
}

/// The outbox row for the link with `token` to user `user_id`. `token_hash` names the link in
/// the idempotency key (the token itself never leaves the mail body).
pub fn compose(
    mail: &LinkMail,
    organisation_id: i64,
    user_id: i64,
    token: &str,
    token_hash: &str,
) -> NewMail {
    let LinkMail {
        name,
        email,
        base_url,
        ..
    } = mail;
    let link = format!("{base_url}/losenord/{token}");
    let (subject, text) = match &mail.kind {
        LinkKind::Welcome { by } => (
            "Välkommen till Utfall – välj ditt lösenord".to_string(),
            format!(
                "Hej {name}!\n\n{by} har skapat ett konto åt dig i Utfall, kommunens verktyg för \
                 uppföljning av sociala investeringar.\n\nVälj ditt lösenord här (länken fungerar \
                 en gång och i 7 dagar):\n{link}\n\nDu loggar in med e-postadressen {email}.\n\n\
                 Har du inte väntat dig det här mejlet kan du bortse från det.\n"
            ),
        ),
        LinkKind::Reset => (
            "Nytt lösenord till Utfall".to_string(),
            format!(
                "Hej {name}!\n\nDu kan välja ett nytt lösenord till Utfall här (länken fungerar \
                 en gång och i 2 timmar):\n{link}\n\nHar du inte bett om det kan du bortse från \
                 mejlet; ditt nuvarande lösenord fungerar som vanligt.\n"
            ),
        ),
    };
    NewMail {
        organisation_id,
        key: format!(
            "losenordslank:{user_id}:{}",
            &token_hash[..token_hash.len().min(16)]
        ),
        kind: KIND_PASSWORD_LINK.into(),
        recipient_user_id: Some(user_id),
        recipient_name: name.clone(),
        recipient_address: email.clone(),
        subject,
        text,
        html: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_link_is_at_the_base_url_and_the_key_names_the_link_not_the_token() {
        let mail = LinkMail {
            kind: LinkKind::Reset,
            name: "Anna Berg".into(),
            email: "anna@exempel.se".into(),
            base_url: "https://utfall.orebro.se".into(),
        };
        let row = compose(&mail, 1, 7, "hemligt", "abcdef0123456789ffff");
        assert!(
            row.text
                .contains("https://utfall.orebro.se/losenord/hemligt")
        );
        assert_eq!(row.key, "losenordslank:7:abcdef0123456789");
        assert!(!row.key.contains("hemligt"));
        assert_eq!(row.recipient_address, "anna@exempel.se");
    }
}
