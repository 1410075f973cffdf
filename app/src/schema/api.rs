//! Server functions for the utvärderingsschema.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::Schema;
use crate::error::AppError;
use crate::form::Saved;
use crate::initiative::Status;
use crate::party::Party;

/// What the schema pages show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchemaPageData {
    pub initiative_id: i64,
    pub initiative_name: String,
    pub status: Status,
    pub is_example: bool,
    pub schema: Schema,
    pub missing: Vec<String>,
    pub may_edit: bool,
    /// Nämnder that can benefit from an economic effect.
    pub parties: Vec<Party>,
    /// The organisation's name, for the printout's header.
    pub organisation_name: String,
    /// Today in Sweden, "2 december 2026", for the printout's header.
    pub today: String,
}

/// A measure's latest value with its light and a sparkline of the last twelve, for the editor's
/// measure tables (loaded by `pages::schema`, which may read the reported values).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LatestValue {
    pub measure_id: i64,
    /// "62,5 % (okt 2026)".
    pub text: String,
    pub light: crate::light::Light,
    pub sparkline: Option<String>,
}

#[cfg(feature = "ssr")]
async fn editable(
    id: i64,
) -> Result<
    (
        crate::auth::CurrentUser,
        crate::initiative::Initiative,
        crate::audit::Actor,
    ),
    AppError,
> {
    let (user, initiative) = crate::initiative::api::load_visible(id).await?;
    if !crate::initiative::may_edit(&user, &initiative) {
        return Err(AppError::Forbidden);
    }
    let actor = user.actor();
    Ok((user, initiative, actor))
}

/// The schema of a satsning the caller may see.
#[server(endpoint = "schema/visa")]
pub async fn schema_view(id: i64) -> Result<SchemaPageData, AppError> {
    let (user, initiative) = crate::initiative::api::load_visible(id).await?;
    page_data(&user, &initiative).await
}

/// What the schema pages show of `initiative`, which `user` may see.
#[cfg(feature = "ssr")]
pub async fn page_data(
    user: &crate::auth::CurrentUser,
    initiative: &crate::initiative::Initiative,
) -> Result<SchemaPageData, AppError> {
    let db = expect_context::<crate::db::Db>();
    let schema = super::repo::load(&db, initiative.id).await?;
    Ok(SchemaPageData {
        initiative_id: initiative.id,
        initiative_name: initiative.name.clone(),
        status: initiative.status,
        is_example: initiative.is_example,
        missing: schema.missing(),
        schema,
        may_edit: crate::initiative::may_edit(user, initiative),
        parties: crate::party::repo::list(&db, user.organisation_id).await?,
        organisation_name: crate::organisation::repo::get(&db, user.organisation_id)
            .await?
            .name,
        today: crate::sv::date::long_date(crate::sv::time::local_date(chrono::Utc::now())),
    })
}

/// The schema of a satsning the caller may edit, for the measure forms. Refused (403) when the
/// caller may only read it, so a refused page carries none of the schema in its hydration data.
#[server(endpoint = "schema/redigera")]
pub async fn schema_for_editing(id: i64) -> Result<SchemaPageData, AppError> {
    let data = schema_view(id).await?;
    if data.may_edit {
        Ok(data)
    } else {
        Err(AppError::Forbidden)
    }
}

#[cfg(feature = "ssr")]
fn back(id: i64, anchor: &str) -> Saved {
    Saved {
        redirect: format!("/satsningar/{id}/schema?sparad=1#{anchor}"),
    }
}

/// Lägg till mål.
#[server(endpoint = "schema/mal")]
pub async fn add_goal(id: i64, mal: String, malgrupp: String) -> Result<Saved, AppError> {
    let (_, _, actor) = editable(id).await?;
    let text = super::required_text("mal", &mal, "målet")?;
    if malgrupp.chars().count() > super::MAX_SHORT_CHARS {
        return Err(AppError::field(
            "malgrupp",
            "Målgruppen får vara högst 200 tecken.",
        ));
    }
    let db = expect_context::<crate::db::Db>();
    let goal =
        super::repo::add_goal(&db, actor, id, &text, malgrupp.trim(), chrono::Utc::now()).await?;
    Ok(back(id, &format!("mal-{goal}")))
}

