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
use crate::layout::TableScroll;
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

/// The satsning id and month in the URL, tracked: a link to another month keeps the same route
/// (the router then only changes the parameters), and the page must load that month.
fn tracked_params() -> impl Fn() -> (Option<i64>, String) + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || {
        params.with(|p| {
            (
                p.get("id").and_then(|id| id.parse().ok()),
                p.get("manad").unwrap_or_default(),
            )
        })
    }
}

/// A status as a label with a mark (never colour alone).
#[component]
fn StatusBadge(status: MonthStatus) -> impl IntoView {
    view! {
        <span class=format!("month-status {}", status.class())>
            <StatusMark status/>{status.label()}
        </span>
    }
}

/// A status's mark for the eye, drawn as inline SVG in the text's colour, so no font has to
/// carry a glyph for it (an emoji lock shows as an empty box on many systems) and it follows
/// forced colours and print. The shapes differ as well as the colours; the word carries the
/// meaning for everyone else.
#[component]
pub fn StatusMark(status: MonthStatus) -> impl IntoView {
    let shape = match status {
        MonthStatus::Reported => view! {
            <path d="M3.5 8.5l3 3 6-7" fill="none" stroke="currentColor" stroke-width="2.2"
                stroke-linecap="round" stroke-linejoin="round"/>
        }
        .into_any(),
        MonthStatus::InProgress => view! {
            <circle cx="8" cy="8" r="6" fill="none" stroke="currentColor" stroke-width="1.8"/>
            <path d="M8 4.5V8l2.5 1.8" fill="none" stroke="currentColor" stroke-width="1.8"
                stroke-linecap="round"/>
        }
        .into_any(),
        MonthStatus::Started => view! {
            <circle cx="8" cy="8" r="6" fill="none" stroke="currentColor" stroke-width="1.8"/>
            <path d="M8 2a6 6 0 0 1 0 12z" fill="currentColor"/>
        }
        .into_any(),
        MonthStatus::Missing => view! {
            <circle cx="8" cy="8" r="6" fill="none" stroke="currentColor" stroke-width="1.8"
                stroke-dasharray="3 2"/>
        }
        .into_any(),
        MonthStatus::Late => view! {
            <path d="M8 1.8l6.6 12H1.4z" fill="none" stroke="currentColor" stroke-width="1.6"
                stroke-linejoin="round"/>
            <path d="M8 6v3.6" stroke="currentColor" stroke-width="1.8" stroke-linecap="round"/>
            <circle cx="8" cy="11.8" r="1" fill="currentColor"/>
        }
        .into_any(),
        MonthStatus::LockedStarted | MonthStatus::Locked => view! {
            <path d="M5.2 7V5.2a2.8 2.8 0 0 1 5.6 0V7" fill="none" stroke="currentColor"
                stroke-width="1.8"/>
            <rect x="3" y="7" width="10" height="7.5" rx="1.5" fill="currentColor"/>
        }
        .into_any(),
    };
    view! {
        <svg class="status-mark" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
            {shape}
        </svg>
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
    let data = crate::page::by_id(move || id, report_calendar);
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
    let current = data.current.map(|p| {
        let verb = if data.may_report {
            "Rapportera för"
        } else {
            "Visa"
        };
        view! {
            <p><a class="button button--secondary" href=format!("/satsningar/{id}/rapportera/{p}")>
                {format!("{verb} {}", p.label())}
            </a></p>
        }
    });
    view! {
        <PageTitle text=format!("Rapportering – {}", data.initiative_name)/>
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
            {current}
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
    let data = Resource::new_blocking(tracked_params(), |(id, month)| async move {
        match id {
            Some(id) => report_form(id, month).await,
            None => Err(AppError::NotFound),
        }
    });
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
    let marked = data.submitted.is_some();
    let mut last_goal = String::new();
    let groups = data
        .groups
        .iter()
        .map(|group| {
            let goal = (group.goal != last_goal).then(|| group.goal.clone());
            last_goal = group.goal.clone();
            let cards = group
                .rows
                .iter()
                .map(|row| view! { <MeasureCard row=row.clone() form=form.clone() editable/> })
                .collect_view();
            view! {
                {goal.map(|g| view! { <h2>{g}</h2> })}
                <h3>{group.heading.clone()}</h3>
                <div class="measure-cards">{cards}</div>
            }
        })
        .collect_view();
    let empty = data.groups.is_empty();
    // With JavaScript: ask before a link leaves typed values unsaved. A rejected form holds
    // typed values that are not saved either.
    #[cfg(feature = "hydrate")]
    super::leave_guard::watch(!form.values.is_empty());
    let dirty = |unsaved: bool| {
        #[cfg(feature = "hydrate")]
        super::leave_guard::set(unsaved);
        #[cfg(not(feature = "hydrate"))]
        let _ = unsaved;
    };
    // Only warnings about unusual values: say so, rather than "correct the fields".
    let summary = {
        let mut state = form.clone();
        let only_warnings = !state.errors.is_empty()
            && state
                .errors
                .iter()
                .all(|e| e.field.starts_with("bekrafta["));
        if only_warnings && state.summary.is_none() {
            state.summary = Some(
                "Inget är sparat än: kontrollera värdena nedan. Stämmer de, kryssa i ”Spara ändå” och spara igen."
                    .into(),
            );
        }
        state
    };
    view! {
        <PageTitle text=format!("Månadsrapport {} – {}", period.label(), data.initiative_name)/>
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
            <ErrorSummary state=summary/>
            {if empty {
                view! { <p>"Inga mått ska rapporteras för den här månaden (kvartals-, halvårs- och årsmått rapporteras i mars, juni, september och december)."</p> }.into_any()
            } else {
                view! {
                    <PostForm action fn_path=super::api::SaveReport::PATH class="form report-form"
                        on:input=move |_| dirty(true) on:submit=move |_| dirty(false)>
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
                                {(!marked).then(|| view! {
                                    <button type="submit" name="steg" value="inrapportera" class="button button--secondary">"Markera som inrapporterad"</button>
                                })}
                            </p>
                            <p class="hint">{if marked {
                                "Månaden är redan inrapporterad. Ändringar sparas med Spara; varje mått behöver fortfarande ett värde eller en kommentar om varför det saknas."
                            } else {
                                "Du kan spara ett halvfärdigt formulär och fortsätta senare. Skriv tal med decimalkomma, till exempel 12,5."
                            }}</p>
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

/// One measure of the month's form as a card: name and unit, the month's target, the latest
/// values, a large value field, the "Spara ändå" confirmation after a warning, and a comment.
/// The cards stack on a phone and sit side by side in columns on a wide screen; every field is
/// visible where the error summary's link lands (no scrolling table hides it).
#[component]
fn MeasureCard(row: FormRow, form: FormState, editable: bool) -> impl IntoView {
    let value_name = format!("v[m{}]", row.measure_id);
    let comment_name = format!("k[m{}]", row.measure_id);
    let confirm_name = super::month::confirm_field(row.measure_id);
    let value = form.value_or(&value_name, &row.value);
    let comment = form.value_or(&comment_name, &row.comment);
    let comment_error = form.error(&comment_name);
    let warning = form.error(&confirm_name);
    let confirmed = form.values.get(&confirm_name).cloned();
    let (value_id, comment_id, confirm_id) = (
        field_id(&value_name),
        field_id(&comment_name),
        field_id(&confirm_name),
    );
    let value_error_id = format!("{value_id}-fel");
    let comment_error_id = format!("{comment_id}-fel");
    let warning_id = format!("{confirm_id}-varning");
    let hint_id = format!("{value_id}-tips");
    let legend_id = format!("m{}-namn", row.measure_id);
    let label = format!("{} {}", row.code, row.name);
    let about = if row.unit.is_empty() {
        row.kind.clone()
    } else {
        format!("{}, {}", row.kind, row.unit)
    };
    // The server's message after a rejected post; with JavaScript, the same check runs as soon
    // as the field is left or a choice made (the server still decides).
    let error = RwSignal::new(form.error(&value_name));
    let value_type = row.value_type;
    let check_label = label.clone();
    let check_text = move |text: String| {
        let message = super::parse_value(value_type, &text)
            .err()
            .map(|m| format!("{check_label}: {m}"));
        error.set(message);
    };
    let check_choice = {
        let check_text = check_text.clone();
        move |ev: leptos::ev::Event| check_text(event_target_value(&ev))
    };
    let check_typed = move |ev: leptos::ev::FocusEvent| {
        if !towards_submit(&ev) {
            check_text(event_target_value(&ev));
        }
    };
    let invalid = move || error.with(|e| e.is_some().then_some("true"));
    let described = {
        let (error_id, hint_id) = (value_error_id.clone(), hint_id.clone());
        let warning_id = warning.as_ref().map(|_| warning_id.clone());
        move || {
            let ids: Vec<&str> = error
                .with(|e| e.as_ref().map(|_| error_id.as_str()))
                .into_iter()
                .chain(warning_id.as_deref())
                .chain([hint_id.as_str()])
                .collect();
            ids.join(" ")
        }
    };
    let card_error = {
        let flagged = comment_error.is_some() || warning.is_some();
        move || flagged || error.with(Option::is_some)
    };
    let earlier = if row.earlier.is_empty() {
        view! { <span>"–"</span> }.into_any()
    } else {
        view! {
            <ol class="earlier">
                {row.earlier.iter().map(|(m, v)| view! { <li>{format!("{m}: {v}")}</li> }).collect_view()}
            </ol>
        }
        .into_any()
    };
    let target = row.target.clone().unwrap_or_else(|| "–".into());
    let facts = view! {
        <dl class="measure-facts">
            <div><dt>"Mål för månaden"</dt><dd>{target}</dd></div>
            <div><dt>"Senaste värden"</dt><dd>{earlier}</dd></div>
        </dl>
    };
    if !editable {
        let shown = |text: String| {
            if text.is_empty() {
                "–".to_string()
            } else {
                text
            }
        };
        let labelled_by = legend_id.clone();
        return view! {
            <section class="measure-card" aria-labelledby=labelled_by>
                <h4 class="measure-name" id=legend_id>{label}<span class="hint">{format!(" ({about})")}</span></h4>
                {facts}
                <dl class="measure-facts">
                    <div><dt>"Värde"</dt><dd>{shown(value)}</dd></div>
                    <div><dt>"Kommentar"</dt><dd>{shown(comment)}</dd></div>
                </dl>
            </section>
        }
        .into_any();
    }
    let field = if value_type == crate::schema::ValueType::YesNo {
        let chosen = value.to_lowercase();
        view! {
            <select id=value_id.clone() name=value_name.clone() class="value-input"
                aria-invalid=invalid aria-describedby=described on:change=check_choice>
                {[("", "Välj"), ("ja", "Ja"), ("nej", "Nej")].into_iter().map(|(v, text)| {
                    let is = chosen == v;
                    view! { <option value=v selected=is>{text}</option> }
                }).collect_view()}
            </select>
        }
        .into_any()
    } else {
        view! {
            <input id=value_id.clone() name=value_name.clone() type="text" inputmode="decimal"
                autocomplete="off" class="value-input" value=value.clone()
                aria-invalid=invalid aria-describedby=described on:blur=check_typed/>
        }
        .into_any()
    };
    // After a warning, or kept ticked when the form came back for another field's error.
    let confirm = (warning.is_some() || confirmed.is_some()).then(|| {
        let ticked = warning.is_none();
        let confirms = confirmed.filter(|_| ticked).unwrap_or_else(|| value.clone());
        view! {
            <div class="confirm-value">
                {warning.clone().map(|m| view! { <p class="field-warning" id=warning_id.clone()>{m}</p> })}
                <div class="checkbox">
                    <input type="checkbox" id=confirm_id.clone() name=confirm_name.clone()
                        value=confirms.clone() checked=ticked/>
                    <label for=confirm_id.clone()>{format!("Spara ändå: {confirms} stämmer")}</label>
                </div>
            </div>
        }
    });
    view! {
        <fieldset class="measure-card" class:measure-card--error=card_error>
            <legend class="measure-name" id=legend_id>{label.clone()}<span class="hint">{format!(" ({about})")}</span></legend>
            {facts}
            <div class="field measure-value">
                <label for=value_id.clone()>"Värde"<span class="visually-hidden">{format!(" för {label}")}</span></label>
                <p class="hint" id=hint_id>{value_type.label()}</p>
                {move || error.get().map(|m| view! { <p class="field-error" id=value_error_id.clone()>{m}</p> })}
                {field}
                {confirm}
            </div>
            <div class="field measure-comment">
                <label for=comment_id.clone()>"Kommentar"<span class="visually-hidden">{format!(" till {label}")}</span></label>
                {comment_error.clone().map(|m| view! { <p class="field-error" id=comment_error_id.clone()>{m}</p> })}
                <crate::html::TextArea id=comment_id name=comment_name.clone() value=comment.clone() rows=2
                    invalid=comment_error.as_ref().map(|_| "true")
                    described_by=comment_error.as_ref().map(|_| comment_error_id.clone())/>
            </div>
        </fieldset>
    }
    .into_any()
}

/// Whether focus leaves a field for a submit button. The post checks the value a moment later;
/// a message shown now would push the button from under the pointer between press and release,
/// and the click would be lost.
#[cfg(feature = "hydrate")]
fn towards_submit(ev: &leptos::ev::FocusEvent) -> bool {
    use leptos::wasm_bindgen::JsCast;
    ev.related_target()
        .and_then(|t| t.dyn_into::<leptos::web_sys::HtmlButtonElement>().ok())
        .is_some_and(|button| button.type_() == "submit")
}

#[cfg(not(feature = "hydrate"))]
fn towards_submit(_: &leptos::ev::FocusEvent) -> bool {
    false
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
    let data = Resource::new_blocking(tracked_params(), |(id, month)| async move {
        match id {
            Some(id) => report_history(id, month).await,
            None => Err(AppError::NotFound),
        }
    });
    loaded(data, "Hämtar historiken…", |data| view! { <History data/> })
}

#[component]
fn History(data: HistoryData) -> impl IntoView {
    let id = data.initiative_id;
    let period = data.period;
    view! {
        <PageTitle text=format!("Ändringshistorik {} – {}", period.label(), data.initiative_name)/>
        <section class="page" aria-labelledby="historik-rubrik">
            <p><a href=format!("/satsningar/{id}/rapportera/{period}")>"← Månadsrapport "{period.label()}</a></p>
            <h1 id="historik-rubrik">{format!("Ändringshistorik {}", period.label())}</h1>
            <p class="lead">{data.initiative_name.clone()}</p>
            {if data.rows.is_empty() {
                view! { <p>"Inga värden har sparats för månaden ännu."</p> }.into_any()
            } else {
                view! {
                    <TableScroll label="Ändringshistorik">
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
                    </TableScroll>
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
                    <TableScroll label="Status per satsning och månad">
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
                                                <span class=format!("month-status {}", s.class())><StatusMark status=s/></span>
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
                    </TableScroll>
                    <p class="legend">
                        {MonthStatus::ALL.into_iter().map(|s| view! { <StatusBadge status=s/>" " }).collect_view()}
                    </p>
                }.into_any()
            }}
        </section>
    }
}
