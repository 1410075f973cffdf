//! Stored text stays text: markup planted in every stored free-text field must come back as
//! text on every page, export and chart that shows it — never as an element, an attribute or a
//! comment (finding 1 and 2 of the security review: `</textarea>` and `</title>` broke out of
//! Leptos' raw-text elements and let a projektledare plant markup that admin then rendered).

use app::form::ACTION_FIELD;
use app::report::api::SaveReport;
use leptos::server_fn::ServerFn;
use scraper::{Html, Node};

use crate::helpers::{TestApp, spawn_demo_app};

/// One payload per field, prefixed by the field's name so that a failure says where it came
/// from. Every way out of a context is in it: raw-text end tags, an attribute break-out, an
/// event handler, a comment opener and a CDATA end. Any element it creates has an id starting
/// with `planted`; a comment it opens contains the word.
fn payload(field: &str) -> String {
    format!(
        "[{field}] x</textarea></title>\"><svg onload=alert(1) id=planted-svg></svg>\
         '><b id=planted-b>b</b><!--planted-comment ]]><i id=planted-cdata>i</i> & "
    )
}

/// The free-text columns a user can fill in (directly, or through an import), as
/// (table, column, extra condition).
const FREE_TEXT: &[(&str, &str)] = &[
    ("organisation", "name"),
    ("user_account", "name"),
    ("party", "name"),
    ("party", "area"),
    ("initiative", "name"),
    ("initiative", "summary"),
    ("initiative", "target_group"),
    ("initiative", "owner_names"),
    ("goal", "text"),
    ("goal", "target_group"),
    ("activity", "text"),
    ("measure", "code"),
    ("measure", "name"),
    ("measure", "definition"),
    ("measure", "unit"),
    ("economic_effect", "text"),
    ("document", "file_name"),
    ("measure_value", "comment"),
    ("value_import", "file_name"),
];

/// Prefixes every free-text field with its payload (a prefix keeps unique columns unique and
/// links such as the Kolada code between measure and indicator values intact).
async fn plant_everywhere(app: &TestApp) {
    let mut statements: Vec<String> = FREE_TEXT
        .iter()
        .map(|(table, column)| {
            let planted = payload(&format!("{table}.{column}")).replace('\'', "''");
            format!("UPDATE {table} SET {column} = '{planted}' || {column}")
        })
        .collect();
    // Kolada codes and levels: the comparison code on the measure and the imported values'
    // code move together, so the comparison still shows.
    let kolada = payload("kolada.kpi").replace('\'', "''");
    statements.push(format!(
        "UPDATE measure SET comparison = '{kolada}' || comparison WHERE comparison <> ''"
    ));
    statements.push(format!(
        "UPDATE indicator_value SET kpi = '{kolada}' || kpi"
    ));
    let level = payload("kolada.municipality").replace('\'', "''");
    statements.push(format!(
        "UPDATE indicator_value SET municipality = '{level}' || municipality"
    ));
    for sql in statements {
        app::db_write!(&app.db, |pool| {
            sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                .execute(pool)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
        });
    }
}

/// What went wrong on one page: planted elements, attributes or comments.
fn planted_markup(html: &str) -> Vec<String> {
    let document = Html::parse_document(html);
    let mut found = Vec::new();
    for node in document.tree.nodes() {
        match node.value() {
            Node::Element(element) => {
                for (name, value) in element.attrs() {
                    if value.starts_with("planted") || name.starts_with("on") {
                        found.push(format!("<{} {name}=\"{value}\">", element.name()));
                    }
                }
                if element.name() == "meta" && element.attr("http-equiv").is_some() {
                    found.push("<meta http-equiv>".into());
                }
            }
            Node::Comment(comment) if comment.contains("planted") => {
                found.push(format!("<!--{}", &comment[..comment.len().min(40)]));
            }
            _ => {}
        }
    }
    found
}

/// All the text of a page, raw-text elements included (a payload shown as text is in here
/// whole).
fn page_text(html: &str) -> String {
    let document = Html::parse_document(html);
    document
        .tree
        .nodes()
        .filter_map(|n| match n.value() {
            Node::Text(text) => Some(text.to_string()),
            _ => None,
        })
        .collect()
}

fn payload_tail() -> &'static str {
    "] x</textarea></title>\"><svg onload=alert(1) id=planted-svg></svg>"
}

async fn ids(app: &TestApp, sql: &'static str) -> Vec<i64> {
    app::db_read!(&app.db, |pool| {
        sqlx::query_scalar(sql).fetch_all(pool).await.unwrap()
    })
}

