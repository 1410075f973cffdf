//! Server functions for the register of parter: authorize, validate, call the repository.

use leptos::prelude::*;

use super::{Party, PartyForm, RegisteredParty};
use crate::error::AppError;
use crate::form::Saved;

/// The organisation's parties (anyone who may register satsningar needs the list).
#[server(endpoint = "parter/lista")]
pub async fn list_parties() -> Result<Vec<Party>, AppError> {
    let user =
        crate::auth::require(&[crate::auth::Role::Admin, crate::auth::Role::Evaluator]).await?;
    let db = expect_context::<crate::db::Db>();
    super::repo::list(&db, user.organisation_id).await
}

/// Every party of the organisation, inactive ones last, for the register page.
#[server(endpoint = "parter/register")]
pub async fn party_register() -> Result<Vec<RegisteredParty>, AppError> {
    let user =
        crate::auth::require(&[crate::auth::Role::Admin, crate::auth::Role::Evaluator]).await?;
    let db = expect_context::<crate::db::Db>();
    super::repo::register(&db, user.organisation_id).await
}

/// Lägg till part. (A new party is active: the form's `active` is not read.)
#[server(endpoint = "parter/skapa")]
pub async fn add_party(party: PartyForm) -> Result<Saved, AppError> {
    let user =
        crate::auth::require(&[crate::auth::Role::Admin, crate::auth::Role::Evaluator]).await?;
    let input = super::PartyInput::parse(&party)?;
    let db = expect_context::<crate::db::Db>();
    let actor = user.actor();
    super::repo::add(&db, actor, &input, chrono::Utc::now()).await?;
    Ok(Saved {
        redirect: "/parter?sparad=1".into(),
    })
}

/// Ändra part: name, verksamhetsområde or civil type, and whether it is active.
#[server(endpoint = "parter/andra")]
pub async fn update_party(part_id: i64, party: PartyForm) -> Result<Saved, AppError> {
    let user =
        crate::auth::require(&[crate::auth::Role::Admin, crate::auth::Role::Evaluator]).await?;
    let input = super::PartyInput::parse(&party)?;
    let db = expect_context::<crate::db::Db>();
    let actor = user.actor();
    let now = chrono::Utc::now();
    super::repo::update(&db, actor, part_id, &input, party.active, now).await?;
    Ok(Saved {
        redirect: format!("/parter?andrad=1#part-{part_id}"),
    })
}
