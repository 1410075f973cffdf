//! The schema editor (`/satsningar/{id}/schema`): mål, aktiviteter, their measures and the
//! ekonomiska effekter, each changed through its own small form. The measure form is in
//! `measure_form.rs`, the printable six-column view in `six_columns.rs`.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::api::{
    AddActivity, AddEffect, AddGoal, DeletePart, MoveItem, RetireMeasure, SchemaPageData,
    UpdateEffect, UpdateText, schema_for_editing, schema_view,
};
use super::{Horizon, Measure, MeasureKind};
use crate::form::{
    ACTION_FIELD, ErrorSummary, FormState, PostForm, TextField, field_id, use_form_state,
};
use crate::layout::TableScroll;
use crate::sv::number::format_decimal;
use crate::sv::number::format_sek;

pub fn access() -> crate::auth::Access {
    crate::auth::page_access("/satsningar/0/schema")
}

/// Loads the schema of the satsning in the URL and renders `page` with it.
#[component]
pub(super) fn WithSchema(
    page: fn(SchemaPageData) -> AnyView,
    /// A form that changes the schema: only loaded for those who may edit it.
    #[prop(optional)]
    editing: bool,
) -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()));
    let data = Resource::new_blocking(id, move |id| async move {
        match id {
            Some(id) if editing => schema_for_editing(id).await,
            Some(id) => schema_view(id).await,
            None => Err(crate::error::AppError::NotFound),
        }
    });
    crate::page::loaded(data, "Hämtar utvärderingsschemat…", page)
}

fn value_text(measure: &Measure, value: Option<(f64, chrono::NaiveDate)>) -> String {
    match value {
        Some((v, date)) => {
            format!("{} {} ({date})", format_decimal(v), measure.unit).replace("  ", " ")
        }
        None => "–".into(),
    }
}

