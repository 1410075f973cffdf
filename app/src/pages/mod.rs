//! Pages that belong to no one concept: the start page, the accessibility statement, 404, and
//! (in submodules) pages that compose several concepts. A concept's own pages stay in its
//! `ui.rs`; a page moves here when it needs concepts that build on its own.

pub mod initiative;
pub mod schema;
pub mod start;

pub use start::HomePage;

use crate::html::PageTitle;
use leptos::prelude::*;

/// Tillgänglighetsredogörelse, required of Swedish public-sector services (DOS-lagen).
#[component]
pub fn AccessibilityPage() -> impl IntoView {
    view! {
        <PageTitle text="Tillgänglighetsredogörelse"/>
        <section class="page" aria-labelledby="tillganglighet-rubrik">
            <h1 id="tillganglighet-rubrik">"Tillgänglighetsredogörelse"</h1>
            <p>
                "Utfall ska kunna användas av alla. Tjänsten är byggd för att uppfylla WCAG 2.1 "
                "nivå AA, som lagen om tillgänglighet till digital offentlig service (DOS-lagen) kräver."
            </p>
            <h2>"Så fungerar tjänsten"</h2>
            <ul>
                <li>"Alla sidor fungerar med tangentbord och skärmläsare."</li>
                <li>"Alla formulär fungerar även utan JavaScript."</li>
                <li>"Diagram har alltid en tabell med samma uppgifter."</li>
                <li>"Sidorna går att förstora till 200 % och fungerar på mobil."</li>
            </ul>
            <h2>"Brister vi känner till"</h2>
            <p>"Varje sida kontrolleras automatiskt med axe-core, i mobil- och datorbredd. Automatiska kontroller hittar inte allt, och det här vet vi om:"</p>
            <ul>
                <li>"Tjänsten har ännu inte granskats manuellt med skärmläsare (till exempel NVDA eller VoiceOver) eller av personer med olika funktionsnedsättningar."</li>
                <li>"Du loggas ut efter en timmes inaktivitet, utan förvarning. Det du har skrivit men inte sparat försvinner då. Spara gärna under tiden."</li>
                <li>"Breda tabeller, som översikten, rapporteringsöversikten och händelseloggen, behöver rullas i sidled på en mobil."</li>
                <li>"Filer som laddas ner (Excel och CSV) och dokument som användare laddar upp är inte granskade för tillgänglighet."</li>
            </ul>
            <h2>"Rapportera en brist"</h2>
            <p>
                "Kontakta processledaren i din kommun om du stöter på något som hindrar dig. "
                "Om du inte är nöjd med svaret kan du anmäla det till Myndigheten för digital "
                "förvaltning (Digg)."
            </p>
        </section>
    }
}

/// Sidan finns inte (404).
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <PageTitle text="Sidan finns inte"/>
        <section class="page" aria-labelledby="saknas-rubrik">
            <h1 id="saknas-rubrik">"Sidan finns inte"</h1>
            <p>
                "Adressen du följde leder inte till någon sida i Utfall. Den kan ha flyttats "
                "eller skrivits fel."
            </p>
            <p><a href="/">"Till startsidan"</a></p>
        </section>
    }
}
