//! Server functions for avvikelser: authorize, validate, call the repository. The queue and
//! the meeting view are the beredningsgrupp's (admin, utvärderare too); a flag's page follows
//! its satsning (a projektledare sees only their own), and only its projektledare explains
//! and only the beredningsgrupp decides.

use chrono::NaiveDate;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::{BulkForm, DecideForm, ExplainForm, FlagDetail, FlagStatus, FlagSummary, QueueFilter};
use crate::error::AppError;
use crate::form::Saved;

/// The meeting view looks back this far unless a date is given: the beredningsgrupp meets
/// every third week.
pub const MEETING_LOOKBACK_DAYS: i64 = 21;

/// The queue page's data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueData {
    /// This page's flags, in the queue's order.
    pub flags: Vec<FlagSummary>,
    /// The page shown (from 1) and how many flags the filter finds in all.
    pub page: i64,
    pub total: i64,
    /// The organisation's satsningar (id, name) for the filter.
    pub initiatives: Vec<(i64, String)>,
    /// The nämnder and other parties taking part in a satsning (id, name), for the filter.
    pub parties: Vec<(i64, String)>,
    /// The satsningar's projektledare (id, name), for the filter.
    pub leads: Vec<(i64, String)>,
    pub filter: QueueFilter,
    pub now: chrono::DateTime<chrono::Utc>,
    /// May mark flags as handled (beredning, admin).
    pub may_decide: bool,
}

/// The value of a filter parameter: `None` when absent or empty ("Alla").
fn given(raw: Option<String>) -> Option<String> {
    raw.map(|r| r.trim().to_string()).filter(|r| !r.is_empty())
}

/// An id in a filter parameter (`None` when absent or "Alla"); not a number is a 400 that
/// names the filter.
fn id_filter(raw: Option<String>, what: &str) -> Result<Option<i64>, AppError> {
    given(raw)
        .map(|raw| {
            raw.parse()
                .map_err(|_| AppError::BadRequest(format!("Okänd {what} i filtret.")))
        })
        .transpose()
}

/// The queue's filters as the address carries them (`?satsning=…&regel=…`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilterQuery {
    pub satsning: Option<String>,
    pub regel: Option<String>,
    pub status: Option<String>,
    pub namnd: Option<String>,
    pub projektledare: Option<String>,
    /// The page of the queue (from 1; absent = the first).
    pub sida: Option<String>,
}

/// The page number in `?sida=`: absent is the first; anything but a whole number from 1 is a
/// 400 that says so.
pub fn parse_page(raw: Option<String>) -> Result<i64, AppError> {
    match given(raw) {
        None => Ok(1),
        Some(raw) => raw
            .parse::<i64>()
            .ok()
            .filter(|p| (1..=1_000_000).contains(p))
            .ok_or_else(|| AppError::BadRequest("Okänd sida i avvikelselistan.".into())),
    }
}

/// The last page of a queue of `total` flags (1 when there are none).
pub fn last_page(total: i64) -> i64 {
    ((total + super::QUEUE_PAGE_SIZE - 1) / super::QUEUE_PAGE_SIZE).max(1)
}

/// Reads the queue's filters from the address; unknown values are a 400 with a Swedish
/// message, not silently ignored.
pub fn parse_filter(query: FilterQuery) -> Result<QueueFilter, AppError> {
    let rule = given(query.regel);
    if rule
        .as_deref()
        .is_some_and(|r| super::rules::rule(r).is_none())
    {
        return Err(AppError::BadRequest("Okänd regel i filtret.".into()));
    }
    let status = match given(query.status) {
        Some(raw) => Some(
            FlagStatus::from_db(&raw)
                .ok_or_else(|| AppError::BadRequest("Okänd status i filtret.".into()))?,
        ),
        None => None,
    };
    Ok(QueueFilter {
        initiative_id: id_filter(query.satsning, "satsning")?,
        rule,
        status,
        led_by: id_filter(query.projektledare, "projektledare")?,
        party_id: id_filter(query.namnd, "nämnd")?,
    })
}

