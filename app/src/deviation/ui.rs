//! Pages for avvikelser: the queue (`/avvikelser`), a flag with its history and forms
//! (`/avvikelser/{id}`), and the meeting view (`/avvikelser/mote?sedan=…`), printable as the
//! agenda. Every form is a plain post; nothing needs JavaScript.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

use super::api::{
    DecideDeviation, ExplainDeviation, FilterQuery, FlagPage, HandleDeviations, MeetingData,
    QueueData, deviation_flag, deviation_meeting, deviation_queue, last_page,
};
use super::{Decision, FlagStatus, FlagSummary, QUEUE_PAGE_SIZE, QueueFilter, rules::RULES};
use crate::auth::ui::Guard;
use crate::form::{ErrorSummary, PostForm, TextField, use_form_state};
use crate::html::PageTitle;
use crate::layout::TableScroll;
use crate::light::LightBadge;
use crate::page::{by_id, loaded, route_id};
use crate::sv::date::long_date;

/// A flag's status as a word with a class (never colour alone).
#[component]
fn StatusText(status: FlagStatus) -> impl IntoView {
    view! { <span class=format!("flag-status flag-status--{}", status.as_db())>{status.label()}</span> }
}

/// "i dag", "1 dag", "12 dagar".
fn age_text(days: i64) -> String {
    match days {
        0 => "i dag".into(),
        1 => "1 dag".into(),
        n => format!("{n} dagar"),
    }
}

/// Avvikelser: the beredningsgrupp's queue.
#[component]
pub fn DeviationQueuePage() -> impl IntoView {
    view! {
        <PageTitle text="Avvikelser"/>
        <Guard access=crate::auth::page_access("/avvikelser")>
            <QueueLoader/>
        </Guard>
    }
}

#[component]
fn QueueLoader() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new_blocking(
        move || {
            query.with(|q| FilterQuery {
                satsning: q.get("satsning"),
                regel: q.get("regel"),
                status: q.get("status"),
                namnd: q.get("namnd"),
                projektledare: q.get("projektledare"),
                sida: q.get("sida"),
            })
        },
        deviation_queue,
    );
    loaded(data, "Hämtar avvikelser…", |data| view! { <Queue data/> })
}

