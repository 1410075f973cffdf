//! The uppföljande utvärdering's page (`/satsningar/{id}/uppfoljning`): the effects after the
//! end, the texts and the implementation per method; a form for its writers while it is an
//! utkast, submit, and approval for the beredningsgrupp. Plain forms, no JavaScript.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::follow_up::{FollowUpStatus, Implementation, TEXTS, method_key, status_label};
use super::follow_up_api::{
    ApproveFollowUp, FollowUpPage, SaveFollowUp, SubmitFollowUp, follow_up_report,
};
use super::ui::MeasureView;
use crate::auth::ui::Guard;
use crate::error::AppError;
use crate::form::{ErrorSummary, FormState, PostForm, field_id, use_form_state};
use crate::html::{PageTitle, TextArea};
use crate::page::loaded;

/// Uppföljande utvärdering of one ended satsning.
#[component]
pub fn FollowUpReportPage() -> impl IntoView {
    view! {
        <PageTitle text="Uppföljande utvärdering"/>
        <Guard access=crate::auth::page_access("/satsningar/0/uppfoljning")>
            <FollowUpLoader/>
        </Guard>
    }
}

#[component]
fn FollowUpLoader() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new_blocking(
        move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok())),
        |id| async move {
            match id {
                Some(id) => follow_up_report(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    loaded(
        data,
        "Hämtar uppföljningen…",
        |data| view! { <FollowUp data/> },
    )
}

/// "1 dag", "12 dagar".
fn days(n: i64) -> String {
    if n == 1 {
        "1 dag".into()
    } else {
        format!("{n} dagar")
    }
}

#[component]
fn FollowUp(data: FollowUpPage) -> impl IntoView {
    let query = use_query_map();
    let notice = query.with_untracked(|q| {
        if q.get("inskickad").is_some() {
            Some("Uppföljningen är inskickad till beredningsgruppen.")
        } else if q.get("godkand").is_some() {
            Some("Uppföljningen är godkänd.")
        } else if q.get("sparad").is_some() {
            Some("Uppföljningen är sparad.")
        } else {
            None
        }
    });
    let id = data.initiative_id;
    let page = super::follow_up::follow_up_path(id);
    let title = format!("Uppföljande utvärdering: {}", data.initiative_name);
    let class = format!(
        "report-status report-status--{}",
        data.status.map_or("ny", FollowUpStatus::as_db)
    );
    let years = format!("{} år", data.follow_up_years);
    let svgs = data.svgs.clone();
    view! {
        <PageTitle text=title.clone()/>
        <article class="page half-year-report" aria-labelledby="uppfoljning-rubrik">
            <p class="no-print"><a href=format!("/satsningar/{id}")>{format!("← {}", data.initiative_name)}</a></p>
            <h1 id="uppfoljning-rubrik">{title}</h1>
            {data.is_example.then(|| view! { <p><span class="tag">"Exempeldata"</span></p> })}
            {notice.map(|n| view! { <p class="notice" role="status">{n}</p> })}
            <dl class="facts">
                <dt>"Status"</dt><dd><span class=class>{status_label(data.status)}</span></dd>
                <dt>"Satsningen avslutades"</dt><dd>{data.ended_on.clone()}</dd>
                <dt>"Sista dag"</dt><dd>{format!("{} ({years} efter slutdatum)", data.due_on)}</dd>
                {data.days_late.map(|n| view! { <dt>"Försenad"</dt><dd>{days(n)}</dd> })}
                {data.submitted.clone().map(|s| view! { <dt>"Inskickad"</dt><dd>{s}</dd> })}
                {data.approved.clone().map(|s| view! { <dt>"Godkänd"</dt><dd>{s}</dd> })}
            </dl>
            <section class="report-section" id="effekter-efter" aria-labelledby="effekter-efter-rubrik">
                <h2 id="effekter-efter-rubrik">"Effektmått efter avslut"</h2>
                <p class="hint">{format!(
                    "Varje effektmått från satsningens sista månad till i dag ({}). Efter avslut rapporteras effektmåtten i juni och december fram till uppföljningen.",
                    data.effects_period
                )}</p>
                {(!data.report_months.is_empty()).then(|| view! {
                    <nav class="no-print" aria-label="Rapportera effektmått efter avslut">
                        <ul class="cell-list">
                            {data.report_months.iter().map(|(label, href)| view! {
                                <li><a href=href.clone()>{format!("Rapportera effektmått för {label}")}</a></li>
                            }).collect_view()}
                        </ul>
                    </nav>
                })}
                {if data.effects.is_empty() {
                    view! { <p class="hint">"Schemat har inga effektmått."</p> }.into_any()
                } else {
                    data.effects.iter().cloned().map(|block| {
                        let svg = svgs.get(&block.measure_id).cloned();
                        view! { <MeasureView block svg during="tiden efter avslut"/> }
                    }).collect_view().into_any()
                }}
            </section>
            {if data.may_edit {
                view! { <EditForm data=data.clone() page=page.clone()/> }.into_any()
            } else {
                view! { <Texts data=data.clone()/> <Methods data=data.clone()/> }.into_any()
            }}
            {data.may_edit.then(|| view! { <SubmitForm data=data.clone() page=page.clone()/> })}
            {data.may_approve.then(|| view! { <ApproveForm id page=page.clone()/> })}
        </article>
    }
}

/// The texts, read only.
#[component]
fn Texts(data: FollowUpPage) -> impl IntoView {
    view! {
        <section class="report-section" id="texter" aria-labelledby="texter-rubrik">
            <h2 id="texter-rubrik">"Effekter och lärdomar"</h2>
            {TEXTS.iter().map(|(key, heading, _)| {
                let text = data.texts.get(*key).cloned().unwrap_or_default();
                view! {
                    <h3>{*heading}</h3>
                    {if text.is_empty() {
                        view! { <p class="hint">"Inte skrivet."</p> }.into_any()
                    } else {
                        view! { <p class="prewrap">{text}</p> }.into_any()
                    }}
                }
            }).collect_view()}
        </section>
    }
}

/// Implementation per method, read only.
#[component]
fn Methods(data: FollowUpPage) -> impl IntoView {
    view! {
        <section class="report-section" id="metoder" aria-labelledby="metoder-rubrik">
            <h2 id="metoder-rubrik">"Implementering per metod"</h2>
            {if data.methods.is_empty() {
                view! { <p class="hint">"Schemat har inga aktiviteter."</p> }.into_any()
            } else {
                view! {
                    <table class="table report-table">
                        <caption class="visually-hidden">"Implementering per metod"</caption>
                        <thead><tr>
                            <th scope="col">"Metod (aktivitet)"</th>
                            <th scope="col">"Status"</th>
                            <th scope="col">"Ägande nämnd"</th>
                            <th scope="col">"Kommentar"</th>
                        </tr></thead>
                        <tbody>
                            {data.methods.into_iter().map(|m| view! {
                                <tr>
                                    <th scope="row">{m.text.clone()}<br/><span class="hint">{m.goal.clone()}</span></th>
                                    <td>{m.status.map_or("Inte bedömd", Implementation::label)}</td>
                                    <td>{m.owner.clone().unwrap_or_else(|| "–".into())}</td>
                                    <td class="prewrap">{m.comment.clone()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}

/// A labelled `<select>` of (value, text) choices with its error.
fn select(
    state: &FormState,
    name: String,
    label: String,
    choices: Vec<(String, String)>,
    stored: &str,
) -> impl IntoView + use<> {
    let id = field_id(&name);
    let selected = state.value_or(&name, stored);
    let error = state.error(&name);
    let error_id = format!("{id}-fel");
    let described = error.as_ref().map(|_| error_id.clone());
    let has_error = error.is_some();
    view! {
        <div class="field" class:field--error=has_error>
            <label for=id.clone()>{label}</label>
            {error.map(|m| view! { <p class="field-error" id=error_id.clone()>{m}</p> })}
            <select id=id name=name aria-describedby=described aria-invalid=has_error.then_some("true")>
                {choices.into_iter().map(|(value, text)| {
                    let is = value == selected;
                    view! { <option value=value selected=is>{text}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

/// A labelled `<textarea>` with its hint and error.
fn text_area(
    state: &FormState,
    name: String,
    label: String,
    hint: Option<&'static str>,
    stored: &str,
    rows: u32,
) -> impl IntoView + use<> {
    let id = field_id(&name);
    let value = state.value_or(&name, stored);
    let error = state.error(&name);
    let error_id = format!("{id}-fel");
    let hint_id = format!("{id}-tips");
    let described = match (error.is_some(), hint.is_some()) {
        (true, true) => Some(format!("{error_id} {hint_id}")),
        (true, false) => Some(error_id.clone()),
        (false, true) => Some(hint_id.clone()),
        (false, false) => None,
    };
    let invalid = error.is_some().then_some("true");
    view! {
        <div class="field" class:field--error=error.is_some()>
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            {error.clone().map(|m| view! { <p class="field-error" id=error_id.clone()>{m}</p> })}
            <TextArea id=id name=name value rows=rows invalid=invalid described_by=described/>
        </div>
    }
}

/// The texts and the methods as one form, for the follow-up's writers while it is an utkast.
#[component]
fn EditForm(data: FollowUpPage, page: String) -> impl IntoView {
    let form = use_form_state();
    let id = data.initiative_id.to_string();
    let posted = form.is_from(SaveFollowUp::PATH, "id", &id);
    let state = form.clone().if_posted(posted);
    let stored = data.form.clone();
    let get = |map: &std::collections::BTreeMap<String, String>, key: &str| {
        map.get(key).cloned().unwrap_or_default()
    };
    let status_choices: Vec<(String, String)> =
        std::iter::once((String::new(), "Inte bedömd".to_string()))
            .chain(
                Implementation::ALL
                    .iter()
                    .map(|i| (i.as_db().to_string(), i.label().to_string())),
            )
            .collect();
    let owner_choices: Vec<(String, String)> =
        std::iter::once((String::new(), "Ingen nämnd vald".to_string()))
            .chain(
                data.owners
                    .iter()
                    .map(|(id, name)| (id.to_string(), name.clone())),
            )
            .collect();
    view! {
        <section class="report-section no-print" id="uppfoljning-form" aria-labelledby="uppfoljning-form-rubrik">
            <h2 id="uppfoljning-form-rubrik">"Effekter, lärdomar och implementering"</h2>
            {posted.then(|| view! { <ErrorSummary state=state.clone()/> })}
            <PostForm action=page fn_path=SaveFollowUp::PATH class="form">
                <input type="hidden" name="id" value=id/>
                {TEXTS.iter().map(|(key, heading, hint)| {
                    text_area(&state, format!("follow_up[text][{key}]"), heading.to_string(), Some(*hint), &get(&stored.text, key), 6)
                }).collect_view()}
                <h3>"Implementering per metod"</h3>
                <p class="hint">"För varje aktivitet i schemat: hur långt metoden lever vidare, och vilken nämnd som äger den."</p>
                {if data.methods.is_empty() {
                    view! { <p class="hint">"Schemat har inga aktiviteter."</p> }.into_any()
                } else {
                    data.methods.iter().map(|m| {
                        let key = method_key(m.activity_id);
                        view! {
                            <fieldset>
                                <legend>{m.text.clone()}</legend>
                                <p class="hint">{m.goal.clone()}</p>
                                {select(&state, format!("follow_up[status][{key}]"), "Status".into(), status_choices.clone(), &get(&stored.status, &key))}
                                {select(&state, format!("follow_up[owner][{key}]"), "Ägande nämnd".into(), owner_choices.clone(), &get(&stored.owner, &key))}
                                {text_area(&state, format!("follow_up[comment][{key}]"), "Kommentar (valfri)".into(), None, &get(&stored.comment, &key), 2)}
                            </fieldset>
                        }
                    }).collect_view().into_any()
                }}
                <button type="submit" class="button">"Spara uppföljningen"</button>
            </PostForm>
        </section>
    }
}

#[component]
fn SubmitForm(data: FollowUpPage, page: String) -> impl IntoView {
    let form = use_form_state();
    let id = data.initiative_id.to_string();
    let posted = form.is_from(SubmitFollowUp::PATH, "id", &id);
    let state = form.clone().if_posted(posted);
    view! {
        <section class="report-section no-print" id="skicka-in" aria-labelledby="skicka-in-rubrik">
            <h2 id="skicka-in-rubrik">"Skicka in"</h2>
            {posted.then(|| view! { <ErrorSummary state=state.clone()/> })}
            {if data.not_ready.is_empty() {
                view! {
                    <p>"När du skickar in låses uppföljningen. Beredningsgruppen godkänner den."</p>
                    <PostForm action=page fn_path=SubmitFollowUp::PATH class="form">
                        <input type="hidden" name="id" value=id/>
                        <button type="submit" class="button">"Skicka in uppföljningen"</button>
                    </PostForm>
                }.into_any()
            } else {
                view! { <p>{format!("Uppföljningen kan skickas in när allt är ifyllt. Kvar: {}.", data.not_ready.join(", "))}</p> }.into_any()
            }}
        </section>
    }
}

#[component]
fn ApproveForm(id: i64, page: String) -> impl IntoView {
    let form = use_form_state();
    let id = id.to_string();
    let posted = form.is_from(ApproveFollowUp::PATH, "id", &id);
    let state = form.clone().if_posted(posted);
    view! {
        <section class="report-section no-print" id="godkann" aria-labelledby="godkann-rubrik">
            <h2 id="godkann-rubrik">"Godkänn"</h2>
            {posted.then(|| view! { <ErrorSummary state=state.clone()/> })}
            <PostForm action=page fn_path=ApproveFollowUp::PATH class="form">
                <input type="hidden" name="id" value=id/>
                <button type="submit" class="button">"Godkänn uppföljningen"</button>
            </PostForm>
        </section>
    }
}
