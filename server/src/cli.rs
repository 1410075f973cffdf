//! Command-line subcommands. Later issues add `create-admin`.

use anyhow::Context as _;
use app::mail::Email;

use crate::config::Config;
use crate::startup::build_mailer;

pub const USAGE: &str = "\
Användning / usage: server [KOMMANDO]

  serve                     kör webbservern (standard) / run the web server (default)
  send-test-mail --to ADR   skicka ett testmejl med nuvarande inställningar / send a test e-mail
  create-admin --email ADR --name NAMN --org-code KOD [--org-name NAMN]
                            skapa en administratör (lösenordet läses från standard in);
                            organisationen skapas om koden är ny / create the first admin
  help                      visa denna hjälp / show this help

Inställningar läses från utfall.toml och miljövariabler, se .env.example.";

/// A parsed command line.
#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    Serve,
    SendTestMail { to: String },
    CreateAdmin(CreateAdmin),
    Help,
}

/// Arguments of `create-admin`.
#[derive(Debug, PartialEq, Eq, Default)]
pub struct CreateAdmin {
    pub email: String,
    pub name: String,
    pub org_code: String,
    pub org_name: Option<String>,
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
        ["create-admin", rest @ ..] => parse_create_admin(rest),
        _ => Err(format!("okänt kommando: {}", args.join(" "))),
    }
}

fn parse_create_admin(args: &[&str]) -> Result<Command, String> {
    let mut admin = CreateAdmin::default();
    let mut pairs = args.chunks(2);
    for pair in pairs.by_ref() {
        match pair {
            ["--email", v] => admin.email = v.to_string(),
            ["--name", v] => admin.name = v.to_string(),
            ["--org-code", v] => admin.org_code = v.to_string(),
            ["--org-name", v] => admin.org_name = Some(v.to_string()),
            _ => return Err(format!("create-admin: okänt argument {}", pair.join(" "))),
        }
    }
    if admin.email.is_empty() || admin.name.is_empty() || admin.org_code.is_empty() {
        return Err("create-admin behöver --email, --name och --org-code".into());
    }
    Ok(Command::CreateAdmin(admin))
}

/// Creates an administrator (the first one in a production installation). The password is
/// read from standard input so it never appears in the shell history or process list.
pub async fn create_admin(config: &Config, args: &CreateAdmin) -> anyhow::Result<()> {
    use app::auth::{Role, is_plausible_email, password, password_problem, repo::NewUser};
    use app::db::{Db, DbOptions};
    use app::organisation::{OrganisationInput, repo as organisations};

    if !is_plausible_email(&args.email) {
        anyhow::bail!("--email: \"{}\" är ingen e-postadress", args.email);
    }
    let mut password = String::new();
    std::io::stdin()
        .read_line(&mut password)
        .context("lösenordet kunde inte läsas från standard in")?;
    let password = password.trim_end_matches(['\r', '\n']).to_string();
    if let Some(problem) = password_problem(&password) {
        anyhow::bail!("lösenordet: {problem}");
    }
    let db = Db::connect(config.database_url(), &DbOptions::default()).await?;
    let now = chrono::Utc::now();
    let organisation = match organisations::find_by_code(&db, &args.org_code).await? {
        Some(organisation) => organisation,
        None => {
            let Some(name) = &args.org_name else {
                anyhow::bail!(
                    "organisationen {} finns inte; ange --org-name för att skapa den",
                    args.org_code
                );
            };
            let kind = if args.org_code.trim().len() == 2 {
                "region"
            } else {
                "kommun"
            };
            let input = OrganisationInput::parse(&args.org_code, name, kind)
                .map_err(|e| anyhow::anyhow!("organisationen: {e:?}"))?;
            organisations::create(&db, &input, now).await?
        }
    };
    let user = NewUser {
        organisation_id: organisation.id,
        name: args.name.trim().to_string(),
        email: args.email.trim().to_string(),
        password_hash: password::hash(password).await?,
        roles: vec![Role::Admin],
    };
    app::auth::repo::create_user(&db, None, &user, now)
        .await
        .map_err(|e| match e.message_for("epost") {
            Some(message) => anyhow::anyhow!("--email: {message}"),
            None => anyhow::anyhow!(e),
        })?;
    db.close().await;
    println!(
        "Administratören {} skapades i {}.",
        user.email, organisation.name
    );
    Ok(())
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
