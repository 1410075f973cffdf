//! Pages: Mina inställningar (`/profil`, everyone signed in) with the reminder choices, and
//! Utskick (`/utskick`, admin): the outbox with filters, one message as sent, "Skicka igen".

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

use super::api::{
    OutboxData, ProfileData, ResendMessage, SaveReminderSettings, TypeChoice, outbox_entry,
    outbox_list, profile,
};
use crate::auth::ui::Guard;
use crate::form::{ErrorSummary, FilterSelect, PostForm, use_form_state};
use crate::html::PageTitle;
use crate::layout::TableScroll;
use crate::outbox::{OutboxMessage, Status};
use crate::page::{by_id, loaded, loaded_within, route_id};

/// Mina inställningar.
#[component]
pub fn ProfilePage() -> impl IntoView {
    view! {
        <PageTitle text="Mina inställningar"/>
        <Guard access=crate::auth::page_access("/profil")>
            <Profile/>
        </Guard>
    }
}

#[component]
fn Profile() -> impl IntoView {
    let data = Resource::new_blocking(|| (), |_| profile());
    let saved = use_query_map().with_untracked(|q| q.get("sparad").is_some());
    view! {
        <section class="page narrow" aria-labelledby="profil-rubrik">
            <h1 id="profil-rubrik">"Mina inställningar"</h1>
            {saved.then(|| view! { <p class="notice" role="status">"Dina val är sparade."</p> })}
            {loaded_within(data, "Hämtar dina inställningar…", |data| view! { <ProfileForm data/> })}
        </section>
    }
}

