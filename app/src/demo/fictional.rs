//! Demo data: three fictional satsningar whose periods cover today, so monthly reporting has
//! something to do. They are led by the demo projektledare and report up to last month, which
//! is begun but not marked complete. "Tidigt stöd" stopped reporting two months before that
//! (the late one), and its effect is behind its target line.

use super::course::{Course, Reporting};
use super::{
    ACTIVITY, ActivitySeed, Comparison, EFFECT, EffectSeed, INDICATOR, MeasureSeed, SatsningSeed,
    SchemaSeed,
};
use crate::document::DocumentKind;
use crate::initiative::Status;
use crate::schema::Horizon;

const NO_DOCUMENTS: &[(DocumentKind, &str)] = &[];

/// The three fictional satsningar.
pub const SATSNINGAR: [SatsningSeed; 3] = [
    SatsningSeed {
        name: "Läxhjälp i Vivalla (fiktiv)",
        parties: &[
            "Förvaltningen förskola och skola",
            "Vivalla IK (fiktiv förening)",
        ],
        start: "2025-08-01",
        end: "2028-06-30",
        budget: 2_800_000,
        status: Status::Running,
        repayment: false,
        led: true,
        summary: "Fiktiv satsning för demonstration: läxhjälp och idrott efter skoltid.",
        schema: Some(SchemaSeed {
            goal: "Fler elever i Vivalla når godkända betyg",
            target_group: "Elever i årskurs 4–9 i Vivalla",
            activities: &[ActivitySeed {
                text: "Läxhjälp tre kvällar i veckan",
                measures: &[
                    MeasureSeed {
                        code: "A1",
                        name: "Deltagartillfällen",
                        unit: "tillfällen",
                        course: Course::Level {
                            per_month: 25.0,
                            ramp_months: 0,
                        },
                        ..ACTIVITY
                    },
                    MeasureSeed {
                        code: "E1",
                        name: "Andel deltagare som lämnar in läxor i tid",
                        baseline: ("50", "2025-08-31"),
                        target: ("80", "2028-06-30"),
                        tolerances: ("5", "10"),
                        course: Course::Toward {
                            reach: 1.0,
                            wobble: 3.0,
                        },
                        ..EFFECT
                    },
                ],
            }],
            indicators: &[MeasureSeed {
                code: "I1",
                name: "Behörighet till gymnasiet",
                comparison: Comparison::Kpi("X00001"),
                course: Course::Steady {
                    value: 58.0,
                    wobble: 1.5,
                },
                ..INDICATOR
            }],
            effect: EffectSeed {
                text: "Minskat behov av särskilt stöd",
                horizon: Horizon::Short,
                party: "Förvaltningen förskola och skola",
                measure: "E1",
                yearly_sek: 300_000,
            },
        }),
        reporting: Reporting {
            // A month nobody reported, early on: locked now.
            skipped: &[2],
            setbacks: &[4, 9, 14, 19, 24, 29, 34],
            setback_comment: "Sjukdom i personalgruppen, färre tillfällen än planerat.",
            // Every month has values (the reporting tests correct a locked month's).
            summer_break: false,
            stalled: 0,
        },
        documents: NO_DOCUMENTS,
    },
    SatsningSeed {
        name: "Tidigt stöd för unga vuxna (fiktiv)",
        parties: &[
            "Socialförvaltningen",
            "Förvaltningen för utbildning, försörjning och arbete",
        ],
        start: "2026-01-01",
        end: "2028-12-31",
        budget: 5_600_000,
        status: Status::Running,
        repayment: false,
        led: true,
        summary: "Fiktiv satsning för demonstration: samordnat stöd till unga vuxna som varken arbetar eller studerar.",
        schema: Some(SchemaSeed {
            goal: "Unga vuxna kommer i arbete eller studier",
            target_group: "Unga vuxna 20–25 år som varken arbetar eller studerar",
            activities: &[ActivitySeed {
                text: "Personligt stöd av en coach",
                measures: &[
                    MeasureSeed {
                        code: "A1",
                        name: "Coachningssamtal",
                        unit: "samtal",
                        course: Course::Level {
                            per_month: 30.0,
                            ramp_months: 3,
                        },
                        ..ACTIVITY
                    },
                    MeasureSeed {
                        code: "E1",
                        name: "Deltagare i arbete eller studier",
                        unit: "personer",
                        value_type: "antal",
                        baseline: ("0", "2026-01-31"),
                        target: ("40", "2028-12-31"),
                        tolerances: ("2", "6"),
                        // Half as many as planned: a measure needing attention among the
                        // ongoing satsningar (yellow, red once the line has climbed).
                        course: Course::Toward {
                            reach: 0.5,
                            wobble: 1.0,
                        },
                        ..EFFECT
                    },
                ],
            }],
            // No KPI and nothing imported yet: the page says so.
            indicators: &[MeasureSeed {
                code: "I1",
                name: "Unga vuxna med försörjningsstöd",
                direction: "lagre",
                comparison: Comparison::Text("Kolada; kommun, län, riket"),
                course: Course::Unreported,
                ..INDICATOR
            }],
            effect: EffectSeed {
                text: "Minskat försörjningsstöd",
                horizon: Horizon::Long,
                party: "Förvaltningen för utbildning, försörjning och arbete",
                measure: "E1",
                yearly_sek: 1_200_000,
            },
        }),
        reporting: Reporting {
            skipped: &[2],
            setbacks: &[3],
            setback_comment: "Coachen var sjukskriven, färre samtal än planerat.",
            summer_break: false,
            // The late one: nothing reported for the two months before last month.
            stalled: 2,
        },
        documents: NO_DOCUMENTS,
    },
    SatsningSeed {
        name: "Familjecentral Brickebacken (fiktiv idé)",
        parties: &["Socialförvaltningen", "Vård- och omsorgsförvaltningen"],
        start: "2027-08-01",
        end: "2030-07-31",
        budget: 0,
        status: Status::Idea,
        repayment: false,
        led: true,
        summary: "Fiktiv idé för demonstration: en familjecentral med öppen förskola, barnhälsovård och socialtjänst.",
        schema: None,
        reporting: Reporting::STEADY,
        documents: NO_DOCUMENTS,
    },
];
