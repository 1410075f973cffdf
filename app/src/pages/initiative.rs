//! The satsning page (`/satsningar/{id}`): its details, status changes, the utvärderingsschema
//! at a glance, the charts and the documents. It composes several concepts, so it lives here
//! rather than in `initiative` (which the others build on). A status change is here too: the
//! move to "beslutad" reads the schema's completeness.

use chrono::NaiveDate;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

use crate::auth::ui::Guard;
use crate::error::AppError;
use crate::form::{ErrorSummary, PostForm, Saved, use_form_state};
use crate::html::PageTitle;
use crate::initiative::{Initiative, Status};
use crate::page::loaded;
use crate::sv::number::format_sek;

/// One entry of the timeline, ready to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub date: String,
    pub text: String,
    pub by: String,
}

/// A possible status change and, if refused, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transition {
    pub to: Status,
    pub problem: Option<String>,
}

/// Everything the satsning page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InitiativePageData {
    pub initiative: Initiative,
    pub timeline: Vec<TimelineEntry>,
    pub may_edit: bool,
    pub transitions: Vec<Transition>,
    pub period_warning: Option<String>,
    pub today: NaiveDate,
    pub documents: Vec<crate::document::DocumentInfo>,
    pub may_upload: bool,
    pub may_see_history: bool,
    pub schema: crate::schema::SchemaSummary,
    /// The satsning's open deviation flags, red first.
    pub flags: Vec<crate::deviation::FlagSummary>,
    /// Its enkäter and the effektmått they feed.
    pub surveys: Vec<crate::survey::api::SurveyFeed>,
    /// The survey results to show beside the effektmått they feed.
    pub measure_surveys: Vec<crate::survey::api::MeasureSurvey>,
    /// Its half-year reports (every half-year it reports on so far), newest first.
    pub half_years: Vec<(
        crate::halfyear::HalfYear,
        Option<crate::halfyear::ReportStatus>,
    )>,
    /// Its uppföljande utvärdering once it has ended: the status and the due date.
    pub follow_up: Option<FollowUpLink>,
}

/// The satsning page's link to its uppföljande utvärdering.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUpLink {
    pub status: Option<crate::halfyear::follow_up::FollowUpStatus>,
    /// "30 juni 2021".
    pub due_on: String,
    pub state: crate::halfyear::follow_up::FollowUpState,
}

/// The utvärderingsschema at a glance, with what it still lacks ("beslutad" needs it complete).
#[cfg(feature = "ssr")]
async fn schema_summary(initiative: &Initiative) -> Result<crate::schema::SchemaSummary, AppError> {
    let db = expect_context::<crate::db::Db>();
    Ok(crate::schema::repo::load(&db, initiative.id)
        .await?
        .summary())
}

