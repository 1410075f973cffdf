//! Demo data ("Exempeldata"), seeded only in demo mode and only into an empty database.
//!
//! The organisation is real (Örebro kommun, kommunkod 1880), with one demo account per role
//! (password [`DEMO_PASSWORD`]); later issues add the Örebro satsningar from DOMAIN.md and
//! invented measure values, all labelled as example data in the UI. Demo accounts exist only
//! when demo data is seeded, never otherwise.

use chrono::{DateTime, Utc};

use crate::auth::Role;
use crate::auth::repo::NewUser;
use crate::db::Db;
use crate::error::AppError;
use crate::organisation::{OrganisationInput, OrganisationKind, repo};

/// Password of every demo account (printed by `make run`; demo mode only).
pub const DEMO_PASSWORD: &str = "utfall-demo";

/// The demo accounts: one per role.
pub const DEMO_ACCOUNTS: [(&str, &str, Role); 5] = [
    ("admin@exempel.se", "Alva Admin (exempel)", Role::Admin),
    (
        "utvarderare@exempel.se",
        "Ulf Utvärderare (exempel)",
        Role::Evaluator,
    ),
    (
        "beredning@exempel.se",
        "Berit Beredning (exempel)",
        Role::Review,
    ),
    (
        "projektledare@exempel.se",
        "Pia Projektledare (exempel)",
        Role::ProjectLead,
    ),
    ("lasare@exempel.se", "Lars Läsare (exempel)", Role::Reader),
];

/// Seeds the demo data unless the database already holds organisations. Returns whether it
/// seeded, so a restart never duplicates or overwrites anything.
pub async fn seed_if_empty(db: &Db, now: DateTime<Utc>) -> Result<bool, AppError> {
    if repo::count(db).await? > 0 {
        return Ok(false);
    }
    let orebro = OrganisationInput {
        code: "1880".into(),
        name: "Örebro kommun".into(),
        kind: OrganisationKind::Municipality,
    };
    let organisation = repo::create(db, &orebro, now).await?;
    let hash = crate::auth::password::hash(DEMO_PASSWORD.to_string()).await?;
    for (email, name, role) in DEMO_ACCOUNTS {
        let user = NewUser {
            organisation_id: organisation.id,
            name: name.to_string(),
            email: email.to_string(),
            password_hash: hash.clone(),
            roles: vec![role],
        };
        crate::auth::repo::create_user(db, None, &user, now).await?;
    }
    tracing::info!("demodata inlagd: Örebro kommun och demokonton");
    Ok(true)
}
