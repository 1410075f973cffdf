//! Månadsrapportering: the month's form (save, reload, validation per type, marking it
//! complete), locking and corrections with a reason, the value history, the calendar and
//! overview, object-level access, and the long-format export read back.

use app::report::Period;
use app::report::api::SaveReport;
use app::report::import_api::CommitImport;
use leptos::server_fn::ServerFn;
use reqwest::StatusCode;

use crate::helpers::{Backend, TestApp, postgres_database, spawn_app_with, spawn_demo_app};

const LAXHJALP: &str = "Läxhjälp i Vivalla (fiktiv)";

fn this_month() -> Period {
    Period::of(app::sv::time::local_date(chrono::Utc::now()))
}

/// A month that is locked under the default rules (lock on the 20th of the next month).
fn locked_month() -> Period {
    this_month().prev().prev()
}

pub async fn measure_id(app: &TestApp, initiative: i64, code: &str) -> i64 {
    let code = code.to_string();
    app::db_read!(&app.db, |pool| {
        sqlx::query_scalar("SELECT id FROM measure WHERE initiative_id = $1 AND code = $2")
            .bind(initiative)
            .bind(&code)
            .fetch_one(pool)
            .await
            .unwrap()
    })
}

pub async fn stored(app: &TestApp, measure: i64, period: Period) -> Option<(Option<f64>, String)> {
    app::db_read!(&app.db, |pool| {
        sqlx::query_as(
            "SELECT value, comment FROM measure_value WHERE measure_id = $1 AND period = $2",
        )
        .bind(measure)
        .bind(period.as_db())
        .fetch_optional(pool)
        .await
        .unwrap()
    })
}

/// Posts the month's form: `values` as (measure id, value, comment); `extra` sets `steg`
/// (spara, inrapportera) and `orsak`.
pub async fn post_month(
    user: &TestApp,
    initiative: i64,
    period: Period,
    values: &[(i64, &str, &str)],
    extra: &[(&str, &str)],
) -> reqwest::Response {
    post_confirmed(user, initiative, period, values, extra, &[]).await
}

/// [`post_month`] with "Spara ändå" ticked for `confirmed` (measure id, the value it confirms).
async fn post_confirmed(
    user: &TestApp,
    initiative: i64,
    period: Period,
    values: &[(i64, &str, &str)],
    extra: &[(&str, &str)],
    confirmed: &[(i64, &str)],
) -> reqwest::Response {
    let path = format!("/satsningar/{initiative}/rapportera/{period}");
    let extra = |name: &str| {
        extra
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    };
    let each = |pick: fn(&(i64, &str, &str)) -> String| {
        Some(
            values
                .iter()
                .map(|row| (format!("m{}", row.0), pick(row)))
                .collect(),
        )
    };
    let save = SaveReport {
        id: initiative,
        manad: period.to_string(),
        v: each(|row| row.1.to_string()),
        k: each(|row| row.2.to_string()),
        orsak: extra("orsak"),
        steg: extra("steg"),
        bekrafta: Some(
            confirmed
                .iter()
                .map(|(m, text)| (format!("m{m}"), text.to_string()))
                .collect(),
        )
        .filter(|c: &std::collections::BTreeMap<_, _>| !c.is_empty()),
    };
    user.submit(&path, &save).await
}

