//! The frame around every page: skip link, header with navigation, footer, error page.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::auth::Role;
use crate::auth::ui::viewer;

/// A wide table's box: it scrolls sideways on a narrow screen and, since it can be scrolled,
/// is a named region that takes keyboard focus (WCAG 2.1.1, axe `scrollable-region-focusable`).
/// `label` names the table ("Avvikelser"); the region's name adds that it scrolls.
#[component]
pub fn TableScroll(#[prop(into)] label: String, children: Children) -> impl IntoView {
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label=format!("{label}, tabell som kan rullas i sidled")>
            {children()}
        </div>
    }
}

/// Per-request nonce for the Content-Security-Policy, put into the request's extensions by
/// the server's security-header middleware and stamped on every inline script Leptos writes.
#[cfg(feature = "ssr")]
#[derive(Clone, Debug)]
pub struct CspNonce(pub std::sync::Arc<str>);

/// Makes the request's CSP nonce available to `<HydrationScripts>` and streamed resources.
#[cfg(feature = "ssr")]
pub fn provide_request_nonce() {
    let nonce = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<CspNonce>().cloned());
    if let Some(CspNonce(nonce)) = nonce {
        provide_context(leptos::nonce::Nonce::from_value(nonce));
    }
}

/// Returns a signal that turns `true` once the page is hydrated, and marks `<body>` with
/// `data-hydrated="true"` then (browser tests wait for it before they click).
pub fn mark_hydrated() -> ReadSignal<bool> {
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
        set_hydrated.set(true);
    });
    hydrated
}

/// "Hoppa till innehållet": the first thing a keyboard user reaches.
#[component]
pub fn SkipLink() -> impl IntoView {
    view! { <a class="skip-link" href="#innehall">"Hoppa till innehållet"</a> }
}

/// Site header: product name and the main navigation. On a phone the navigation folds behind
/// a "Meny" button once JavaScript runs; without JavaScript it is always shown.
#[component]
pub fn Header(hydrated: ReadSignal<bool>) -> impl IntoView {
    let (open, set_open) = signal(false);
    let user = viewer();
    let is_admin = user.as_ref().is_some_and(|u| u.has(Role::Admin));
    let logged_in = user.is_some();
    let registers = user
        .as_ref()
        .is_some_and(|u| u.has_any(&[Role::Admin, Role::Evaluator]));
    let follows_reporting = user
        .as_ref()
        .is_some_and(|u| u.has_any(&[Role::Admin, Role::Review, Role::Evaluator]));
    view! {
        <header class="site-header" class:js=hydrated>
            <div class="site-header__inner">
                <a class="brand" href="/">
                    <span class="brand__name">"Utfall"</span>
                    <span class="brand__tagline">"Uppföljning av sociala investeringar"</span>
                </a>
                <button
                    type="button"
                    class="menu-toggle"
                    aria-controls="huvudmeny"
                    aria-expanded=move || open.get().to_string()
                    hidden=move || !hydrated.get()
                    on:click=move |_| set_open.update(|open| *open = !*open)
                >
                    "Meny"
                </button>
                <nav id="huvudmeny" aria-label="Huvudmeny" class="main-nav" class:open=open>
                    <ul>
                        <li>
                            <A href="/" exact=true>"Start"</A>
                        </li>
                        {logged_in.then(|| view! {
                            <li>
                                <A href="/oversikt">"Översikt"</A>
                            </li>
                            <li>
                                <A href="/satsningar">"Satsningar"</A>
                            </li>
                            <li>
                                <A href="/enhetskostnader">"Enhetskostnader"</A>
                            </li>
                        })}
                        {follows_reporting.then(|| view! {
                            <li>
                                <A href="/rapportering">"Rapportering"</A>
                            </li>
                            <li>
                                <A href="/avvikelser">"Avvikelser"</A>
                            </li>
                        })}
                        {registers.then(|| view! {
                            <li>
                                <A href="/parter">"Parter"</A>
                            </li>
                            <li>
                                <A href="/indikatorer">"Jämförelsevärden"</A>
                            </li>
                            <li>
                                <A href="/historik">"Händelselogg"</A>
                            </li>
                        })}
                        {is_admin.then(|| view! {
                            <li>
                                <A href="/admin/anvandare">"Användare"</A>
                            </li>
                            <li>
                                <A href="/utskick">"Utskick"</A>
                            </li>
                        })}
                        <li>
                            <A href="/tillganglighet">"Tillgänglighet"</A>
                        </li>
                        {match user {
                            Some(user) => view! {
                                <li class="account">
                                    <a class="account__name" href="/profil"
                                        aria-label=format!("{}, mina inställningar", user.name)>{user.name.clone()}</a>
                                    <form method="post" action="/logga-ut" class="inline-form">
                                        <button type="submit" class="link-button">"Logga ut"</button>
                                    </form>
                                </li>
                            }.into_any(),
                            None => view! {
                                <li class="account">
                                    <a href="/logga-in">"Logga in"</a>
                                </li>
                            }.into_any(),
                        }}
                    </ul>
                </nav>
            </div>
        </header>
    }
}

/// Site footer.
#[component]
pub fn Footer() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <p>
                "Utfall – uppföljning och mätning av sociala investeringar. "
                <a href="/tillganglighet">"Tillgänglighetsredogörelse"</a>
            </p>
        </footer>
    }
}

/// Shown when a page fails: a calm message and a way on, never technical details.
#[component]
pub fn ErrorPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::INTERNAL_SERVER_ERROR);
    }
    view! {
        <crate::html::PageTitle text="Något gick fel"/>
        <section class="page error-page" aria-labelledby="fel-rubrik">
            <h1 id="fel-rubrik">"Något gick fel"</h1>
            <p>
                "Sidan kunde inte visas just nu. Försök igen om en stund. "
                "Om felet finns kvar, kontakta processledaren."
            </p>
            <p><a href="/">"Till startsidan"</a></p>
        </section>
    }
}