#[component]
fn ProfileForm(data: ProfileData) -> impl IntoView {
    let form = use_form_state();
    view! {
        <p>{format!("Inloggad som {} ({}).", data.name, data.email)}</p>
        <ErrorSummary state=form.clone()/>
        <PostForm action="/profil" fn_path=SaveReminderSettings::PATH>
            <input type="hidden" name="settings[sent]" value="ja"/>
            <fieldset>
                <legend>"Påminnelser per e-post"</legend>
                <p class="hint">"Kryssa ur det du inte vill ha. Mejl om lösenord skickas alltid."</p>
                {data.types.into_iter().map(|t| {
                    let id = format!("settings-on-{}", t.id);
                    let hint = format!("{id}-hint");
                    let name = format!("settings[on][{}]", t.id);
                    let on = form.checked_or(&name, t.on);
                    view! {
                        <div class="checkbox">
                            <input type="checkbox" id=id.clone() name=name value="ja" checked=on aria-describedby=hint.clone()/>
                            <label for=id>{t.label}</label>
                            <p class="hint" id=hint>{t.description}</p>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <button type="submit" class="button">"Spara"</button>
        </PostForm>
    }
}

/// Utskick.
#[component]
pub fn OutboxPage() -> impl IntoView {
    view! {
        <PageTitle text="Utskick"/>
        <Guard access=crate::auth::page_access("/utskick")>
            <Outbox/>
        </Guard>
    }
}

#[component]
fn Outbox() -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        query.with(|q| {
            (
                q.get("status").unwrap_or_default(),
                q.get("typ").unwrap_or_default(),
            )
        })
    };
    let data = Resource::new_blocking(filter, |(status, typ)| outbox_list(status, typ));
    let (status, typ) = filter();
    view! {
        <section class="page wide" aria-labelledby="utskick-rubrik">
            <h1 id="utskick-rubrik">"Utskick"</h1>
            <p class="lead">"Alla mejl som Utfall skickar, nyaste först: påminnelser, veckobrev och lösenordslänkar. Ett mejl som inte kan skickas försöks igen med allt längre mellanrum. Tider i svensk tid."</p>
            {loaded_within(data, "Hämtar utskicken…", move |data| view! {
                <OutboxView data status=status.clone() typ=typ.clone()/>
            })}
        </section>
    }
}

fn status_choices() -> Vec<(String, String)> {
    Status::ALL
        .iter()
        .map(|s| (s.slug().to_string(), s.label().to_string()))
        .collect()
}

#[component]
fn OutboxView(data: OutboxData, status: String, typ: String) -> impl IntoView {
    let pick = |value: &str| (!value.is_empty()).then(|| value.to_string());
    let shown = data.rows.len();
    view! {
        <form method="get" action="/utskick" class="filters" role="search" aria-label="Filtrera utskicken">
            <FilterSelect name="status" label="Status" selected=pick(&status) choices=status_choices()/>
            <FilterSelect name="typ" label="Typ" selected=pick(&typ) choices=data.kinds.clone()/>
            <button type="submit" class="button">"Visa"</button>
            <a href="/utskick">"Rensa filter"</a>
        </form>
        <p role="status">{if data.more {
            format!("Visar de {} senaste utskicken. Välj fler filter för att se äldre.", crate::outbox::LIST_LIMIT)
        } else {
            format!("{shown} utskick.")
        }}</p>
        {if data.rows.is_empty() {
            view! { <p>"Inga utskick matchar filtret."</p> }.into_any()
        } else {
            view! {
                // Wider than a phone: the region scrolls, so it takes keyboard focus.
                <TableScroll label="Utskick, nyaste först">
                    <table class="table">
                        <caption class="visually-hidden">"Utskick, nyaste först"</caption>
                        <thead><tr>
                            <th scope="col">"Köat"</th><th scope="col">"Typ"</th><th scope="col">"Till"</th>
                            <th scope="col">"Ämne"</th><th scope="col">"Status"</th><th scope="col">"Försök"</th>
                        </tr></thead>
                        <tbody>
                            {data.rows.into_iter().map(|row| view! {
                                <tr>
                                    <td>{row.created_at.clone()}</td>
                                    <td>{super::kind_label(&row.kind).to_string()}</td>
                                    <td>{format!("{} <{}>", row.recipient_name, row.recipient_address)}</td>
                                    <td><a href=format!("/utskick/{}", row.id)>{row.subject.clone()}</a></td>
                                    <td>{row.status.label()}</td>
                                    <td>{row.attempts.to_string()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </TableScroll>
            }.into_any()
        }}
        <h2 id="installningar-rubrik">"Påminnelser per användare"</h2>
        <p>"Vad var och en har valt under Mina inställningar. Inaktiverade konton får inga mejl."</p>
        <TableScroll label="Påminnelser per användare">
            <table class="table" aria-labelledby="installningar-rubrik">
                <thead><tr>
                    <th scope="col">"Användare"</th>
                    <th scope="col">"Konto"</th>
                    {super::TYPES.iter().map(|t| view! { <th scope="col">{t.label}</th> }).collect_view()}
                </tr></thead>
                <tbody>
                    {data.everyone.into_iter().map(|u| view! {
                        <tr>
                            <th scope="row">{format!("{} <{}>", u.name, u.email)}</th>
                            <td>{if u.active { "Aktivt" } else { "Inaktiverat" }}</td>
                            {u.types.into_iter().map(|t: TypeChoice| view! {
                                <td>{if t.on { "På" } else { "Av" }}</td>
                            }).collect_view()}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </TableScroll>
    }
}

/// One message: `/utskick/{id}`.
#[component]
pub fn OutboxMessagePage() -> impl IntoView {
    view! {
        <PageTitle text="Utskick"/>
        <Guard access=crate::auth::page_access("/utskick")>
            <Message/>
        </Guard>
    }
}

#[component]
fn Message() -> impl IntoView {
    let message = by_id(route_id(), outbox_entry);
    loaded(
        message,
        "Hämtar mejlet…",
        |message| view! { <MessageView message/> },
    )
}

#[component]
fn MessageView(message: OutboxMessage) -> impl IntoView {
    let form = use_form_state();
    let again = use_query_map().with_untracked(|q| q.get("igen").is_some());
    let s = message.summary;
    let action = format!("/utskick/{}", s.id);
    view! {
        <section class="page" aria-labelledby="mejl-rubrik">
            <p><a href="/utskick">"← Utskick"</a></p>
            <h1 id="mejl-rubrik">{s.subject.clone()}</h1>
            {again.then(|| view! { <p class="notice" role="status">"Mejlet skickas igen."</p> })}
            <dl class="facts">
                <dt>"Till"</dt><dd>{format!("{} <{}>", s.recipient_name, s.recipient_address)}</dd>
                <dt>"Typ"</dt><dd>{super::kind_label(&s.kind).to_string()}</dd>
                <dt>"Status"</dt><dd>{s.status.label()}</dd>
                <dt>"Försök"</dt><dd>{s.attempts.to_string()}</dd>
                <dt>"Köat"</dt><dd>{s.created_at.clone()}</dd>
                <dt>"Skickat"</dt><dd>{s.sent_at.clone().unwrap_or_else(|| "–".into())}</dd>
                {s.last_error.clone().map(|e| view! { <dt>"Senaste fel"</dt><dd>{e}</dd> })}
                <dt>"Nyckel"</dt><dd><code>{message.key.clone()}</code></dd>
            </dl>
            <h2>"Texten"</h2>
            <pre class="mail-body">{message.text.clone()}</pre>
            {(!message.html.is_empty()).then(|| view! {
                <details>
                    <summary>"HTML-versionen (källkod)"</summary>
                    <pre class="mail-body">{message.html.clone()}</pre>
                </details>
            })}
            <ErrorSummary state=form.clone()/>
            <PostForm action=action fn_path=ResendMessage::PATH>
                <input type="hidden" name="id" value=s.id.to_string()/>
                <button type="submit" class="button button--secondary">"Skicka igen"</button>
            </PostForm>
        </section>
    }
}
