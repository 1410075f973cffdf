//! Reporting pages: the calendar (`/satsningar/{id}/rapportera`), the month's form
//! (`/satsningar/{id}/rapportera/2026-11`), its history (`…/2026-11/historik`) and the
//! completeness overview (`/rapportering`).

use crate::html::PageTitle;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::MonthStatus;
use super::api::{
    CalendarData, FormRow, HistoryData, OverviewData, ReportFormData, report_calendar, report_form,
    report_history, report_overview,
};
use crate::auth::ui::Guard;
use crate::error::AppError;
use crate::form::{ErrorSummary, FormState, PostForm, field_id, use_form_state};
use crate::page::loaded;

pub(super) fn access() -> crate::auth::Access {
    crate::auth::page_access("/satsningar/0/rapportera")
}

/// The satsning id and month in the URL.
pub(super) fn url_params() -> (Option<i64>, String) {
    use_params_map().with_untracked(|p| {
        (
            p.get("id").and_then(|id| id.parse().ok()),
            p.get("manad").unwrap_or_default(),
        )
    })
}

/// A status as a label with a symbol (never colour alone).
#[component]
fn StatusBadge(status: MonthStatus) -> impl IntoView {
    view! {
        <span class=format!("month-status {}", status.class())>
            <span aria-hidden="true">{status.symbol()}" "</span>{status.label()}
        </span>
    }
}

/// Rapporteringskalender.
#[component]
pub fn ReportCalendarPage() -> impl IntoView {
    view! {
        <PageTitle text="Rapportering"/>
        <Guard access=access()>
            <CalendarLoader/>
        </Guard>
    }
}

