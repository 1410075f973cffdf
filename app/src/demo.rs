//! Demo data ("Exempeldata"), seeded only in demo mode and only into an empty database.
//!
//! The organisation is real (Örebro kommun, kommunkod 1880); later issues add the Örebro
//! satsningar from DOMAIN.md, demo accounts and invented measure values, all labelled as
//! example data in the UI.

use chrono::{DateTime, Utc};

use crate::db::Db;
use crate::error::AppError;
use crate::organisation::{OrganisationInput, OrganisationKind, repo};

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
    repo::create(db, &orebro, now).await?;
    tracing::info!("demodata inlagd: Örebro kommun");
    Ok(true)
}
