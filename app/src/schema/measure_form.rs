//! The measure form: Nytt mått (`/satsningar/{id}/schema/nytt-matt?typ=…&aktivitet=…|mal=…`)
//! and Ändra mått (`/satsningar/{id}/schema/matt/{mid}`), one [`MeasureForm`] for both.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::api::{AddMeasure, SchemaPageData, UpdateMeasure};
use super::ui::{Choice, WithSchema, access};
use super::{Direction, Frequency, Measure, MeasureForm, MeasureKind, Source, ValueType};
use crate::auth::ui::Guard;
use crate::form::{ErrorSummary, PostForm, TextField, use_form_state};
use crate::html::PageTitle;

/// Nytt mått: `/satsningar/{id}/schema/nytt-matt?typ=…&aktivitet=…|mal=…`.
#[component]
pub fn NewMeasurePage() -> impl IntoView {
    view! {
        <PageTitle text="Nytt mått"/>
        <Guard access=access()>
            <WithSchema editing=true page=|data| view! { <NewMeasureForm data/> }.into_any()/>
        </Guard>
    }
}

#[component]
fn NewMeasureForm(data: SchemaPageData) -> impl IntoView {
    let query = use_query_map();
    let form = use_form_state();
    // On /satsningar/{id}/schema/matt/{mid} the form edits that measure.
    let existing: Option<Measure> = use_params_map()
        .with_untracked(|p| p.get("mid"))
        .and_then(|m| m.parse::<i64>().ok())
        .and_then(|mid| data.schema.measures.iter().find(|m| m.id == mid).cloned());
    let editing = use_params_map().with_untracked(|p| p.get("mid").is_some());
    let posted = form.values.clone();
    let get = move |key: &str| {
        query
            .with_untracked(|q| q.get(key))
            .or_else(|| posted.get(key).cloned())
    };
    let kind = existing.as_ref().map(|m| m.kind).unwrap_or_else(|| {
        get("typ")
            .and_then(|t| MeasureKind::from_db(&t))
            .unwrap_or(MeasureKind::Effect)
    });
    let activity = existing.as_ref().map_or_else(
        || get("aktivitet").and_then(|a| a.parse::<i64>().ok()),
        |m| m.activity_id,
    );
    let goal = existing.as_ref().map_or_else(
        || {
            get("mal")
                .or_else(|| get("mal_id"))
                .and_then(|g| g.parse::<i64>().ok())
        },
        |m| m.goal_id,
    );
    let id = data.initiative_id;
    let place = match kind {
        MeasureKind::Indicator => data
            .schema
            .goals
            .iter()
            .find(|g| Some(g.id) == goal)
            .map(|g| format!("Mål: {}", g.text)),
        _ => data
            .schema
            .goals
            .iter()
            .flat_map(|g| g.activities.iter())
            .find(|a| Some(a.id) == activity)
            .map(|a| format!("Aktivitet: {}", a.text)),
    };
    if !data.may_edit || place.is_none() || (editing && existing.is_none()) {
        // The measure, aktivitet or mål in the URL is not in this schema.
        let error = if data.may_edit {
            crate::error::AppError::NotFound
        } else {
            crate::error::AppError::Forbidden
        };
        let back = format!("/satsningar/{id}/schema");
        return view! { <crate::page::Problem error back/> }.into_any();
    }
    let action = match &existing {
        Some(m) => format!("/satsningar/{id}/schema/matt/{}", m.id),
        None => format!(
            "/satsningar/{id}/schema/nytt-matt?typ={}&{}",
            kind.as_db(),
            match kind {
                MeasureKind::Indicator => format!("mal={}", goal.unwrap_or_default()),
                _ => format!("aktivitet={}", activity.unwrap_or_default()),
            }
        ),
    };
    let stored = existing.as_ref().map_or_else(new_measure, stored_form);
    let (heading, button, fn_path) = match &existing {
        Some(m) => (
            format!("Ändra {} {}", m.code, m.name),
            "Spara ändringar",
            UpdateMeasure::PATH,
        ),
        None => (
            format!("Nytt {}", kind.label().to_lowercase()),
            "Lägg till måttet",
            AddMeasure::PATH,
        ),
    };
    let measure_id = existing.as_ref().map(|m| m.id);
    let select = {
        let form = form.clone();
        move |name: &'static str,
              label: &'static str,
              options: Vec<(String, String)>,
              stored: &str| {
            view! { <Choice name label options selected=form.value_or(name, stored) error=form.error(name)/> }
        }
    };
    view! {
        <section class="page narrow" aria-labelledby="matt-rubrik">
            <p><a href=format!("/satsningar/{id}/schema")>"← Utvärderingsschema"</a></p>
            <h1 id="matt-rubrik">{heading}</h1>
            <p class="lead">{place.clone()}</p>
            <ErrorSummary state=form.clone()/>
            <PostForm action fn_path>
                <input type="hidden" name="id" value=id.to_string()/>
                <input type="hidden" name="typ" value=kind.as_db()/>
                {measure_id.map(|m| view! { <input type="hidden" name="matt_id" value=m.to_string()/> })}
                {activity.filter(|_| kind != MeasureKind::Indicator).map(|a| view! { <input type="hidden" name="aktivitet_id" value=a.to_string()/> })}
                {goal.filter(|_| kind == MeasureKind::Indicator).map(|g| view! { <input type="hidden" name="mal_id" value=g.to_string()/> })}
                <TextField name="measure[code]" label="Kod" hint="Unik inom satsningen, till exempel E1 eller A2.1"
                    value=form.value_or("measure[code]", &stored.code) error=form.error("measure[code]")/>
                <TextField name="measure[name]" label="Namn" value=form.value_or("measure[name]", &stored.name) error=form.error("measure[name]")/>
                <TextField name="measure[definition]" label="Definition (hur måttet räknas)"
                    value=form.value_or("measure[definition]", &stored.definition) error=form.error("measure[definition]")/>
                <TextField name="measure[unit]" label="Enhet" hint="Till exempel elever, %, kr"
                    value=form.value_or("measure[unit]", &stored.unit) error=form.error("measure[unit]")/>
                {select("measure[value_type]", "Värdetyp", ValueType::ALL.iter().map(|v| (v.as_db().into(), v.label().into())).collect(), &stored.value_type)}
                {select("measure[frequency]", "Frekvens", Frequency::ALL.iter().map(|v| (v.as_db().into(), v.label().into())).collect(), &stored.frequency)}
                {select("measure[direction]", "Riktning", Direction::ALL.iter().map(|v| (v.as_db().into(), v.label().into())).collect(), &stored.direction)}
                <TextField name="measure[baseline]" label="Baslinje (värde)" hint="Decimaler med komma, till exempel 12,5"
                    value=form.value_or("measure[baseline]", &stored.baseline) error=form.error("measure[baseline]")/>
                <TextField name="measure[baseline_date]" label="Baslinjens datum" kind="date"
                    value=form.value_or("measure[baseline_date]", &stored.baseline_date) error=form.error("measure[baseline_date]")/>
                <TextField name="measure[target]" label="Målvärde" value=form.value_or("measure[target]", &stored.target) error=form.error("measure[target]")/>
                <TextField name="measure[target_date]" label="Måldatum" kind="date"
                    value=form.value_or("measure[target_date]", &stored.target_date) error=form.error("measure[target_date]")/>
                <TextField name="measure[milestones]" label="Delmål (valfria)" kind="textarea"
                    hint="Ett per rad: datum och värde, till exempel 2027-06-30: 45"
                    value=form.value_or("measure[milestones]", &stored.milestones) error=form.error("measure[milestones]")/>
                <TextField name="measure[tolerance_yellow]" label="Tolerans gul (avvikelse från målkurvan)"
                    value=form.value_or("measure[tolerance_yellow]", &stored.tolerance_yellow) error=form.error("measure[tolerance_yellow]")/>
                <TextField name="measure[tolerance_red]" label="Tolerans röd"
                    value=form.value_or("measure[tolerance_red]", &stored.tolerance_red) error=form.error("measure[tolerance_red]")/>
                {select("measure[source]", "Datakälla", Source::ALL.iter().map(|v| (v.as_db().into(), v.label().into())).collect(), &stored.source)}
                {(kind == MeasureKind::Indicator).then(|| view! {
                    <TextField name="measure[comparison]" label="Källa och jämförelsenivåer" hint="Till exempel Kolada N00945; kommun, län, riket"
                        value=form.value_or("measure[comparison]", &stored.comparison) error=form.error("measure[comparison]")/>
                })}
                <button type="submit" class="button">{button}</button>
            </PostForm>
        </section>
    }.into_any()
}