async fn pairs(app: &TestApp, sql: &'static str) -> Vec<(i64, i64)> {
    app::db_read!(&app.db, |pool| {
        sqlx::query_as(sql).fetch_all(pool).await.unwrap()
    })
}

/// Every page a stored text can reach, for the demo organisation.
async fn pages(app: &TestApp) -> Vec<String> {
    let mut pages: Vec<String> = [
        "/",
        "/oversikt",
        "/oversikt?status=",
        "/historik",
        "/satsningar",
        "/rapportering",
        "/parter",
        "/indikatorer",
        "/admin/anvandare",
    ]
    .map(String::from)
    .to_vec();
    for id in ids(app, "SELECT id FROM initiative ORDER BY id").await {
        for page in [
            "",
            "/redigera",
            "/schema",
            "/schema/tabell",
            "/rapportera",
            "/import",
        ] {
            pages.push(format!("/satsningar/{id}{page}"));
        }
        pages.push(format!("/historik/initiative/{id}"));
    }
    for (initiative, measure) in
        pairs(app, "SELECT initiative_id, id FROM measure ORDER BY id").await
    {
        pages.push(format!("/satsningar/{initiative}/schema/matt/{measure}"));
        pages.push(format!("/historik/measure/{measure}"));
    }
    // Each satsning's first and last reported month (form and history).
    for (initiative, period) in pairs(
        app,
        "SELECT m.initiative_id, MIN(v.period) FROM measure_value v \
         JOIN measure m ON m.id = v.measure_id GROUP BY m.initiative_id \
         UNION SELECT m.initiative_id, MAX(v.period) FROM measure_value v \
         JOIN measure m ON m.id = v.measure_id GROUP BY m.initiative_id",
    )
    .await
    {
        let month = format!("{}-{:02}", period / 100, period % 100);
        pages.push(format!("/satsningar/{initiative}/rapportera/{month}"));
        pages.push(format!(
            "/satsningar/{initiative}/rapportera/{month}/historik"
        ));
    }
    for (initiative, import) in pairs(app, "SELECT initiative_id, id FROM value_import").await {
        pages.push(format!("/satsningar/{initiative}/import/{import}"));
    }
    for id in ids(app, "SELECT id FROM user_account ORDER BY id").await {
        pages.push(format!("/admin/anvandare/{id}"));
        pages.push(format!("/historik/user_account/{id}"));
    }
    for id in ids(app, "SELECT id FROM party ORDER BY id").await {
        pages.push(format!("/historik/party/{id}"));
    }
    for id in ids(app, "SELECT id FROM goal ORDER BY id").await {
        pages.push(format!("/historik/goal/{id}"));
    }
    for id in ids(app, "SELECT id FROM activity ORDER BY id").await {
        pages.push(format!("/historik/activity/{id}"));
    }
    pages
}

