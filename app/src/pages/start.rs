//! Startsidan (`/`): before login, what Utfall is; after it, each role's first screen.
//!
//! - projektledare: Att göra — the months still to report across their satsningar, with the
//!   deadline and a button into that month's form;
//! - beredningsgrupp, utvärderare, processledare: what changed since a chosen date (three weeks
//!   back by default, the beredningsgrupp's meeting rhythm), with links into the overviews;
//! - läsare: the fund at a glance.
//!
//! A user with several roles sees each part once. The rules are the concepts' own
//! (`report::todo`, `dashboard::worst_measure_lights`); this page only gathers them.

use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use crate::auth::ui::viewer;
use crate::error::AppError;
use crate::html::PageTitle;
use crate::initiative::Status;
use crate::light::{Light, LightBadge};
use crate::page::loaded;
use crate::report::Period;
use crate::report::todo::{ToDo, Urgency};
use crate::sv::date::{day_and_month, long_date};
use crate::sv::number::format_sek;

/// How far back "what changed" looks unless the user picks a date: the beredningsgrupp meets
/// every third week.
pub const DEFAULT_LOOKBACK_DAYS: i64 = 21;

/// At most this many rows per list; the rest is counted and linked.
#[cfg(feature = "ssr")]
const SHOWN: usize = 12;

/// A month one of the user's satsningar still has to report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToDoRow {
    pub initiative_id: i64,
    pub initiative_name: String,
    pub to_do: ToDo,
}

/// The projektledare's part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToDoList {
    pub rows: Vec<ToDoRow>,
    /// Satsningar the user leads that report (beslutad or later).
    pub reporting: usize,
    /// The running month and its due date.
    pub next: (Period, NaiveDate),
    /// Avvikelser of the user's satsningar waiting for their explanation (ny, or "åtgärd
    /// krävs"), each linked to its "Förklara" form.
    pub flags: Vec<Mention>,
    /// The next halvårsredovisning of each satsning the user leads, with its deadline.
    pub half_years: Vec<crate::halfyear::api::NextReport>,
}

/// A satsning and what is said about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    pub href: String,
    pub name: String,
    pub detail: String,
}

/// The review roles' part: what changed since `since`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Changes {
    pub since: NaiveDate,
    /// Months marked as inrapporterad since then (newest first) and how many in all.
    pub reported: Vec<Mention>,
    pub reported_total: usize,
    /// Satsningar with months past their due date now.
    pub late: Vec<Mention>,
    /// Satsningar whose measures are red now and were not with the values before `since`.
    pub turned_red: Vec<Mention>,
    /// Satsningar red now, for the link into the portfolio.
    pub red_now: usize,
    /// Avvikelser opened since then (still open), red first.
    pub new_flags: Vec<Mention>,
}

/// The fund at a glance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Glance {
    pub count: usize,
    pub decided_sek: i64,
    pub per_status: Vec<(Status, usize)>,
    pub per_light: Vec<(Light, usize)>,
}

/// Everything the signed-in start page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartData {
    pub name: String,
    pub roles: String,
    pub is_admin: bool,
    pub to_do: Option<ToDoList>,
    pub changes: Option<Changes>,
    pub glance: Option<Glance>,
}

/// The date "what changed" starts from: `raw` (ÅÅÅÅ-MM-DD) if given, else three weeks back.
pub fn since_date(raw: Option<&str>, today: NaiveDate) -> Result<NaiveDate, AppError> {
    crate::sv::date::since(raw, today, DEFAULT_LOOKBACK_DAYS)
}

/// The start page of the signed-in user; `sedan` is the date "what changed" starts from.
#[server(endpoint = "start")]
pub async fn start_overview(sedan: Option<String>) -> Result<StartData, AppError> {
    use crate::auth::Role;
    let user = crate::auth::require(&Role::ALL).await?;
    let today = crate::sv::time::local_date(chrono::Utc::now());
    let since = since_date(sedan.as_deref(), today)?;
    let reviews = user.has_any(&[Role::Admin, Role::Review, Role::Evaluator]);
    let leads = user.has_any(&[Role::ProjectLead]);
    let snapshot = crate::dashboard::api::snapshot(&user).await?;
    let to_do = match leads {
        true => Some(load::to_do(&user, today).await?),
        false => None,
    };
    let changes = match reviews {
        true => Some(load::changes(&user, &snapshot.rows, since).await?),
        false => None,
    };
    let glance = (user.has_any(&[Role::Reader]) || !(reviews || leads))
        .then(|| load::glance(&user, &snapshot.rows, &snapshot.months));
    Ok(StartData {
        name: user.name.clone(),
        roles: user.role_labels(),
        is_admin: user.has_any(&[Role::Admin]),
        to_do,
        changes,
        glance,
    })
}