/// The schema editor, with each measure's latest value (`latest`) beside it.
#[component]
pub fn SchemaEditor(data: SchemaPageData, latest: Vec<super::api::LatestValue>) -> impl IntoView {
    let form = use_form_state();
    let id = data.initiative_id;
    let action = format!("/satsningar/{id}/schema");
    let table = format!("/satsningar/{id}/schema/tabell");
    let back = format!("/satsningar/{id}");
    let saved = use_query_map().with_untracked(|q| q.get("sparad").is_some());
    let schema = data.schema.clone();
    let may_edit = data.may_edit;
    // Measures can be deleted only before the decision; after it they are retired.
    let may_delete = may_edit && data.status < crate::initiative::Status::Decided;
    let goals = schema.goals.iter().enumerate().map(|(g, goal)| {
        let indicators: Vec<Measure> = schema.indicators(goal.id).into_iter().cloned().collect();
        let new_indicator = format!("/satsningar/{id}/schema/nytt-matt?typ=indikator&mal={}", goal.id);
        let activities = goal.activities.iter().enumerate().map(|(a, activity)| {
            let measures: Vec<Measure> = schema
                .measures
                .iter()
                .filter(|m| m.activity_id == Some(activity.id))
                .cloned()
                .collect();
            let new_activity_measure = format!("/satsningar/{id}/schema/nytt-matt?typ=aktivitet&aktivitet={}", activity.id);
            let new_effect_measure = format!("/satsningar/{id}/schema/nytt-matt?typ=effekt&aktivitet={}", activity.id);
            view! {
                <div class="activity">
                    <h3>{format!("Aktivitet {}.{}: {}", g + 1, a + 1, activity.text)}</h3>
                    {may_edit.then(|| view! {
                        <MoveButtons initiative_id=id typ="aktivitet" item=activity.id label=format!("aktivitet {}.{}", g + 1, a + 1)
                            place=Place::of(a, goal.activities.len())/>
                        <EditText initiative_id=id typ="aktivitet" item=activity.id text=activity.text.clone()
                            target_group=None label=format!("aktivitet {}.{}", g + 1, a + 1)/>
                        {measures.is_empty().then(|| view! {
                            <DeleteButton initiative_id=id typ="aktivitet" item=activity.id label=format!("aktivitet {}.{}", g + 1, a + 1)/>
                        })}
                    })}
                    <MeasureTable measures initiative_id=id may_edit may_delete latest=latest.clone()/>
                    {may_edit.then(|| view! {
                        <p class="actions">
                            <a href=new_activity_measure>"Lägg till aktivitetsmått"</a>
                            <a href=new_effect_measure>"Lägg till effektmått"</a>
                        </p>
                    })}
                </div>
            }
        }).collect_view();
        let goal_is_empty = goal.activities.is_empty()
            && !schema.measures.iter().any(|m| m.goal_id == Some(goal.id));
        let goal_id = goal.id.to_string();
        let field_id = format!("aktivitet-{}", goal.id);
        // Only the form that was posted shows its error again.
        let this_form = form.values.get("mal_id") == Some(&goal_id);
        let activity_error = this_form.then(|| form.error("aktivitet")).flatten();
        let activity_value = if this_form { form.value_or("aktivitet", "") } else { String::new() };
        view! {
            <section class="goal" id=format!("mal-{}", goal.id) aria-labelledby=format!("mal-rubrik-{}", goal.id)>
                <h2 id=format!("mal-rubrik-{}", goal.id)>{format!("Mål {}: {}", g + 1, goal.text)}</h2>
                {may_edit.then(|| view! {
                    <MoveButtons initiative_id=id typ="mal" item=goal.id label=format!("mål {}", g + 1)
                        place=Place::of(g, schema.goals.len())/>
                    <EditText initiative_id=id typ="mal" item=goal.id text=goal.text.clone()
                        target_group=Some(goal.target_group.clone()) label=format!("mål {}", g + 1)/>
                    {goal_is_empty.then(|| view! {
                        <DeleteButton initiative_id=id typ="mal" item=goal.id label=format!("mål {}", g + 1)/>
                    })}
                })}
                {(!goal.target_group.is_empty()).then(|| view! { <p>"Målgrupp: "{goal.target_group.clone()}</p> })}
                {activities}
                <h3>"Indikatorer"</h3>
                <MeasureTable measures=indicators initiative_id=id may_edit may_delete latest=latest.clone()/>
                {may_edit.then(|| view! {
                    <p class="actions"><a href=new_indicator>"Lägg till indikator"</a></p>
                    <PostForm action=action.clone() fn_path=AddActivity::PATH class="form form--inline">
                        <input type="hidden" name="id" value=id.to_string()/>
                        <input type="hidden" name="mal_id" value=goal_id.clone()/>
                        <TextField name="aktivitet" id=field_id label="Ny aktivitet för målet"
                            value=activity_value error=activity_error/>
                        <button type="submit" class="button button--secondary">"Lägg till aktivitet"</button>
                    </PostForm>
                })}
            </section>
        }
    }).collect_view();
    let goal_form = form.clone().if_posted(form.values.contains_key("mal"));
    let effect_posted = form.values.get(ACTION_FIELD).map(String::as_str) == Some(AddEffect::PATH);
    view! {
        <section class="page wide schema-editor" aria-labelledby="schema-rubrik" id="schema">
            <p><a href=back>"← "{data.initiative_name.clone()}</a></p>
            <h1 id="schema-rubrik">"Utvärderingsschema"</h1>
            <p class="lead">{data.initiative_name.clone()}" · "{data.status.label()}
                {data.is_example.then(|| view! { " " <span class="tag">"Exempeldata"</span> })}</p>
            {saved.then(|| view! { <p class="notice" role="status">"Sparat."</p> })}
            <ErrorSummary state=form.clone()/>
            <Completeness missing=data.missing.clone()/>
            <p><a href=table>"Visa schemat som tabell (sex kolumner, utskrift)"</a></p>
            {if !may_edit {
                view! { <p class="hint">"Du kan läsa schemat men inte ändra det."</p> }.into_any()
            } else if data.status >= crate::initiative::Status::Decided {
                view! { <p class="hint">"Satsningen är beslutad: ändringar loggas, och mått tas ur bruk i stället för att tas bort."</p> }.into_any()
            } else {
                ().into_any()
            }}
            {goals}
            {may_edit.then(|| view! {
                <h2>"Nytt mål"</h2>
                <PostForm action=action.clone() fn_path=AddGoal::PATH>
                    <input type="hidden" name="id" value=id.to_string()/>
                    <TextField name="mal" label="Mål (den effekt satsningen vill uppnå)"
                        value=goal_form.value_or("mal", "") error=goal_form.error("mal")/>
                    <TextField name="malgrupp" label="Målgrupp"
                        value=goal_form.value_or("malgrupp", "") error=goal_form.error("malgrupp")/>
                    <button type="submit" class="button">"Lägg till mål"</button>
                </PostForm>
            })}
            <EconomicEffects data=data.clone() form=form.clone() posted=effect_posted/>
        </section>
    }
}

