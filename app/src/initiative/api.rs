//! Server functions for satsningar: authorize, validate, call the repository, map errors.

use chrono::NaiveDate;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::Initiative;
#[cfg(feature = "ssr")]
use super::Status;
use crate::error::AppError;
use crate::form::Saved;
use crate::party::Party;

/// Roles that may open the satsning pages at all.
pub const VIEW_ROLES: [crate::auth::Role; 5] = crate::auth::Role::ALL;

/// Filters of the list page (all optional; from the query string).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListFilter {
    pub status: Option<String>,
    pub part: Option<i64>,
    pub projektledare: Option<i64>,
    pub ar: Option<i32>,
    pub q: Option<String>,
}

impl ListFilter {
    /// `true` if `initiative` passes every filter that is set.
    pub fn matches(&self, initiative: &Initiative) -> bool {
        use chrono::Datelike;
        let status = self.status.as_deref().filter(|s| !s.is_empty());
        let text = self.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
        status.is_none_or(|s| initiative.status.as_db() == s)
            && self
                .part
                .is_none_or(|p| initiative.parties.iter().any(|x| x.id == p))
            && self.projektledare.is_none_or(|l| initiative.is_led_by(l))
            && self
                .ar
                .is_none_or(|year| initiative.start.year() <= year && initiative.end.year() >= year)
            && text.is_none_or(|q| {
                let q = q.to_lowercase();
                [
                    &initiative.name,
                    &initiative.summary,
                    &initiative.target_group,
                ]
                .iter()
                .any(|field| field.to_lowercase().contains(&q))
            })
    }
}

/// What the list page needs: the matching satsningar and the filter choices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InitiativeList {
    pub rows: Vec<Initiative>,
    /// All visible satsningar before filtering (for "x av y").
    pub visible: usize,
    pub parties: Vec<Party>,
    pub leads: Vec<(i64, String)>,
    pub may_create: bool,
    pub today: NaiveDate,
}

/// The satsningar the caller may see, filtered. (Flat optional arguments: an absent filter
/// is simply left out of the request.)
#[server(endpoint = "satsningar/lista")]
pub async fn list_initiatives(
    status: Option<String>,
    part: Option<i64>,
    projektledare: Option<i64>,
    ar: Option<i32>,
    q: Option<String>,
) -> Result<InitiativeList, AppError> {
    use crate::auth::Role;
    let filter = ListFilter {
        status,
        part,
        projektledare,
        ar,
        q,
    };
    let user = crate::auth::require(&VIEW_ROLES).await?;
    let db = expect_context::<crate::db::Db>();
    let all: Vec<Initiative> = super::repo::list(&db, user.organisation_id)
        .await?
        .into_iter()
        .filter(|i| super::may_view(&user, i))
        .collect();
    let visible = all.len();
    Ok(InitiativeList {
        rows: all.into_iter().filter(|i| filter.matches(i)).collect(),
        visible,
        parties: crate::party::repo::list(&db, user.organisation_id).await?,
        leads: crate::auth::repo::users_with_role(&db, user.organisation_id, Role::ProjectLead)
            .await?,
        may_create: user.has_any(&[Role::Admin, Role::Evaluator, Role::ProjectLead]),
        today: crate::sv::time::local_date(chrono::Utc::now()),
    })
}

/// The satsning `id` if the caller may see it; otherwise "not found", exactly as if it did not
/// exist (so ids of other satsningar reveal nothing).
#[cfg(feature = "ssr")]
pub async fn load_visible(id: i64) -> Result<(crate::auth::CurrentUser, Initiative), AppError> {
    let user = crate::auth::require(&VIEW_ROLES).await?;
    let db = expect_context::<crate::db::Db>();
    let initiative = super::repo::visible(&db, &user, id).await?;
    Ok((user, initiative))
}

/// The satsning for its edit form: refused (403) unless the caller may change it, so a refused
/// page carries no data.
#[server(endpoint = "satsningar/redigera")]
pub async fn initiative_for_editing(id: i64) -> Result<Initiative, AppError> {
    let (user, initiative) = load_visible(id).await?;
    if super::may_edit(&user, &initiative) {
        Ok(initiative)
    } else {
        Err(AppError::Forbidden)
    }
}

/// The choices of the satsning form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InitiativeChoices {
    pub parties: Vec<Party>,
    pub leads: Vec<(i64, String)>,
}

/// Parties and projektledare to choose from.
#[server(endpoint = "satsningar/val")]
pub async fn form_options() -> Result<InitiativeChoices, AppError> {
    use crate::auth::Role;
    let user = crate::auth::require(&[Role::Admin, Role::Evaluator, Role::ProjectLead]).await?;
    let db = expect_context::<crate::db::Db>();
    Ok(InitiativeChoices {
        parties: crate::party::repo::list(&db, user.organisation_id).await?,
        leads: crate::auth::repo::users_with_role(&db, user.organisation_id, Role::ProjectLead)
            .await?,
    })
}

/// The form validated against the parties the organisation has (and the satsning `current`
/// keeps), with the caller as projektledare when a projektledare saves it: they cannot remove
/// themself, and so lose the satsning, by editing it.
#[cfg(feature = "ssr")]
async fn parse_input(
    user: &crate::auth::CurrentUser,
    current: Option<i64>,
    mut form: super::InitiativeForm,
) -> Result<super::InitiativeInput, AppError> {
    use crate::auth::Role;
    if !user.has_any(&[Role::Admin, Role::Evaluator]) && !form.leads.contains(&user.id) {
        form.leads.push(user.id);
    }
    let db = expect_context::<crate::db::Db>();
    let parties = crate::party::repo::list_for(&db, user.organisation_id, current).await?;
    super::InitiativeInput::parse(&form, &parties)
}

/// Registers a new satsning (status "idé"). A projektledare who registers one leads it.
#[server(endpoint = "satsningar/skapa")]
pub async fn create_initiative(initiative: super::InitiativeForm) -> Result<Saved, AppError> {
    use crate::auth::Role;
    let user = crate::auth::require(&[Role::Admin, Role::Evaluator, Role::ProjectLead]).await?;
    let input = parse_input(&user, None, initiative).await?;
    let db = expect_context::<crate::db::Db>();
    let actor = user.actor();
    let id = super::repo::create(
        &db,
        Some(actor),
        user.organisation_id,
        &input,
        Status::Idea,
        false,
        chrono::Utc::now(),
    )
    .await?;
    Ok(Saved {
        redirect: format!("/satsningar/{id}?skapad=1"),
    })
}

/// Saves a satsning's details (admin/utvärderare; its projektledare until "beslutad").
#[server(endpoint = "satsningar/andra")]
pub async fn update_initiative(
    id: i64,
    initiative: super::InitiativeForm,
) -> Result<Saved, AppError> {
    let (user, before) = load_visible(id).await?;
    if !super::may_edit(&user, &before) {
        return Err(AppError::Forbidden);
    }
    let input = parse_input(&user, Some(id), initiative).await?;
    let db = expect_context::<crate::db::Db>();
    let actor = user.actor();
    super::repo::update(&db, actor, &before, &input, chrono::Utc::now()).await?;
    Ok(Saved {
        redirect: format!("/satsningar/{id}?sparad=1"),
    })
}