#[cfg(feature = "ssr")]
mod load {
    use chrono::NaiveDate;

    use super::{Changes, Glance, Mention, SHOWN, ToDoList, ToDoRow};
    use crate::auth::CurrentUser;
    use crate::dashboard::portfolio::PortfolioEntry;
    use crate::error::AppError;
    use crate::initiative::Status;
    use crate::light::Light;
    use crate::report::{MonthStatus, Period};
    use leptos::prelude::expect_context;

    pub async fn to_do(user: &CurrentUser, today: NaiveDate) -> Result<ToDoList, AppError> {
        let db = expect_context::<crate::db::Db>();
        let rules = crate::report::api::rules();
        // Anything older than three months is locked whatever the rules' days.
        let from = (0..3).fold(Period::of(today), |p, _| p.prev());
        let marks = crate::report::repo::month_marks(&db, user.organisation_id, None, from).await?;
        let mine: Vec<_> = crate::initiative::repo::list(&db, user.organisation_id)
            .await?
            .into_iter()
            .filter(|i| i.is_led_by(user.id) && i.status >= Status::Decided)
            .collect();
        let mut rows: Vec<ToDoRow> = mine
            .iter()
            .flat_map(|i| {
                let months: Vec<Period> = crate::report::reporting_months(i.start, i.end, today)
                    .into_iter()
                    .filter(|p| *p >= from)
                    .collect();
                crate::report::todo::to_do(&rules, &marks, i.id, &months, today)
                    .into_iter()
                    .map(|to_do| ToDoRow {
                        initiative_id: i.id,
                        initiative_name: i.name.clone(),
                        to_do,
                    })
            })
            .collect();
        rows.sort_by(|a, b| {
            (a.to_do.urgency, a.to_do.due, &a.initiative_name).cmp(&(
                b.to_do.urgency,
                b.to_do.due,
                &b.initiative_name,
            ))
        });
        let flags = crate::deviation::api::to_explain(&db, user)
            .await?
            .into_iter()
            .map(|f| Mention {
                href: format!("/avvikelser/{}#forklara", f.id),
                name: f.initiative_name.clone(),
                detail: format!(
                    "{} ({}): {}",
                    f.rule_label(),
                    f.severity.light().label().to_lowercase(),
                    f.explanation
                ),
            })
            .collect();
        Ok(ToDoList {
            half_years: crate::halfyear::api::next_reports(&db, user, today).await?,
            flags,
            rows,
            reporting: mine.len(),
            next: crate::report::todo::next_due(&rules, today),
        })
    }

