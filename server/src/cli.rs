//! Command-line subcommands. Later issues add `create-admin`.

use anyhow::Context as _;
use app::mail::Email;

use crate::config::Config;
use crate::startup::build_mailer;

pub const USAGE: &str = "\
Användning / usage: server [KOMMANDO]

  serve                     kör webbservern (standard) / run the web server (default)
  send-test-mail --to ADR   skicka ett testmejl med nuvarande inställningar / send a test e-mail
  help                      visa denna hjälp / show this help

Inställningar läses från utfall.toml och miljövariabler, se .env.example.";

/// A parsed command line.
#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    Serve,
    SendTestMail { to: String },
    Help,
}

/// Parses the arguments after the program name.
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let args: Vec<String> = args.into_iter().collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] | ["serve"] => Ok(Command::Serve),
        ["help"] | ["--help"] | ["-h"] => Ok(Command::Help),
        ["send-test-mail", "--to", to] => Ok(Command::SendTestMail { to: to.to_string() }),
        ["send-test-mail", ..] => Err("send-test-mail behöver --to ADRESS".into()),
        _ => Err(format!("okänt kommando: {}", args.join(" "))),
    }
}

/// Sends one e-mail through the configured transport, so an administrator can check the SMTP
/// settings before reminders depend on them.
pub async fn send_test_mail(config: &Config, to: &str) -> anyhow::Result<()> {
    let mailer = build_mailer(config)?;
    let email = Email {
        to: to.to_string(),
        subject: "Testmejl från Utfall".into(),
        body: format!(
            "Hej!\n\nDet här är ett testmejl från Utfall ({}). \
             Om du läser det fungerar e-postinställningarna.\n",
            config.base_url
        ),
    };
    mailer
        .send(&email)
        .await
        .with_context(|| format!("testmejlet till {to} kunde inte skickas"))?;
    println!("Testmejlet skickades till {to}.");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn no_arguments_serves() {
        assert_eq!(parse(args(&[])), Ok(Command::Serve));
    }

    #[test]
    fn send_test_mail_needs_a_recipient() {
        assert_eq!(
            parse(args(&["send-test-mail", "--to", "a@exempel.se"])),
            Ok(Command::SendTestMail {
                to: "a@exempel.se".into()
            })
        );
        assert!(parse(args(&["send-test-mail"])).is_err());
        assert!(parse(args(&["serva"])).is_err());
    }
}