#[component]
fn Queue(data: QueueData) -> impl IntoView {
    let form = use_form_state();
    let handled = use_query_map().with_untracked(|q| q.get("hanterade"));
    let filter = data.filter.clone();
    let selected_initiative = filter
        .initiative_id
        .map(|i| i.to_string())
        .unwrap_or_default();
    let selected_rule = filter.rule.clone().unwrap_or_default();
    let selected_party = filter.party_id.map(|i| i.to_string()).unwrap_or_default();
    let selected_lead = filter.led_by.map(|i| i.to_string()).unwrap_or_default();
    let selected_status = filter
        .status
        .map(|s| s.as_db().to_string())
        .unwrap_or_default();
    let now = data.now;
    let may_decide = data.may_decide;
    let count = data.total;
    let pager = Pager {
        page: data.page,
        shown: data.flags.len() as i64,
        total: data.total,
        filter: filter.clone(),
    };
    let rows = data
        .flags
        .into_iter()
        .map(|flag| {
            let key = crate::form::ticked_ids::key(flag.id);
            let check_id = format!("bulk-flags-{key}");
            let name = format!("bulk[flags][{key}]");
            let checked = form.value_or(&name, "") == "ja";
            let label = format!("Välj avvikelse {}", flag.id);
            view! {
                <tr id=format!("avvikelse-{}", flag.id)>
                    {may_decide.then(|| view! {
                        <td><input type="checkbox" id=check_id name=name value="ja" checked=checked aria-label=label/></td>
                    })}
                    <td><LightBadge light=flag.severity.light()/></td>
                    <td><a href=format!("/satsningar/{}", flag.initiative_id)>{flag.initiative_name.clone()}</a>
                        {flag.is_example.then(|| view! { " " <span class="tag">"Exempeldata"</span> })}</td>
                    <td>{flag.rule_label()}</td>
                    <td>{flag.measure.clone().unwrap_or_else(|| "–".into())}</td>
                    <td class="flag-explanation">{flag.explanation.clone()}</td>
                    <td><StatusText status=flag.status/></td>
                    <td>{age_text(flag.age_days(now))}</td>
                    <td><a href=format!("/avvikelser/{}", flag.id)>"Visa"<span class="visually-hidden">{format!(" avvikelse {}", flag.id)}</span></a></td>
                </tr>
            }
        })
        .collect_view();
    let table = view! {
        <TableScroll label="Avvikelser">
            <table class="table queue">
                <caption class="visually-hidden">"Avvikelser, röda först och sedan de äldsta"</caption>
                <thead><tr>
                    {may_decide.then(|| view! { <th scope="col"><span class="visually-hidden">"Välj"</span></th> })}
                    <th scope="col">"Allvarlighet"</th><th scope="col">"Satsning"</th><th scope="col">"Regel"</th>
                    <th scope="col">"Mått"</th><th scope="col">"Förklaring"</th><th scope="col">"Status"</th>
                    <th scope="col">"Ålder"</th><th scope="col"><span class="visually-hidden">"Länk"</span></th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </TableScroll>
    };
    view! {
        <section class="page" aria-labelledby="avvikelser-rubrik">
            <h1 id="avvikelser-rubrik">"Avvikelser"</h1>
            <p class="lead">"Avvikelser som Utfall har hittat i satsningarnas värden och rapportering. Projektledaren förklarar, beredningsgruppen beslutar."</p>
            <p><a href="/avvikelser/mote">"Mötesunderlag: nytt och ändrat sedan förra mötet"</a></p>
            {handled.map(|n| view! { <p class="notice" role="status">{format!("{n} avvikelser är markerade som hanterade.")}</p> })}
            <form method="get" action="/avvikelser" class="form filters">
                <div class="field">
                    <label for="filter-satsning">"Satsning"</label>
                    <select id="filter-satsning" name="satsning">
                        <option value="">"Alla"</option>
                        {data.initiatives.into_iter().map(|(id, name)| {
                            let is = id.to_string() == selected_initiative;
                            view! { <option value=id.to_string() selected=is>{name}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="filter-namnd">"Nämnd eller part"</label>
                    <select id="filter-namnd" name="namnd">
                        <option value="">"Alla"</option>
                        {data.parties.into_iter().map(|(id, name)| {
                            let is = id.to_string() == selected_party;
                            view! { <option value=id.to_string() selected=is>{name}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="filter-projektledare">"Projektledare"</label>
                    <select id="filter-projektledare" name="projektledare">
                        <option value="">"Alla"</option>
                        {data.leads.into_iter().map(|(id, name)| {
                            let is = id.to_string() == selected_lead;
                            view! { <option value=id.to_string() selected=is>{name}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="filter-regel">"Regel"</label>
                    <select id="filter-regel" name="regel">
                        <option value="">"Alla"</option>
                        {RULES.iter().map(|r| {
                            let is = r.id == selected_rule;
                            view! { <option value=r.id selected=is>{r.label}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="filter-status">"Status"</label>
                    <select id="filter-status" name="status">
                        <option value="">"Alla öppna"</option>
                        {FlagStatus::ALL.into_iter().map(|s| {
                            let is = s.as_db() == selected_status;
                            view! { <option value=s.as_db() selected=is>{s.label()}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit" class="button button--secondary">"Filtrera"</button>
            </form>
            <p>{pager.summary()}</p>
            {if count == 0 {
                view! { <p>"Inga avvikelser med det här urvalet."</p> }.into_any()
            } else if may_decide {
                view! {
                    <ErrorSummary state=form.clone()/>
                    <PostForm action="/avvikelser" fn_path=HandleDeviations::PATH>
                        {table}
                        <fieldset class="bulk">
                            <legend>"Markera de valda som hanterade"</legend>
                            {form.error("bulk[flags]").map(|m| view! { <p class="field-error" id="bulk-flags">{m}</p> })}
                            <TextField name="bulk[comment]" label="Kommentar (gäller alla valda)" kind="textarea"
                                value=form.value_or("bulk[comment]", "") error=form.error("bulk[comment]")/>
                            <button type="submit" class="button">"Markera som hanterad"</button>
                        </fieldset>
                    </PostForm>
                }.into_any()
            } else {
                table.into_any()
            }}
            {pager.links()}
            <details class="rules">
                <summary>"Så hittar Utfall avvikelser"</summary>
                <dl>
                    {RULES.iter().map(|r| view! { <dt>{r.label}</dt><dd>{r.about}</dd> }).collect_view()}
                </dl>
            </details>
        </section>
    }
}

/// Where the queue's page is among all the filter finds, and the links to the others (the
/// filter kept; a changed filter starts again at page 1, since the form has no page field).
struct Pager {
    page: i64,
    shown: i64,
    total: i64,
    filter: QueueFilter,
}

impl Pager {
    /// "5 940 avvikelser, 101–200 visas." (or just the count when all are shown).
    fn summary(&self) -> String {
        let total = crate::sv::number::format_decimal(self.total as f64);
        if self.shown == self.total {
            return format!("{total} avvikelser.");
        }
        let first = (self.page - 1) * QUEUE_PAGE_SIZE + 1;
        format!(
            "{total} avvikelser, {}–{} visas.",
            crate::sv::number::format_decimal(first as f64),
            crate::sv::number::format_decimal((first + self.shown - 1) as f64)
        )
    }

    fn href(&self, page: i64) -> String {
        let f = &self.filter;
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if let Some(id) = f.initiative_id {
            pairs.push(("satsning", id.to_string()));
        }
        if let Some(id) = f.party_id {
            pairs.push(("namnd", id.to_string()));
        }
        if let Some(id) = f.led_by {
            pairs.push(("projektledare", id.to_string()));
        }
        if let Some(rule) = &f.rule {
            pairs.push(("regel", rule.clone()));
        }
        if let Some(status) = f.status {
            pairs.push(("status", status.as_db().to_string()));
        }
        if page > 1 {
            pairs.push(("sida", page.to_string()));
        }
        let query: Vec<String> = pairs.into_iter().map(|(k, v)| format!("{k}={v}")).collect();
        if query.is_empty() {
            "/avvikelser".into()
        } else {
            format!("/avvikelser?{}", query.join("&"))
        }
    }

    /// "Föregående" and "Nästa" with the page's place, when there is more than one page.
    fn links(&self) -> Option<impl IntoView + use<>> {
        let last = last_page(self.total);
        (last > 1).then(|| {
            let previous = (self.page > 1).then(|| self.href(self.page - 1));
            let next = (self.page < last).then(|| self.href(self.page + 1));
            let place = format!("Sida {} av {}", self.page, last);
            view! {
                <nav class="pager" aria-label="Sidor i avvikelselistan">
                    {previous.map(|href| view! { <a href=href rel="prev">"← Föregående sida"</a> })}
                    <span>{place}</span>
                    {next.map(|href| view! { <a href=href rel="next">"Nästa sida →"</a> })}
                </nav>
            }
        })
    }
}

/// Avvikelse: one flag, its history, and the forms its viewer may use.
#[component]
pub fn DeviationPage() -> impl IntoView {
    view! {
        <PageTitle text="Avvikelse"/>
        <Guard access=crate::auth::page_access("/avvikelser/0")>
            <FlagLoader/>
        </Guard>
    }
}

#[component]
fn FlagLoader() -> impl IntoView {
    let data = by_id(route_id(), deviation_flag);
    loaded(data, "Hämtar avvikelsen…", |data| view! { <Flag data/> })
}

#[component]
fn Flag(data: FlagPage) -> impl IntoView {
    let form = use_form_state();
    let query = use_query_map();
    let explained = query.with_untracked(|q| q.get("forklarad").is_some());
    let decided = query.with_untracked(|q| q.get("beslutad").is_some());
    let flag = data.flag;
    let s = flag.summary.clone();
    let id = s.id;
    let page = format!("/avvikelser/{id}");
    let explaining = form.is_from(ExplainDeviation::PATH, "id", &id.to_string());
    let explain_form = form.clone().if_posted(explaining);
    let deciding = form.is_from(DecideDeviation::PATH, "id", &id.to_string());
    let decide_form = form.clone().if_posted(deciding);
    let title = format!("Avvikelse: {} – {}", s.rule_label(), s.initiative_name);
    let chosen = decide_form.value_or("decision[decision]", "");
    let values_href = flag
        .points
        .last()
        .map(|p| format!("/satsningar/{}/rapportera/{p}/historik", s.initiative_id));
    // A late half-year report (rule Rapport) is keyed by its half-year: link to the report.
    let report_href = (s.rule == "rapport")
        .then(|| crate::report::half::HalfYear::parse(&s.window))
        .flatten()
        .map(|half| format!("/satsningar/{}/halvar/{half}", s.initiative_id));
    view! {
        <PageTitle text=title.clone()/>
        <section class="page" aria-labelledby="avvikelse-rubrik">
            <p><a href="/avvikelser">"← Avvikelser"</a></p>
            <h1 id="avvikelse-rubrik">{title}</h1>
            {s.is_example.then(|| view! { <p><span class="tag">"Exempeldata"</span></p> })}
            {explained.then(|| view! { <p class="notice" role="status">"Förklaringen är sparad."</p> })}
            {decided.then(|| view! { <p class="notice" role="status">"Beslutet är sparat."</p> })}
            <dl class="facts">
                <dt>"Allvarlighet"</dt><dd><LightBadge light=s.severity.light()/></dd>
                <dt>"Status"</dt><dd><StatusText status=s.status/></dd>
                <dt>"Satsning"</dt><dd><a href=format!("/satsningar/{}", s.initiative_id)>{s.initiative_name.clone()}</a></dd>
                {s.measure.clone().map(|m| view! { <dt>"Mått"</dt><dd>{m}</dd> })}
                <dt>"Period"</dt><dd>{s.window.clone()}</dd>
                <dt>"Öppnad"</dt><dd>{s.opened_text.clone()}</dd>
            </dl>
            <h2>"Vad Utfall har hittat"</h2>
            <p class="flag-explanation">{s.explanation.clone()}</p>
            {flag.provisional.then(|| view! { <p>"Gränserna är preliminära tills serien har minst tolv värden."</p> })}
            <ul class="links">
                {data.chart_href.clone().map(|href| view! { <li><a href=href>"Diagrammet som visar avvikelsen"</a></li> })}
                {values_href.map(|href| view! { <li><a href=href>"Värdena och deras ändringshistorik"</a></li> })}
                {report_href.map(|href| view! { <li><a href=href>"Halvårsredovisningen"</a></li> })}
            </ul>
            {(!flag.reason.is_empty()).then(|| view! {
                <h2>"Projektledarens förklaring"</h2>
                <p class="prewrap">{flag.reason.clone()}</p>
                <h3>"Planerad åtgärd"</h3>
                <p class="prewrap">{flag.planned_action.clone()}</p>
            })}
            {s.decision.map(|d| view! {
                <h2>"Beredningsgruppens beslut"</h2>
                <p><strong>{d.label()}</strong>": "{flag.decision_comment.clone()}</p>
            })}
            {(!flag.close_note.is_empty()).then(|| view! { <p class="notice">{flag.close_note.clone()}</p> })}
            {data.may_explain.then(|| view! {
                <h2 id="forklara">"Förklara"</h2>
                {explaining.then(|| view! { <ErrorSummary state=explain_form.clone()/> })}
                <PostForm action=page.clone() fn_path=ExplainDeviation::PATH class="form narrow">
                    <input type="hidden" name="id" value=id.to_string()/>
                    <TextField name="flag[explanation]" label="Vad beror avvikelsen på?" kind="textarea"
                        value=explain_form.value_or("flag[explanation]", &flag.reason) error=explain_form.error("flag[explanation]")/>
                    <TextField name="flag[planned_action]" label="Planerad åtgärd" kind="textarea"
                        value=explain_form.value_or("flag[planned_action]", &flag.planned_action) error=explain_form.error("flag[planned_action]")/>
                    <button type="submit" class="button">"Skicka förklaringen"</button>
                </PostForm>
            })}
            {data.may_decide.then(|| view! {
                <h2>"Beslut"</h2>
                {deciding.then(|| view! { <ErrorSummary state=decide_form.clone()/> })}
                <PostForm action=page.clone() fn_path=DecideDeviation::PATH class="form narrow">
                    <input type="hidden" name="id" value=id.to_string()/>
                    <fieldset id="decision-decision">
                        <legend>"Beslut"</legend>
                        {decide_form.error("decision[decision]").map(|m| view! { <p class="field-error">{m}</p> })}
                        {Decision::ALL.into_iter().map(|d| {
                            let radio = format!("decision-{}", d.as_db());
                            let is = chosen == d.as_db();
                            view! {
                                <div class="radio">
                                    <input type="radio" id=radio.clone() name="decision[decision]" value=d.as_db() checked=is/>
                                    <label for=radio>{d.label()}</label>
                                </div>
                            }
                        }).collect_view()}
                    </fieldset>
                    <TextField name="decision[comment]" label="Kommentar" kind="textarea"
                        value=decide_form.value_or("decision[comment]", "") error=decide_form.error("decision[comment]")/>
                    <button type="submit" class="button">"Spara beslutet"</button>
                </PostForm>
            })}
            <h2>"Historik"</h2>
            <ol class="timeline">
                {flag.events.into_iter().map(|e| view! {
                    <li>
                        <strong>{e.label()}</strong>" "{e.at_text.clone()}
                        " – "{e.actor.clone().unwrap_or_else(|| "Utfall".into())}
                        {(!e.text.is_empty()).then(|| view! { <p class="prewrap">{e.text.clone()}</p> })}
                    </li>
                }).collect_view()}
            </ol>
        </section>
    }
}

/// Mötesunderlag: new and changed flags since the last meeting, printable as the agenda.
#[component]
pub fn DeviationMeetingPage() -> impl IntoView {
    view! {
        <PageTitle text="Mötesunderlag avvikelser"/>
        <Guard access=crate::auth::page_access("/avvikelser/mote")>
            <MeetingLoader/>
        </Guard>
    }
}

#[component]
fn MeetingLoader() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new_blocking(move || query.with(|q| q.get("sedan")), deviation_meeting);
    loaded(
        data,
        "Hämtar mötesunderlaget…",
        |data| view! { <Meeting data/> },
    )
}

fn agenda_item(flag: FlagSummary) -> impl IntoView {
    view! {
        <li class="agenda-item">
            <h3><LightBadge light=flag.severity.light()/>" "{format!("{} – {}", flag.initiative_name, flag.rule_label())}</h3>
            <p>{flag.measure.clone().map(|m| format!("{m}. ")).unwrap_or_default()}{flag.explanation.clone()}</p>
            <p>"Status: "<StatusText status=flag.status/>
                {flag.decision.map(|d| format!(" ({})", d.label()))}
                " · "<a href=format!("/avvikelser/{}", flag.id)>"Öppna avvikelsen"<span class="visually-hidden">{format!(" {}", flag.id)}</span></a></p>
        </li>
    }
}

#[component]
fn Meeting(data: MeetingData) -> impl IntoView {
    let (open, closed): (Vec<FlagSummary>, Vec<FlagSummary>) =
        data.flags.into_iter().partition(|f| f.status.is_open());
    let (new, waiting): (Vec<FlagSummary>, Vec<FlagSummary>) =
        open.into_iter().partition(|f| f.status == FlagStatus::New);
    let section = |heading: &'static str, id: &'static str, flags: Vec<FlagSummary>| {
        view! {
            <section aria-labelledby=id class="agenda-section">
                <h2 id=id>{heading}" ("{flags.len()}")"</h2>
                {if flags.is_empty() {
                    view! { <p>"Inga."</p> }.into_any()
                } else {
                    view! { <ol class="agenda">{flags.into_iter().map(agenda_item).collect_view()}</ol> }.into_any()
                }}
            </section>
        }
    };
    view! {
        <section class="page meeting" aria-labelledby="mote-rubrik">
            <p class="no-print"><a href="/avvikelser">"← Avvikelser"</a></p>
            <h1 id="mote-rubrik">{format!("Mötesunderlag: avvikelser sedan {}", long_date(data.since))}</h1>
            <p class="lead">{format!("Nytt och ändrat från {} till {}. Skriv ut sidan som dagordning.", long_date(data.since), long_date(data.today))}</p>
            <form method="get" action="/avvikelser/mote" class="form filters no-print">
                <div class="field">
                    <label for="sedan">"Sedan förra mötet"</label>
                    <input type="date" id="sedan" name="sedan" value=data.since.to_string()/>
                </div>
                <button type="submit" class="button button--secondary">"Visa"</button>
            </form>
            {section("Nya avvikelser", "mote-nya", new)}
            {section("Förklarade och hanterade", "mote-forklarade", waiting)}
            {section("Stängda", "mote-stangda", closed)}
        </section>
    }
}
