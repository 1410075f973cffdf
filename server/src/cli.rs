//! Command-line subcommands: serve, send-test-mail, create-admin, backup.

use std::path::{Path, PathBuf};
use std::str::FromStr as _;

use anyhow::Context as _;
use app::mail::Email;

use crate::config::Config;
use crate::startup::build_mailer;

pub const USAGE: &str = "\
Användning / usage: server [KOMMANDO]

  serve                     kör webbservern (standard) / run the web server (default)
  send-test-mail --to ADR   skicka ett testmejl med nuvarande inställningar / send a test e-mail
  create-admin --email ADR --name NAMN --org-code KOD [--org-name NAMN]
                            skapa en processledare med administratörsbehörighet (lösenordet läses från standard in);
                            organisationen skapas om koden är ny / create the first admin
  backup --to FIL           skriv en säkerhetskopia av SQLite-databasen till FIL, även medan
                            servern kör; FIL får inte finnas / back up the SQLite database
  help                      visa denna hjälp / show this help

Inställningar läses från utfall.toml och miljövariabler, se .env.example.";

/// A parsed command line.
#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    Serve,
    SendTestMail { to: String },
    CreateAdmin(CreateAdmin),
    Backup { to: PathBuf },
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
        ["backup", "--to", to] if !to.is_empty() => Ok(Command::Backup { to: to.into() }),
        ["backup", ..] => Err("backup behöver --to FIL".into()),
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
        .map_err(|e| match e.message_for("user[email]") {
            Some(message) => anyhow::anyhow!("--email: {message}"),
            None => anyhow::anyhow!(e),
        })?;
    db.close().await;
    println!(
        "Processledaren {} skapades i {}.",
        user.email, organisation.name
    );
    Ok(())
}

/// What `backup` says for a PostgreSQL database: the server's own tool does it better.
const POSTGRES_BACKUP: &str = "DATABASE_URL pekar på PostgreSQL; `server backup` gäller \
SQLite-databasen. Säkerhetskopiera PostgreSQL med pg_dump, t.ex. \
`pg_dump --format=custom --file=utfall.dump \"$DATABASE_URL\"`, och återställ med pg_restore \
(se README, \"Säkerhetskopiering och återställning\").";

/// Writes a consistent copy of the SQLite database to `to`, also while the server runs and
/// writes: `VACUUM INTO` reads one snapshot (one read transaction; in WAL mode writers carry
/// on). The copy is written under a temporary name in the same folder, synced to disk, checked
/// with `PRAGMA integrity_check` and only then given its name, so `to` is either a complete,
/// checked backup or absent. An existing `to` is never overwritten.
pub async fn backup(config: &Config, to: &Path) -> anyhow::Result<()> {
    use sqlx::sqlite::SqliteConnectOptions;
    use sqlx::{ConnectOptions as _, Connection as _};

    let url = config.database_url();
    if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        anyhow::bail!(POSTGRES_BACKUP);
    }
    let options = SqliteConnectOptions::from_str(url)
        .context("DATABASE_URL: ogiltig adress till SQLite-databasen")?;
    let source = options.get_filename().to_path_buf();
    if url.contains(":memory:") || url.contains("mode=memory") {
        anyhow::bail!("DATABASE_URL: en databas i minnet kan inte säkerhetskopieras");
    }
    if !source.is_file() {
        anyhow::bail!("databasen {} finns inte (DATABASE_URL)", source.display());
    }
    if to.symlink_metadata().is_ok() {
        anyhow::bail!(
            "{} finns redan; en säkerhetskopia skriver aldrig över en fil. Välj ett nytt filnamn.",
            to.display()
        );
    }
    let Some(name) = to.file_name().and_then(|n| n.to_str()) else {
        anyhow::bail!("--to: \"{}\" är inget filnamn", to.display());
    };
    let folder = match to.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !folder.is_dir() {
        anyhow::bail!("--to: mappen {} finns inte", folder.display());
    }
    // Same folder, so the final rename stays on one file system and is atomic.
    let partial = folder.join(format!(".{name}.{}.ofullstandig", std::process::id()));
    let _cleanup = RemoveOnDrop(&partial);
    let Some(partial_text) = partial.to_str() else {
        anyhow::bail!("--to: sökvägen {} går inte att använda", partial.display());
    };

    // Read-only and without migrations: a backup must never change the database it copies
    // (a newer binary would otherwise migrate a database an older server is still using).
    let mut connection = options
        .read_only(true)
        .create_if_missing(false)
        .busy_timeout(std::time::Duration::from_secs(30))
        .connect()
        .await
        .with_context(|| format!("databasen {} kunde inte öppnas", source.display()))?;
    sqlx::query("VACUUM INTO $1")
        .bind(partial_text)
        .execute(&mut connection)
        .await
        .with_context(|| format!("säkerhetskopian till {} kunde inte skrivas", to.display()))?;
    connection.close().await.ok();

    // SQLite does not sync the file VACUUM INTO writes; a backup must survive a power cut.
    std::fs::File::open(&partial)
        .and_then(|file| file.sync_all())
        .context("säkerhetskopian kunde inte skrivas till disken")?;
    check_integrity(&partial).await?;
    publish(&partial, to)?;
    // The new name must reach the disk too; not every platform can sync a folder.
    let _ = std::fs::File::open(&folder).and_then(|dir| dir.sync_all());

    let size = std::fs::metadata(to)?.len();
    let shown = std::fs::canonicalize(to).unwrap_or_else(|_| to.to_path_buf());
    println!(
        "Säkerhetskopian är skriven och kontrollerad: {} ({}).",
        shown.display(),
        human_size(size)
    );
    Ok(())
}