#[tokio::test]
async fn planted_markup_is_text_on_every_page_export_and_chart() {
    // Arrange: the reproductions from the review, through the real forms …
    let app = spawn_demo_app().await;
    let lead = app.as_user("projektledare@exempel.se").await;
    let admin = app.as_user("admin@exempel.se").await;
    let (initiative, measure) = pairs(
        &app,
        "SELECT m.initiative_id, m.id FROM measure m JOIN measure_value v ON v.measure_id = m.id \
         JOIN initiative_lead l ON l.initiative_id = m.initiative_id \
         JOIN user_account u ON u.id = l.user_id AND u.email = 'projektledare@exempel.se' \
         WHERE m.kind = 'aktivitet' AND m.retired_at IS NULL ORDER BY v.period DESC LIMIT 1",
    )
    .await[0];
    let month = app::report::Period::of(app::sv::time::local_date(chrono::Utc::now())).to_string();
    let comment = payload("kommentar via formuläret");
    let saved = lead
        .post_form(
            &format!("/satsningar/{initiative}/rapportera/{month}"),
            &[
                (ACTION_FIELD, SaveReport::PATH),
                ("id", &initiative.to_string()),
                ("manad", &month),
                (&format!("v[m{measure}]"), "3"),
                (&format!("k[m{measure}]"), &comment),
                // "Spara ändå": 3 may be unusual for the measure's demo history.
                (&format!("bekrafta[m{measure}]"), "3"),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303, "the comment is saved");
    // … an import whose file name and comment carry the payload …
    let code: String = app::db_read!(&app.db, |pool| {
        sqlx::query_scalar("SELECT code FROM measure WHERE id = $1")
            .bind(measure)
            .fetch_one(pool)
            .await
            .unwrap()
    });
    let import_comment = payload("importkommentar").replace('"', "\"\"");
    let file = format!("Kod;Period;Värde;Kommentar\r\n{code};{month};4;\"{import_comment}\"\r\n");
    let uploaded = lead
        .client
        .post(format!(
            "{}/satsningar/{initiative}/import/fil",
            lead.address
        ))
        .multipart(reqwest::multipart::Form::new().part(
            "fil",
            reqwest::multipart::Part::bytes(file.into_bytes()).file_name("värden.csv"),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.status(), 303, "the import is staged");
    // … and then every stored free-text field at once.
    plant_everywhere(&app).await;

    // Act + Assert: every page, as admin (who sees everything) and as the projektledare
    // (who gets the editable report form).
    let mut failures = Vec::new();
    let mut shown_as_text = 0;
    for (who, user) in [("admin", &admin), ("projektledare", &lead)] {
        for page in pages(&app).await {
            let response = user.get(&page).await;
            let status = response.status().as_u16();
            let html = response.text().await.unwrap();
            if status >= 500 {
                failures.push(format!("{who} {page}: status {status}"));
                continue;
            }
            for markup in planted_markup(&html) {
                failures.push(format!("{who} {page}: {markup}"));
            }
            if status == 200 && page_text(&html).contains(payload_tail()) {
                shown_as_text += 1;
            }
        }
    }
    assert!(
        failures.is_empty(),
        "planted markup became live:\n{}",
        failures.join("\n")
    );
    assert!(
        shown_as_text > 50,
        "payloads shown as text on {shown_as_text} pages"
    );

    // The satsning page's title and the report form's textarea read exactly as stored.
    let html = lead
        .get(&format!("/satsningar/{initiative}/rapportera/{month}"))
        .await
        .text()
        .await
        .unwrap();
    let document = Html::parse_document(&html);
    let title = document
        .select(&scraper::Selector::parse("title").unwrap())
        .next()
        .map(|t| t.text().collect::<String>())
        .unwrap_or_default();
    assert!(title.ends_with(" – Utfall"), "{title}");
    let textarea = document
        .select(&scraper::Selector::parse(&format!("textarea[name=\"k[m{measure}]\"]")).unwrap())
        .next()
        .map(|t| t.text().collect::<String>());
    assert_eq!(
        textarea.as_deref(),
        // (The save trims the comment's trailing space.)
        Some(format!("{}{}", payload("measure_value.comment"), comment.trim_end()).as_str()),
        "the comment round-trips through the textarea"
    );
    let page = admin
        .get(&format!("/satsningar/{initiative}"))
        .await
        .text()
        .await
        .unwrap();
    let title = Html::parse_document(&page)
        .select(&scraper::Selector::parse("title").unwrap())
        .next()
        .map(|t| t.text().collect::<String>())
        .unwrap_or_default();
    assert!(
        title.starts_with(&payload("initiative.name")),
        "title is the stored name: {title}"
    );

    // Exports: the CSV cell holds the payload whole (quotes doubled), the workbook cell too.
    let csv = admin
        .get(&format!("/satsningar/{initiative}/schema.csv"))
        .await
        .text()
        .await
        .unwrap();
    let quoted = payload("measure.name").replace('"', "\"\"");
    assert!(
        csv.contains(&quoted),
        "schema.csv holds the measure name as one cell"
    );
    let values = admin
        .get(&format!("/satsningar/{initiative}/varden.csv"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        values.contains(&payload("measure_value.comment").replace('"', "\"\"")),
        "varden.csv holds the comment as one cell"
    );
    let xlsx = admin
        .get(&format!("/satsningar/{initiative}/varden.xlsx"))
        .await
        .bytes()
        .await
        .unwrap();
    let mut workbook: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx.to_vec())).unwrap();
    use calamine::Reader as _;
    let sheet = workbook.worksheet_range_at(0).unwrap().unwrap();
    let planted = payload("measure.name");
    assert!(
        sheet
            .cells()
            .any(|(_, _, cell)| cell.to_string().starts_with(&planted)),
        "varden.xlsx holds the measure name as text"
    );
    // A document download names the planted file without breaking its header.
    for (initiative, document) in pairs(&app, "SELECT initiative_id, id FROM document").await {
        let status = admin
            .get(&format!("/satsningar/{initiative}/dokument/{document}"))
            .await
            .status();
        assert_eq!(status, 200, "document {document} downloads");
    }
}