    pub async fn changes(
        user: &CurrentUser,
        rows: &[PortfolioEntry],
        since: NaiveDate,
    ) -> Result<Changes, AppError> {
        let db = expect_context::<crate::db::Db>();
        let name = |id: i64| {
            rows.iter()
                .find(|(i, _, _)| i.id == id)
                .map(|(i, _, _)| i.name.clone())
        };
        let from = since.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
        let submitted =
            crate::report::repo::submitted_since(&db, user.organisation_id, from).await?;
        let reported: Vec<Mention> = submitted
            .iter()
            .filter_map(|(id, period, at)| {
                Some(Mention {
                    href: format!("/satsningar/{id}/rapportera/{period}"),
                    name: name(*id)?,
                    detail: format!(
                        "{} inrapporterad {}",
                        period.label(),
                        super::day_and_month(crate::sv::time::local_date(*at))
                    ),
                })
            })
            .collect();
        let late: Vec<Mention> = rows
            .iter()
            .filter_map(|(i, row, _)| {
                let late: Vec<String> = row
                    .reporting
                    .iter()
                    .filter(|(_, s)| *s == MonthStatus::Late)
                    .map(|(p, _)| p.label())
                    .collect();
                (!late.is_empty()).then(|| Mention {
                    href: format!("/satsningar/{}/rapportera", i.id),
                    name: i.name.clone(),
                    detail: format!("Försenad: {}", late.join(", ")),
                })
            })
            .collect();
        // The measures' lights now, and with the values of the months before `since`.
        let now = crate::dashboard::worst_measure_lights(
            &crate::report::repo::judged_measures(&db, user.organisation_id).await?,
        );
        let before = Period::of(since).prev();
        let then = crate::dashboard::worst_measure_lights(
            &crate::report::repo::judged_measures_as_of(&db, user.organisation_id, before).await?,
        );
        let turned_red = rows
            .iter()
            .filter(|(i, _, _)| {
                now.get(&i.id) == Some(&Light::Red)
                    && then.get(&i.id).is_none_or(|l| *l < Light::Red)
            })
            .map(|(i, row, _)| Mention {
                href: format!("/satsningar/{}", i.id),
                name: i.name.clone(),
                detail: row
                    .attention
                    .iter()
                    .filter(|(_, l)| *l == Light::Red)
                    .map(|(m, _)| m.clone())
                    .collect::<Vec<_>>()
                    .join("; "),
            })
            .collect();
        let filter = crate::deviation::QueueFilter::default();
        let new_flags = crate::deviation::repo::queue(&db, user.organisation_id, &filter)
            .await?
            .into_iter()
            .filter(|f| f.opened_at >= from)
            .map(|f| Mention {
                href: format!("/avvikelser/{}", f.id),
                name: f.initiative_name.clone(),
                detail: format!(
                    "{} ({}): {}",
                    f.rule_label(),
                    f.severity.light().label().to_lowercase(),
                    f.explanation
                ),
            })
            .collect();
        Ok(Changes {
            new_flags,
            since,
            reported_total: reported.len(),
            reported: reported.into_iter().take(SHOWN).collect(),
            late,
            turned_red,
            red_now: rows
                .iter()
                .filter(|(_, r, _)| r.light == Light::Red)
                .count(),
        })
    }

    pub fn glance(user: &CurrentUser, rows: &[PortfolioEntry], months: &[Period]) -> Glance {
        let data = crate::dashboard::portfolio::portfolio_data(
            rows,
            months,
            user,
            &crate::dashboard::Filter::default(),
        );
        Glance {
            count: data.totals.count,
            decided_sek: data.totals.decided_sek,
            per_status: data.totals.per_status,
            per_light: data.totals.per_light,
        }
    }
}

/// Startsida: an introduction before login, the user's own first screen after.
#[component]
pub fn HomePage() -> impl IntoView {
    match viewer() {
        Some(_) => view! { <PageTitle text="Start"/> <UserStart/> }.into_any(),
        None => view! { <PageTitle text="Start"/> <Welcome/> }.into_any(),
    }
}

#[component]
fn Welcome() -> impl IntoView {
    view! {
        <section class="page" aria-labelledby="start-rubrik">
            <h1 id="start-rubrik">"Välkommen till Utfall"</h1>
            <p class="lead">
                "Utfall samlar uppföljningen av kommunens sociala investeringar på ett ställe: "
                "utvärderingsscheman, månadsrapportering, översikter med diagram och "
                "jämförelser med Kolada."
            </p>
            <p><a class="button" href="/logga-in">"Logga in"</a></p>
            <h2>"Vad du kan göra här"</h2>
            <ul class="card-list">
                <li class="card">
                    <h3>"Projektledare"</h3>
                    <p>"Rapporterar aktivitets- och effektmått varje månad för sina satsningar, i formuläret eller som en fil från Excel."</p>
                </li>
                <li class="card">
                    <h3>"Beredningsgrupp"</h3>
                    <p>"Ser vad som har hänt sedan förra mötet: inrapporterade och försenade månader och satsningar som går mot rött."</p>
                </li>
                <li class="card">
                    <h3>"Utvärderare"</h3>
                    <p>"Utformar utvärderingsscheman, för in jämförelsevärden och tar ut data för analys (CSV och Excel)."</p>
                </li>
                <li class="card">
                    <h3>"Läsare: styrgrupp och förvaltningschefer"</h3>
                    <p>"Följer hur satsningarna går, med trafikljus, diagram och tabeller."</p>
                </li>
            </ul>
        </section>
    }
}

#[component]
fn UserStart() -> impl IntoView {
    let query = use_query_map();
    let since = move || query.with(|q| q.get("sedan"));
    let data = Resource::new_blocking(since, start_overview);
    loaded(data, "Hämtar startsidan…", |data| view! { <Start data/> })
}