#[tokio::test]
async fn a_month_is_saved_reloaded_and_marked_complete() {
    let app = spawn_demo_app().await;
    let lead = app.as_user("projektledare@exempel.se").await;
    let id = app.initiative_id(LAXHJALP).await;
    let (a1, e1) = (
        measure_id(&app, id, "A1").await,
        measure_id(&app, id, "E1").await,
    );
    let month = this_month();
    let form = format!("/satsningar/{id}/rapportera/{month}");

    // The form lists the due measures with their target and earlier values.
    let page = lead.get(&form).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("A1 Deltagartillfällen"));
    assert!(html.contains("E1 Andel deltagare som lämnar in läxor i tid"));
    assert!(html.contains("Mål för månaden"));
    assert!(html.contains(&format!("name=\"v[m{e1}]\"")));
    assert!(
        !html.contains("I1 Behörighet"),
        "imported indicators are not on the form"
    );

    // Act: save partial work in Swedish formats (1 234 is unusual for A1: confirmed).
    let saved = post_confirmed(
        &lead,
        id,
        month,
        &[(a1, "1 234", ""), (e1, "62,5 %", "")],
        &[("steg", "spara")],
        &[(a1, "1 234")],
    )
    .await;

    // Assert
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        saved.headers()["location"],
        format!("/satsningar/{id}/rapportera/{month}?sparad=2").as_str()
    );
    assert_eq!(
        stored(&app, a1, month).await,
        Some((Some(1234.0), String::new()))
    );
    assert_eq!(
        stored(&app, e1, month).await,
        Some((Some(62.5), String::new()))
    );
    // The measure keeps its latest value for the portfolio.
    let latest: (Option<i64>, Option<f64>) = app::db_read!(&app.db, |pool| {
        sqlx::query_as("SELECT latest_period, latest_value FROM measure WHERE id = $1")
            .bind(e1)
            .fetch_one(pool)
            .await
            .unwrap()
    });
    assert_eq!(latest, (Some(month.as_db()), Some(62.5)));
    let html = lead.get(&form).await.text().await.unwrap();
    assert!(html.contains("value=\"1234\"") && html.contains("value=\"62,5\""));
    assert!(html.contains("Påbörjad"));

    // Saving the same again changes nothing and writes no audit rows.
    let audit_before = count_audit(&app).await;
    let again = post_month(&lead, id, month, &[(a1, "1234", ""), (e1, "62,5", "")], &[]).await;
    assert_eq!(
        again.headers()["location"],
        format!("/satsningar/{id}/rapportera/{month}?sparad=0").as_str()
    );
    assert_eq!(count_audit(&app).await, audit_before);

    // Marking complete needs a value or an explanation for every measure.
    let incomplete = post_month(
        &lead,
        id,
        month,
        &[(a1, "", ""), (e1, "62,5", "")],
        &[("steg", "inrapportera")],
    )
    .await;
    assert_eq!(incomplete.status(), StatusCode::BAD_REQUEST);
    assert!(
        incomplete
            .text()
            .await
            .unwrap()
            .contains("ange ett värde, eller skriv i kommentaren varför det saknas")
    );
    assert_eq!(
        stored(&app, a1, month).await.unwrap().0,
        Some(1234.0),
        "nothing saved"
    );
    let complete = post_month(
        &lead,
        id,
        month,
        &[(a1, "", "Lovvecka, ingen läxhjälp."), (e1, "62,5", "")],
        &[("steg", "inrapportera")],
    )
    .await;
    assert_eq!(complete.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        stored(&app, a1, month).await,
        Some((None, "Lovvecka, ingen läxhjälp.".into()))
    );
    // Once marked, the form offers no second marking, and saving keeps the month complete.
    let html = lead.get(&form).await.text().await.unwrap();
    assert!(html.contains("Inrapporterad") && html.contains("value=\"spara\""));
    assert!(!html.contains("Markera som inrapporterad"), "marked once");
    let emptied = post_month(&lead, id, month, &[(a1, "", ""), (e1, "62,5", "")], &[]).await;
    assert_eq!(emptied.status(), StatusCode::BAD_REQUEST);
    assert!(
        emptied
            .text()
            .await
            .unwrap()
            .contains("ange ett värde, eller skriv i kommentaren varför det saknas")
    );
    let calendar = lead
        .get(&format!("/satsningar/{id}/rapportera"))
        .await
        .text()
        .await
        .unwrap();
    assert!(calendar.contains(&format!(
        "href=\"/satsningar/{id}/rapportera/{month}\" data-status=\"status-reported\""
    )));
    // The demo data left one early month unreported: it is locked now.
    assert!(calendar.contains("data-status=\"status-locked\""));
}

