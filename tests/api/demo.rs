//! The demo data as a new user meets it: the ended Örebro satsningar show results over their
//! real periods, the portfolio has a red satsning and a late one, documents are listed and
//! download as example PDFs, timelines follow the real periods, every indicator has named
//! comparison values, and the seed writes the same values every time (and only once).

use app::report::Period;
use chrono::{NaiveDate, Utc};

use crate::helpers::{TestApp, spawn_demo_app};

/// The ended satsningar, followed up or not: (id, name, start, end).
async fn ended(app: &TestApp) -> Vec<(i64, String, NaiveDate, NaiveDate)> {
    app::db_read!(&app.db, |pool| {
        sqlx::query_as(
            "SELECT id, name, start_date, end_date FROM initiative
             WHERE status IN ('avslutad', 'uppfoljd') ORDER BY id",
        )
        .fetch_all(pool)
        .await
        .unwrap()
    })
}

async fn measures(app: &TestApp, initiative: i64) -> Vec<(i64, String)> {
    app::db_read!(&app.db, |pool| {
        sqlx::query_as("SELECT id, code FROM measure WHERE initiative_id = $1 ORDER BY id")
            .bind(initiative)
            .fetch_all(pool)
            .await
            .unwrap()
    })
}

/// The `<svg>…</svg>` that follows `<title id="{id}-titel">`.
fn svg_with_title<'a>(html: &'a str, id: &str) -> &'a str {
    let title = html
        .find(&format!("<title id=\"{id}-titel\">"))
        .unwrap_or_else(|| panic!("no chart {id}"));
    let start = html[..title].rfind("<svg").unwrap();
    let end = html[start..].find("</svg>").unwrap() + start + 6;
    &html[start..end]
}

/// The portfolio row (`<tr>…</tr>`) of satsning `name`.
fn row<'a>(html: &'a str, name: &str) -> &'a str {
    let at = html
        .find(name)
        .unwrap_or_else(|| panic!("{name} in the portfolio"));
    let start = html[..at].rfind("<tr").unwrap();
    let end = html[at..].find("</tr>").unwrap() + at;
    &html[start..end]
}

fn yyyymm(date: NaiveDate) -> i64 {
    Period::of(date).as_db()
}

#[tokio::test]
async fn every_ended_orebro_satsning_shows_results_over_its_real_period() {
    let app = spawn_demo_app().await;
    let reader = app.as_user("lasare@exempel.se").await;
    let ended = ended(&app).await;
    assert_eq!(ended.len(), 10, "the ten Örebro satsningar of DOMAIN.md");

    for (id, name, start, end) in ended {
        // Values from the first month of the real period to the last.
        let (first, last): (i64, i64) = app::db_read!(&app.db, |pool| {
            sqlx::query_as(
                "SELECT MIN(v.period), MAX(v.period) FROM measure_value v
                 JOIN measure m ON m.id = v.measure_id WHERE m.initiative_id = $1",
            )
            .bind(id)
            .fetch_one(pool)
            .await
            .unwrap()
        });
        // The satsning with the demo's uppföljande utvärdering went on reporting its
        // effektmått half-yearly after the end, until the follow-up two years later.
        let until = if name == app::demo::DEMO_FOLLOW_UP_SATSNING {
            end.checked_add_months(chrono::Months::new(24)).unwrap()
        } else {
            end
        };
        assert_eq!((first, last), (yyyymm(start), yyyymm(until)), "{name}");

        // Act
        let page = reader.get(&format!("/satsningar/{id}")).await;

        // Assert: labelled as example data, and every measure drawn with its latest value.
        assert_eq!(page.status(), 200, "{name}");
        let html = page.text().await.unwrap();
        assert!(
            html.contains("<span class=\"tag\">Exempeldata</span>"),
            "{name}"
        );
        assert!(!html.contains("Inga värden rapporterade ännu"), "{name}");
        let measures = measures(&app, id).await;
        assert!(measures.len() >= 3, "{name}: {} measures", measures.len());
        for (measure, code) in &measures {
            let svg = svg_with_title(&html, &format!("diagram-{measure}"));
            assert!(
                svg.contains("<circle") || svg.contains("<rect"),
                "{name} {code}: values drawn"
            );
        }
        assert!(
            html.matches("Senast ").count() >= measures.len(),
            "{name}: each chart says its latest value"
        );
    }
}