#[component]
fn Start(data: StartData) -> impl IntoView {
    view! {
        <section class="page" aria-labelledby="start-rubrik">
            <h1 id="start-rubrik">{format!("Välkommen, {}", data.name)}</h1>
            <p class="lead">{format!("Du är inloggad som {}.", data.roles.to_lowercase())}</p>
            {data.to_do.map(|list| view! { <ToDoSection list/> })}
            {data.changes.map(|changes| view! { <ChangesSection changes/> })}
            {data.glance.map(|glance| view! { <GlanceSection glance/> })}
            {data.is_admin.then(|| view! {
                <h2>"Administration"</h2>
                <p><a href="/admin/anvandare">"Användare"</a>" · "<a href="/parter">"Parter"</a></p>
            })}
        </section>
    }
}

#[component]
fn ToDoSection(list: ToDoList) -> impl IntoView {
    let (next, next_due) = list.next;
    let next_text = format!(
        "Nästa: {} ska rapporteras senast {}.",
        next.label(),
        long_date(next_due)
    );
    view! {
        <section aria-labelledby="att-gora-rubrik">
            <h2 id="att-gora-rubrik">"Att göra"</h2>
            {if list.reporting == 0 {
                view! { <p>"Du leder ingen satsning som rapporterar ännu. Rapporteringen börjar när satsningen är beslutad."</p> }.into_any()
            } else if list.rows.is_empty() {
                view! { <p class="notice complete">"Allt är inrapporterat. "{next_text}</p> }.into_any()
            } else {
                view! {
                    <ul class="todo-list">
                        {list.rows.into_iter().map(|row| {
                            let t = row.to_do;
                            let href = format!("/satsningar/{}/rapportera/{}", row.initiative_id, t.period);
                            let state = match (t.urgency, t.started) {
                                (Urgency::Late, _) => format!(
                                    "Försenad: skulle ha rapporterats senast {}. Kan rapporteras till och med {}.",
                                    day_and_month(t.due), day_and_month(t.open_until)),
                                (Urgency::Due, false) => format!("Ska rapporteras senast {}.", long_date(t.due)),
                                (Urgency::Due, true) => format!(
                                    "Påbörjad men inte markerad som inrapporterad. Senast {}.", long_date(t.due)),
                            };
                            let state = if t.started && t.urgency == Urgency::Late {
                                format!("{state} Värden är sparade men månaden är inte markerad som inrapporterad.")
                            } else {
                                state
                            };
                            let label = format!("Rapportera {} för {}", t.period.label(), row.initiative_name);
                            view! {
                                <li class="card todo" data-urgency=match t.urgency { Urgency::Late => "late", Urgency::Due => "due" }>
                                    <h3>{row.initiative_name.clone()}": "{t.period.label()}</h3>
                                    <p>{state}</p>
                                    <p><a class="button" href=href aria-label=label>"Rapportera"</a></p>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    <p class="hint">{next_text}</p>
                }.into_any()
            }}
            {(!list.flags.is_empty()).then(|| view! {
                <h3>{format!("Avvikelser att förklara ({})", list.flags.len())}</h3>
                <ul class="todo-list">
                    {list.flags.into_iter().map(|m| {
                        let label = format!("Förklara avvikelsen för {}", m.name);
                        view! {
                            <li class="card todo" data-urgency="flag">
                                <h4>{m.name.clone()}</h4>
                                <p>{m.detail.clone()}</p>
                                <p><a class="button" href=m.href aria-label=label>"Förklara"</a></p>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })}
            {(!list.half_years.is_empty()).then(|| view! {
                <h3>"Halvårsredovisningar"</h3>
                <ul class="todo-list">
                    {list.half_years.into_iter().map(|r| {
                        let href = crate::halfyear::api::report_path(r.initiative_id, r.half);
                        let label = format!("Halvårsredovisning {} för {}", r.half.label(), r.initiative_name);
                        let state = match r.days_late {
                            Some(n) => format!("Försenad {n} dagar: skulle ha skickats in senast {}.", r.due_on),
                            None => format!("Ska skickas in senast {}.", r.due_on),
                        };
                        view! {
                            <li class="card todo" data-urgency=if r.days_late.is_some() { "late" } else { "due" }>
                                <h4>{r.initiative_name.clone()}": "{r.half.label()}</h4>
                                <p>{state}" "{format!("Status: {}.", crate::halfyear::status_label(r.status))}</p>
                                <p><a class="button" href=href aria-label=label>"Halvårsredovisning"</a></p>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })}
            <p><a href="/satsningar">"Mina satsningar"</a></p>
        </section>
    }
}

#[component]
fn ChangesSection(changes: Changes) -> impl IntoView {
    let since = changes.since;
    let more = changes
        .reported_total
        .saturating_sub(changes.reported.len());
    view! {
        <section aria-labelledby="sedan-rubrik">
            <h2 id="sedan-rubrik">{format!("Sedan {}", long_date(since))}</h2>
            <form method="get" action="/" class="filters" aria-label="Välj datum">
                <div class="field">
                    <label for="sedan">"Visa ändringar sedan"</label>
                    <input id="sedan" name="sedan" type="date" value=since.to_string()/>
                </div>
                <button type="submit" class="button button--secondary">"Visa"</button>
            </form>
            <h3>{format!("Inrapporterade månader ({})", changes.reported_total)}</h3>
            <Mentions items=changes.reported empty="Inga månader har rapporterats sedan dess."/>
            {(more > 0).then(|| view! { <p><a href="/rapportering">{format!("… och {more} till i rapporteringsöversikten")}</a></p> })}
            <h3>{format!("Försenad rapportering just nu ({})", changes.late.len())}</h3>
            <Mentions items=changes.late empty="Ingen satsning är försenad."/>
            <p><a href="/rapportering">"Rapporteringsöversikten"</a></p>
            <h3>{format!("Har blivit röda ({})", changes.turned_red.len())}</h3>
            <Mentions items=changes.turned_red empty="Ingen satsning har blivit röd sedan dess."/>
            <p><a href="/oversikt?ljus=rod">{format!("Alla röda satsningar i översikten ({})", changes.red_now)}</a></p>
            <h3>{format!("Nya avvikelser ({})", changes.new_flags.len())}</h3>
            <Mentions items=changes.new_flags empty="Inga nya avvikelser sedan dess."/>
            <p><a href="/avvikelser">"Alla avvikelser"</a>" · "<a href=format!("/avvikelser/mote?sedan={since}")>"Mötesunderlag"</a></p>
        </section>
    }
}

/// A list of satsningar, each linked, with what is said about it.
#[component]
fn Mentions(items: Vec<Mention>, empty: &'static str) -> impl IntoView {
    if items.is_empty() {
        return view! { <p class="hint">{empty}</p> }.into_any();
    }
    view! {
        <ul class="mention-list">
            {items.into_iter().map(|m| view! {
                <li><a href=m.href>{m.name}</a>{(!m.detail.is_empty()).then(|| format!(" – {}", m.detail))}</li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn GlanceSection(glance: Glance) -> impl IntoView {
    view! {
        <section aria-labelledby="fonden-rubrik">
            <h2 id="fonden-rubrik">"Fonden i korthet"</h2>
            <dl class="facts">
                <dt>"Satsningar"</dt><dd>{glance.count.to_string()}</dd>
                <dt>"Beslutad budget"</dt><dd>{format_sek(glance.decided_sek)}</dd>
                <dt>"Status"</dt>
                <dd>
                    <ul class="cell-list">
                        {glance.per_status.into_iter().map(|(s, n)| view! {
                            <li><a href=format!("/oversikt?status={}", s.as_db())>{format!("{}: {n}", s.label())}</a></li>
                        }).collect_view()}
                    </ul>
                </dd>
                <dt>"Trafikljus"</dt>
                <dd>
                    <ul class="cell-list">
                        {glance.per_light.into_iter().filter(|(_, n)| *n > 0).map(|(l, n)| view! {
                            <li><a href=format!("/oversikt?ljus={}", l.as_param())><LightBadge light=l/>{format!(": {n}")}</a></li>
                        }).collect_view()}
                    </ul>
                </dd>
            </dl>
            <p><a class="button" href="/oversikt">"Till översikten"</a></p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_is_three_weeks_back_unless_a_past_date_is_given() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(
            since_date(None, today).unwrap(),
            NaiveDate::from_ymd_opt(2026, 11, 10).unwrap()
        );
        assert_eq!(
            since_date(Some(" "), today).unwrap(),
            NaiveDate::from_ymd_opt(2026, 11, 10).unwrap()
        );
        assert_eq!(
            since_date(Some("2026-10-01"), today).unwrap(),
            NaiveDate::from_ymd_opt(2026, 10, 1).unwrap()
        );
        for bad in ["2027-01-01", "1 nov", "2026-13-01"] {
            assert!(
                matches!(since_date(Some(bad), today), Err(AppError::BadRequest(_))),
                "{bad}"
            );
        }
    }
}