#[tokio::test]
async fn an_unusual_value_is_kept_and_asked_about_before_it_is_saved() {
    let app = spawn_demo_app().await;
    let lead = app.as_user("projektledare@exempel.se").await;
    let id = app.initiative_id(LAXHJALP).await;
    let (a1, e1) = (
        measure_id(&app, id, "A1").await,
        measure_id(&app, id, "E1").await,
    );
    let month = this_month();
    let values = [(a1, "1 234", "Extra lovskola"), (e1, "61", "")];

    // Act: 1 234 sessions where the demo history has 20–30, posted without JavaScript.
    let warned = post_month(&lead, id, month, &values, &[("steg", "spara")]).await;

    // Assert: nothing saved; the form again with what was typed, the warning in the summary
    // and at the field, and a "Spara ändå" checkbox that confirms exactly 1 234.
    assert_eq!(warned.status(), StatusCode::BAD_REQUEST);
    let html = warned.text().await.unwrap();
    assert!(html.contains("Inget är sparat än"), "summary heading");
    let warning =
        "A1 Deltagartillfällen: 1\u{a0}234 tillfällen är långt från måttets vanliga värden";
    assert_eq!(
        html.matches(warning).count(),
        2,
        "in the summary and at the field"
    );
    assert!(html.contains(&format!("href=\"#bekrafta-m{a1}\"")));
    assert!(html.contains(&format!(
        "type=\"checkbox\" id=\"bekrafta-m{a1}\" name=\"bekrafta[m{a1}]\" value=\"1 234\""
    )));
    assert!(html.contains("Spara ändå: 1 234 stämmer"));
    assert!(html.contains("value=\"1 234\"") && html.contains("value=\"61\""));
    assert!(html.contains(">Extra lovskola</textarea>"));
    assert_eq!(stored(&app, a1, month).await, None);
    assert_eq!(stored(&app, e1, month).await, None, "nothing of the form");

    // A confirmation of another value does not count.
    let other = post_confirmed(&lead, id, month, &values, &[], &[(a1, "123")]).await;
    assert_eq!(other.status(), StatusCode::BAD_REQUEST);
    assert_eq!(stored(&app, a1, month).await, None);

    // Act: "Spara ändå" ticked, as the form above sends it.
    let saved = post_confirmed(&lead, id, month, &values, &[], &[(a1, "1 234")]).await;

    // Assert
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        stored(&app, a1, month).await,
        Some((Some(1234.0), "Extra lovskola".into()))
    );
    assert_eq!(
        stored(&app, e1, month).await,
        Some((Some(61.0), String::new()))
    );
    // The stored value was confirmed once: saving the form again does not ask again.
    let again = post_month(&lead, id, month, &values, &[("steg", "inrapportera")]).await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_calendar_runs_in_time_order_and_names_each_month_in_words() {
    let app = spawn_demo_app().await;
    let lead = app.as_user("projektledare@exempel.se").await;
    let id = app.initiative_id(LAXHJALP).await;
    let month = this_month();

    let page = lead.get(&format!("/satsningar/{id}/rapportera")).await;

    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains(&format!(
        "<title>Rapportering – {LAXHJALP} – Utfall</title>"
    )));
    // The months' cells: oldest first, the running month last, each month once.
    let months: Vec<&str> = html
        .split(&format!("href=\"/satsningar/{id}/rapportera/"))
        .skip(1)
        .filter(|rest| rest[7..].starts_with("\" data-status="))
        .map(|rest| &rest[..7])
        .collect();
    let mut sorted = months.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(months.first(), Some(&"2025-08"), "{months:?}");
    assert_eq!(months.last().copied(), Some(month.to_string().as_str()));
    assert_eq!(months, sorted, "in time order");
    // The running month is in progress, not missing; the month the demo skipped is locked and
    // says it was never reported; the marks are drawn, not font glyphs.
    let running =
        format!("href=\"/satsningar/{id}/rapportera/{month}\" data-status=\"status-in-progress\"");
    assert!(html.contains(&running));
    assert!(html.contains("Pågår"));
    assert!(
        html.contains("data-status=\"status-locked\"") && html.contains("Låst, aldrig rapporterad")
    );
    assert!(html.matches("class=\"status-mark\"").count() >= months.len());
    for glyph in ["🔒", "◐", "○", "✓"] {
        assert!(!html.contains(glyph), "{glyph}");
    }
    // The month's form names the satsning and the month in its title.
    let form = lead
        .get(&format!("/satsningar/{id}/rapportera/{month}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(form.contains(&format!(
        "<title>Månadsrapport {} – {LAXHJALP} – Utfall</title>",
        month.label()
    )));
}