#[tokio::test]
async fn the_portfolio_shows_a_red_satsning_and_a_late_one() {
    let app = spawn_demo_app().await;
    let reader = app.as_user("lasare@exempel.se").await;

    // Red: an ended satsning whose effect stayed far below its target line.
    let red = reader.get("/oversikt?ljus=rod").await.text().await.unwrap();
    let off_target = row(&red, "Utomhuspedagogikens inverkan på lärande");
    assert!(
        off_target.contains("<tr data-light=\"rod\""),
        "{off_target}"
    );
    assert!(
        off_target.contains("E1 Andel elever i årskurs 3 som når kunskapskraven i matematik"),
        "the measure needing attention is named: {off_target}"
    );

    // Late: a running satsning with months past their deadline that nobody reported. The
    // month before last month locked on the 20th of last month, whatever day it is today.
    let all = reader.get("/oversikt").await.text().await.unwrap();
    let late = row(&all, "Tidigt stöd för unga vuxna (fiktiv)");
    let this_month = Period::of(app::sv::time::local_date(Utc::now()));
    for missed in [this_month.prev().prev(), this_month.prev().prev().prev()] {
        let words = format!("{} låst", missed.label());
        assert!(late.contains(&words), "{words}: {late}");
    }
    let completeness: u32 = late
        .split(" % inrapporterat")
        .next()
        .and_then(|before| before.rsplit('>').next())
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("completeness in {late}"));
    assert!(completeness < 100, "{completeness} %");
    // The other running satsning keeps reporting: its month before last is in.
    let on_time = row(&all, "Läxhjälp i Vivalla (fiktiv)");
    let reported = format!("{} inrapporterad", this_month.prev().prev().label());
    assert!(on_time.contains(&reported), "{on_time}");

    // An ended satsning says when its reporting ended, not that it has yet to begin.
    let every = reader.get("/oversikt?status=").await.text().await.unwrap();
    let (_, name, _, end) = ended(&app).await.remove(0);
    let ended_row = row(&every, &name);
    let words = format!("Rapporteringen avslutades {}", Period::of(end).label());
    assert!(ended_row.contains(&words), "{words}: {ended_row}");
}

#[tokio::test]
async fn ended_satsningar_list_their_documents_which_download_as_example_pdfs() {
    let app = spawn_demo_app().await;
    let reader = app.as_user("lasare@exempel.se").await;
    for (id, name, _, end) in ended(&app).await {
        let html = reader
            .get(&format!("/satsningar/{id}"))
            .await
            .text()
            .await
            .unwrap();
        for title in ["Ansökan", "Slutrapport"] {
            let file = format!("{title} {name} (exempeldata).pdf");
            assert!(html.contains(&file), "{file} listed");
        }
        // The final report came after the end.
        let documents: Vec<(i64, String, chrono::DateTime<Utc>)> = app::db_read!(&app.db, |pool| {
            sqlx::query_as(
                "SELECT id, kind, uploaded_at FROM document WHERE initiative_id = $1 ORDER BY id",
            )
            .bind(id)
            .fetch_all(pool)
            .await
            .unwrap()
        });
        let report = documents.iter().find(|d| d.1 == "slutrapport").unwrap();
        assert!(report.2.date_naive() > end, "{name}");

        let file = reader
            .get(&format!("/satsningar/{id}/dokument/{}", report.0))
            .await;
        assert_eq!(file.status(), 200);
        assert_eq!(file.headers()["content-type"], "application/pdf");
        let bytes = file.bytes().await.unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        assert!(
            bytes.windows(11).any(|w| w == b"EXEMPELDATA"),
            "{name}: the document says it is an example"
        );
    }
}

