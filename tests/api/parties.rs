//! Parter: the register takes new parties by the rules, renames and deactivates them without
//! taking them off their satsningar.

use app::party::PartyForm;
use app::party::api::{AddParty, UpdateParty};
use reqwest::StatusCode;

use crate::helpers::spawn_demo_app;
use crate::initiatives::{count, create, party_id, satsning, update};

#[tokio::test]
async fn the_party_register_takes_new_parties_by_the_rules() {
    let app = spawn_demo_app().await;
    let evaluator = app.as_user("utvarderare@exempel.se").await;
    let party = |name: &str, kind: &str, area: &str, civil_type: &str| AddParty {
        party: PartyForm {
            name: name.into(),
            kind: kind.into(),
            area: area.into(),
            civil_type: civil_type.into(),
            active: false,
        },
    };
    let ok = evaluator
        .submit(
            "/parter",
            &party("Föreningen Vi i Vivalla", "ideburen", "", "forening"),
        )
        .await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    let page = evaluator
        .get("/parter?sparad=1")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Föreningen Vi i Vivalla") && page.contains("Parten är tillagd."));

    let before = count(&app, "SELECT COUNT(*) FROM party").await;
    for (form, message) in [
        (
            party("Konsultbolaget AB", "ideburen", "", ""),
            "Vinstdrivande företag kan inte vara parter",
        ),
        (
            party("Tekniska nämnden", "namnd", " ", ""),
            "Ange nämndens verksamhetsområde",
        ),
        (
            party("socialförvaltningen", "namnd", "IFO", ""),
            "Det finns redan en part med det namnet.",
        ),
    ] {
        let response = evaluator.submit("/parter", &form).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{message}");
        assert!(
            response.text().await.unwrap().contains(message),
            "{message}"
        );
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM party").await, before);

    let lead = app.as_user("projektledare@exempel.se").await;
    assert_eq!(lead.get("/parter").await.status(), StatusCode::FORBIDDEN);
    let denied = lead.submit("/parter", &party("X", "bolag", "", "")).await;
    assert_eq!(denied.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn parties_are_renamed_and_deactivated_without_leaving_their_satsningar() {
    let app = spawn_demo_app().await;
    let evaluator = app.as_user("utvarderare@exempel.se").await;
    let club = party_id(&app, "Vivalla IK (fiktiv förening)").await;
    let school = party_id(&app, "Förvaltningen förskola och skola").await;
    let edit = |part_id: i64, name: &str, active: bool| UpdateParty {
        part_id,
        party: PartyForm {
            name: name.into(),
            kind: "ideburen".into(),
            civil_type: "forening".into(),
            active,
            ..PartyForm::default()
        },
    };

    // A name taken by another party is refused on the party's own form, typed text kept.
    let taken = evaluator
        .submit("/parter", &edit(club, "Socialförvaltningen", true))
        .await;
    assert_eq!(taken.status(), StatusCode::BAD_REQUEST);
    let html = taken.text().await.unwrap();
    assert!(html.contains("Det finns redan en part med det namnet."));
    assert!(html.contains(&format!("id=\"party-name-{club}\"")));
    // An unknown party is not found.
    let missing = evaluator
        .submit("/parter", &edit(999_999, "Ny förening", true))
        .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);

    // Act: rename and deactivate.
    let saved = evaluator
        .submit("/parter", &edit(club, "Vivalla IK", false))
        .await;

    // Assert
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let register = evaluator.get("/parter").await.text().await.unwrap();
    assert!(register.contains("Vivalla IK") && register.contains("Inaktiv"));
    let audited = count(
        &app,
        "SELECT COUNT(*) FROM audit_event WHERE object_type = 'party' AND action = 'update'",
    )
    .await;
    assert_eq!(audited, 1);
    // Not offered for new satsningar …
    let new_page = evaluator.get("/satsningar/ny").await.text().await.unwrap();
    assert!(!new_page.contains(&format!("initiative[parties][n{club}]")));
    // … but kept, and still valid, on the satsning that has it.
    let id = app.initiative_id("Läxhjälp i Vivalla (fiktiv)").await;
    let edit_page = evaluator
        .get(&format!("/satsningar/{id}/redigera"))
        .await
        .text()
        .await
        .unwrap();
    assert!(edit_page.contains(&format!("initiative[parties][n{club}]")));
    let form = update(id, satsning("Läxhjälp i Vivalla (fiktiv)", school, club));
    let path = format!("/satsningar/{id}/redigera");
    assert_eq!(evaluator.submit(&path, &form).await.status(), 303);
    // A new satsning cannot pick it.
    let new = create(satsning("Ny satsning med inaktiv part", school, club));
    assert_eq!(
        evaluator.submit("/satsningar/ny", &new).await.status(),
        StatusCode::BAD_REQUEST
    );
}