/// Avvikelser: the organisation's flags, open ones unless a status is chosen.
#[server(endpoint = "avvikelser/lista")]
pub async fn deviation_queue(query: FilterQuery) -> Result<QueueData, AppError> {
    let user = crate::auth::require(&super::QUEUE_ROLES).await?;
    let asked = parse_page(query.sida.clone())?;
    let filter = parse_filter(query)?;
    let db = expect_context::<crate::db::Db>();
    let size = super::QUEUE_PAGE_SIZE;
    let (mut flags, total) =
        super::repo::queue_page(&db, user.organisation_id, &filter, (asked - 1) * size, size)
            .await?;
    // A page past the end (flags handled meanwhile) shows the last one.
    let page = asked.min(last_page(total));
    if page < asked {
        (flags, _) =
            super::repo::queue_page(&db, user.organisation_id, &filter, (page - 1) * size, size)
                .await?;
    }
    let all = crate::initiative::repo::list(&db, user.organisation_id).await?;
    let initiatives = all.iter().map(|i| (i.id, i.name.clone())).collect();
    let sorted = |pairs: std::collections::BTreeMap<i64, String>| {
        let mut pairs: Vec<(i64, String)> = pairs.into_iter().collect();
        pairs.sort_by(|a, b| a.1.cmp(&b.1));
        pairs
    };
    let parties = sorted(
        all.iter()
            .flat_map(|i| i.parties.iter().map(|p| (p.id, p.name.clone())))
            .collect(),
    );
    let leads = sorted(all.iter().flat_map(|i| i.leads.iter().cloned()).collect());
    Ok(QueueData {
        flags,
        page,
        total,
        initiatives,
        parties,
        leads,
        filter,
        now: chrono::Utc::now(),
        may_decide: super::may_decide(&user),
    })
}

/// A flag's page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlagPage {
    pub flag: FlagDetail,
    pub may_explain: bool,
    pub may_decide: bool,
    /// The measure's chart on the satsning page, when the flag concerns a measure.
    pub chart_href: Option<String>,
}

/// The flag `id` as the user may see it: another organisation's, or one of a satsning the
/// user may not see, is "not found".
#[cfg(feature = "ssr")]
async fn visible_flag(
    id: i64,
) -> Result<
    (
        crate::auth::CurrentUser,
        crate::initiative::Initiative,
        FlagDetail,
    ),
    AppError,
> {
    let user = crate::auth::require(&crate::auth::Role::ALL).await?;
    let db = expect_context::<crate::db::Db>();
    let flag = super::repo::detail(&db, user.organisation_id, id).await?;
    let initiative =
        crate::initiative::repo::visible(&db, &user, flag.summary.initiative_id).await?;
    Ok((user, initiative, flag))
}

/// Avvikelse: one flag with its history.
#[server(endpoint = "avvikelser/visa")]
pub async fn deviation_flag(id: i64) -> Result<FlagPage, AppError> {
    let (user, initiative, flag) = visible_flag(id).await?;
    let open = flag.summary.status.is_open();
    Ok(FlagPage {
        may_explain: open && super::may_explain(&user, &initiative),
        may_decide: open && super::may_decide(&user),
        chart_href: flag
            .summary
            .measure_id
            .map(|m| format!("/satsningar/{}#diagram-{m}", initiative.id)),
        flag,
    })
}

/// Förklara: the projektledare explains a flag and plans an action.
#[server(endpoint = "avvikelser/forklara")]
pub async fn explain_deviation(id: i64, flag: ExplainForm) -> Result<Saved, AppError> {
    let (user, initiative, _) = visible_flag(id).await?;
    if !super::may_explain(&user, &initiative) {
        return Err(AppError::Forbidden);
    }
    let explanation = flag.parse()?;
    let db = expect_context::<crate::db::Db>();
    super::repo::explain(&db, user.actor(), id, &explanation, chrono::Utc::now()).await?;
    Ok(Saved {
        redirect: format!("/avvikelser/{id}?forklarad=1"),
    })
}