/// `PRAGMA integrity_check` on the finished copy, before it gets its name.
async fn check_integrity(copy: &Path) -> anyhow::Result<()> {
    use sqlx::sqlite::SqliteConnectOptions;
    use sqlx::{ConnectOptions as _, Connection as _};

    // Immutable: nobody else has the copy open, and no -wal/-shm files appear beside it.
    let mut connection = SqliteConnectOptions::new()
        .filename(copy)
        .read_only(true)
        .immutable(true)
        .connect()
        .await
        .context("säkerhetskopian kunde inte öppnas för kontroll")?;
    let problems: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut connection)
        .await
        .context("säkerhetskopian kunde inte kontrolleras")?;
    connection.close().await.ok();
    if problems != ["ok"] {
        anyhow::bail!(
            "säkerhetskopian klarade inte integrity_check och sparades inte: {}",
            problems.join("; ")
        );
    }
    Ok(())
}

/// Gives the finished copy its name without ever replacing a file that appeared meanwhile:
/// a hard link fails if the name is taken, a rename would not.
fn publish(partial: &Path, to: &Path) -> anyhow::Result<()> {
    match std::fs::hard_link(partial, to) {
        Ok(()) => {
            std::fs::remove_file(partial).ok();
            Ok(())
        }
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => anyhow::bail!(
            "{} skapades medan säkerhetskopian skrevs; den skrivs inte över. Välj ett nytt filnamn.",
            to.display()
        ),
        // File systems without hard links: check, then rename (a small window remains).
        Err(_) if to.symlink_metadata().is_err() => std::fs::rename(partial, to)
            .with_context(|| format!("säkerhetskopian kunde inte få namnet {}", to.display())),
        Err(_) => anyhow::bail!("{} finns redan; den skrivs inte över", to.display()),
    }
}

/// Removes a half-written backup when `backup` stops early.
struct RemoveOnDrop<'a>(&'a Path);

impl Drop for RemoveOnDrop<'_> {
    fn drop(&mut self) {
        if self.0.exists() {
            let _ = std::fs::remove_file(self.0);
        }
    }
}

/// A file size as a person reads it, Swedish style: "1,4 MB".
fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["kB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} byte");
    }
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit]).replace('.', ",")
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
        ..Email::default()
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

    #[test]
    fn backup_needs_a_file() {
        assert_eq!(
            parse(args(&["backup", "--to", "kopia.db"])),
            Ok(Command::Backup {
                to: PathBuf::from("kopia.db")
            })
        );
        assert!(parse(args(&["backup"])).is_err());
        assert!(parse(args(&["backup", "--to", ""])).is_err());
    }

    #[test]
    fn sizes_read_the_swedish_way() {
        assert_eq!(human_size(512), "512 byte");
        assert_eq!(human_size(1_400_000), "1,4 MB");
        assert_eq!(human_size(2_000_000_000), "2,0 GB");
    }
}
