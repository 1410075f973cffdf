//! The portfolio's rows (server side): every satsning of an organisation as a row with its
//! light, reporting and attention list, computed once per data version by
//! [`super::cache::PortfolioCache`], and the part one user sees under one filter.

use super::api::{ATTENTION_SHOWN, PORTFOLIO_MONTHS, PortfolioData, PortfolioRow, Totals};
use super::{BudgetBurn, Light};
use crate::error::AppError;
use crate::initiative::Status;
use crate::report::{MonthStatus, Period};

/// The rows the user may see under `filter`, sorted, with their totals and the filters' choices.
pub fn portfolio_data(
    rows: &[PortfolioEntry],
    months: &[Period],
    user: &crate::auth::CurrentUser,
    filter: &super::Filter,
) -> PortfolioData {
    let visible: Vec<&PortfolioEntry> = rows
        .iter()
        .filter(|(i, _, _)| crate::initiative::may_view(user, i))
        .collect();
    let mut parties: Vec<(i64, String)> = visible
        .iter()
        .flat_map(|(i, _, _)| i.parties.iter().map(|p| (p.id, p.name.clone())))
        .collect();
    parties.sort_by(|a, b| a.1.cmp(&b.1));
    parties.dedup();
    let mut leads: Vec<(i64, String)> = visible
        .iter()
        .flat_map(|(i, _, _)| i.leads.clone())
        .collect();
    leads.sort_by(|a, b| a.1.cmp(&b.1));
    leads.dedup();
    let list_filter = crate::initiative::api::ListFilter {
        status: filter.status.clone(),
        part: filter.part,
        projektledare: filter.lead,
        ar: None,
        q: None,
    };
    let wanted_light = filter.light.as_deref().and_then(Light::from_param);
    let wanted_follow_up = filter
        .follow_up
        .as_deref()
        .and_then(crate::halfyear::follow_up::FollowUpState::from_param);
    let matching: Vec<&PortfolioEntry> = visible
        .into_iter()
        .filter(|(i, _, _)| list_filter.matches(i))
        .filter(|(_, row, _)| wanted_follow_up.is_none_or(|f| row.follow_up == Some(f)))
        .collect();
    // Counted before the light filter, so each count is what its light link shows.
    let per_light = [Light::Red, Light::Yellow, Light::Green, Light::Unknown]
        .into_iter()
        .map(|l| (l, matching.iter().filter(|(_, r, _)| r.light == l).count()))
        .collect();
    let mut entries: Vec<(&PortfolioRow, &str)> = matching
        .into_iter()
        .filter(|(_, row, _)| wanted_light.is_none_or(|l| row.light == l))
        .map(|(_, row, html)| (row, html.as_str()))
        .collect();
    match filter.sort.as_deref() {
        Some("ljus") => {
            entries.sort_by(|(a, _), (b, _)| b.light.cmp(&a.light).then(a.name.cmp(&b.name)))
        }
        Some("status") => {
            entries.sort_by(|(a, _), (b, _)| a.status.cmp(&b.status).then(a.name.cmp(&b.name)))
        }
        Some("fullstandighet") => entries.sort_by(|(a, _), (b, _)| {
            a.completeness
                .unwrap_or(101)
                .cmp(&b.completeness.unwrap_or(101))
                .then(a.name.cmp(&b.name))
        }),
        _ => entries.sort_by(|(a, _), (b, _)| a.name.cmp(&b.name)),
    }
    let rows: Vec<&PortfolioRow> = entries.iter().map(|(row, _)| *row).collect();
    let per_status = Status::ALL
        .iter()
        .map(|s| (*s, rows.iter().filter(|r| r.status == *s).count()))
        .filter(|(_, n)| *n > 0)
        .collect();
    let totals = Totals {
        count: rows.len(),
        decided_sek: rows
            .iter()
            .filter(|r| r.status >= Status::Decided)
            .map(|r| r.budget_sek)
            .sum(),
        per_status,
        per_light,
    };
    PortfolioData {
        rows_html: entries.iter().map(|(_, html)| *html).collect(),
        shown: entries.len(),
        totals,
        parties,
        leads,
        months: months.to_vec(),
    }
}

