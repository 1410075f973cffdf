//! Pages that belong to no one concept: the start page, the accessibility statement, 404, and
//! (in submodules) pages that compose several concepts. A concept's own pages stay in its
//! `ui.rs`; a page moves here when it needs concepts that build on its own.

pub mod initiative;
pub mod schema;

use crate::html::PageTitle;
use leptos::prelude::*;

use crate::auth::ui::viewer;
use crate::auth::{CurrentUser, Role};

/// Startsida: an introduction before login, the user's own starting points after.
#[component]
pub fn HomePage() -> impl IntoView {
    match viewer() {
        Some(user) => view! { <PageTitle text="Start"/> <UserStart user/> }.into_any(),
        None => view! { <PageTitle text="Start"/> <Welcome/> }.into_any(),
    }
}

#[component]
fn Welcome() -> impl IntoView {
    view! {
        <section class="page" aria-labelledby="start-rubrik">
            <h1 id="start-rubrik">"Välkommen till Utfall"</h1>
            <p class="lead">
                "Utfall samlar uppföljningen av kommunens sociala investeringar på ett ställe: "
                "utvärderingsscheman, månadsrapportering, enkäter till deltagare, avvikelser och "
                "ekonomiska effekter."
            </p>
            <p><a class="button" href="/logga-in">"Logga in"</a></p>
            <h2>"Vad du kan göra här"</h2>
            <ul class="card-list">
                <li class="card">
                    <h3>"Projektledare"</h3>
                    <p>"Rapporterar aktivitets- och effektmått varje månad för sina satsningar."</p>
                </li>
                <li class="card">
                    <h3>"Beredningsgrupp"</h3>
                    <p>"Går igenom avvikelser och halvårsredovisningar."</p>
                </li>
                <li class="card">
                    <h3>"Utvärderingsteam"</h3>
                    <p>"Utformar utvärderingsscheman, håller enhetskostnader och tar ut data för analys."</p>
                </li>
                <li class="card">
                    <h3>"Styrgrupp och förvaltningschefer"</h3>
                    <p>"Följer hur satsningarna går, med diagram och tabeller."</p>
                </li>
            </ul>
        </section>
    }
}

/// What each role starts with; the cards grow as features land.
fn role_card(role: Role) -> (&'static str, &'static str) {
    match role {
        Role::Admin => (
            "Administration",
            "Du administrerar användare och processen. Användarlistan finns under Användare.",
        ),
        Role::Evaluator => (
            "Utvärdering",
            "Du utformar utvärderingsscheman och håller enhetskostnader. Satsningsregistret kommer här.",
        ),
        Role::Review => (
            "Beredning",
            "Du går igenom avvikelser och halvårsredovisningar. Översikten kommer här.",
        ),
        Role::ProjectLead => (
            "Månadsrapportering",
            "Du rapporterar för dina satsningar. Rapporteringen kommer här.",
        ),
        Role::Reader => (
            "Översikt",
            "Du följer hur satsningarna går. Översikten kommer här.",
        ),
    }
}

#[component]
fn UserStart(user: CurrentUser) -> impl IntoView {
    let cards = user
        .roles
        .iter()
        .map(|role| {
            let (heading, text) = role_card(*role);
            view! {
                <li class="card">
                    <h2>{heading}</h2>
                    <p>{text}</p>
                    {(*role == Role::Admin).then(|| view! { <p><a href="/admin/anvandare">"Användare"</a></p> })}
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="page" aria-labelledby="start-rubrik">
            <h1 id="start-rubrik">{format!("Välkommen, {}", user.name)}</h1>
            <p class="lead">{format!("Du är inloggad som {}.", user.role_labels().to_lowercase())}</p>
            <ul class="card-list">{cards}</ul>
        </section>
    }
}

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
            <p>"Inga kända brister i dagsläget. Varje sida kontrolleras automatiskt med axe-core."</p>
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