async fn count_audit(app: &TestApp) -> i64 {
    app::db_read!(&app.db, |pool| {
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_event WHERE object_type = 'measure_value'")
            .fetch_one(pool)
            .await
            .unwrap()
    })
}

#[tokio::test]
async fn each_value_type_is_checked_and_a_rejected_form_keeps_what_was_typed() {
    let app = spawn_demo_app().await;
    let lead = app.as_user("projektledare@exempel.se").await;
    let id = app.initiative_id(LAXHJALP).await;
    let (a1, e1) = (
        measure_id(&app, id, "A1").await,
        measure_id(&app, id, "E1").await,
    );
    let month = this_month();
    let long = "x".repeat(1001);
    let response = post_month(
        &lead,
        id,
        month,
        &[(a1, "12,5", ""), (e1, "101", &long)],
        &[],
    )
    .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let html = response.text().await.unwrap();
    assert!(html.contains("A1 Deltagartillfällen: Antal är ett heltal, 0 eller mer."));
    assert!(html.contains("Andelen anges i procent, mellan 0 och 100."));
    assert!(html.contains("kommentaren får vara högst 1000 tecken"));
    assert!(html.contains("value=\"12,5\"") && html.contains("value=\"101\""));
    assert!(html.contains(&format!("id=\"v-m{a1}\"")) && html.contains("aria-invalid=\"true\""));
    assert_eq!(
        stored(&app, a1, month).await,
        None,
        "nothing partially saved"
    );
    assert_eq!(stored(&app, e1, month).await, None);

    // The type decides (a confirmation of an unusual value does not pass a wrong one).
    for (value, ok) in [("tolv", false), ("-3", false), ("0", true), ("1 500", true)] {
        let values = [(a1, value, ""), (e1, "", "")];
        let r = post_confirmed(&lead, id, month, &values, &[], &[(a1, value)]).await;
        assert_eq!(r.status() == StatusCode::SEE_OTHER, ok, "{value}");
    }
}

#[tokio::test]
async fn a_locked_month_refuses_the_lead_and_takes_a_correction_with_a_reason() {
    let app = spawn_demo_app().await;
    let lead = app.as_user("projektledare@exempel.se").await;
    let admin = app.as_user("admin@exempel.se").await;
    let id = app.initiative_id(LAXHJALP).await;
    let a1 = measure_id(&app, id, "A1").await;
    let e1 = measure_id(&app, id, "E1").await;
    let month = locked_month();
    let before = stored(&app, a1, month).await.expect("demo value").0;

    // The lead sees the month read-only and cannot post to it.
    let page = lead
        .get(&format!("/satsningar/{id}/rapportera/{month}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Månaden är låst sedan"));
    // It names, by their role names, who can correct it.
    assert!(page.contains("En utvärderare eller processledare kan rätta"));
    assert!(!page.contains("Markera som inrapporterad"));
    let refused = post_month(&lead, id, month, &[(a1, "99", ""), (e1, "60", "")], &[]).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("Månaden är låst sedan")
    );

    // Admin must give a reason.
    let e1_before = stored(&app, e1, month).await.unwrap().0.unwrap();
    let e1_text = e1_before.to_string().replace('.', ",");
    let no_reason = post_month(
        &admin,
        id,
        month,
        &[(a1, "99", ""), (e1, &e1_text, "")],
        &[],
    )
    .await;
    assert_eq!(no_reason.status(), StatusCode::BAD_REQUEST);
    assert!(
        no_reason
            .text()
            .await
            .unwrap()
            .contains("Ange varför värdena rättas")
    );
    assert_eq!(stored(&app, a1, month).await.unwrap().0, before);

    // Act (99 is unusual for A1: confirmed)
    let corrected = post_confirmed(
        &admin,
        id,
        month,
        &[(a1, "99", ""), (e1, &e1_text, "")],
        &[("orsak", "Fel i närvarolistan, rättat enligt rektor.")],
        &[(a1, "99")],
    )
    .await;

    // Assert
    assert_eq!(corrected.status(), StatusCode::SEE_OTHER);
    assert_eq!(stored(&app, a1, month).await.unwrap().0, Some(99.0));
    // Everyone who may see the satsning sees the history: the lead's entry and the correction.
    let history = lead
        .get(&format!("/satsningar/{id}/rapportera/{month}/historik"))
        .await;
    assert_eq!(history.status(), 200);
    let html = history.text().await.unwrap();
    assert!(html.contains("Fel i närvarolistan, rättat enligt rektor."));
    assert!(
        html.contains("Admin") || html.contains("admin"),
        "who corrected"
    );
    assert!(
        html.contains("Projektledare") || html.contains("projektledare"),
        "who reported"
    );
    let before_text = app::sv::number::format_decimal(before.unwrap());
    assert!(
        html.contains(&format!("<td>{before_text}</td><td>99</td>")),
        "old → new"
    );
}

