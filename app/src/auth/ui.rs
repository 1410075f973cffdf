//! Login page, the current user in context, role guard, admin's user list.

use crate::html::PageTitle;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

use super::{Access, CurrentUser, Decision, decide};
use crate::form::{ErrorSummary, PostForm, TextField, use_form_state};

/// The logged-in user (or `None`), shared from the server render to the hydrated page.
#[derive(Debug, Clone)]
pub struct Viewer(pub Option<CurrentUser>);

/// Puts the request's user into context; call once, in `App`.
pub fn provide_viewer() {
    let shared = SharedValue::new(|| {
        #[cfg(feature = "ssr")]
        {
            use_context::<http::request::Parts>()
                .and_then(|parts| parts.extensions.get::<CurrentUser>().cloned())
        }
        #[cfg(not(feature = "ssr"))]
        {
            None::<CurrentUser>
        }
    });
    provide_context(Viewer(shared.into_inner()));
}

/// The logged-in user, if any.
pub fn viewer() -> Option<CurrentUser> {
    use_context::<Viewer>().and_then(|v| v.0)
}

/// Logga ut (`GET /logga-ut`): a link or a bookmark to the address gets a page, not an error.
/// Logging out itself is the form's POST, so a stray link can never end a session.
#[component]
pub fn LogoutPage() -> impl IntoView {
    view! {
        <PageTitle text="Logga ut"/>
        <section class="page" aria-labelledby="utloggning-rubrik">
            <h1 id="utloggning-rubrik">"Logga ut"</h1>
            {match viewer() {
                Some(user) => view! {
                    <p>{format!("Du är inloggad som {}.", user.name)}</p>
                    <form method="post" action="/logga-ut">
                        <button type="submit" class="button">"Logga ut"</button>
                    </form>
                    <p><a href="/">"Tillbaka till startsidan"</a></p>
                }.into_any(),
                None => view! {
                    <p>"Du är inte inloggad."</p>
                    <p><a class="button" href="/logga-in">"Logga in"</a></p>
                }.into_any(),
            }}
        </section>
    }
}

/// Logga in.
#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let form = use_form_state();
    let email = form.value_or("epost", "");
    let message = form.summary;
    let next = query.with_untracked(|q| q.get("nasta")).unwrap_or_default();
    let logged_out = query.with_untracked(|q| q.get("utloggad").is_some());
    let password_set = query.with_untracked(|q| q.get("losenord").is_some());
    let invalid = message.is_some().then_some("true");

    view! {
        <PageTitle text="Logga in"/>
        <section class="page narrow" aria-labelledby="logga-in-rubrik">
            <h1 id="logga-in-rubrik">"Logga in"</h1>
            {logged_out.then(|| view! {
                <p class="notice" role="status">"Du är utloggad."</p>
            })}
            {password_set.then(|| view! {
                <p class="notice" role="status">"Ditt lösenord är sparat. Logga in med det nya lösenordet."</p>
            })}
            {message.map(|message| view! {
                <div class="error-summary" role="alert" id="inloggning-fel">
                    <p>{message}</p>
                </div>
            })}
            <form method="post" action="/logga-in" class="form" novalidate>
                <input type="hidden" name="nasta" value=next/>
                <div class="field">
                    <label for="epost">"E-post"</label>
                    <input
                        id="epost"
                        name="epost"
                        type="email"
                        autocomplete="username"
                        required
                        value=email
                        aria-invalid=invalid
                        aria-describedby=invalid.map(|_| "inloggning-fel")
                    />
                </div>
                <div class="field">
                    <label for="losenord">"Lösenord"</label>
                    <input
                        id="losenord"
                        name="losenord"
                        type="password"
                        autocomplete="current-password"
                        required
                        aria-invalid=invalid
                        aria-describedby=invalid.map(|_| "inloggning-fel")
                    />
                </div>
                <button type="submit" class="button">"Logga in"</button>
            </form>
            <p class="hint">
                "Efter fem felaktiga försök i rad låses kontot i 15 minuter. "
                "Har du glömt lösenordet? Kontakta processledaren, som kan skicka en ny länk."
            </p>
        </section>
    }
}

/// Renders `children` only for users the page's access rule lets in; otherwise a calm
/// explanation. (The server has already answered 403 or sent the visitor to log in.)
#[component]
pub fn Guard(access: Access, children: ChildrenFn) -> impl IntoView {
    let user = viewer();
    match decide(access, user.as_ref()) {
        Decision::Allow => children().into_any(),
        Decision::Login => view! {
            <section class="page">
                <h1>"Logga in för att fortsätta"</h1>
                <p><a href="/logga-in">"Till inloggningen"</a></p>
            </section>
        }
        .into_any(),
        Decision::Forbidden => view! {
            <PageTitle text="Åtkomst nekad"/>
            <section class="page" aria-labelledby="nekad-rubrik">
                <h1 id="nekad-rubrik">"Åtkomst nekad"</h1>
                <p>
                    "Din roll ger inte tillgång till den här sidan. Behöver du den i ditt "
                    "arbete, kontakta processledaren."
                </p>
                <p><a href="/">"Till startsidan"</a></p>
            </section>
        }
        .into_any(),
    }
}

/// Välj lösenord: the page behind a one-time link (new account or reset).
#[component]
pub fn SetPasswordPage() -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    let token = params
        .with_untracked(|p| p.get("token"))
        .unwrap_or_default();
    let form = use_form_state();
    let action = format!("/losenord/{token}");
    view! {
        <PageTitle text="Välj lösenord"/>
        <section class="page narrow" aria-labelledby="losenord-rubrik">
            <h1 id="losenord-rubrik">"Välj lösenord"</h1>
            <p>
                "Välj ett lösenord på minst 8 tecken. Några ord i följd är lätta att minnas och "
                "svåra att gissa. Vanliga lösenord som ”sommar2026” godtas inte."
            </p>
            <ErrorSummary state=form.clone()/>
            <PostForm action fn_path=super::api::SetPassword::PATH>
                <input type="hidden" name="token" value=token/>
                <TextField name="losenord" label="Nytt lösenord" kind="password"
                    autocomplete="new-password" value=String::new() error=form.error("losenord")/>
                <TextField name="losenord2" label="Upprepa lösenordet" kind="password"
                    autocomplete="new-password" value=String::new() error=form.error("losenord2")/>
                <button type="submit" class="button">"Spara lösenord"</button>
            </PostForm>
        </section>
    }
}
