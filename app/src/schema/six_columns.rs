//! The printable six-column view of a schema (`/satsningar/{id}/schema/tabell`).

use leptos::prelude::*;

use super::api::SchemaPageData;
use super::ui::{WithSchema, access};
use super::{Measure, MeasureKind};
use crate::auth::ui::Guard;
use crate::html::PageTitle;
use crate::layout::TableScroll;
use crate::sv::number::format_sek;

/// Six-column view: Mål | Aktivitet | Aktivitetsmått | Effektmått | Indikatorer | Ekonomiska
/// effekter, with row spans, printable on A4 landscape.
#[component]
pub fn SixColumnPage() -> impl IntoView {
    view! {
        <PageTitle text="Utvärderingsschema – tabell"/>
        <Guard access=access()>
            <WithSchema page=|data| view! { <SixColumns data/> }.into_any()/>
        </Guard>
    }
}

/// Each measure with its facts: unit, utgångsvärde, målvärde, tolerances, frequency, source.
fn measure_list(measures: Vec<&Measure>) -> AnyView {
    if measures.is_empty() {
        return view! { "–" }.into_any();
    }
    view! {
        <ul class="cell-list">
            {measures.into_iter().map(|m| {
                let f = m.facts();
                view! {
                    <li>
                        <span class="measure-name">{format!("{} {}", m.code, m.name)}</span>
                        <dl class="measure-facts">
                            <div><dt>"Enhet"</dt><dd>{f.unit}</dd></div>
                            <div><dt>"Utgångsvärde"</dt><dd>{f.baseline}</dd></div>
                            <div><dt>"Målvärde"</dt><dd>{f.target}</dd></div>
                            <div><dt>"Tolerans"</dt><dd>{f.tolerances}</dd></div>
                            <div><dt>"Frekvens"</dt><dd>{f.frequency}</dd></div>
                            <div><dt>"Källa"</dt><dd>{f.source}</dd></div>
                        </dl>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn SixColumns(data: SchemaPageData) -> impl IntoView {
    let schema = data.schema.clone();
    let back = format!("/satsningar/{}/schema", data.initiative_id);
    let effects_for = |measure_ids: &[i64]| -> Vec<String> {
        schema
            .effects
            .iter()
            .filter(|e| {
                e.effect_measure_id
                    .is_some_and(|m| measure_ids.contains(&m))
            })
            .map(|e| {
                format!(
                    "{} ({}, {}/år)",
                    e.text,
                    e.horizon.label().to_lowercase(),
                    format_sek(e.yearly_sek)
                )
            })
            .collect()
    };
    let linked: Vec<i64> = schema.measures.iter().map(|m| m.id).collect();
    let unlinked: Vec<String> = schema
        .effects
        .iter()
        .filter(|e| e.effect_measure_id.is_none_or(|m| !linked.contains(&m)))
        .map(|e| {
            format!(
                "{} ({}, {}/år)",
                e.text,
                e.horizon.label().to_lowercase(),
                format_sek(e.yearly_sek)
            )
        })
        .collect();
    let rows = schema.goals.iter().map(|goal| {
        let span = goal.activities.len().max(1).to_string();
        let indicators = measure_list(schema.indicators(goal.id));
        let goal_cell = view! {
            <th scope="rowgroup" rowspan=span.clone()>
                {goal.text.clone()}
                {(!goal.target_group.is_empty()).then(|| view! { <br/><span class="hint">"Målgrupp: "{goal.target_group.clone()}</span> })}
            </th>
        };
        if goal.activities.is_empty() {
            return view! {
                <tbody><tr>{goal_cell}<td>"–"</td><td>"–"</td><td>"–"</td><td>{indicators}</td><td>"–"</td></tr></tbody>
            }.into_any();
        }
        let mut first = Some((goal_cell, indicators));
        let body = goal.activities.iter().map(|activity| {
            let effect_measures = schema.activity_measures(activity.id, MeasureKind::Effect);
            let ids: Vec<i64> = effect_measures.iter().map(|m| m.id).collect();
            let effects = effects_for(&ids);
            let lead = first.take();
            let (goal_cell, indicators) = match lead {
                Some((g, i)) => (Some(g), Some(i)),
                None => (None, None),
            };
            view! {
                <tr>
                    {goal_cell}
                    <td>{activity.text.clone()}</td>
                    <td>{measure_list(schema.activity_measures(activity.id, MeasureKind::Activity))}</td>
                    <td>{measure_list(effect_measures)}</td>
                    {indicators.map(|i| view! { <td rowspan=span.clone()>{i}</td> })}
                    <td>{if effects.is_empty() { view! { "–" }.into_any() } else {
                        view! { <ul class="cell-list">{effects.into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}</ul> }.into_any()
                    }}</td>
                </tr>
            }
        }).collect_view();
        view! { <tbody>{body}</tbody> }.into_any()
    }).collect_view();
    view! {
        <section class="page wide six-column" aria-labelledby="tabell-rubrik">
            <p class="no-print"><a href=back>"← Utvärderingsschema"</a></p>
            <p class="no-print actions">
                <a href=format!("/satsningar/{}/schema.xlsx", data.initiative_id) rel="external" download>"Ladda ner som Excel (.xlsx)"</a>
                <a href=format!("/satsningar/{}/schema.csv", data.initiative_id) rel="external" download>"Ladda ner som CSV"</a>
            </p>
            // The printout's header: whose schema, in what state, printed when.
            <dl class="print-header">
                <div><dt>"Organisation"</dt><dd>{data.organisation_name.clone()}</dd></div>
                <div><dt>"Satsning"</dt><dd>{data.initiative_name.clone()}</dd></div>
                <div><dt>"Status"</dt><dd>{data.status.label()}</dd></div>
                <div><dt>"Datum"</dt><dd>{data.today.clone()}</dd></div>
            </dl>
            <h1 id="tabell-rubrik">{format!("Utvärderingsschema – {}", data.initiative_name)}</h1>
            {data.is_example.then(|| view! { <p><span class="tag">"Exempeldata"</span></p> })}
            <TableScroll label="Utvärderingsschema i sex kolumner">
                <table class="table schema-table">
                    <caption class="visually-hidden">"Utvärderingsschema i sex kolumner"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Mål"</th>
                            <th scope="col">"Aktivitet"</th>
                            <th scope="col">"Aktivitetsmått"</th>
                            <th scope="col">"Effektmått"</th>
                            <th scope="col">"Indikatorer"</th>
                            <th scope="col">"Ekonomiska effekter"</th>
                        </tr>
                    </thead>
                    {rows}
                    {(!unlinked.is_empty()).then(|| view! {
                        <tbody>
                            <tr>
                                <th scope="row" colspan="5">"Ekonomiska effekter utan kopplat effektmått"</th>
                                <td><ul class="cell-list">{unlinked.into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}</ul></td>
                            </tr>
                        </tbody>
                    })}
                </table>
            </TableScroll>
            {schema.goals.is_empty().then(|| view! { <p>"Schemat har inga mål ännu."</p> })}
        </section>
    }
}
