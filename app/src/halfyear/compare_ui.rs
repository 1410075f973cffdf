//! Jämförelse (`/satsningar/{id}/halvar/2026-H2/jamforelse`): a submitted report keeps the
//! numbers it was sent with; when the data have changed since, this page shows each changed
//! section as submitted and as it is now, side by side on a wide screen and one after the
//! other on a phone or on paper. Sections that are as they were are only named.

use leptos::prelude::*;

use super::api::{ComparisonPage, half_year_comparison, report_path};
use super::ui::{SectionBodyView, by_id_and_half};
use crate::auth::ui::Guard;
use crate::html::PageTitle;
use crate::page::loaded;

/// The comparison of one satsning's report for one half-year with its data now.
#[component]
pub fn HalfYearComparisonPage() -> impl IntoView {
    view! {
        <PageTitle text="Jämförelse med inskickad redovisning"/>
        <Guard access=crate::auth::page_access("/satsningar/0/halvar")>
            <ComparisonLoader/>
        </Guard>
    }
}

#[component]
fn ComparisonLoader() -> impl IntoView {
    let data = by_id_and_half(half_year_comparison);
    loaded(
        data,
        "Jämför redovisningen med dagens uppgifter…",
        |data| view! { <Comparison data/> },
    )
}

#[component]
fn Comparison(data: ComparisonPage) -> impl IntoView {
    let back = report_path(data.initiative_id, data.half);
    let title = format!(
        "Jämförelse: halvårsredovisning {}, {}",
        data.half.label(),
        data.initiative_name
    );
    let summary = match (&data.version, data.changed.len()) {
        (None, _) => {
            "Redovisningen är inte inskickad än, så det finns ingen version att jämföra med. \
                      Redovisningen visar alltid dagens uppgifter tills den skickas in."
                .to_string()
        }
        (Some(_), 0) => "Inga uppgifter har ändrats sedan redovisningen skickades in.".to_string(),
        (Some(_), 1) => {
            "Uppgifterna har ändrats i ett avsnitt sedan redovisningen skickades in.".to_string()
        }
        (Some(_), n) => {
            format!("Uppgifterna har ändrats i {n} avsnitt sedan redovisningen skickades in.")
        }
    };
    let submitted_label = data
        .version
        .as_ref()
        .map(|(version, when)| format!("Som inskickad (version {version}, {when})"))
        .unwrap_or_default();
    let (submitted_svgs, current_svgs) = (data.submitted_svgs.clone(), data.current_svgs.clone());
    view! {
        <PageTitle text=title.clone()/>
        <article class="page half-year-report" aria-labelledby="jamforelse-rubrik">
            <p class="no-print"><a href=back.clone()>{format!("← Halvårsredovisning {}", data.half.label())}</a></p>
            <h1 id="jamforelse-rubrik">{title}</h1>
            {data.is_example.then(|| view! { <p><span class="tag">"Exempeldata"</span></p> })}
            <p role="status">{summary}</p>
            {(!data.unchanged.is_empty()).then(|| view! {
                <p class="hint">{format!("Oförändrade avsnitt: {}.", data.unchanged.join(", "))}</p>
            })}
            {data.changed.iter().cloned().map(|changed| {
                let id = changed.current.id.clone();
                let heading = format!("{id}-jamforelse");
                let (then_id, now_id) = (format!("{id}-inskickad"), format!("{id}-nu"));
                let (labelled, then_labelled, now_labelled) =
                    (heading.clone(), then_id.clone(), now_id.clone());
                view! {
                    <section class="report-section" aria-labelledby=labelled>
                        <h2 id=heading>{changed.current.title.clone()}</h2>
                        <div class="report-comparison">
                            <section class="report-comparison__side" aria-labelledby=then_labelled>
                                <h3 id=then_id>{submitted_label.clone()}</h3>
                                <SectionBodyView body=changed.submitted.body svgs=submitted_svgs.clone() id_suffix="-inskickad"/>
                            </section>
                            <section class="report-comparison__side" aria-labelledby=now_labelled>
                                <h3 id=now_id>"Nu"</h3>
                                <SectionBodyView body=changed.current.body svgs=current_svgs.clone() id_suffix="-nu"/>
                            </section>
                        </div>
                    </section>
                }
            }).collect_view()}
            <p class="no-print"><a href=back>"Tillbaka till redovisningen"</a></p>
        </article>
    }
}