/// The form for a new measure: the usual choices preselected.
fn new_measure() -> MeasureForm {
    MeasureForm {
        value_type: ValueType::Count.as_db().into(),
        frequency: Frequency::Monthly.as_db().into(),
        direction: Direction::Higher.as_db().into(),
        source: Source::Manual.as_db().into(),
        ..MeasureForm::default()
    }
}

/// A stored measure as its form.
fn stored_form(m: &Measure) -> MeasureForm {
    // Plain digits with a decimal comma: what parse_decimal reads back, negatives included.
    let number = |v: Option<f64>| {
        v.map(|v| v.to_string().replace('.', ","))
            .unwrap_or_default()
    };
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    MeasureForm {
        code: m.code.clone(),
        name: m.name.clone(),
        definition: m.definition.clone(),
        unit: m.unit.clone(),
        value_type: m.value_type.as_db().to_string(),
        frequency: m.frequency.as_db().to_string(),
        direction: m.direction.as_db().to_string(),
        baseline: number(m.baseline.map(|b| b.0)),
        baseline_date: date(m.baseline.map(|b| b.1)),
        target: number(m.target.map(|t| t.0)),
        target_date: date(m.target.map(|t| t.1)),
        milestones: super::format_milestones(&m.milestones),
        tolerance_yellow: number(m.tolerance_yellow),
        tolerance_red: number(m.tolerance_red),
        source: m.source.as_db().to_string(),
        comparison: m.comparison.clone(),
    }
}

/// Ändra mått: `/satsningar/{id}/schema/matt/{mid}`.
#[component]
pub fn EditMeasurePage() -> impl IntoView {
    view! {
        <PageTitle text="Ändra mått"/>
        <Guard access=access()>
            <WithSchema editing=true page=|data| view! { <NewMeasureForm data/> }.into_any()/>
        </Guard>
    }
}
