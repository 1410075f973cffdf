//! Användare: the admin's pages for accounts (list, new, edit).

use crate::html::PageTitle;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::Role;
use super::api::{UserSummary, get_user, list_users};
use super::ui::Guard;
use crate::form::{ACTION_FIELD, ErrorSummary, FormState, TextField, use_form_state};
use crate::page::{loaded, loaded_within};

/// Användare (list).
#[component]
pub fn UsersPage() -> impl IntoView {
    view! {
        <PageTitle text="Användare"/>
        <Guard access=super::page_access("/admin/anvandare")>
            <UserList/>
        </Guard>
    }
}

#[component]
fn UserList() -> impl IntoView {
    let users = Resource::new_blocking(|| (), |_| list_users());
    view! {
        <section class="page" aria-labelledby="anvandare-rubrik">
            <h1 id="anvandare-rubrik">"Användare"</h1>
            <p><a class="button" href="/admin/anvandare/ny">"Lägg till användare"</a></p>
            {loaded_within(users, "Hämtar användare…", |users| {
                if users.is_empty() {
                    view! { <p>"Inga användare ännu."</p> }.into_any()
                } else {
                    view! { <UserTable users/> }.into_any()
                }
            })}
        </section>
    }
}

#[component]
fn UserTable(users: Vec<UserSummary>) -> impl IntoView {
    view! {
        <table class="table">
            <caption class="visually-hidden">"Användare i din organisation"</caption>
            <thead>
                <tr>
                    <th scope="col">"Namn"</th>
                    <th scope="col">"E-post"</th>
                    <th scope="col">"Roller"</th>
                    <th scope="col">"Status"</th>
                </tr>
            </thead>
            <tbody>
                {users.into_iter().map(|u| {
                    let roles = u.roles.iter().map(|r| r.label()).collect::<Vec<_>>().join(", ");
                    let href = format!("/admin/anvandare/{}", u.id);
                    view! {
                        <tr>
                            <td><a href=href>{u.name}</a></td>
                            <td>{u.email}</td>
                            <td>{roles}</td>
                            <td>{if u.active { "Aktiv" } else { "Inaktiverad" }}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// Checkboxes for the roles, as one group with a legend (and the group's error).
#[component]
fn RoleChoices(form: FormState, current: Vec<Role>) -> impl IntoView {
    let error = form.error("roll_admin");
    let described = error.as_ref().map(|_| "roller-fel");
    view! {
        <fieldset class="field" aria-describedby=described>
            <legend>"Roller"</legend>
            {error.map(|message| view! { <p class="field-error" id="roller-fel">{message}</p> })}
            {Role::ALL.into_iter().map(|role| {
                let name = format!("roll_{}", role.as_db());
                let checked = form.checked_or(&name, current.contains(&role));
                view! {
                    <div class="checkbox">
                        <input type="checkbox" id=name.clone() name=name.clone() value="ja" checked=checked/>
                        <label for=name>{role.label()}</label>
                    </div>
                }
            }).collect_view()}
        </fieldset>
    }
}

/// Ny användare.
#[component]
pub fn NewUserPage() -> impl IntoView {
    let form = use_form_state();
    view! {
        <PageTitle text="Ny användare"/>
        <Guard access=super::page_access("/admin/anvandare/ny")>
            <section class="page narrow" aria-labelledby="ny-rubrik">
                <p><a href="/admin/anvandare">"← Användare"</a></p>
                <h1 id="ny-rubrik">"Ny användare"</h1>
                <p>"Personen får ett mejl med en länk för att välja sitt lösenord. Länken gäller i 7 dagar."</p>
                <ErrorSummary state=form.clone()/>
                <form method="post" action="/admin/anvandare/ny" class="form" novalidate>
                    <input type="hidden" name=ACTION_FIELD value="/api/anvandare/skapa"/>
                    <TextField name="namn" label="Namn" value=form.value_or("namn", "")
                        error=form.error("namn") autocomplete="off"/>
                    <TextField name="epost" label="E-post" kind="email" value=form.value_or("epost", "")
                        error=form.error("epost") autocomplete="off"/>
                    <RoleChoices form=form.clone() current=vec![]/>
                    <button type="submit" class="button">"Skapa användare"</button>
                </form>
            </section>
        </Guard>
    }
}

/// Redigera användare.
#[component]
pub fn EditUserPage() -> impl IntoView {
    view! {
        <PageTitle text="Användare"/>
        <Guard access=super::page_access("/admin/anvandare/0")>
            <EditUser/>
        </Guard>
    }
}

/// Loads the user only once the guard has let the viewer in.
#[component]
fn EditUser() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()));
    let user = Resource::new_blocking(id, |id| async move {
        match id {
            Some(id) => get_user(id).await,
            None => Err(crate::error::AppError::NotFound),
        }
    });
    loaded(
        user,
        "Hämtar användaren…",
        |user| view! { <EditUserForm user/> },
    )
}

#[component]
fn EditUserForm(user: UserSummary) -> impl IntoView {
    let form = use_form_state();
    let query = use_query_map();
    let flag = move |key: &str| query.with_untracked(|q| q.get(key));
    let notice = match (flag("skapad"), flag("sparad"), flag("lank"), flag("mejl")) {
        (Some(_), _, _, Some(_)) => Some(
            "Användaren skapades, men mejlet med lösenordslänken kunde inte skickas. Försök igen med knappen nedan.",
        ),
        (Some(_), _, _, None) => {
            Some("Användaren skapades och har fått ett mejl med en länk för att välja lösenord.")
        }
        (_, Some(_), _, _) => Some("Ändringarna är sparade."),
        (_, _, Some(l), _) if l == "skickad" => {
            Some("En ny lösenordslänk har skickats. Den gäller i 2 timmar.")
        }
        (_, _, Some(_), _) => Some(
            "Lösenordslänken kunde inte skickas. Kontrollera e-postinställningarna och försök igen.",
        ),
        _ => None,
    };
    let action = format!("/admin/anvandare/{}", user.id);
    let history = format!("/historik/user_account/{}", user.id);
    let id = user.id.to_string();
    let active = form.checked_or("aktiv", user.active);
    view! {
        <section class="page narrow" aria-labelledby="anvandare-rubrik">
            <p><a href="/admin/anvandare">"← Användare"</a></p>
            <h1 id="anvandare-rubrik">{user.name.clone()}</h1>
            {notice.map(|text| view! { <p class="notice" role="status">{text}</p> })}
            <ErrorSummary state=form.clone()/>
            <form method="post" action=action.clone() class="form" novalidate>
                <input type="hidden" name=ACTION_FIELD value="/api/anvandare/andra"/>
                <input type="hidden" name="id" value=id.clone()/>
                <TextField name="namn" label="Namn" value=form.value_or("namn", &user.name)
                    error=form.error("namn") autocomplete="off"/>
                <TextField name="epost" label="E-post" kind="email" value=form.value_or("epost", &user.email)
                    error=form.error("epost") autocomplete="off"/>
                <RoleChoices form=form.clone() current=user.roles.clone()/>
                <div class="field">
                    {form.error("aktiv").map(|m| view! { <p class="field-error" id="aktiv-fel">{m}</p> })}
                    <div class="checkbox">
                        <input type="checkbox" id="aktiv" name="aktiv" value="ja" checked=active
                            aria-describedby="aktiv-tips"/>
                        <label for="aktiv">"Aktivt konto"</label>
                    </div>
                    <p class="hint" id="aktiv-tips">
                        "Ett inaktiverat konto kan inte logga in, och pågående inloggningar avslutas direkt. "
                        "Historiken finns kvar och kontot kan aktiveras igen."
                    </p>
                </div>
                <button type="submit" class="button">"Spara ändringar"</button>
            </form>
            <h2>"Lösenord"</h2>
            <p>"Skicka en länk där personen själv väljer ett nytt lösenord. Länken gäller i 2 timmar."</p>
            <form method="post" action=action class="form">
                <input type="hidden" name=ACTION_FIELD value="/api/anvandare/losenordslank"/>
                <input type="hidden" name="id" value=id/>
                <button type="submit" class="button button--secondary">"Skicka lösenordslänk"</button>
            </form>
            <p><a href=history>"Visa historik för användaren"</a></p>
        </section>
    }
}