/// Beslut: the beredningsgrupp decides on a flag.
#[server(endpoint = "avvikelser/besluta")]
pub async fn decide_deviation(id: i64, decision: DecideForm) -> Result<Saved, AppError> {
    let (user, _, _) = visible_flag(id).await?;
    if !super::may_decide(&user) {
        return Err(AppError::Forbidden);
    }
    let (decision, comment) = decision.parse()?;
    let db = expect_context::<crate::db::Db>();
    super::repo::decide(
        &db,
        user.actor(),
        &[id],
        Some(decision),
        &comment,
        chrono::Utc::now(),
    )
    .await?;
    Ok(Saved {
        redirect: format!("/avvikelser/{id}?beslutad=1"),
    })
}

/// "Markera som hanterad": the ticked flags of the queue, with one comment.
#[server(endpoint = "avvikelser/hantera")]
pub async fn handle_deviations(bulk: BulkForm) -> Result<Saved, AppError> {
    let user = crate::auth::require(&[crate::auth::Role::Admin, crate::auth::Role::Review]).await?;
    let (ids, comment) = bulk.parse()?;
    let db = expect_context::<crate::db::Db>();
    // Each flag must be the organisation's (another's is "not found").
    super::repo::initiatives_of(&db, user.organisation_id, &ids).await?;
    let count =
        super::repo::decide(&db, user.actor(), &ids, None, &comment, chrono::Utc::now()).await?;
    Ok(Saved {
        redirect: format!("/avvikelser?hanterade={count}"),
    })
}

/// The meeting view's data: everything new or changed since `since`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeetingData {
    pub since: NaiveDate,
    pub today: NaiveDate,
    pub flags: Vec<FlagSummary>,
}

/// The date the meeting view starts from: `raw` (ÅÅÅÅ-MM-DD) or three weeks back; a future
/// date or a non-date is a 400.
pub fn meeting_since(raw: Option<&str>, today: NaiveDate) -> Result<NaiveDate, AppError> {
    crate::sv::date::since(raw, today, MEETING_LOOKBACK_DAYS)
}

/// Mötesunderlag: flags opened or changed since the last meeting.
#[server(endpoint = "avvikelser/mote")]
pub async fn deviation_meeting(sedan: Option<String>) -> Result<MeetingData, AppError> {
    let user = crate::auth::require(&super::QUEUE_ROLES).await?;
    let today = crate::sv::time::local_date(chrono::Utc::now());
    let since = meeting_since(sedan.as_deref(), today)?;
    let db = expect_context::<crate::db::Db>();
    let from = since.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    let flags = super::repo::changed_since(&db, user.organisation_id, from).await?;
    Ok(MeetingData {
        since,
        today,
        flags,
    })
}

/// The open flags of satsning `id` (for its page), as the user may see it.
#[server(endpoint = "avvikelser/satsning")]
pub async fn initiative_flags(id: i64) -> Result<Vec<FlagSummary>, AppError> {
    let (user, _) = crate::initiative::api::load_visible(id).await?;
    let db = expect_context::<crate::db::Db>();
    let filter = QueueFilter {
        initiative_id: Some(id),
        ..QueueFilter::default()
    };
    super::repo::queue(&db, user.organisation_id, &filter).await
}

/// The open flags of the satsningar `user` leads that still wait for their explanation (ny,
/// or "åtgärd krävs"): the projektledare's Att göra.
#[cfg(feature = "ssr")]
pub async fn to_explain(
    db: &crate::db::Db,
    user: &crate::auth::CurrentUser,
) -> Result<Vec<FlagSummary>, AppError> {
    let filter = QueueFilter {
        led_by: Some(user.id),
        ..QueueFilter::default()
    };
    Ok(super::repo::queue(db, user.organisation_id, &filter)
        .await?
        .into_iter()
        .filter(|f| {
            f.status == FlagStatus::New
                || (f.status == FlagStatus::Handled
                    && f.decision == Some(super::Decision::ActionRequired))
        })
        .collect())
}