/// The satsning page.
#[server(endpoint = "satsningar/visa")]
pub async fn initiative_view(id: i64) -> Result<InitiativePageData, AppError> {
    let (user, initiative) = crate::initiative::api::load_visible(id).await?;
    let db = expect_context::<crate::db::Db>();
    let timeline = crate::initiative::repo::timeline(&db, id)
        .await?
        .into_iter()
        .map(|row| {
            let to = Status::from_db(&row.to_status).map_or("?", Status::label);
            let text = match row.from_status.as_deref().and_then(Status::from_db) {
                None => format!("Registrerad som {}", to.to_lowercase()),
                Some(from) => format!("{} → {}", from.label(), to),
            };
            TimelineEntry {
                date: row.changed_at.format("%Y-%m-%d").to_string(),
                text,
                by: row.changed_by_name.unwrap_or_else(|| "Utfall".into()),
            }
        })
        .collect();
    let schema = schema_summary(&initiative).await?;
    let missing = &schema.missing;
    let is_lead = initiative.is_led_by(user.id);
    // Readers are not shown buttons they can never use.
    let acts = is_lead || user.has_any(&[crate::auth::Role::Admin, crate::auth::Role::Evaluator]);
    let transitions = initiative
        .status
        .next()
        .into_iter()
        .filter(|_| acts)
        .map(|to| Transition {
            to,
            problem: crate::initiative::transition_problem(
                initiative.status,
                to,
                &user,
                is_lead,
                missing,
            ),
        })
        .collect();
    let open_flags = crate::deviation::QueueFilter {
        initiative_id: Some(id),
        ..Default::default()
    };
    let today = crate::sv::time::local_date(chrono::Utc::now());
    let report_statuses = crate::halfyear::repo::statuses(&db, user.organisation_id, id).await?;
    let half_years = if initiative.status >= Status::Decided {
        crate::halfyear::report_halves(initiative.start, initiative.end, today)
            .into_iter()
            .rev()
            .map(|h| (h, report_statuses.get(&h).copied()))
            .collect()
    } else {
        Vec::new()
    };
    let follow_up = if initiative.has_ended(today) {
        let status = crate::halfyear::follow_up_repo::get(&db, user.organisation_id, id)
            .await?
            .map(|r| r.status);
        crate::halfyear::follow_up::state(&initiative, status, today).map(|state| FollowUpLink {
            status,
            due_on: crate::sv::date::long_date(initiative.follow_up_due()),
            state,
        })
    } else {
        None
    };
    Ok(InitiativePageData {
        half_years,
        follow_up,
        flags: crate::deviation::repo::queue(&db, user.organisation_id, &open_flags).await?,
        surveys: crate::survey::api::feeds(&db, id).await?,
        measure_surveys: crate::survey::api::measure_surveys(
            &db,
            user.organisation_id,
            id,
            crate::survey::thresholds(),
        )
        .await?,
        schema,
        documents: crate::document::repo::list(&db, id).await?,
        may_upload: crate::document::may_upload(&user, &initiative),
        may_see_history: user.has_any(&[crate::auth::Role::Admin, crate::auth::Role::Evaluator]),
        may_edit: crate::initiative::may_edit(&user, &initiative),
        period_warning: crate::initiative::period_warning(initiative.start, initiative.end),
        initiative,
        timeline,
        transitions,
        today,
    })
}