/// Lägg till aktivitet.
#[server(endpoint = "schema/aktivitet")]
pub async fn add_activity(id: i64, mal_id: i64, aktivitet: String) -> Result<Saved, AppError> {
    let (_, _, actor) = editable(id).await?;
    let text = super::required_text("aktivitet", &aktivitet, "aktiviteten")?;
    let db = expect_context::<crate::db::Db>();
    super::repo::add_activity(&db, actor, id, mal_id, &text, chrono::Utc::now()).await?;
    Ok(back(id, &format!("mal-{mal_id}")))
}

/// Lägg till mått: `typ` is aktivitet/effekt (with `aktivitet_id`) or indikator (with `mal_id`).
#[server(endpoint = "schema/matt")]
pub async fn add_measure(
    id: i64,
    typ: String,
    aktivitet_id: Option<i64>,
    mal_id: Option<i64>,
    measure: super::MeasureForm,
) -> Result<Saved, AppError> {
    use super::{MeasureKind, repo::Parent};
    let (_, _, actor) = editable(id).await?;
    let kind =
        MeasureKind::from_db(&typ).ok_or_else(|| AppError::BadRequest("Okänd måttyp.".into()))?;
    let parent = match (kind, aktivitet_id, mal_id) {
        (MeasureKind::Indicator, _, Some(goal)) => Parent::Goal(goal),
        (MeasureKind::Activity | MeasureKind::Effect, Some(activity), _) => {
            Parent::Activity(activity)
        }
        _ => {
            return Err(AppError::BadRequest(
                "Måttet saknar mål eller aktivitet.".into(),
            ));
        }
    };
    let input = super::MeasureInput::parse(&measure)?;
    let db = expect_context::<crate::db::Db>();
    let measure =
        super::repo::add_measure(&db, actor, id, kind, parent, &input, chrono::Utc::now()).await?;
    Ok(back(id, &format!("matt-{measure}")))
}

/// Ändra mått: the same form as a new one.
#[server(endpoint = "schema/andra-matt")]
pub async fn update_measure(
    id: i64,
    matt_id: i64,
    measure: super::MeasureForm,
) -> Result<Saved, AppError> {
    let (_, _, actor) = editable(id).await?;
    let db = expect_context::<crate::db::Db>();
    let schema = super::repo::load(&db, id).await?;
    let before = schema
        .measures
        .iter()
        .find(|m| m.id == matt_id)
        .ok_or(AppError::NotFound)?;
    let input = super::MeasureInput::parse(&measure)?;
    super::repo::update_measure(
        &db,
        actor,
        id,
        matt_id,
        &super::repo::as_input(before),
        &input,
        chrono::Utc::now(),
    )
    .await?;
    Ok(back(id, &format!("matt-{matt_id}")))
}

/// Flytta upp/ner: `typ` is mal, aktivitet or matt; `riktning` upp or ner.
#[server(endpoint = "schema/flytta")]
pub async fn move_item(
    id: i64,
    typ: String,
    post: i64,
    riktning: String,
) -> Result<Saved, AppError> {
    use super::repo::Movable;
    let (_, _, actor) = editable(id).await?;
    let what = match typ.as_str() {
        "mal" => Movable::Goal,
        "aktivitet" => Movable::Activity,
        "matt" => Movable::Measure,
        _ => {
            return Err(AppError::BadRequest("Okänd typ.".into()));
        }
    };
    let db = expect_context::<crate::db::Db>();
    super::repo::move_item(
        &db,
        actor,
        id,
        what,
        post,
        riktning == "upp",
        chrono::Utc::now(),
    )
    .await?;
    let anchor = match what {
        Movable::Measure => format!("matt-{post}"),
        _ => "schema".to_string(),
    };
    Ok(back(id, &anchor))
}