#[tokio::test]
async fn timelines_follow_the_real_periods() {
    let app = spawn_demo_app().await;
    let reader = app.as_user("lasare@exempel.se").await;
    for (id, name, start, end) in ended(&app).await {
        let html = reader
            .get(&format!("/satsningar/{id}"))
            .await
            .text()
            .await
            .unwrap();
        let timeline = &html[html.find("<ol class=\"timeline\">").unwrap()..];
        let timeline = &timeline[..timeline.find("</ol>").unwrap()];
        // Started on its first day, ended on its last, after idé, ansökan, beredning, beslut.
        assert!(
            timeline.contains(&format!("<time>{start}</time>")),
            "{name}: {timeline}"
        );
        assert!(
            timeline.contains(&format!("<time>{end}</time>")),
            "{name}: {timeline}"
        );
        for step in [
            "Registrerad som idé",
            "Idé → Ansökan",
            "Ansökan → Beredning",
            "Beredning → Beslutad",
            "Beslutad → Pågående",
            "Pågående → Avslutad",
        ] {
            assert!(timeline.contains(step), "{name}: {step}");
        }
        let dates: Vec<&str> = timeline.split("<time>").skip(1).map(|t| &t[..10]).collect();
        assert!(dates.windows(2).all(|w| w[0] <= w[1]), "{name}: {dates:?}");
        assert!(
            dates[0] < start.to_string().as_str(),
            "{name}: an idea before the start"
        );
    }
}

#[tokio::test]
async fn every_demo_indicator_with_a_kpi_is_compared_with_named_values() {
    let app = spawn_demo_app().await;
    let reader = app.as_user("utvarderare@exempel.se").await;
    let indicators: Vec<(i64, i64, String)> = app::db_read!(&app.db, |pool| {
        sqlx::query_as(
            "SELECT initiative_id, id, comparison FROM measure
             WHERE kind = 'indikator' AND comparison LIKE 'Exempel-KPI%' ORDER BY id",
        )
        .fetch_all(pool)
        .await
        .unwrap()
    });
    assert_eq!(
        indicators.len(),
        11,
        "the ten ended satsningar and Läxhjälp"
    );
    for (initiative, indicator, comparison) in indicators {
        // The source text names the KPI and what it measures, and says it is invented.
        let kpi = app::indicator::kpi_of(&comparison).expect("a KPI id");
        assert!(
            comparison.contains("(påhittad, inte från Kolada): "),
            "{comparison}"
        );
        let html = reader
            .get(&format!("/satsningar/{initiative}"))
            .await
            .text()
            .await
            .unwrap();
        // Titled by the KPI's stored name, its lines named by level.
        let name = app::demo::kolada::EXAMPLE_KPIS
            .iter()
            .find(|k| k.id == kpi)
            .map(|k| k.name)
            .expect("an example KPI");
        assert!(
            html.contains(&format!("Jämförelse: {name} (påhittat exempel)")),
            "{kpi}"
        );
        let svg = svg_with_title(&html, &format!("jamforelse-{indicator}"));
        for level in [
            "Satsningens målgrupp",
            ">Örebro<",
            ">Örebro län<",
            ">Riket<",
        ] {
            assert!(svg.contains(level), "{kpi}: {level}");
        }
    }
}

#[tokio::test]
async fn the_seed_writes_the_same_values_every_time_and_only_once() {
    let (a, b) = (spawn_demo_app().await, spawn_demo_app().await);
    async fn ended_values(app: &TestApp) -> Vec<(String, String, i64, Option<f64>, String)> {
        app::db_read!(&app.db, |pool| {
            sqlx::query_as(
                "SELECT i.name, m.code, v.period, v.value, v.comment FROM measure_value v
                 JOIN measure m ON m.id = v.measure_id JOIN initiative i ON i.id = m.initiative_id
                 WHERE i.status IN ('avslutad', 'uppfoljd') ORDER BY i.name, m.code, v.period",
            )
            .fetch_all(pool)
            .await
            .unwrap()
        })
    }
    let values = ended_values(&a).await;
    assert!(values.len() > 500, "{} values", values.len());
    assert_eq!(values, ended_values(&b).await);

    // A restart on the same database seeds nothing again.
    let count = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            app::db_read!(&db, |pool| {
                sqlx::query_as::<_, (i64, i64, i64)>(
                    "SELECT (SELECT COUNT(*) FROM measure_value), (SELECT COUNT(*) FROM document),
                            (SELECT COUNT(*) FROM indicator_value)",
                )
                .fetch_one(pool)
                .await
                .unwrap()
            })
        }
    };
    let before = count(&a).await;
    assert!(!app::demo::seed_if_empty(&a.db, Utc::now()).await.unwrap());
    assert_eq!(count(&a).await, before);
}