/// The satsning's halvårsredovisningar, each with its status.
#[component]
fn HalfYears(
    initiative_id: i64,
    half_years: Vec<(
        crate::halfyear::HalfYear,
        Option<crate::halfyear::ReportStatus>,
    )>,
) -> impl IntoView {
    (!half_years.is_empty()).then(|| {
        view! {
            <section aria-labelledby="halvar-rubrik" class="half-years">
                <h2 id="halvar-rubrik">"Halvårsredovisningar"</h2>
                <ul>
                    {half_years.into_iter().map(|(half, status)| view! {
                        <li>
                            <a href=crate::halfyear::api::report_path(initiative_id, half)>
                                {format!("Halvårsredovisning {}", half.label())}
                            </a>
                            {format!(" – {}", crate::halfyear::status_label(status))}
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        }
    })
}

/// The satsning's uppföljande utvärdering, once it has ended.
#[component]
fn FollowUpSection(initiative_id: i64, link: Option<FollowUpLink>) -> impl IntoView {
    link.map(|link| {
        view! {
            <section aria-labelledby="uppfoljning-rubrik" class="half-years">
                <h2 id="uppfoljning-rubrik">"Uppföljande utvärdering"</h2>
                <p>
                    <a href=crate::halfyear::follow_up::follow_up_path(initiative_id)>"Uppföljande utvärdering"</a>
                    {format!(
                        " – {}, sista dag {} ({})",
                        crate::halfyear::follow_up::status_label(link.status),
                        link.due_on,
                        link.state.label().to_lowercase()
                    )}
                </p>
            </section>
        }
    })
}

/// The satsning's enkäter: answers so far and the effektmått each feeds.
#[component]
fn SurveyFeeds(initiative_id: i64, surveys: Vec<crate::survey::api::SurveyFeed>) -> impl IntoView {
    (!surveys.is_empty()).then(|| {
        view! {
            <section aria-labelledby="enkater-rubrik" class="surveys">
                <h2 id="enkater-rubrik">"Enkäter"</h2>
                <ul class="cell-list">
                    {surveys.into_iter().map(|s| view! {
                        <li>
                            <a href=format!("/satsningar/{initiative_id}/enkater/{}/resultat", s.id)>{s.title.clone()}</a>
                            {format!(" – {} svar", s.responses)}
                            {(!s.feeds.is_empty()).then(|| view! {
                                <ul>{s.feeds.into_iter().map(|f| view! { <li>{f}</li> }).collect_view()}</ul>
                            })}
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        }
    })
}

/// The satsning's open avvikelser, each linked to its page.
#[component]
fn FlagList(flags: Vec<crate::deviation::FlagSummary>) -> impl IntoView {
    (!flags.is_empty()).then(|| {
        let count = flags.len();
        view! {
            <section aria-labelledby="avvikelser-rubrik" class="flags">
                <h2 id="avvikelser-rubrik">{format!("Öppna avvikelser ({count})")}</h2>
                <ul class="cell-list">
                    {flags.into_iter().map(|f| view! {
                        <li>
                            <crate::light::LightBadge light=f.severity.light()/>" "
                            <a href=format!("/avvikelser/{}", f.id)>{format!("{}: {}", f.rule_label(), f.measure.clone().unwrap_or_else(|| f.window.clone()))}</a>
                            " – "{f.status.label()}
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        }
    })
}

/// Moves a satsning to the next status, if the rules allow it.
#[server(endpoint = "satsningar/status")]
pub async fn change_status(id: i64, till: String) -> Result<Saved, AppError> {
    let (user, initiative) = crate::initiative::api::load_visible(id).await?;
    let to = Status::from_db(&till).ok_or_else(|| AppError::BadRequest("Okänd status.".into()))?;
    let schema = schema_summary(&initiative).await?;
    let missing = &schema.missing;
    if let Some(problem) = crate::initiative::transition_problem(
        initiative.status,
        to,
        &user,
        initiative.is_led_by(user.id),
        missing,
    ) {
        return Err(AppError::BadRequest(problem));
    }
    let db = expect_context::<crate::db::Db>();
    let actor = user.actor();
    crate::initiative::repo::change_status(
        &db,
        actor,
        id,
        initiative.status,
        to,
        chrono::Utc::now(),
    )
    .await?;
    Ok(Saved {
        redirect: format!("/satsningar/{id}?status=1"),
    })
}

/// The satsning page.
#[component]
pub fn InitiativePage() -> impl IntoView {
    view! {
        <PageTitle text="Satsning"/>
        <Guard access=crate::auth::page_access("/satsningar")>
            <InitiativeDetails/>
        </Guard>
    }
}

#[component]
fn InitiativeDetails() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()));
    let view_data = Resource::new_blocking(id, |id| async move {
        match id {
            Some(id) => initiative_view(id).await,
            None => Err(crate::error::AppError::NotFound),
        }
    });
    // Created beside the page's own resource (not inside its rendering), like every resource.
    let charts = crate::dashboard::ui::chart_resource(id);
    loaded(
        view_data,
        "Hämtar satsningen…",
        move |data| view! { <Details data charts/> },
    )
}

#[component]
fn Details(
    data: InitiativePageData,
    charts: Resource<
        Result<
            crate::dashboard::api::DashboardData<crate::dashboard::api::Drawn>,
            crate::error::AppError,
        >,
    >,
) -> impl IntoView {
    let form = use_form_state();
    let query = use_query_map();
    let flag = move |key: &str| query.with_untracked(|q| q.get(key).is_some());
    let notice = if flag("skapad") {
        Some("Satsningen är registrerad.")
    } else if flag("sparad") {
        Some("Ändringarna är sparade.")
    } else if flag("status") {
        Some("Statusen är ändrad.")
    } else {
        None
    };
    let i = data.initiative.clone();
    let percent = i.elapsed_percent(data.today);
    let action = format!("/satsningar/{}", i.id);
    let edit = format!("/satsningar/{}/redigera", i.id);
    let id = i.id.to_string();
    view! {
        <PageTitle text=i.name.clone()/>
        <section class="page" aria-labelledby="satsning-rubrik">
            <p><a href="/satsningar">"← Satsningar"</a></p>
            <h1 id="satsning-rubrik">{i.name.clone()}</h1>
            {i.is_example.then(|| view! { <p><span class="tag">"Exempeldata"</span></p> })}
            {notice.map(|text| view! { <p class="notice" role="status">{text}</p> })}
            <ErrorSummary state=form.clone()/>
            <dl class="facts">
                <dt>"Status"</dt><dd>{i.status.label()}</dd>
                <dt>"Period"</dt>
                <dd>
                    {i.period_text()}
                    <br/>
                    <progress max="100" value=percent.to_string() aria-label="Andel av perioden som har gått"></progress>
                    " "{format!("{percent} % av perioden har gått")}
                </dd>
                <dt>"Budget"</dt>
                <dd>
                    {format_sek(i.budget_sek)}
                    {(!i.budget_years.is_empty()).then(|| view! {
                        <ul class="cell-list">
                            {i.budget_years.iter().map(|(year, amount)| view! { <li>{format!("{year}: {}", format_sek(*amount))}</li> }).collect_view()}
                        </ul>
                    })}
                </dd>
                <dt>"Återföring"</dt><dd>{if i.repayment { "Ja" } else { "Nej" }}</dd>
                <dt>"Uppföljande utvärdering"</dt><dd>{format!(
                    "{} år efter slutdatum ({})",
                    i.follow_up_years.get(),
                    crate::sv::date::long_date(i.follow_up_due())
                )}</dd>
                <dt>"Parter"</dt><dd>{i.party_names()}</dd>
                <dt>"Projektledare"</dt><dd>{i.lead_names()}</dd>
                <dt>"Ägare"</dt><dd>{if i.owner_names.is_empty() { "–".to_string() } else { i.owner_names.clone() }}</dd>
                <dt>"Målgrupp"</dt><dd>{if i.target_group.is_empty() { "–".to_string() } else { i.target_group.clone() }}</dd>
            </dl>
            {data.period_warning.map(|w| view! { <p class="hint">{w}</p> })}
            <FlagList flags=data.flags.clone()/>
            <SurveyFeeds initiative_id=i.id surveys=data.surveys.clone()/>
            <HalfYears initiative_id=i.id half_years=data.half_years.clone()/>
            <FollowUpSection initiative_id=i.id link=data.follow_up.clone()/>
            {(!i.summary.is_empty()).then(|| view! { <h2>"Kort beskrivning"</h2> <p class="prose">{i.summary.clone()}</p> })}
            <h2>"Utvärderingsschema"</h2>
            <p>{data.schema.counts_text()}</p>
            {if data.schema.missing.is_empty() {
                view! { <p class="notice complete">"Schemat är komplett."</p> }.into_any()
            } else {
                let n = data.schema.missing.len();
                view! {
                    <p class="hint">{format!("Schemat är inte komplett: {n} {} saknas.", if n == 1 { "del" } else { "delar" })}</p>
                }.into_any()
            }}
            <p class="actions">
                <a class="button" href=format!("/satsningar/{}/schema", i.id)>"Utvärderingsschema"</a>
                <a class="button button--secondary" href=format!("/satsningar/{}/ekonomi", i.id)>"Ekonomi"</a>
                {(i.status >= Status::Decided).then(|| view! {
                    <a class="button" href=format!("/satsningar/{}/rapportera", i.id)>"Rapportering"</a>
                })}
                <a class="button button--secondary" href=format!("/satsningar/{}/enkater", i.id)>"Enkäter"</a>
                {data.may_edit.then(|| view! { <a class="button button--secondary" href=edit>"Ändra uppgifter"</a> })}
                {data.may_see_history.then(|| view! { <a href=format!("/historik/initiative/{}", i.id)>"Historik"</a> })}
            </p>

            <crate::dashboard::ui::InitiativeCharts data=charts surveys=data.measure_surveys.clone()/>

            {if data.transitions.is_empty() {
                ().into_any()
            } else {
                view! {
                    <h2>"Ändra status"</h2>
                    <ul class="transitions">
                        {data.transitions.into_iter().map(|t| {
                            let label = format!("Ändra status till {}", t.to.label().to_lowercase());
                            let id = id.clone();
                            match t.problem {
                                None => view! {
                                    <li>
                                        <PostForm action=action.clone() fn_path=ChangeStatus::PATH class="inline-form">
                                            <input type="hidden" name="id" value=id/>
                                            <input type="hidden" name="till" value=t.to.as_db()/>
                                            <button type="submit" class="button">{label}</button>
                                        </PostForm>
                                    </li>
                                }.into_any(),
                                Some(problem) => view! {
                                    <li><strong>{label}</strong>": "<span class="hint">{problem}</span></li>
                                }.into_any(),
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}

            <Documents id=i.id documents=data.documents.clone() may_upload=data.may_upload uploaded=flag("dokument") deleted=flag("borttaget")/>

            <h2>"Tidslinje"</h2>
            <ol class="timeline">
                {data.timeline.into_iter().map(|e| view! {
                    <li><time>{e.date}</time>" "{e.text}" ("{e.by}")"</li>
                }).collect_view()}
            </ol>
        </section>
    }
}

#[component]
fn Documents(
    id: i64,
    documents: Vec<crate::document::DocumentInfo>,
    may_upload: bool,
    uploaded: bool,
    deleted: bool,
) -> impl IntoView {
    use crate::document::{DocumentKind, format_size};
    view! {
        <section id="dokument" aria-labelledby="dokument-rubrik">
            <h2 id="dokument-rubrik">"Dokument"</h2>
            {uploaded.then(|| view! { <p class="notice" role="status">"Dokumentet är uppladdat."</p> })}
            {deleted.then(|| view! { <p class="notice" role="status">"Dokumentet är borttaget."</p> })}
            {if documents.is_empty() {
                view! { <p class="hint">"Inga dokument ännu."</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <thead><tr>
                            <th scope="col">"Dokument"</th><th scope="col">"Typ"</th>
                            <th scope="col" class="num">"Storlek"</th><th scope="col">"Uppladdat"</th>
                            {may_upload.then(|| view! { <th scope="col"><span class="visually-hidden">"Åtgärd"</span></th> })}
                        </tr></thead>
                        <tbody>
                            {documents.into_iter().map(|d| view! {
                                <tr>
                                    <td><a href=format!("/satsningar/{id}/dokument/{}", d.id) rel="external" download>{d.file_name.clone()}</a></td>
                                    <td>{d.kind.label()}</td>
                                    <td class="num">{format_size(d.size_bytes)}</td>
                                    <td>{d.uploaded_at.clone()}" av "{d.uploaded_by.clone()}</td>
                                    {may_upload.then(|| view! {
                                        <td class="row-actions">
                                            <details class="confirm">
                                                <summary aria-label=format!("Ta bort {}", d.file_name)>"Ta bort"</summary>
                                                <p class="hint">"Filen raderas. Borttagningen loggas i historiken."</p>
                                                <PostForm action=format!("/satsningar/{id}") fn_path=crate::document::api::DeleteDocument::PATH class="inline-form">
                                                    <input type="hidden" name="id" value=id.to_string()/>
                                                    <input type="hidden" name="dokument_id" value=d.id.to_string()/>
                                                    <button type="submit" class="button button--secondary"
                                                        aria-label=format!("Ja, ta bort {}", d.file_name)>"Ja, ta bort"</button>
                                                </PostForm>
                                            </details>
                                        </td>
                                    })}
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            {may_upload.then(|| view! {
                <form method="post" action=format!("/satsningar/{id}/dokument") enctype="multipart/form-data" class="form form--inline">
                    <div class="field">
                        <label for="dokumenttyp">"Typ av dokument"</label>
                        <select id="dokumenttyp" name="typ">
                            {DocumentKind::ALL.into_iter().map(|k| view! { <option value=k.as_db()>{k.label()}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="fil">"Fil (PDF, Word eller Excel)"</label>
                        <input id="fil" name="fil" type="file"
                            accept=".pdf,.docx,.xlsx,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"/>
                    </div>
                    <button type="submit" class="button button--secondary">"Ladda upp"</button>
                </form>
            })}
        </section>
    }
}
