//! Jämförelsevärden (`/indikatorer`): what is imported, and the upload of a Kolada file.

use crate::html::PageTitle;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::api::{IndicatorPageData, indicator_overview};
use crate::auth::ui::Guard;
use crate::form::{ErrorSummary, use_form_state};
use crate::page::loaded;

/// Jämförelsevärden.
#[component]
pub fn IndicatorsPage() -> impl IntoView {
    view! {
        <PageTitle text="Jämförelsevärden"/>
        <Guard access=crate::auth::page_access("/indikatorer")>
            <IndicatorsLoader/>
        </Guard>
    }
}

#[component]
fn IndicatorsLoader() -> impl IntoView {
    let data = Resource::new_blocking(|| (), |_| indicator_overview());
    loaded(
        data,
        "Hämtar jämförelsevärden…",
        |data| view! { <Indicators data/> },
    )
}

#[component]
fn Indicators(data: IndicatorPageData) -> impl IntoView {
    let form = use_form_state();
    let imported = use_query_map().with_untracked(|q| q.get("importerade"));
    let named = use_query_map().with_untracked(|q| q.get("namn"));
    let levels = data
        .levels
        .iter()
        .map(|(label, id)| format!("{label} {id}"))
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <section class="page" aria-labelledby="indikatorer-rubrik">
            <h1 id="indikatorer-rubrik">"Jämförelsevärden"</h1>
            <p class="lead">"Värden från Kolada som indikatorerna jämförs med: kommun, län och riket."</p>
            {imported.map(|n| view! { <p class="notice" role="status">{format!("Importen är klar: {n} värden sparades.")}</p> })}
            {named.map(|n| view! { <p class="notice" role="status">{format!("Importen är klar: {n} namn sparades.")}</p> })}
            <p>"Jämförelsenivåer för organisationen: "{levels}". En indikator kopplas till ett KPI genom att KPI-id:t (till exempel N15428) står i indikatorns källa."</p>
            {if data.kpis.is_empty() {
                view! { <p class="hint">"Inga jämförelsevärden är importerade ännu."</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <thead><tr>
                            <th scope="col">"KPI"</th><th scope="col" class="num">"Värden"</th>
                            <th scope="col">"År"</th><th scope="col">"Senast importerat"</th>
                        </tr></thead>
                        <tbody>
                            {data.kpis.into_iter().map(|k| view! {
                                <tr><td>{k.kpi}{k.name.map(|n| format!(" {n}"))}</td><td class="num">{k.values}</td><td>{k.years}</td><td>{k.imported}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            <h2>"Importera från fil"</h2>
            <ErrorSummary state=form/>
            <p>"Koladas JSON (svaret från API:t v3, sparat som fil) eller CSV med kolumnerna kpi, municipality, period, gender och value. Hela filen sparas, eller inget om någon rad är fel. Ett värde som redan finns för samma KPI, kommun, år och kön ersätts."</p>
            <p>"Namnen som jämförelsediagrammen visas med (KPI:ns titel, kommunens och länets namn) importeras på samma sätt: Koladas lista över KPI:er eller kommuner (svaret från API:t v3 för kpi eller municipality, sparat som fil). Utan namn visas indikatorns eget namn och organisationens namn."</p>
            <form method="post" action="/indikatorer/fil" enctype="multipart/form-data" class="form">
                <div class="field">
                    <label for="fil">"Fil med jämförelsevärden"</label>
                    <input id="fil" name="fil" type="file" accept=".json,.csv,application/json,text/csv"/>
                </div>
                <button type="submit" class="button">"Importera"</button>
            </form>
        </section>
    }
}