#[component]
fn Completeness(missing: Vec<String>) -> impl IntoView {
    if missing.is_empty() {
        view! { <p class="notice complete" role="status">"Schemat är komplett."</p> }.into_any()
    } else {
        view! {
            <div class="checklist" role="status">
                <p><strong>"Schemat är inte komplett."</strong>" Det saknas:"</p>
                <ul>{missing.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}</ul>
            </div>
        }
        .into_any()
    }
}

#[component]
fn MeasureTable(
    measures: Vec<Measure>,
    initiative_id: i64,
    may_edit: bool,
    may_delete: bool,
    #[prop(optional)] latest: Vec<super::api::LatestValue>,
) -> impl IntoView {
    if measures.is_empty() {
        return view! { <p class="hint">"Inga mått ännu."</p> }.into_any();
    }
    let action = format!("/satsningar/{initiative_id}/schema");
    view! {
        <TableScroll label="Mått">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Kod"</th>
                        <th scope="col">"Mått"</th>
                        <th scope="col">"Typ"</th>
                        <th scope="col">"Frekvens"</th>
                        <th scope="col">"Baslinje"</th>
                        <th scope="col">"Målvärde"</th>
                        <th scope="col">"Senaste värde"</th>
                        <th scope="col">"Källa"</th>
                        {may_edit.then(|| view! { <th scope="col"><span class="visually-hidden">"Åtgärd"</span></th> })}
                    </tr>
                </thead>
                <tbody>
                    {measures.clone().into_iter().map(|m| {
                        let retired = m.retired;
                        // Among the active measures of its kind, as the move swaps them.
                        let siblings: Vec<i64> = measures
                            .iter()
                            .filter(|o| o.kind == m.kind && !o.retired)
                            .map(|o| o.id)
                            .collect();
                        let place = Place::of(
                            siblings.iter().position(|id| *id == m.id).unwrap_or_default(),
                            siblings.len(),
                        );
                        let baseline = value_text(&m, m.baseline);
                        let target = value_text(&m, m.target);
                        let milestones = (!m.milestones.is_empty()).then(|| view! {
                            <br/><span class="hint">"Delmål: "{m.milestones.iter()
                                .map(|(d, v)| format!("{} ({d})", format_decimal(*v)))
                                .collect::<Vec<_>>().join(", ")}</span>
                        });
                        view! {
                            <tr id=format!("matt-{}", m.id) class:retired=retired>
                                <td>{m.code.clone()}</td>
                                <td>{m.name.clone()}{retired.then(|| view! { " " <span class="tag">"Ur bruk"</span> })}</td>
                                <td>{m.kind.label()}</td>
                                <td>{m.frequency.label()}</td>
                                <td>{baseline}</td>
                                <td>{target}{milestones}</td>
                                <td>{latest.iter().find(|l| l.measure_id == m.id).map_or_else(
                                    || view! { <span class="hint">"–"</span> }.into_any(),
                                    |l| view! {
                                        <crate::light::LightBadge light=l.light/>" "{l.text.clone()}
                                        {l.sparkline.clone().map(|svg| view! { <span class="spark" inner_html=svg></span> })}
                                    }.into_any(),
                                )}</td>
                                <td>{m.source.label()}</td>
                                {(may_edit && !retired).then(|| view! {
                                    <td class="row-actions">
                                        <a href=format!("/satsningar/{initiative_id}/schema/matt/{}", m.id)
                                            aria-label=format!("Ändra: {} {}", m.code, m.name)>"Ändra"</a>
                                        <MoveButtons initiative_id typ="matt" item=m.id label=format!("{} {}", m.code, m.name) place/>
                                        {may_delete.then(|| view! {
                                            <DeleteButton initiative_id typ="matt" item=m.id label=format!("{} {}", m.code, m.name)/>
                                        })}
                                        // A confirmation step that works without JavaScript.
                                        <details class="confirm">
                                            <summary>"Ta ur bruk"</summary>
                                            <p class="hint">"Måttet och dess värden finns kvar men rapporteras inte längre."</p>
                                            <PostForm action=action.clone() fn_path=RetireMeasure::PATH class="inline-form">
                                                <input type="hidden" name="id" value=initiative_id.to_string()/>
                                                <input type="hidden" name="matt_id" value=m.id.to_string()/>
                                                <button type="submit" class="button button--secondary"
                                                    aria-label=format!("Ja, ta ur bruk: {} {}", m.code, m.name)>"Ja, ta ur bruk"</button>
                                            </PostForm>
                                        </details>
                                    </td>
                                })}
                                {(may_edit && retired).then(|| view! { <td></td> })}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </TableScroll>
    }.into_any()
}

#[component]
fn EconomicEffects(data: SchemaPageData, form: FormState, posted: bool) -> impl IntoView {
    let id = data.initiative_id;
    let action = format!("/satsningar/{id}/schema");
    let effect_measures: Vec<Measure> = data
        .schema
        .measures
        .iter()
        .filter(|m| m.kind == MeasureKind::Effect && !m.retired)
        .cloned()
        .collect();
    let code_of = |measure_id: Option<i64>| {
        measure_id
            .and_then(|mid| data.schema.measures.iter().find(|m| m.id == mid))
            .map_or("–".to_string(), |m| m.code.clone())
    };
    let form = form.if_posted(posted);
    view! {
        <section id="ekonomiska-effekter" aria-labelledby="effekter-rubrik">
            <h2 id="effekter-rubrik">"Ekonomiska effekter"</h2>
            {if data.schema.effects.is_empty() {
                view! { <p class="hint">"Inga ekonomiska effekter ännu."</p> }.into_any()
            } else {
                // Rendered here: the scroll box's children cannot borrow the page's data.
                let table = view! {
                    <table class="table">
                        <thead><tr>
                            <th scope="col">"Effekt"</th><th scope="col">"Sikt"</th>
                            <th scope="col">"Nämnd som gynnas"</th><th scope="col">"Effektmått"</th>
                            <th scope="col" class="num">"Förväntat per år"</th>
                            {data.may_edit.then(|| view! { <th scope="col"><span class="visually-hidden">"Åtgärd"</span></th> })}
                        </tr></thead>
                        <tbody>
                            {data.schema.effects.iter().map(|e| view! {
                                <tr>
                                    <td>{e.text.clone()}</td>
                                    <td>{e.horizon.label()}</td>
                                    <td>{e.party.as_ref().map_or("–".to_string(), |p| p.1.clone())}</td>
                                    <td>{code_of(e.effect_measure_id)}</td>
                                    <td class="num">{format_sek(e.yearly_sek)}</td>
                                    {data.may_edit.then(|| view! {
                                        <td class="row-actions">
                                            <EditEffect data=data.clone() effect=e.clone() effect_measures=effect_measures.clone()/>
                                            <DeleteButton initiative_id=id typ="effekt" item=e.id label=e.text.clone()/>
                                        </td>
                                    })}
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                };
                view! { <TableScroll label="Ekonomiska effekter">{table}</TableScroll> }.into_any()
            }}
            {data.may_edit.then(|| view! {
                <h3>"Ny ekonomisk effekt"</h3>
                <PostForm action=action fn_path=AddEffect::PATH>
                    <input type="hidden" name="id" value=id.to_string()/>
                    <EffectFields data=data.clone() values=Default::default() form=form.clone() effect_measures=effect_measures.clone()/>
                    <button type="submit" class="button">"Lägg till ekonomisk effekt"</button>
                </PostForm>
            })}
        </section>
    }
}

/// A labelled select with its error.
#[component]
pub(super) fn Choice(
    name: &'static str,
    label: &'static str,
    options: Vec<(String, String)>,
    selected: String,
    error: Option<String>,
    /// The element id when `name` is not unique on the page.
    #[prop(optional, into)]
    id: Option<String>,
) -> impl IntoView {
    let id = id.unwrap_or_else(|| field_id(name));
    let error_id = format!("{id}-fel");
    let described = error.as_ref().map(|_| error_id.clone());
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            {error.map(|m| view! { <p class="field-error" id=error_id.clone()>{m}</p> })}
            <select id=id name=name aria-describedby=described>
                {options.into_iter().map(|(value, text)| {
                    let is = value == selected;
                    view! { <option value=value selected=is>{text}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

/// "Ändra" for a mål (text and målgrupp) or an aktivitet: a form inside a disclosure, open again
/// when it was posted and rejected.
#[component]
fn EditText(
    initiative_id: i64,
    typ: &'static str,
    item: i64,
    text: String,
    target_group: Option<String>,
    label: String,
) -> impl IntoView {
    let form = use_form_state();
    let here = form.is_from(UpdateText::PATH, "post", &item.to_string())
        && form.values.get("typ").map(String::as_str) == Some(typ);
    let form = form.if_posted(here);
    let field_label = if typ == "mal" { "Mål" } else { "Aktivitet" };
    view! {
        <details class="confirm" open=here>
            <summary aria-label=format!("Ändra {label}")>"Ändra"</summary>
            <PostForm action=format!("/satsningar/{initiative_id}/schema") fn_path=UpdateText::PATH>
                <input type="hidden" name="id" value=initiative_id.to_string()/>
                <input type="hidden" name="typ" value=typ/>
                <input type="hidden" name="post" value=item.to_string()/>
                <TextField name="text" id=format!("text-{typ}-{item}") label=field_label
                    value=form.value_or("text", &text) error=form.error("text")/>
                {target_group.map(|group| view! {
                    <TextField name="malgrupp" id=format!("malgrupp-{item}") label="Målgrupp"
                        value=form.value_or("malgrupp", &group) error=form.error("malgrupp")/>
                })}
                <button type="submit" class="button button--secondary">"Spara"</button>
            </PostForm>
        </details>
    }
}

/// "Ta bort" with a confirmation step that works without JavaScript.
#[component]
fn DeleteButton(initiative_id: i64, typ: &'static str, item: i64, label: String) -> impl IntoView {
    view! {
        <details class="confirm">
            <summary aria-label=format!("Ta bort {label}")>"Ta bort"</summary>
            <p class="hint">"Borttagningen loggas i historiken."</p>
            <PostForm action=format!("/satsningar/{initiative_id}/schema") fn_path=DeletePart::PATH class="inline-form">
                <input type="hidden" name="id" value=initiative_id.to_string()/>
                <input type="hidden" name="typ" value=typ/>
                <input type="hidden" name="post" value=item.to_string()/>
                <button type="submit" class="button button--secondary"
                    aria-label=format!("Ja, ta bort {label}")>"Ja, ta bort"</button>
            </PostForm>
        </details>
    }
}

/// "Ändra" for an ekonomisk effekt: its whole form inside a disclosure.
#[component]
fn EditEffect(
    data: SchemaPageData,
    effect: super::EconomicEffect,
    effect_measures: Vec<Measure>,
) -> impl IntoView {
    let form = use_form_state();
    let id = data.initiative_id;
    let here = form.is_from(UpdateEffect::PATH, "effekt_id", &effect.id.to_string());
    let form = form.if_posted(here);
    let key = effect.id;
    view! {
        <details class="confirm" open=here>
            <summary aria-label=format!("Ändra {}", effect.text)>"Ändra"</summary>
            <PostForm action=format!("/satsningar/{id}/schema") fn_path=UpdateEffect::PATH>
                <input type="hidden" name="id" value=id.to_string()/>
                <input type="hidden" name="effekt_id" value=key.to_string()/>
                <EffectFields data=data.clone() values=super::EffectForm::of(&effect) form effect_measures key/>
                <button type="submit" class="button button--secondary">"Spara"</button>
            </PostForm>
        </details>
    }
}

/// The fields of an ekonomisk effekt: empty for a new one, or a stored one's (`key` its id, which
/// also keeps the element ids unique on the page). What was typed wins over `values`.
#[component]
fn EffectFields(
    data: SchemaPageData,
    values: super::EffectForm,
    form: FormState,
    effect_measures: Vec<Measure>,
    #[prop(optional)] key: Option<i64>,
) -> impl IntoView {
    let id = move |name: &str| match key {
        Some(key) => format!("{}-{key}", field_id(name)),
        None => field_id(name),
    };
    let typed = |name: &str, stored: &str| form.value_or(name, stored);
    view! {
        <TextField name="effect[text]" id=id("effect[text]") label="Effekt, t.ex. minskat försörjningsstöd"
            value=typed("effect[text]", &values.text) error=form.error("effect[text]")/>
        <Choice name="effect[horizon]" id=id("effect[horizon]") label="Sikt" error=form.error("effect[horizon]")
            selected=typed("effect[horizon]", &values.horizon)
            options=Horizon::ALL.iter().map(|h| (h.as_db().to_string(), h.label().to_string())).collect()/>
        <Choice name="effect[party]" id=id("effect[party]") label="Nämnd som gynnas" error=form.error("effect[party]")
            selected=typed("effect[party]", &values.party)
            options=std::iter::once((String::new(), "Ingen vald".to_string()))
                .chain(data.parties.iter().map(|p| (p.id.to_string(), p.name.clone()))).collect()/>
        <Choice name="effect[effect_measure]" id=id("effect[effect_measure]") label="Kopplat effektmått"
            error=form.error("effect[effect_measure]") selected=typed("effect[effect_measure]", &values.effect_measure)
            options=std::iter::once((String::new(), "Inget valt".to_string()))
                .chain(effect_measures.iter().map(|m| (m.id.to_string(), format!("{} {}", m.code, m.name)))).collect()/>
        <TextField name="effect[yearly_sek]" id=id("effect[yearly_sek]") label="Förväntat belopp per år (kronor)"
            hint="Hela kronor, till exempel 350 000"
            value=typed("effect[yearly_sek]", &values.yearly_sek) error=form.error("effect[yearly_sek]")/>
    }
}

/// Where an item stands among its siblings, so that only possible moves are offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Place {
    pub first: bool,
    pub last: bool,
}

impl Place {
    /// Item `index` of `count`.
    pub fn of(index: usize, count: usize) -> Self {
        Place {
            first: index == 0,
            last: index + 1 >= count,
        }
    }
}

/// "Flytta upp" / "Flytta ner" for one item, as small forms: the first item has no "Flytta
/// upp", the last no "Flytta ner" (and an only item neither).
#[component]
fn MoveButtons(
    initiative_id: i64,
    typ: &'static str,
    item: i64,
    label: String,
    place: Place,
) -> impl IntoView {
    let action = format!("/satsningar/{initiative_id}/schema");
    let button = move |riktning: &'static str, text: &'static str| {
        let label = format!("{text}: {label}");
        view! {
            <PostForm action=action.clone() fn_path=MoveItem::PATH class="inline-form">
                <input type="hidden" name="id" value=initiative_id.to_string()/>
                <input type="hidden" name="typ" value=typ/>
                <input type="hidden" name="post" value=item.to_string()/>
                <input type="hidden" name="riktning" value=riktning/>
                <button type="submit" class="link-button link-button--dark" aria-label=label>{text}</button>
            </PostForm>
        }
    };
    if place.first && place.last {
        return ().into_any();
    }
    view! {
        <span class="move">
            {(!place.first).then(|| button("upp", "Flytta upp"))}
            {(!place.last).then(|| button("ner", "Flytta ner"))}
        </span>
    }
    .into_any()
}