/// Ta ur bruk: the measure stays with its values but is no longer reported or counted.
#[server(endpoint = "schema/ta-ur-bruk")]
pub async fn retire_measure(id: i64, matt_id: i64) -> Result<Saved, AppError> {
    let (_, _, actor) = editable(id).await?;
    let db = expect_context::<crate::db::Db>();
    super::repo::retire_measure(&db, actor, id, matt_id, chrono::Utc::now()).await?;
    Ok(back(id, "schema"))
}

/// The economic-effect form, validated; every bad field gets its own message.
/// Lägg till ekonomisk effekt.
#[server(endpoint = "schema/ekonomisk-effekt")]
pub async fn add_effect(id: i64, effect: super::EffectForm) -> Result<Saved, AppError> {
    let (user, _, actor) = editable(id).await?;
    let db = expect_context::<crate::db::Db>();
    let parties = crate::party::repo::list(&db, user.organisation_id).await?;
    let input = effect.validate(&parties)?;
    super::repo::add_effect(&db, actor, id, &input, chrono::Utc::now()).await?;
    Ok(back(id, "ekonomiska-effekter"))
}

/// Ändra ekonomisk effekt `effekt_id`: the same form as a new one.
#[server(endpoint = "schema/andra-effekt")]
pub async fn update_effect(
    id: i64,
    effekt_id: i64,
    effect: super::EffectForm,
) -> Result<Saved, AppError> {
    let (user, _, actor) = editable(id).await?;
    let db = expect_context::<crate::db::Db>();
    let parties = crate::party::repo::list(&db, user.organisation_id).await?;
    let input = effect.validate(&parties)?;
    super::repo::update_effect(&db, actor, id, effekt_id, &input, chrono::Utc::now()).await?;
    Ok(back(id, "ekonomiska-effekter"))
}

/// Ändra text: a mål (text and målgrupp) or an aktivitet. `typ` is mal or aktivitet.
#[server(endpoint = "schema/andra-text")]
pub async fn update_text(
    id: i64,
    typ: String,
    post: i64,
    text: String,
    malgrupp: Option<String>,
) -> Result<Saved, AppError> {
    use super::repo::Part;
    let (_, _, actor) = editable(id).await?;
    let part = Part::from_form(&typ)
        .filter(|p| matches!(p, Part::Goal | Part::Activity))
        .ok_or_else(|| AppError::BadRequest("Okänd typ.".into()))?;
    let what = if part == Part::Goal {
        "målet"
    } else {
        "aktiviteten"
    };
    let text = super::required_text("text", &text, what)?;
    let target_group = malgrupp.unwrap_or_default();
    if target_group.chars().count() > super::MAX_SHORT_CHARS {
        return Err(AppError::field(
            "malgrupp",
            "Målgruppen får vara högst 200 tecken.",
        ));
    }
    let db = expect_context::<crate::db::Db>();
    let edit = super::repo::TextEdit {
        part,
        id: post,
        text: &text,
        target_group: target_group.trim(),
    };
    super::repo::update_text(&db, actor, id, edit, chrono::Utc::now()).await?;
    Ok(back(id, "schema"))
}

/// Ta bort: a mål or aktivitet with nothing under it, an ekonomisk effekt, or (before the
/// satsning is beslutad, when no values can exist) a measure. `typ`: mal, aktivitet, matt, effekt.
#[server(endpoint = "schema/ta-bort")]
pub async fn delete_part(id: i64, typ: String, post: i64) -> Result<Saved, AppError> {
    use super::repo::Part;
    let (_, initiative, actor) = editable(id).await?;
    let part = Part::from_form(&typ).ok_or_else(|| AppError::BadRequest("Okänd typ.".into()))?;
    if part == Part::Measure && initiative.status >= Status::Decided {
        return Err(AppError::Conflict(
            "Satsningen är beslutad: ta måttet ur bruk i stället, så att dess värden finns kvar."
                .into(),
        ));
    }
    let db = expect_context::<crate::db::Db>();
    super::repo::delete_part(&db, actor, id, part, post, chrono::Utc::now()).await?;
    let anchor = if part == Part::Effect {
        "ekonomiska-effekter"
    } else {
        "schema"
    };
    Ok(back(id, anchor))
}