#[tokio::test]
async fn nobody_reports_for_a_satsning_that_is_not_theirs() {
    let app = spawn_demo_app().await;
    let id = app.initiative_id(LAXHJALP).await;
    let a1 = measure_id(&app, id, "A1").await;
    let month = this_month();
    // A reader may look but not report.
    let reader = app.as_user("lasare@exempel.se").await;
    let page = reader
        .get(&format!("/satsningar/{id}/rapportera/{month}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Du kan läsa rapporten men inte rapportera"));
    let r = post_month(&reader, id, month, &[(a1, "5", "")], &[]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // A projektledare cannot reach a satsning they do not lead.
    let other = app.initiative_id("Skolfam").await;
    let lead = app.as_user("projektledare@exempel.se").await;
    let r = post_month(&lead, other, month, &[(a1, "5", "")], &[]).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // A measure id from another satsning is ignored: only the satsning's own measures are read.
    let unga = app
        .initiative_id("Tidigt stöd för unga vuxna (fiktiv)")
        .await;
    let r = post_month(&lead, unga, month, &[(a1, "5", "")], &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(stored(&app, a1, month).await, None);
    // Months outside the period, in the future, or malformed are refused.
    for bad in ["2019-01", "2099-01"] {
        let r = lead
            .get(&format!("/satsningar/{id}/rapportera/{bad}"))
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "{bad}");
    }
    let r = lead.get(&format!("/satsningar/{id}/rapportera/nov")).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn values_export_as_swedish_csv_and_xlsx_that_read_back() {
    let app = spawn_demo_app().await;
    let reader = app.as_user("lasare@exempel.se").await;
    let id = app.initiative_id(LAXHJALP).await;
    let expected: i64 = app::db_read!(&app.db, |pool| {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM measure_value v JOIN measure m ON m.id = v.measure_id
             WHERE m.initiative_id = $1",
        )
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap()
    });
    assert!(expected > 10, "demo values exist");

    let csv = reader.get(&format!("/satsningar/{id}/varden.csv")).await;
    assert_eq!(csv.status(), 200);
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let bytes = csv.bytes().await.unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "BOM for Excel");
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines[0],
        "\"Satsning\";\"Kod\";\"Mått\";\"Typ\";\"Period\";\"Värde\";\"Enhet\";\"Kommentar\";\"Rapporterad av\";\"Tid (UTC)\""
    );
    assert_eq!(lines.len() as i64 - 1, expected);
    // Parse every row back: ten fields, a numeric value with a decimal comma.
    let first = lines[1].split(';').collect::<Vec<_>>();
    assert_eq!(first.len(), 10);
    assert_eq!(first[0], format!("\"{LAXHJALP}\""));
    assert_eq!(first[1], "\"A1\"");
    assert_eq!(first[3], "\"aktivitetsmått\"");
    assert!(first[5].parse::<f64>().is_ok() || first[5].contains(','));
    assert!(
        lines
            .iter()
            .skip(1)
            .any(|l| l.contains("\"E1\"") && l.contains(";\"%\";")),
        "effektmått with unit"
    );

    let xlsx = reader.get(&format!("/satsningar/{id}/varden.xlsx")).await;
    assert_eq!(xlsx.status(), 200);
    let bytes = xlsx.bytes().await.unwrap().to_vec();
    use calamine::{Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range("Värden").unwrap();
    assert_eq!(sheet.height() as i64 - 1, expected);
    assert_eq!(sheet.get((0, 5)).unwrap().to_string(), "Värde");
    assert!(matches!(sheet.get((1, 5)), Some(calamine::Data::Float(_))));

    // "All I may see": a projektledare's export holds only the satsningar they lead.
    let lead = app.as_user("projektledare@exempel.se").await;
    let all = lead
        .get("/satsningar/varden.csv")
        .await
        .text()
        .await
        .unwrap();
    assert!(all.contains(LAXHJALP));
    let theirs: i64 = app::db_read!(&app.db, |pool| {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM measure_value v JOIN measure m ON m.id = v.measure_id
             JOIN initiative_lead l ON l.initiative_id = m.initiative_id
             JOIN user_account u ON u.id = l.user_id
             WHERE u.email_key = 'projektledare@exempel.se'",
        )
        .fetch_one(pool)
        .await
        .unwrap()
    });
    assert_eq!(all.lines().count() as i64 - 1, theirs);
    // Not logged in: sent to the login page, no data.
    let anonymous = app.with_new_client();
    for path in [
        "/satsningar/varden.csv".to_string(),
        format!("/satsningar/{id}/varden.csv"),
    ] {
        let r = anonymous.get(&path).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{path}");
        assert!(!r.text().await.unwrap().contains(LAXHJALP));
    }
    let skolfam = app.initiative_id("Skolfam").await;
    assert_eq!(
        lead.get(&format!("/satsningar/{skolfam}/varden.csv"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_overview_shows_completeness_for_the_review_group() {
    let app = spawn_demo_app().await;
    let review = app.as_user("beredning@exempel.se").await;
    let page = review.get("/rapportering").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Rapporteringsöversikt"));
    assert!(html.contains(LAXHJALP) && html.contains("Tidigt stöd för unga vuxna (fiktiv)"));
    assert!(html.contains("Total fullständighet"));
    assert!(html.contains(": Låst") && html.contains(": Inrapporterad"));
}

#[tokio::test]
async fn reporting_works_on_postgresql() {
    let Some(url) = postgres_database().await else {
        return;
    };
    let app = spawn_app_with(Backend::Postgres(url), |config| config.demo = true).await;
    let lead = app.as_user("projektledare@exempel.se").await;
    let id = app.initiative_id(LAXHJALP).await;
    let (a1, e1) = (
        measure_id(&app, id, "A1").await,
        measure_id(&app, id, "E1").await,
    );
    let month = this_month();
    let r = post_month(
        &lead,
        id,
        month,
        &[(a1, "24", ""), (e1, "55", "")],
        &[("steg", "inrapportera")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        stored(&app, a1, month).await,
        Some((Some(24.0), String::new()))
    );
    let history = lead
        .get(&format!("/satsningar/{id}/rapportera/{month}/historik"))
        .await
        .text()
        .await
        .unwrap();
    assert!(history.contains("A1 Deltagartillfällen"));
    let csv = lead
        .get(&format!("/satsningar/{id}/varden.csv"))
        .await
        .text()
        .await
        .unwrap();
    assert!(csv.contains(&format!("\"{month}\";24;")));
    let overview = app.as_user("beredning@exempel.se").await;
    assert_eq!(overview.get("/rapportering").await.status(), 200);
}

async fn upload_import(user: &TestApp, id: i64, name: &str, bytes: Vec<u8>) -> reqwest::Response {
    use reqwest::multipart::{Form, Part};
    let form = Form::new().part("fil", Part::bytes(bytes).file_name(name.to_string()));
    user.client
        .post(format!("{}/satsningar/{id}/import/fil", user.address))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn value_count(app: &TestApp) -> i64 {
    app::db_read!(&app.db, |pool| {
        sqlx::query_scalar("SELECT COUNT(*) FROM measure_value")
            .fetch_one(pool)
            .await
            .unwrap()
    })
}

#[tokio::test]
async fn an_import_dry_run_finds_every_bad_row_and_commits_nothing() {
    let app = spawn_demo_app().await;
    let lead = app.as_user("projektledare@exempel.se").await;
    let id = app.initiative_id(LAXHJALP).await;
    let (now, locked) = (this_month(), locked_month());
    let file = format!(
        "\u{feff}Kod;Period;Värde;Kommentar\r\n\
         A1;{now};12;\r\n\
         X9;{now};1;\r\n\
         A1;nov-26;1;\r\n\
         E1;{now};\"112,5\";\r\n\
         A1;{locked};3;\r\n\
         A1;2099-01;3;\r\n\
         A1;{now};13;dubblett\r\n"
    );
    let before = value_count(&app).await;

    // Act
    let uploaded = upload_import(&lead, id, "värden.csv", file.into_bytes()).await;

    // Assert
    assert_eq!(uploaded.status(), StatusCode::SEE_OTHER);
    let preview_path = uploaded.headers()["location"].to_str().unwrap().to_string();
    let preview = lead.get(&preview_path).await;
    assert_eq!(preview.status(), 200);
    let html = preview.text().await.unwrap();
    assert!(html.contains("6 av 7 rader har fel"), "summary");
    for message in [
        "Okänd kod ”X9”",
        "Felaktig period ”nov-26”",
        "Felaktigt värde ”112,5”",
        &format!("Perioden {locked} är låst"),
        "Perioden 2099-01 ligger utanför",
        "A1 ",
        "finns redan på rad 2",
    ] {
        assert!(html.contains(message), "{message}");
    }
    assert!(!html.contains(CommitImport::PATH), "no confirm button");
    let import_id = preview_path.rsplit('/').next().unwrap().parse().unwrap();
    let commit = CommitImport {
        id,
        import_id,
        orsak: None,
    };
    let forced = lead.submit(&preview_path, &commit).await;
    assert_eq!(forced.status(), StatusCode::CONFLICT);
    assert_eq!(value_count(&app).await, before, "nothing saved");

    // Files that cannot be read at all are refused on the upload page itself.
    let not_csv = upload_import(&lead, id, "bild.png", vec![0x89, b'P', b'N', b'G', 0, 0]).await;
    assert_eq!(not_csv.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(
        not_csv
            .text()
            .await
            .unwrap()
            .contains("varken CSV eller Excel")
    );
    let wrong_columns = upload_import(&lead, id, "x.csv", b"Namn;Tal\nx;1\n".to_vec()).await;
    assert_eq!(wrong_columns.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong_columns
            .text()
            .await
            .unwrap()
            .contains("saknar kolumnerna")
    );
    // Someone else's staged import is not theirs to see.
    let admin = app.as_user("admin@exempel.se").await;
    assert_eq!(
        admin.get(&preview_path).await.status(),
        StatusCode::NOT_FOUND
    );
    // A reader may not import at all.
    let reader = app.as_user("lasare@exempel.se").await;
    let refused = upload_import(&reader, id, "v.csv", b"Kod;Period;V\xc3\xa4rde\n".to_vec()).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_clean_import_commits_every_row_once_as_one_audited_batch() {
    let app = spawn_demo_app().await;
    // The evaluation team imports, including a correction of a locked month.
    let lead = app.as_user("utvarderare@exempel.se").await;
    let id = app.initiative_id(LAXHJALP).await;
    let (a1, e1) = (
        measure_id(&app, id, "A1").await,
        measure_id(&app, id, "E1").await,
    );
    let now = this_month();
    let previous = locked_month();
    // The Excel variant, with the columns in another order and an extra one.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, title) in ["Period", "Kod", "Anteckning", "Värde", "Kommentar"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *title).unwrap();
    }
    for (r, (period, code, value, comment)) in [
        (now.to_string(), "A1", 17.0, ""),
        (now.to_string(), "e1", 66.5, "Bra månad"),
        (previous.to_string(), "A1", 21.0, ""),
    ]
    .iter()
    .enumerate()
    {
        let r = r as u32 + 1;
        sheet.write_string(r, 0, period).unwrap();
        sheet.write_string(r, 1, *code).unwrap();
        sheet.write_number(r, 3, *value).unwrap();
        sheet.write_string(r, 4, *comment).unwrap();
    }
    let bytes = book.save_to_buffer().unwrap();

    let uploaded = upload_import(&lead, id, "import.xlsx", bytes).await;
    assert_eq!(uploaded.status(), StatusCode::SEE_OTHER);
    let preview_path = uploaded.headers()["location"].to_str().unwrap().to_string();
    let html = lead.get(&preview_path).await.text().await.unwrap();
    assert!(html.contains("Alla 3 rader kan importeras"), "{html}");
    assert_eq!(stored(&app, a1, now).await, None, "a dry run saves nothing");

    // Act
    let import_id = preview_path.rsplit('/').next().unwrap().parse().unwrap();
    let mut commit = CommitImport {
        id,
        import_id,
        orsak: None,
    };
    let no_reason = lead.submit(&preview_path, &commit).await;
    assert_eq!(no_reason.status(), StatusCode::BAD_REQUEST);
    assert!(
        no_reason
            .text()
            .await
            .unwrap()
            .contains("Ange varför värden i låsta månader rättas")
    );
    assert_eq!(stored(&app, a1, now).await, None);
    commit.orsak = Some("Efterregistrering från närvarolistor.".into());
    let committed = lead.submit(&preview_path, &commit).await;

    // Assert
    assert_eq!(committed.status(), StatusCode::SEE_OTHER);
    assert!(
        committed.headers()["location"]
            .to_str()
            .unwrap()
            .ends_with("rapportera?importerade=3")
    );
    assert_eq!(
        stored(&app, a1, now).await,
        Some((Some(17.0), String::new()))
    );
    assert_eq!(
        stored(&app, e1, now).await,
        Some((Some(66.5), "Bra månad".into()))
    );
    assert_eq!(stored(&app, a1, previous).await.unwrap().0, Some(21.0));
    let batches: i64 = app::db_read!(&app.db, |pool| {
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_event WHERE object_type = 'value_import'")
            .fetch_one(pool)
            .await
            .unwrap()
    });
    assert_eq!(batches, 1);
    // A second commit of the same file is refused; nothing is written twice.
    let before = count_audit(&app).await;
    let again = lead.submit(&preview_path, &commit).await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    assert_eq!(count_audit(&app).await, before);
}

/// Every saved number reads back from the series (the charts' and the rules' read) as the
/// same double: on SQLite the series travels as text, so a digit lost there would move a
/// mean, a process limit or a flag's numbers.
async fn series_read_back_exactly(app: &TestApp) {
    use crate::builders::UserBuilder;
    let lead = UserBuilder::with_role(app::auth::Role::ProjectLead)
        .create(app)
        .await;
    let (initiative, e1) = crate::deviations::satsning_with_target(app, &lead).await;
    let values = [
        0.1 + 0.2,
        1.0 / 3.0,
        2.0 / 3.0,
        1e-7,
        123_456_789.123,
        -2.5,
        41.0,
        41.57,
        0.07,
        -1234.5,
        2f64.powi(53) + 2.0,
        std::f64::consts::PI * 1e12,
    ];
    let mut period = this_month();
    let mut saved = Vec::new();
    for value in values {
        let entries = [app::report::repo::Entry {
            measure_id: e1,
            value: Some(value),
            comment: String::new(),
        }];
        let month = app::report::repo::MonthSave {
            period,
            entries: &entries,
            reason: None,
            submit: false,
        };
        app::report::repo::save(
            &app.db,
            lead.actor,
            initiative.id,
            month,
            chrono::Utc::now(),
            &app::report::AfterValues::none(),
        )
        .await
        .unwrap();
        saved.push((period, value));
        period = period.prev();
    }
    saved.reverse();
    let series = app::report::repo::series(&app.db, initiative.id, period, this_month())
        .await
        .unwrap();
    let read = &series[&e1];
    assert_eq!(read.len(), saved.len());
    for ((period, value), (read_period, read_value)) in saved.iter().zip(read) {
        assert_eq!(period, read_period);
        assert_eq!(
            value.to_bits(),
            read_value.to_bits(),
            "{value:?} read back as {read_value:?}"
        );
    }
}

#[tokio::test]
async fn a_series_reads_every_value_back_exactly_on_sqlite() {
    series_read_back_exactly(&crate::helpers::spawn_app().await).await;
}

#[tokio::test]
async fn a_series_reads_every_value_back_exactly_on_postgresql() {
    let Some(url) = postgres_database().await else {
        return;
    };
    series_read_back_exactly(&spawn_app_with(Backend::Postgres(url), |_| ()).await).await;
}