/// What a portfolio row says when none of its months fall in the window shown.
fn no_reporting_note(initiative: &crate::initiative::Initiative, months: &[Period]) -> String {
    if initiative.status < Status::Decided {
        return "Rapporterar när satsningen är beslutad".into();
    }
    match months.last() {
        None => format!("Rapporterar från {}", Period::of(initiative.start).label()),
        Some(last) => format!("Rapporteringen avslutades {}", last.label()),
    }
}

/// A satsning, its portfolio row and the row as HTML.
pub type PortfolioEntry = (crate::initiative::Initiative, PortfolioRow, String);

/// Every satsning of an organisation as a portfolio row, with the satsning itself (for the
/// per-user visibility and the filters) and the row rendered as HTML. What
/// [`super::cache::PortfolioCache`] keeps.
pub async fn organisation_rows(
    db: &crate::db::Db,
    organisation_id: i64,
    today: chrono::NaiveDate,
    rules: &crate::report::Rules,
) -> Result<(Vec<Period>, Vec<PortfolioEntry>), AppError> {
    let last = Period::of(today);
    let first = (1..PORTFOLIO_MONTHS).fold(last, |p, _| p.prev());
    let window = Period::range(first, last);
    let initiatives = crate::initiative::repo::list(db, organisation_id).await?;
    let marks = crate::report::repo::month_marks(db, organisation_id, None, first).await?;
    let judged = crate::report::repo::judged_measures(db, organisation_id).await?;
    let flags = crate::deviation::repo::open_counts(db, organisation_id).await?;
    let follow_ups = crate::halfyear::follow_up_repo::statuses(db, organisation_id).await?;
    let mut lights: std::collections::HashMap<i64, Vec<(String, Light)>> =
        std::collections::HashMap::new();
    for (initiative, m, (period, value)) in &judged {
        let light = super::measure_light(m, Some((period.last_day(), *value)));
        let text = match super::light_reason(m, *period, *value) {
            Some(reason) => format!("{} {}: {reason}", m.code, m.name),
            None => format!("{} {}", m.code, m.name),
        };
        lights.entry(*initiative).or_default().push((text, light));
    }
    let rows = initiatives
        .into_iter()
        .map(|i| {
            let theirs = if i.status >= Status::Decided {
                crate::report::reporting_months(i.start, i.end, today)
            } else {
                Vec::new()
            };
            let no_reporting = no_reporting_note(&i, &theirs);
            let shown = window.iter().copied().filter(|p| theirs.contains(p));
            let reporting = marks.statuses(rules, i.id, shown, today);
            let mut attention = lights.remove(&i.id).unwrap_or_default();
            let measure_light = attention
                .iter()
                .map(|(_, l)| *l)
                .max()
                .unwrap_or(Light::Unknown);
            attention.retain(|(_, l)| *l >= Light::Yellow);
            attention.sort_by_key(|a| std::cmp::Reverse(a.1));
            let attention_more = attention.len().saturating_sub(ATTENTION_SHOWN);
            attention.truncate(ATTENTION_SHOWN);
            let statuses: Vec<MonthStatus> = reporting.iter().map(|(_, s)| *s).collect();
            let light = measure_light.max(super::reporting_light(&statuses));
            let row = PortfolioRow {
                id: i.id,
                name: i.name.clone(),
                is_example: i.is_example,
                status: i.status,
                period: format!("{} – {}", i.start, i.end),
                elapsed_percent: i.elapsed_percent(today),
                completeness: crate::report::completeness(&reporting, rules, today),
                due_months: {
                    let due = reporting
                        .iter()
                        .filter(|(p, _)| rules.is_overdue(*p, today));
                    let done = due.clone().filter(|(_, s)| *s == MonthStatus::Reported);
                    (done.count(), due.count())
                },
                reporting,
                no_reporting,
                light,
                budget_sek: i.budget_sek,
                burn: BudgetBurn::new(i.budget_sek, None, i.elapsed_percent(today)),
                attention,
                attention_more,
                leads: i.leads.iter().map(|(_, n)| n.clone()).collect(),
                open_flags: flags.get(&i.id).map_or(0, |(count, _)| *count),
                follow_up: crate::halfyear::follow_up::state(
                    &i,
                    follow_ups.get(&i.id).copied(),
                    today,
                ),
            };
            let html = super::ui::row_html(row.clone());
            (i, row, html)
        })
        .collect();
    Ok((window, rows))
}
