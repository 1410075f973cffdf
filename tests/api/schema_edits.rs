//! Changing a utvärderingsschema without JavaScript: measures edited, items reordered,
//! delmål, texts, ekonomiska effekter, and deleting (before the decision) or retiring (after).

use app::schema::MeasureForm;
use app::schema::api::{
    AddActivity, DeletePart, MoveItem, UpdateEffect, UpdateMeasure, UpdateText,
};
use app::schema::repo::Parent;
use reqwest::StatusCode;

use crate::helpers::spawn_demo_app;
use crate::schema::{measure_fields, new_goal, new_measure, scalar};

/// Deletes part `post` of kind `typ` (mal, aktivitet, matt, effekt) from satsning `id`.
fn delete(id: i64, typ: &str, post: i64) -> DeletePart {
    DeletePart {
        id,
        typ: typ.into(),
        post,
    }
}

#[tokio::test]
async fn measures_are_edited_and_items_reordered_without_javascript() {
    let app = spawn_demo_app().await;
    let evaluator = app.as_user("utvarderare@exempel.se").await;
    let id = app.initiative_id("Skolfam").await;
    let e1 = scalar(
        &app,
        "SELECT id FROM measure WHERE initiative_id = $1 AND code = 'E1'",
        id,
    )
    .await;
    let edit = format!("/satsningar/{id}/schema/matt/{e1}");

    // The edit form shows the stored values.
    let page = evaluator.get(&edit).await.text().await.unwrap();
    assert!(page.contains(r#"value="Andel barn med godkända betyg i alla ämnen""#));
    assert!(page.contains(r#"value="70""#));

    let mut change = UpdateMeasure {
        id,
        matt_id: e1,
        measure: MeasureForm {
            name: "Andel barn med godkända betyg".into(),
            target: "72,5".into(),
            value_type: "andel".into(),
            unit: "%".into(),
            ..measure_fields("E1", true)
        },
    };
    let saved = evaluator.submit(&edit, &change).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let page = evaluator.get(&edit).await.text().await.unwrap();
    assert!(
        page.contains(r#"value="72,5""#),
        "decimal comma round-trips"
    );
    let history = evaluator
        .get(&format!("/satsningar/{id}/schema"))
        .await
        .text()
        .await
        .unwrap();
    assert!(history.contains("Andel barn med godkända betyg"));
    let audited = scalar(&app, "SELECT COUNT(*) FROM audit_event WHERE object_type = 'measure' AND action = 'update' AND object_id = $1", e1).await;
    assert_eq!(audited, 1);

    // Renaming the code to one in use is a field error.
    change.measure.code = "A1".into();
    let clash = evaluator.submit(&edit, &change).await;
    assert_eq!(clash.status(), StatusCode::BAD_REQUEST);
    assert!(
        clash
            .text()
            .await
            .unwrap()
            .contains("Koden A1 används redan")
    );

    // Move activity 1.2 up: it becomes the first row of the six-column table.
    let second = scalar(&app, "SELECT MAX(a.id) FROM activity a JOIN goal g ON g.id = a.goal_id WHERE g.initiative_id = $1", id).await;
    let up = MoveItem {
        id,
        typ: "aktivitet".into(),
        post: second,
        riktning: "upp".into(),
    };
    let moved = evaluator
        .submit(&format!("/satsningar/{id}/schema"), &up)
        .await;
    assert_eq!(moved.status(), StatusCode::SEE_OTHER);
    let table = evaluator
        .get(&format!("/satsningar/{id}/schema/tabell"))
        .await
        .text()
        .await
        .unwrap();
    let first = table.find("Stöd i skolarbetet av specialpedagog").unwrap();
    let then = table
        .find("Kartläggning av varje barns skolsituation")
        .unwrap();
    assert!(first < then, "moved activity comes first");
    // Moving the first one further up changes nothing and is not an error.
    let edge = evaluator
        .submit(&format!("/satsningar/{id}/schema"), &up)
        .await;
    assert_eq!(edge.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn delmal_are_saved_shown_edited_and_checked() {
    let app = spawn_demo_app().await;
    let evaluator = app.as_user("utvarderare@exempel.se").await;
    let id = app.initiative_id("Läxhjälp i Vivalla (fiktiv)").await;
    let activity = scalar(
        &app,
        "SELECT a.id FROM activity a JOIN goal g ON g.id = a.goal_id WHERE g.initiative_id = $1",
        id,
    )
    .await;
    let new = format!("/satsningar/{id}/schema/nytt-matt?typ=effekt&aktivitet={activity}");
    let with = |delmal: &str| MeasureForm {
        milestones: delmal.into(),
        ..measure_fields("E7", true)
    };
    let add = |measure: MeasureForm| new_measure(id, "effekt", Parent::Activity(activity), measure);
    let milestones = || {
        scalar(
            &app,
            "SELECT COUNT(*) FROM measure_milestone s JOIN measure m ON m.id = s.measure_id
             WHERE m.initiative_id = $1",
            id,
        )
    };

    // Bad delmål: a per-field message, the typed text kept, nothing saved.
    let bad = evaluator
        .submit(&new, &add(with("2027-06-30: 10\n2030-01-01: 50")))
        .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let html = bad.text().await.unwrap();
    assert!(html.contains("Delmålens datum ska ligga före måldatumet."));
    assert!(html.contains("2030-01-01: 50"));
    assert_eq!(milestones().await, 0);

    // Act
    let ok = evaluator
        .submit(&new, &add(with("2028-06-30: 30\n2027-06-30: 20")))
        .await;

    // Assert
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    assert_eq!(milestones().await, 2);
    let page = evaluator
        .get(&format!("/satsningar/{id}/schema"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("20 (2027-06-30), 30 (2028-06-30)"));
    let measure_id = scalar(
        &app,
        "SELECT id FROM measure WHERE initiative_id = $1 AND code = 'E7'",
        id,
    )
    .await;
    let edit = format!("/satsningar/{id}/schema/matt/{measure_id}");
    let form = evaluator.get(&edit).await.text().await.unwrap();
    assert!(
        form.contains("2027-06-30: 20\n2028-06-30: 30"),
        "sorted, one per line"
    );
    // Editing replaces them, and the audit row names the change.
    let change = UpdateMeasure {
        id,
        matt_id: measure_id,
        measure: with("2028-06-30: 35"),
    };
    assert_eq!(evaluator.submit(&edit, &change).await.status(), 303);
    assert_eq!(milestones().await, 1);
    let audited = scalar(
        &app,
        "SELECT COUNT(*) FROM audit_event WHERE object_type = 'measure' AND object_id = $1
           AND action = 'update' AND changes LIKE '%milestones%'",
        measure_id,
    )
    .await;
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn texts_are_edited_and_empty_parts_deleted_after_confirmation() {
    let app = spawn_demo_app().await;
    let lead = app.as_user("projektledare@exempel.se").await;
    let id = app
        .initiative_id("Familjecentral Brickebacken (fiktiv idé)")
        .await;
    let schema = format!("/satsningar/{id}/schema");
    lead.submit(&schema, &new_goal(id, "Fler familjer får stöd"))
        .await;
    let goal = scalar(&app, "SELECT id FROM goal WHERE initiative_id = $1", id).await;
    let new_activity = AddActivity {
        id,
        mal_id: goal,
        aktivitet: "Öppen förskola".into(),
    };
    lead.submit(&schema, &new_activity).await;
    let activity = scalar(&app, "SELECT id FROM activity WHERE goal_id = $1", goal).await;
    let new = format!("/satsningar/{id}/schema/nytt-matt?typ=effekt&aktivitet={activity}");
    let fields = measure_fields("E1", true);
    lead.submit(
        &new,
        &new_measure(id, "effekt", Parent::Activity(activity), fields),
    )
    .await;
    let measure_id = scalar(
        &app,
        "SELECT id FROM measure WHERE activity_id = $1",
        activity,
    )
    .await;
    let edit_text = |typ: &str, post: i64, text: &str| UpdateText {
        id,
        typ: typ.into(),
        post,
        text: text.into(),
        malgrupp: Some("Familjer med barn 0–6 år".into()),
    };

    // Edit: the goal's text and målgrupp, the activity's text; empty text is refused.
    let empty = lead.submit(&schema, &edit_text("mal", goal, "  ")).await;
    assert_eq!(empty.status(), StatusCode::BAD_REQUEST);
    assert!(empty.text().await.unwrap().contains("Skriv målet."));
    assert_eq!(
        lead.submit(
            &schema,
            &edit_text("mal", goal, "Fler familjer får tidigt stöd")
        )
        .await
        .status(),
        303
    );
    assert_eq!(
        lead.submit(
            &schema,
            &edit_text("aktivitet", activity, "Öppen förskola med familjestöd")
        )
        .await
        .status(),
        303
    );
    let page = lead.get(&schema).await.text().await.unwrap();
    assert!(page.contains("Mål 1: Fler familjer får tidigt stöd"));
    assert!(page.contains(">Familjer med barn 0–6 år<"));
    assert!(page.contains("Aktivitet 1.1: Öppen förskola med familjestöd"));

    // Delete: refused while something hangs under it, allowed from the bottom up.
    let refused = lead.submit(&schema, &delete(id, "mal", goal)).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("Målet har aktiviteter")
    );
    let refused = lead
        .submit(&schema, &delete(id, "aktivitet", activity))
        .await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    for (typ, item) in [("matt", measure_id), ("aktivitet", activity), ("mal", goal)] {
        let response = lead.submit(&schema, &delete(id, typ, item)).await;
        assert_eq!(response.status(), 303, "{typ}");
    }
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM goal WHERE initiative_id = $1",
            id
        )
        .await,
        0
    );
    let deletions = scalar(
        &app,
        "SELECT COUNT(*) FROM audit_event
         WHERE action = 'delete' AND object_type IN ('goal', 'activity', 'measure') AND $1 > 0",
        goal,
    )
    .await;
    assert!(deletions >= 3, "{deletions}");
    // Another satsning's goal is not found from this one.
    let other_goal = scalar(
        &app,
        "SELECT MIN(id) FROM goal WHERE initiative_id <> $1",
        id,
    )
    .await;
    assert_eq!(
        lead.submit(&schema, &edit_text("mal", other_goal, "Kapat"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn economic_effects_are_edited_and_deleted_and_decided_measures_only_retired() {
    let app = spawn_demo_app().await;
    let evaluator = app.as_user("utvarderare@exempel.se").await;
    let id = app.initiative_id("Läxhjälp i Vivalla (fiktiv)").await;
    let schema = format!("/satsningar/{id}/schema");
    let effect = scalar(
        &app,
        "SELECT MIN(id) FROM economic_effect WHERE initiative_id = $1",
        id,
    )
    .await;
    let edit = |amount: &str| UpdateEffect {
        id,
        effekt_id: effect,
        effect: app::schema::EffectForm {
            text: "Minskat försörjningsstöd".into(),
            horizon: "lang".into(),
            party: String::new(),
            effect_measure: String::new(),
            yearly_sek: amount.into(),
        },
    };
    let bad = evaluator.submit(&schema, &edit("mycket")).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let html = bad.text().await.unwrap();
    assert!(html.contains("Ange beloppet i hela kronor"));
    assert!(html.contains("value=\"mycket\""), "typed amount kept");
    assert_eq!(
        evaluator.submit(&schema, &edit("420 000")).await.status(),
        303
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT yearly_sek FROM economic_effect WHERE id = $1",
            effect
        )
        .await,
        420_000
    );
    assert_eq!(
        evaluator
            .submit(&schema, &delete(id, "effekt", effect))
            .await
            .status(),
        303
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM economic_effect WHERE id = $1",
            effect
        )
        .await,
        0
    );

    // The satsning is pågående: a measure is retired, never deleted.
    let measure = scalar(
        &app,
        "SELECT MIN(id) FROM measure WHERE initiative_id = $1",
        id,
    )
    .await;
    let refused = evaluator
        .submit(&schema, &delete(id, "matt", measure))
        .await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert!(refused.text().await.unwrap().contains("ta måttet ur bruk"));
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM measure WHERE id = $1", measure).await,
        1
    );
    let page = evaluator.get(&schema).await.text().await.unwrap();
    assert!(
        !page.contains("Ja, ta bort A1"),
        "no delete offered after the decision"
    );
}

#[tokio::test]
async fn a_new_measure_is_offered_the_next_free_code_and_named_in_good_swedish() {
    // Arrange: Läxhjälp i Vivalla has A1, E1 and I1.
    let app = spawn_demo_app().await;
    let evaluator = app.as_user("utvarderare@exempel.se").await;
    let id = app.initiative_id("Läxhjälp i Vivalla (fiktiv)").await;
    let activity = scalar(
        &app,
        "SELECT a.id FROM activity a JOIN goal g ON g.id = a.goal_id WHERE g.initiative_id = $1",
        id,
    )
    .await;
    let goal = scalar(&app, "SELECT id FROM goal WHERE initiative_id = $1", id).await;
    let new = |query: String| format!("/satsningar/{id}/schema/nytt-matt?{query}");

    // Act and assert: each kind's page has its heading and the next free code of its kind.
    for (query, heading, code) in [
        (
            format!("typ=aktivitet&aktivitet={activity}"),
            "Nytt aktivitetsmått",
            "A2",
        ),
        (
            format!("typ=effekt&aktivitet={activity}"),
            "Nytt effektmått",
            "E2",
        ),
        (format!("typ=indikator&mal={goal}"), "Ny indikator", "I2"),
    ] {
        let page = evaluator.get(&new(query)).await.text().await.unwrap();
        assert!(
            page.contains(&format!(r#"<h1 id="matt-rubrik">{heading}</h1>"#)),
            "{heading}"
        );
        assert!(
            page.contains(&format!(
                r#"name="measure[code]" type="text" value="{code}""#
            )),
            "{heading}: {code} suggested"
        );
        assert!(!page.contains("Nytt indikator"));
        // The tolerances say their unit and which side counts, for the default "Högre är bättre".
        assert!(
            page.contains("Gul när värdet ligger mer än så här många st under målkurvan"),
            "{heading}"
        );
    }
}

#[tokio::test]
async fn inom_intervall_takes_a_lower_and_an_upper_bound_checked_and_kept() {
    let app = spawn_demo_app().await;
    let evaluator = app.as_user("utvarderare@exempel.se").await;
    let id = app.initiative_id("Läxhjälp i Vivalla (fiktiv)").await;
    let activity = scalar(
        &app,
        "SELECT a.id FROM activity a JOIN goal g ON g.id = a.goal_id WHERE g.initiative_id = $1",
        id,
    )
    .await;
    let new = format!("/satsningar/{id}/schema/nytt-matt?typ=effekt&aktivitet={activity}");
    let count = "SELECT COUNT(*) FROM measure WHERE initiative_id = $1";
    let before = scalar(&app, count, id).await;
    let within = |lower: &str, upper: &str| {
        new_measure(
            id,
            "effekt",
            Parent::Activity(activity),
            MeasureForm {
                name: "Väntetid till första samtal".into(),
                unit: "dagar".into(),
                direction: "intervall".into(),
                interval_lower: lower.into(),
                interval_upper: upper.into(),
                tolerance_yellow: "2".into(),
                tolerance_red: "5".into(),
                ..measure_fields("E2", false)
            },
        )
    };

    // Bounds the wrong way round: a Swedish field error, the typed values kept, nothing saved.
    let refused = evaluator.submit(&new, &within("30", "20")).await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let html = refused.text().await.unwrap();
    assert!(html.contains("Den övre gränsen ska vara större än den nedre."));
    assert!(html.contains(r#"name="measure[interval_lower]" type="text" value="30""#));
    assert!(html.contains(r#"name="measure[interval_upper]" type="text" value="20""#));
    assert!(
        html.contains("Gul när värdet ligger mer än så här många dagar utanför intervallet"),
        "the tolerance labels follow the typed direction and unit"
    );
    let missing = evaluator.submit(&new, &within("20", "")).await;
    assert_eq!(missing.status(), StatusCode::BAD_REQUEST);
    assert!(
        missing
            .text()
            .await
            .unwrap()
            .contains("Ange intervallets övre gräns")
    );
    assert_eq!(scalar(&app, count, id).await, before);

    // Right way round: saved with its interval, and shown as the measure's target.
    let saved = evaluator.submit(&new, &within("20", "30")).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        scalar(
            &app,
            "SELECT CAST(interval_upper AS INTEGER) FROM measure WHERE initiative_id = $1 AND code = 'E2'",
            id
        )
        .await,
        30
    );
    let table = evaluator
        .get(&format!("/satsningar/{id}/schema/tabell"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        table.contains("<dt>Målvärde</dt><dd>inom 20–30 dagar</dd>"),
        "{table}"
    );
}

#[tokio::test]
async fn an_effektmatt_keeps_its_own_statistical_signal_settings() {
    let app = spawn_demo_app().await;
    let evaluator = app.as_user("utvarderare@exempel.se").await;
    let id = app.initiative_id("Läxhjälp i Vivalla (fiktiv)").await;
    let activity = scalar(
        &app,
        "SELECT a.id FROM activity a JOIN goal g ON g.id = a.goal_id WHERE g.initiative_id = $1",
        id,
    )
    .await;
    let new = format!("/satsningar/{id}/schema/nytt-matt?typ=effekt&aktivitet={activity}");
    let form = |off: &str, run: &str| {
        new_measure(
            id,
            "effekt",
            Parent::Activity(activity),
            MeasureForm {
                name: "Upplevd trygghet".into(),
                signals_off: off.into(),
                signal_run_length: run.into(),
                ..measure_fields("E3", false)
            },
        )
    };
    let page = evaluator.get(&new).await.text().await.unwrap();
    assert!(
        page.contains("Statistiska signaler"),
        "offered for an effektmått"
    );

    // A run length outside 5–15: a Swedish field error, what was typed kept, nothing saved.
    let refused = evaluator.submit(&new, &form("ja", "3")).await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let html = refused.text().await.unwrap();
    assert!(html.contains("Ange ett heltal från 5 till 15"));
    assert!(html.contains(r#"name="measure[signal_run_length]" type="text" value="3""#));
    assert!(
        html.contains(r#"name="measure[signals_off]" value="ja" checked"#),
        "{html}"
    );

    // Accepted: stored, and offered again on the measure's own form.
    let saved = evaluator.submit(&new, &form("ja", "9")).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let stored = "SELECT signal_run_length FROM measure WHERE initiative_id = $1 AND code = 'E3'";
    assert_eq!(scalar(&app, stored, id).await, 9);
    let off = "SELECT CASE WHEN signals_off THEN 1 ELSE 0 END FROM measure
               WHERE initiative_id = $1 AND code = 'E3'";
    assert_eq!(scalar(&app, off, id).await, 1);
}

#[tokio::test]
async fn only_possible_moves_are_offered() {
    // Arrange: Skolfam has one mål, two aktiviteter, one measure of each kind per aktivitet;
    // a second aktivitetsmått is added to the first aktivitet.
    let app = spawn_demo_app().await;
    let evaluator = app.as_user("utvarderare@exempel.se").await;
    let id = app.initiative_id("Skolfam").await;
    let first = scalar(&app, "SELECT MIN(a.id) FROM activity a JOIN goal g ON g.id = a.goal_id WHERE g.initiative_id = $1", id).await;
    let new = format!("/satsningar/{id}/schema/nytt-matt?typ=aktivitet&aktivitet={first}");
    let add = new_measure(
        id,
        "aktivitet",
        Parent::Activity(first),
        measure_fields("A3", false),
    );
    assert_eq!(
        evaluator.submit(&new, &add).await.status(),
        StatusCode::SEE_OTHER
    );

    // Act
    let page = evaluator
        .get(&format!("/satsningar/{id}/schema"))
        .await
        .text()
        .await
        .unwrap();

    // Assert: no move up for the first, none down for the last, none for an only one.
    let offered = |label: &str| page.contains(&format!(r#"aria-label="{label}""#));
    assert!(!offered("Flytta upp: aktivitet 1.1"));
    assert!(offered("Flytta ner: aktivitet 1.1"));
    assert!(offered("Flytta upp: aktivitet 1.2"));
    assert!(!offered("Flytta ner: aktivitet 1.2"));
    assert!(!offered("Flytta upp: mål 1") && !offered("Flytta ner: mål 1"));
    assert!(!offered("Flytta upp: A1 Genomförda kartläggningar"));
    assert!(offered("Flytta ner: A1 Genomförda kartläggningar"));
    assert!(offered("Flytta upp: A3 Mått"));
    assert!(!offered("Flytta ner: A3 Mått"));
    assert!(!offered(
        "Flytta upp: E1 Andel barn med godkända betyg i alla ämnen"
    ));
    assert!(!offered(
        "Flytta ner: E1 Andel barn med godkända betyg i alla ämnen"
    ));
}