/// Loads inside the guard, so a refused visitor never triggers the server function.
#[component]
fn CalendarLoader() -> impl IntoView {
    let (id, _) = url_params();
    let data = Resource::new_blocking(
        move || id,
        |id| async move {
            match id {
                Some(id) => report_calendar(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    loaded(
        data,
        "Hämtar rapporteringen…",
        |data| view! { <Calendar data/> },
    )
}

#[component]
fn Calendar(data: CalendarData) -> impl IntoView {
    let id = data.initiative_id;
    let importerade = use_query_map().with_untracked(|q| q.get("importerade"));
    view! {
        <section class="page" aria-labelledby="kalender-rubrik">
            <p><a href=format!("/satsningar/{id}")>"← "{data.initiative_name.clone()}</a></p>
            <h1 id="kalender-rubrik">"Rapportering"</h1>
            <p class="lead">{data.initiative_name.clone()}
                {data.is_example.then(|| view! { " " <span class="tag">"Exempeldata"</span> })}</p>
            <p class="hint">{format!(
                "En månads värden ska vara inrapporterade den {} i månaden efter. Efter den {} låses månaden.",
                data.due_day, data.lock_day
            )}</p>
            {data.completeness.map(|c| view! {
                <p>"Fullständighet: "<strong>{format!("{c} %")}</strong>" av de förfallna månaderna är inrapporterade."</p>
            })}
            {data.closed.clone().map(|c| view! { <p class="notice">{c}</p> })}
            {data.years.into_iter().map(|(year, months)| view! {
                <h2>{year}</h2>
                <ul class="month-grid">
                    {months.into_iter().map(|(p, s)| view! {
                        <li>
                            <a href=format!("/satsningar/{id}/rapportera/{p}") data-status=s.class()>
                                <span class="month-name">{p.label()}</span>
                                <span class="visually-hidden">": "</span>
                                <StatusBadge status=s/>
                            </a>
                        </li>
                    }).collect_view()}
                </ul>
            }).collect_view()}
            {importerade.map(|n| view! { <p class="notice" role="status">{format!("Importen är klar: {n} värden sparades.")}</p> })}
            <p class="actions no-print">
                {data.may_report.then(|| view! { <a href=format!("/satsningar/{id}/import")>"Importera värden från fil"</a> })}
                <a href=format!("/satsningar/{id}/varden.csv") rel="external" download>"Ladda ner värden (CSV)"</a>
                <a href=format!("/satsningar/{id}/varden.xlsx") rel="external" download>"Ladda ner värden (Excel)"</a>
            </p>
        </section>
    }
}

/// Månadsrapport: the form of one month.
#[component]
pub fn ReportFormPage() -> impl IntoView {
    view! {
        <PageTitle text="Månadsrapport"/>
        <Guard access=access()>
            <FormLoader/>
        </Guard>
    }
}

#[component]
fn FormLoader() -> impl IntoView {
    let (id, month) = url_params();
    let data = Resource::new_blocking(
        move || (id, month.clone()),
        |(id, month)| async move {
            match id {
                Some(id) => report_form(id, month).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    loaded(
        data,
        "Hämtar formuläret…",
        |data| view! { <MonthForm data/> },
    )
}

#[component]
fn MonthForm(data: ReportFormData) -> impl IntoView {
    let form = use_form_state();
    let id = data.initiative_id;
    let period = data.period;
    let action = format!("/satsningar/{id}/rapportera/{period}");
    let query = use_query_map();
    let saved = query.with_untracked(|q| q.get("sparad"));
    let reported = query.with_untracked(|q| q.get("inrapporterad"));
    let editable = data.may_save;
    let mut last_goal = String::new();
    let groups = data
        .groups
        .iter()
        .map(|group| {
            let goal = (group.goal != last_goal).then(|| group.goal.clone());
            last_goal = group.goal.clone();
            let rows = group
                .rows
                .iter()
                .map(|row| view! { <MeasureRow row=row.clone() form=form.clone() editable/> })
                .collect_view();
            view! {
                {goal.map(|g| view! { <h2>{g}</h2> })}
                <h3>{group.heading.clone()}</h3>
                <div class="table-scroll">
                    <table class="table report-table">
                        <thead><tr>
                            <th scope="col">"Mått"</th>
                            <th scope="col">"Mål för månaden"</th>
                            <th scope="col">"Senaste värden"</th>
                            <th scope="col">"Värde"</th>
                            <th scope="col">"Kommentar"</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }
        })
        .collect_view();
    let empty = data.groups.is_empty();
    // With JavaScript: warn before leaving a form with unsaved changes.
    let dirty = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    {
        let handle = window_event_listener(leptos::ev::beforeunload, move |ev| {
            if dirty.get_untracked() {
                ev.prevent_default();
            }
        });
        on_cleanup(move || handle.remove());
    }
    view! {
        <section class="page wide" aria-labelledby="rapport-rubrik">
            <p><a href=format!("/satsningar/{id}/rapportera")>"← Rapportering för "{data.initiative_name.clone()}</a></p>
            <h1 id="rapport-rubrik">{format!("Månadsrapport {}", period.label())}</h1>
            <p class="lead">{data.initiative_name.clone()}
                {data.is_example.then(|| view! { " " <span class="tag">"Exempeldata"</span> })}</p>
            <p>
                <StatusBadge status=data.status/>
                {data.submitted.clone().map(|s| view! { " · Inrapporterad "{s} })}
            </p>
            <p class="hint">{format!("Ska vara inrapporterad senast {}. Låses efter {}.", data.due_date, data.lock_date)}</p>
            <nav class="month-nav" aria-label="Andra månader">
                {data.previous.map(|p| view! { <a href=format!("/satsningar/{id}/rapportera/{p}")>"← "{p.label()}</a> })}
                <a href=format!("/satsningar/{id}/rapportera/{period}/historik")>"Ändringshistorik"</a>
                {data.next.map(|p| view! { <a href=format!("/satsningar/{id}/rapportera/{p}")>{p.label()}" →"</a> })}
            </nav>
            {saved.map(|n| view! { <p class="notice" role="status">{saved_text("Sparat", &n)}</p> })}
            {reported.map(|n| view! { <p class="notice" role="status">{saved_text("Månaden är markerad som inrapporterad", &n)}</p> })}
            {data.read_only_reason.clone().map(|r| view! { <p class="notice">{r}</p> })}
            <ErrorSummary state=form.clone()/>
            {if empty {
                view! { <p>"Inga mått ska rapporteras för den här månaden (kvartals-, halvårs- och årsmått rapporteras i mars, juni, september och december)."</p> }.into_any()
            } else {
                view! {
                    <PostForm action fn_path=super::api::SaveReport::PATH class="form report-form"
                        on:input=move |_| dirty.set(true) on:submit=move |_| dirty.set(false)>
                        <input type="hidden" name="id" value=id.to_string()/>
                        <input type="hidden" name="manad" value=period.to_string()/>
                        {groups}
                        {data.needs_reason.then(|| view! {
                            <crate::form::TextField name="orsak" label="Orsak till rättelsen (krävs när månaden är låst)"
                                kind="textarea" value=form.value_or("orsak", "") error=form.error("orsak")/>
                        })}
                        {editable.then(|| view! {
                            <p class="actions">
                                <button type="submit" name="steg" value="spara" class="button">"Spara"</button>
                                <button type="submit" name="steg" value="inrapportera" class="button button--secondary">"Markera som inrapporterad"</button>
                            </p>
                            <p class="hint">"Du kan spara ett halvfärdigt formulär och fortsätta senare. Skriv tal med decimalkomma, till exempel 12,5."</p>
                        })}
                    </PostForm>
                }.into_any()
            }}
        </section>
    }
}

fn saved_text(what: &str, changed: &str) -> String {
    match changed {
        "0" => format!("{what}. Inga värden ändrades."),
        "1" => format!("{what}. 1 värde ändrades."),
        n => format!("{what}. {n} värden ändrades."),
    }
}

#[component]
fn MeasureRow(row: FormRow, form: FormState, editable: bool) -> impl IntoView {
    let value_name = format!("v[m{}]", row.measure_id);
    let comment_name = format!("k[m{}]", row.measure_id);
    let value = form.value_or(&value_name, &row.value);
    let comment = form.value_or(&comment_name, &row.comment);
    let comment_error = form.error(&comment_name);
    let (value_id, comment_id) = (field_id(&value_name), field_id(&comment_name));
    let value_error_id = format!("{value_id}-fel");
    let label = format!("{} {}", row.code, row.name);
    // The server's message after a rejected post; with JavaScript, the same check runs as soon
    // as a value is changed (the server still decides).
    let error = RwSignal::new(form.error(&value_name));
    let value_type = row.value_type;
    let check_label = label.clone();
    let check = move |ev: leptos::ev::Event| {
        let message = super::parse_value(value_type, &event_target_value(&ev))
            .err()
            .map(|m| format!("{check_label}: {m}"));
        error.set(message);
    };
    let invalid = move || error.with(|e| e.is_some().then_some("true"));
    let described = {
        let id = value_error_id.clone();
        move || error.with(|e| e.as_ref().map(|_| id.clone()))
    };
    let row_error = {
        let has_comment_error = comment_error.is_some();
        move || has_comment_error || error.with(Option::is_some)
    };
    let earlier = if row.earlier.is_empty() {
        "–".to_string()
    } else {
        row.earlier
            .iter()
            .map(|(m, v)| format!("{m}: {v}"))
            .collect::<Vec<_>>()
            .join(" · ")
    };
    let value_cell = if !editable {
        view! { <span>{if value.is_empty() { "–".to_string() } else { value.clone() }}</span> }
            .into_any()
    } else if value_type == crate::schema::ValueType::YesNo {
        let chosen = value.to_lowercase();
        view! {
            <select id=value_id.clone() name=value_name.clone() aria-invalid=invalid aria-describedby=described on:change=check>
                {[("", "Välj"), ("ja", "Ja"), ("nej", "Nej")].into_iter().map(|(v, text)| {
                    let is = chosen == v;
                    view! { <option value=v selected=is>{text}</option> }
                }).collect_view()}
            </select>
        }.into_any()
    } else {
        view! {
            <input id=value_id.clone() name=value_name.clone() type="text" inputmode="decimal"
                class="value-input" value=value aria-invalid=invalid aria-describedby=described
                on:change=check/>
        }
        .into_any()
    };
    view! {
        <tr class:row-error=row_error>
            <th scope="row">
                {if editable {
                    view! { <label for=value_id.clone()>{label.clone()}</label> }.into_any()
                } else {
                    view! { <span>{label.clone()}</span> }.into_any()
                }}
                <span class="hint">{format!(" ({}{})", row.kind, if row.unit.is_empty() { String::new() } else { format!(", {}", row.unit) })}</span>
            </th>
            <td>{row.target.clone().unwrap_or_else(|| "–".into())}</td>
            <td class="earlier">{earlier}</td>
            <td>
                {move || error.get().map(|m| view! { <p class="field-error" id=value_error_id.clone()>{m}</p> })}
                {value_cell}
                <span class="hint">{value_type.label()}</span>
            </td>
            <td>
                {comment_error.map(|m| view! { <p class="field-error">{m}</p> })}
                {if editable {
                    view! {
                        <label class="visually-hidden" for=comment_id.clone()>{format!("Kommentar till {label}")}</label>
                        <crate::html::TextArea id=comment_id name=comment_name.clone() value=comment.clone() rows=2/>
                    }.into_any()
                } else {
                    view! { <span>{comment}</span> }.into_any()
                }}
            </td>
        </tr>
    }
}

/// Ändringshistorik för en månad.
#[component]
pub fn ReportHistoryPage() -> impl IntoView {
    view! {
        <PageTitle text="Ändringshistorik"/>
        <Guard access=access()>
            <HistoryLoader/>
        </Guard>
    }
}

#[component]
fn HistoryLoader() -> impl IntoView {
    let (id, month) = url_params();
    let data = Resource::new_blocking(
        move || (id, month.clone()),
        |(id, month)| async move {
            match id {
                Some(id) => report_history(id, month).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    loaded(data, "Hämtar historiken…", |data| view! { <History data/> })
}

#[component]
fn History(data: HistoryData) -> impl IntoView {
    let id = data.initiative_id;
    let period = data.period;
    view! {
        <section class="page" aria-labelledby="historik-rubrik">
            <p><a href=format!("/satsningar/{id}/rapportera/{period}")>"← Månadsrapport "{period.label()}</a></p>
            <h1 id="historik-rubrik">{format!("Ändringshistorik {}", period.label())}</h1>
            <p class="lead">{data.initiative_name.clone()}</p>
            {if data.rows.is_empty() {
                view! { <p>"Inga värden har sparats för månaden ännu."</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll">
                        <table class="table">
                            <thead><tr>
                                <th scope="col">"Tid"</th><th scope="col">"Av"</th><th scope="col">"Mått"</th>
                                <th scope="col">"Före"</th><th scope="col">"Efter"</th>
                                <th scope="col">"Kommentar"</th><th scope="col">"Orsak"</th>
                            </tr></thead>
                            <tbody>
                                {data.rows.into_iter().map(|r| view! {
                                    <tr>
                                        <td>{r.at}</td><td>{r.by}</td><td>{r.measure}</td>
                                        <td>{r.before}</td><td>{r.after}</td>
                                        <td>{r.comment.unwrap_or_default()}</td>
                                        <td>{r.reason.unwrap_or_default()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}

/// Rapporteringsöversikt: satsningar × the last 12 months.
#[component]
pub fn ReportOverviewPage() -> impl IntoView {
    view! {
        <PageTitle text="Rapporteringsöversikt"/>
        <Guard access=crate::auth::page_access("/rapportering")>
            <OverviewLoader/>
        </Guard>
    }
}

#[component]
fn OverviewLoader() -> impl IntoView {
    let data = Resource::new_blocking(|| (), |_| report_overview());
    loaded(
        data,
        "Hämtar översikten…",
        |data| view! { <Overview data/> },
    )
}

#[component]
fn Overview(data: OverviewData) -> impl IntoView {
    let months = data.months.clone();
    view! {
        <section class="page wide" aria-labelledby="oversikt-rubrik">
            <h1 id="oversikt-rubrik">"Rapporteringsöversikt"</h1>
            <p class="lead">"Inrapporteringen de senaste tolv månaderna för satsningar som är beslutade."</p>
            {data.total.map(|t| view! { <p>"Total fullständighet: "<strong>{format!("{t} %")}</strong></p> })}
            <p class="actions no-print">
                <a href="/satsningar/varden.csv" rel="external" download>"Ladda ner alla värden (CSV)"</a>
                <a href="/satsningar/varden.xlsx" rel="external" download>"Ladda ner alla värden (Excel)"</a>
            </p>
            {if data.rows.is_empty() {
                view! { <p>"Inga satsningar rapporterar ännu."</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll">
                        <table class="table overview-table">
                            <caption class="visually-hidden">"Status per satsning och månad"</caption>
                            <thead><tr>
                                <th scope="col">"Satsning"</th>
                                {months.iter().map(|p| view! { <th scope="col"><abbr title=p.label()>{format!("{} {}", p.short_month(), p.year() % 100)}</abbr></th> }).collect_view()}
                                <th scope="col" class="num">"Fullständighet"</th>
                            </tr></thead>
                            <tbody>
                                {data.rows.into_iter().map(|row| {
                                    let id = row.initiative_id;
                                    let cells = row.cells.into_iter().zip(months.clone()).map(|(cell, p)| match cell {
                                        Some(s) => view! {
                                            <td><a href=format!("/satsningar/{id}/rapportera/{p}") data-status=s.class()>
                                                <span class=format!("month-status {}", s.class())><span aria-hidden="true">{s.symbol()}</span></span>
                                                <span class="visually-hidden">{format!("{}: {}", p.label(), s.label())}</span>
                                            </a></td>
                                        }.into_any(),
                                        None => view! { <td><span class="visually-hidden">"Rapporterar inte"</span></td> }.into_any(),
                                    }).collect_view();
                                    view! {
                                        <tr>
                                            <th scope="row"><a href=format!("/satsningar/{id}/rapportera")>{row.name}</a></th>
                                            {cells}
                                            <td class="num">{row.completeness.map_or("–".to_string(), |c| format!("{c} %"))}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    <p class="legend">
                        {[MonthStatus::Reported, MonthStatus::Started, MonthStatus::Missing, MonthStatus::Late, MonthStatus::Locked]
                            .into_iter().map(|s| view! { <StatusBadge status=s/>" " }).collect_view()}
                    </p>
                }.into_any()
            }}
        </section>
    }
}
