//! Demo data: Örebro's förvaltningar and the ten ended Örebro satsningar of DOMAIN.md. Their
//! names, parties and periods are real; budgets, schemas, values and documents are invented
//! for the demo (and shown as Exempeldata). One of them is clearly off target
//! (Utomhuspedagogiken: red), one a little behind (Specialpedagogisk kompetensutveckling:
//! yellow), one missed two months of reporting (El Sistema); the rest are on course.

use super::course::{Course, Reporting};
use super::{
    ACTIVITY, ActivitySeed, Comparison, EFFECT, EffectSeed, INDICATOR, MeasureSeed, SatsningSeed,
    SchemaSeed,
};
use crate::document::DocumentKind;
use crate::initiative::Status;
use crate::party::PartyKind;
use crate::schema::Horizon;

/// Örebro's förvaltningar (DOMAIN.md) with their verksamhetsområde, and civil actors.
pub const PARTIES: [(&str, PartyKind, Option<&str>); 12] = [
    (
        "Förvaltningen förskola och skola",
        PartyKind::Board,
        Some("Skola"),
    ),
    (
        "Gymnasieförvaltningen",
        PartyKind::Board,
        Some("Gymnasieskola"),
    ),
    (
        "Socialförvaltningen",
        PartyKind::Board,
        Some("Individ- och familjeomsorg"),
    ),
    (
        "Förvaltningen för utbildning, försörjning och arbete",
        PartyKind::Board,
        Some("Arbetsmarknad"),
    ),
    (
        "Förvaltningen för funktionshindrade",
        PartyKind::Board,
        Some("Funktionsnedsättning"),
    ),
    (
        "Vård- och omsorgsförvaltningen",
        PartyKind::Board,
        Some("Vård och omsorg"),
    ),
    (
        "Kommunstyrelseförvaltningen (Centralt skolstöd)",
        PartyKind::Board,
        Some("Kommunövergripande"),
    ),
    (
        "Kultur- och fritidsförvaltningen",
        PartyKind::Board,
        Some("Kultur och fritid"),
    ),
    (
        "Försörjningsstöd",
        PartyKind::Board,
        Some("Ekonomiskt bistånd"),
    ),
    ("Kultivera", PartyKind::Board, Some("Kultur")),
    ("RF-SISU Örebro län", PartyKind::Civil, None),
    ("Vivalla IK (fiktiv förening)", PartyKind::Civil, None),
];

const SCHOOL: &str = "Förvaltningen förskola och skola";
const SOCIAL: &str = "Socialförvaltningen";
const WORK: &str = "Förvaltningen för utbildning, försörjning och arbete";
const DISABILITY: &str = "Förvaltningen för funktionshindrade";
const SCHOOL_SUPPORT: &str = "Kommunstyrelseförvaltningen (Centralt skolstöd)";

/// An application and a final report, as every ended satsning has.
const DOCUMENTS: &[(DocumentKind, &str)] = &[
    (DocumentKind::Application, "Ansökan"),
    (DocumentKind::FinalReport, "Slutrapport"),
];

/// A school-based satsning: July is a summer break.
const SCHOOL_YEAR: Reporting = Reporting {
    summer_break: true,
    ..Reporting::STEADY
};

/// On course: on the target line, give or take `wobble`.
const fn on_course(wobble: f64) -> Course {
    Course::Toward { reach: 1.0, wobble }
}

/// About `per_month` a month once under way after `ramp_months`.
const fn level(per_month: f64, ramp_months: u32) -> Course {
    Course::Level {
        per_month,
        ramp_months,
    }
}

/// The ten ended Örebro satsningar.
pub const SATSNINGAR: [SatsningSeed; 10] = [
    SatsningSeed {
        name: "Seniorpuls",
        parties: &["Vård- och omsorgsförvaltningen", "RF-SISU Örebro län"],
        start: "2020-09-01",
        end: "2023-08-31",
        budget: 4_200_000,
        status: Status::Ended,
        repayment: false,
        led: false,
        summary: "Fysisk aktivitet och gemenskap för äldre, i samarbete med idrottsrörelsen.",
        schema: Some(SchemaSeed {
            goal: "Äldre som bor hemma är fysiskt aktiva och har gemenskap med andra",
            target_group: "Personer 65 år och äldre som bor hemma och riskerar ensamhet",
            activities: &[
                ActivitySeed {
                    text: "Gruppträning och promenadgrupper ledda av idrottsföreningar",
                    measures: &[
                        MeasureSeed {
                            code: "A1",
                            name: "Genomförda träffar",
                            unit: "träffar",
                            course: level(36.0, 3),
                            ..ACTIVITY
                        },
                        MeasureSeed {
                            code: "E1",
                            name: "Andel deltagare som tränar minst två gånger i veckan",
                            frequency: "kvartal",
                            baseline: ("25", "2020-09-30"),
                            target: ("50", "2023-08-31"),
                            tolerances: ("5", "10"),
                            course: on_course(2.0),
                            ..EFFECT
                        },
                    ],
                },
                ActivitySeed {
                    text: "Uppsökande hembesök och samtal om aktivitet och gemenskap",
                    measures: &[
                        MeasureSeed {
                            code: "A2",
                            name: "Hembesök",
                            unit: "besök",
                            course: level(20.0, 2),
                            ..ACTIVITY
                        },
                        MeasureSeed {
                            code: "E2",
                            name: "Andel deltagare som ofta känner sig ensamma",
                            frequency: "halvar",
                            direction: "lagre",
                            baseline: ("40", "2020-09-30"),
                            target: ("25", "2023-08-31"),
                            tolerances: ("4", "8"),
                            source: "enkat",
                            course: Course::Toward {
                                reach: 0.95,
                                wobble: 1.5,
                            },
                            ..EFFECT
                        },
                    ],
                },
            ],
            indicators: &[MeasureSeed {
                code: "I1",
                name: "Deltagare som uppger gott allmänt hälsotillstånd",
                baseline: ("58", "2020-12-31"),
                target: ("63", "2023-08-31"),
                tolerances: ("2", "4"),
                comparison: Comparison::Kpi("X00004"),
                course: Course::Toward {
                    reach: 0.9,
                    wobble: 0.8,
                },
                ..INDICATOR
            }],
            effect: EffectSeed {
                text: "Minskat behov av hemtjänst och korttidsplats",
                horizon: Horizon::Long,
                party: "Vård- och omsorgsförvaltningen",
                measure: "E1",
                yearly_sek: 900_000,
            },
        }),
        reporting: Reporting {
            setbacks: &[3, 4, 5, 6],
            setback_comment: "Färre träffar: verksamheten begränsades av pandemirestriktionerna.",
            ..Reporting::STEADY
        },
        documents: DOCUMENTS,
    },
    SatsningSeed {
        name: "Bryggan – från destruktiv frånvaro till måluppfyllelse",
        parties: &[SCHOOL_SUPPORT, SCHOOL, SOCIAL, WORK],
        start: "2017-01-09",
        end: "2020-06-12",
        budget: 9_800_000,
        status: Status::Ended,
        repayment: true,
        led: false,
        summary: "Tidiga, samordnade insatser för elever med problematisk skolfrånvaro.",
        schema: Some(SchemaSeed {
            goal: "Elever med problematisk frånvaro kommer tillbaka till skolan",
            target_group: "Elever i årskurs 4–9 med hög frånvaro",
            activities: &[ActivitySeed {
                text: "Tidig kartläggning och samordnad insats kring eleven",
                measures: &[
                    MeasureSeed {
                        code: "A1",
                        name: "Elever i insatsen",
                        unit: "elever",
                        course: level(42.0, 6),
                        ..ACTIVITY
                    },
                    MeasureSeed {
                        code: "E1",
                        name: "Andel elever med frånvaro under 15 %",
                        baseline: ("20", "2017-01-31"),
                        target: ("60", "2020-06-12"),
                        tolerances: ("5", "12"),
                        course: on_course(3.0),
                        ..EFFECT
                    },
                ],
            }],
            indicators: &[MeasureSeed {
                code: "I1",
                name: "Elever i årskurs 9 behöriga till yrkesprogram",
                baseline: ("38", "2017-12-31"),
                target: ("50", "2020-06-12"),
                tolerances: ("3", "6"),
                comparison: Comparison::Kpi("X00002"),
                course: on_course(1.5),
                ..INDICATOR
            }],
            effect: EffectSeed {
                text: "Färre placeringar i särskild undervisningsgrupp",
                horizon: Horizon::Short,
                party: SCHOOL,
                measure: "E1",
                yearly_sek: 800_000,
            },
        }),
        reporting: SCHOOL_YEAR,
        documents: DOCUMENTS,
    },
    SatsningSeed {
        name: "Brobyggare i Vivalla och Baronbackarna",
        parties: &[SCHOOL, SOCIAL, WORK],
        start: "2016-08-15",
        end: "2019-06-14",
        budget: 6_500_000,
        status: Status::Ended,
        repayment: true,
        led: false,
        summary: "Brobyggare mellan skola, familjer och samhälle i två partnerskapsområden.",
        schema: Some(SchemaSeed {
            goal: "Föräldrar i Vivalla och Baronbackarna är delaktiga i sina barns skolgång",
            target_group: "Familjer med barn i förskoleklass till årskurs 6 i Vivalla och Baronbackarna",
            activities: &[
                ActivitySeed {
                    text: "Brobyggare med språk- och kulturkompetens stöttar familjerna i kontakten med skolan",
                    measures: &[
                        MeasureSeed {
                            code: "A1",
                            name: "Familjer med stöd av en brobyggare",
                            unit: "familjer",
                            course: level(60.0, 5),
                            ..ACTIVITY
                        },
                        MeasureSeed {
                            code: "E1",
                            name: "Andel föräldrar som deltar i utvecklingssamtal",
                            frequency: "halvar",
                            baseline: ("55", "2016-08-31"),
                            target: ("85", "2019-06-14"),
                            tolerances: ("5", "10"),
                            course: Course::Toward {
                                reach: 1.02,
                                wobble: 2.0,
                            },
                            ..EFFECT
                        },
                    ],
                },
                ActivitySeed {
                    text: "Föräldraträffar om skolan och samhället",
                    measures: &[
                        MeasureSeed {
                            code: "A2",
                            name: "Föräldraträffar",
                            unit: "träffar",
                            course: level(6.0, 0),
                            ..ACTIVITY
                        },
                        MeasureSeed {
                            code: "E2",
                            name: "Genomsnittlig frånvaro i årskurs 1–6",
                            frequency: "kvartal",
                            direction: "lagre",
                            baseline: ("9", "2016-09-30"),
                            target: ("6", "2019-06-14"),
                            tolerances: ("0,5", "1,5"),
                            course: Course::Toward {
                                reach: 0.95,
                                wobble: 0.3,
                            },
                            ..EFFECT
                        },
                    ],
                },
            ],
            indicators: &[MeasureSeed {
                code: "I1",
                name: "Elever i årskurs 6 med lägst betyget E i alla ämnen",
                baseline: ("62", "2016-12-31"),
                target: ("72", "2019-06-14"),
                tolerances: ("3", "6"),
                comparison: Comparison::Kpi("X00005"),
                course: on_course(1.0),
                ..INDICATOR
            }],
            effect: EffectSeed {
                text: "Färre orosanmälningar och utredningar inom socialtjänsten",
                horizon: Horizon::Long,
                party: SOCIAL,
                measure: "E1",
                yearly_sek: 700_000,
            },
        }),
        reporting: SCHOOL_YEAR,
        documents: DOCUMENTS,
    },
    SatsningSeed {
        name: "Skolfam",
        parties: &[SCHOOL, SOCIAL],
        start: "2016-06-01",
        end: "2019-06-30",
        budget: 5_400_000,
        status: Status::Ended,
        repayment: true,
        led: false,
        summary: "Bättre skolresultat för familjehemsplacerade barn.",
        schema: Some(SchemaSeed {
            goal: "Familjehemsplacerade barn når kunskapsmålen i skolan",
            target_group: "Familjehemsplacerade barn i grundskolan",
            activities: &[
                ActivitySeed {
                    text: "Kartläggning av varje barns skolsituation och en individuell plan",
                    measures: &[
                        MeasureSeed {
                            code: "A1",
                            name: "Genomförda kartläggningar",
                            unit: "kartläggningar",
                            course: level(4.0, 3),
                            ..ACTIVITY
                        },
                        MeasureSeed {
                            code: "E1",
                            name: "Andel barn med godkända betyg i alla ämnen",
                            frequency: "halvar",
                            baseline: ("45", "2016-06-30"),
                            target: ("70", "2019-06-30"),
                            tolerances: ("5", "10"),
                            course: on_course(2.5),
                            ..EFFECT
                        },
                    ],
                },
                ActivitySeed {
                    text: "Stöd i skolarbetet av specialpedagog",
                    measures: &[
                        MeasureSeed {
                            code: "A2",
                            name: "Stödtimmar med specialpedagog",
                            unit: "timmar",
                            course: level(60.0, 4),
                            ..ACTIVITY
                        },
                        MeasureSeed {
                            code: "E2",
                            name: "Andel barn som får det stöd de behöver",
                            frequency: "halvar",
                            baseline: ("50", "2016-06-30"),
                            target: ("80", "2019-06-30"),
                            tolerances: ("5", "10"),
                            source: "enkat",
                            course: Course::Toward {
                                reach: 0.92,
                                wobble: 2.0,
                            },
                            ..EFFECT
                        },
                    ],
                },
            ],
            indicators: &[MeasureSeed {
                code: "I1",
                name: "Behörighet till gymnasiet",
                baseline: ("50", "2016-12-31"),
                target: ("65", "2019-06-30"),
                tolerances: ("3", "6"),
                comparison: Comparison::Kpi("X00002"),
                course: on_course(1.5),
                ..INDICATOR
            }],
            effect: EffectSeed {
                text: "Minskade kostnader för särskilt stöd och omplaceringar",
                horizon: Horizon::Long,
                party: SOCIAL,
                measure: "E1",
                yearly_sek: 450_000,
            },
        }),
        reporting: SCHOOL_YEAR,
        documents: DOCUMENTS,
    },
    SatsningSeed {
        name: "NP Resurs och Samverkan",
        parties: &["Gymnasieförvaltningen", DISABILITY],
        start: "2015-09-01",
        end: "2018-08-31",
        budget: 7_100_000,
        status: Status::Ended,
        repayment: true,
        led: false,
        summary: "Samordnat stöd för 15–25-åringar med neuropsykiatriska svårigheter.",
        schema: Some(SchemaSeed {
            goal: "Unga med neuropsykiatriska svårigheter fullföljer gymnasiet eller får arbete",
            target_group: "Unga 15–25 år med neuropsykiatrisk problematik",
            activities: &[ActivitySeed {
                text: "Samordnad individuell plan med en gemensam resursperson",
                measures: &[
                    MeasureSeed {
                        code: "A1",
                        name: "Ärenden med samordnad plan",
                        unit: "ärenden",
                        // About 30 cases after four months (DOMAIN.md), then a few more.
                        course: level(38.0, 5),
                        ..ACTIVITY
                    },
                    MeasureSeed {
                        code: "E1",
                        name: "Andel i studier eller arbete efter 12 månader",
                        frequency: "halvar",
                        baseline: ("40", "2015-09-01"),
                        target: ("65", "2018-08-31"),
                        tolerances: ("5", "10"),
                        course: Course::Toward {
                            reach: 1.04,
                            wobble: 2.0,
                        },
                        ..EFFECT
                    },
                ],
            }],
            indicators: &[MeasureSeed {
                code: "I1",
                name: "Unga 16–24 år som varken arbetar eller studerar",
                direction: "lagre",
                baseline: ("24", "2015-12-31"),
                target: ("15", "2018-08-31"),
                tolerances: ("2", "4"),
                comparison: Comparison::Kpi("X00003"),
                course: on_course(1.0),
                ..INDICATOR
            }],
            effect: EffectSeed {
                text: "Minskat försörjningsstöd",
                horizon: Horizon::Long,
                party: WORK,
                measure: "E1",
                yearly_sek: 600_000,
            },
        }),
        reporting: Reporting::STEADY,
        documents: DOCUMENTS,
    },
    SatsningSeed {
        name: "Utomhuspedagogikens inverkan på lärande",
        parties: &[SCHOOL_SUPPORT, SCHOOL],
        start: "2016-08-15",
        end: "2018-08-31",
        budget: 2_300_000,
        status: Status::Ended,
        repayment: true,
        led: false,
        summary: "Undervisning utomhus och dess effekt på elevernas lärande.",
        schema: Some(SchemaSeed {
            goal: "Elever i årskurs 1–3 lär sig mer genom undervisning utomhus",
            target_group: "Elever i årskurs 1–3 på sex skolor",
            activities: &[
                ActivitySeed {
                    text: "Lektioner utomhus i matematik och svenska, en förmiddag i veckan",
                    measures: &[
                        MeasureSeed {
                            code: "A1",
                            name: "Utomhuslektioner",
                            unit: "lektioner",
                            course: level(48.0, 3),
                            ..ACTIVITY
                        },
                        // The example of a satsning clearly off target: the lessons ran, the
                        // results hardly moved (red).
                        MeasureSeed {
                            code: "E1",
                            name: "Andel elever i årskurs 3 som når kunskapskraven i matematik",
                            frequency: "halvar",
                            baseline: ("72", "2016-08-31"),
                            target: ("85", "2018-08-31"),
                            tolerances: ("3", "6"),
                            course: Course::Toward {
                                reach: 0.1,
                                wobble: 1.5,
                            },
                            ..EFFECT
                        },
                    ],
                },
                ActivitySeed {
                    text: "Kompetensutveckling i utomhuspedagogik för lärarna",
                    measures: &[
                        MeasureSeed {
                            code: "A2",
                            name: "Lärare som deltagit i utbildningen",
                            unit: "lärare",
                            course: level(5.0, 0),
                            ..ACTIVITY
                        },
                        MeasureSeed {
                            code: "E2",
                            name: "Andel lärare som undervisar utomhus varje vecka",
                            frequency: "kvartal",
                            baseline: ("20", "2016-09-30"),
                            target: ("70", "2018-08-31"),
                            tolerances: ("10", "20"),
                            course: Course::Toward {
                                reach: 0.85,
                                wobble: 4.0,
                            },
                            ..EFFECT
                        },
                    ],
                },
            ],
            indicators: &[MeasureSeed {
                code: "I1",
                name: "Elever i årskurs 3 som klarat alla delprov i matematik",
                baseline: ("70", "2016-12-31"),
                target: ("80", "2018-08-31"),
                tolerances: ("3", "6"),
                comparison: Comparison::Kpi("X00006"),
                course: Course::Toward {
                    reach: 0.2,
                    wobble: 1.0,
                },
                ..INDICATOR
            }],
            effect: EffectSeed {
                text: "Minskat behov av särskilt stöd i lågstadiet",
                horizon: Horizon::Short,
                party: SCHOOL,
                measure: "E1",
                yearly_sek: 350_000,
            },
        }),
        reporting: Reporting {
            // January and February: snow and cold.
            setbacks: &[5, 6, 17, 18],
            setback_comment: "Kyla och snö: färre lektioner utomhus än planerat.",
            ..SCHOOL_YEAR
        },
        documents: DOCUMENTS,
    },
    SatsningSeed {
        name: "Specialpedagogisk kompetensutveckling",
        parties: &[SCHOOL, SCHOOL_SUPPORT, DISABILITY],
        start: "2015-01-01",
        end: "2018-04-30",
        budget: 8_000_000,
        status: Status::Ended,
        repayment: true,
        led: false,
        summary: "Kompetensutveckling i specialpedagogik för förskola och skola.",
        schema: Some(SchemaSeed {
            goal: "Barn och elever i behov av särskilt stöd får stödet i den vanliga undervisningen",
            target_group: "Barn och elever i behov av särskilt stöd i förskola och grundskola",
            activities: &[
                ActivitySeed {
                    text: "Utbildning i specialpedagogik för förskollärare och lärare",
                    measures: &[
                        MeasureSeed {
                            code: "A1",
                            name: "Utbildningstimmar",
                            unit: "timmar",
                            course: level(120.0, 2),
                            ..ACTIVITY
                        },
                        // A little behind at the end (yellow).
                        MeasureSeed {
                            code: "E1",
                            name: "Andel personal som använder specialpedagogiska arbetssätt",
                            frequency: "halvar",
                            baseline: ("30", "2015-01-31"),
                            target: ("70", "2018-04-30"),
                            tolerances: ("5", "15"),
                            course: Course::Toward {
                                reach: 0.8,
                                wobble: 1.5,
                            },
                            ..EFFECT
                        },
                    ],
                },
                ActivitySeed {
                    text: "Handledning av specialpedagog i arbetslagen",
                    measures: &[
                        MeasureSeed {
                            code: "A2",
                            name: "Handledningstillfällen",
                            unit: "tillfällen",
                            course: level(25.0, 0),
                            ..ACTIVITY
                        },
                        MeasureSeed {
                            code: "E2",
                            name: "Andel elever i särskild undervisningsgrupp",
                            frequency: "kvartal",
                            direction: "lagre",
                            baseline: ("3,5", "2015-03-31"),
                            target: ("2,5", "2018-04-30"),
                            tolerances: ("0,3", "0,8"),
                            course: Course::Toward {
                                reach: 0.95,
                                wobble: 0.1,
                            },
                            ..EFFECT
                        },
                    ],
                },
            ],
            indicators: &[MeasureSeed {
                code: "I1",
                name: "Elever i årskurs 9 behöriga till yrkesprogram",
                baseline: ("80", "2015-12-31"),
                target: ("84", "2018-04-30"),
                tolerances: ("2", "4"),
                comparison: Comparison::Kpi("X00002"),
                course: Course::Toward {
                    reach: 0.9,
                    wobble: 0.6,
                },
                ..INDICATOR
            }],
            effect: EffectSeed {
                text: "Färre placeringar i resursskola och särskild undervisningsgrupp",
                horizon: Horizon::Long,
                party: SCHOOL,
                measure: "E2",
                yearly_sek: 1_100_000,
            },
        }),
        reporting: SCHOOL_YEAR,
        documents: DOCUMENTS,
    },
    SatsningSeed {
        name: "Samverkan för teckenspråkiga (SöT)",
        parties: &["Försörjningsstöd", "Kultivera"],
        start: "2014-04-01",
        end: "2017-04-01",
        budget: 3_100_000,
        status: Status::Ended,
        repayment: true,
        led: false,
        summary: "Vägar till arbete och studier för teckenspråkiga vuxna.",
        schema: Some(SchemaSeed {
            goal: "Teckenspråkiga vuxna med försörjningsstöd kommer i arbete eller studier",
            target_group: "Teckenspråkiga vuxna 18–64 år med försörjningsstöd",
            activities: &[
                ActivitySeed {
                    text: "Arbetsförberedande verksamhet på teckenspråk hos Kultivera",
                    measures: &[
                        MeasureSeed {
                            code: "A1",
                            name: "Deltagare i verksamheten",
                            unit: "deltagare",
                            course: level(14.0, 4),
                            ..ACTIVITY
                        },
                        MeasureSeed {
                            code: "E1",
                            name: "Andel deltagare i arbete eller studier",
                            frequency: "kvartal",
                            baseline: ("5", "2014-06-30"),
                            target: ("40", "2017-04-01"),
                            tolerances: ("5", "10"),
                            course: on_course(2.5),
                            ..EFFECT
                        },
                    ],
                },
                ActivitySeed {
                    text: "Studie- och yrkesvägledning på teckenspråk",
                    measures: &[
                        MeasureSeed {
                            code: "A2",
                            name: "Vägledningssamtal",
                            unit: "samtal",
                            course: level(22.0, 2),
                            ..ACTIVITY
                        },
                        MeasureSeed {
                            code: "E2",
                            name: "Andel deltagare med en individuell plan",
                            frequency: "kvartal",
                            baseline: ("20", "2014-06-30"),
                            target: ("90", "2017-04-01"),
                            tolerances: ("5", "10"),
                            course: Course::Toward {
                                reach: 1.02,
                                wobble: 2.0,
                            },
                            ..EFFECT
                        },
                    ],
                },
            ],
            indicators: &[MeasureSeed {
                code: "I1",
                name: "Förvärvsarbetande i målgruppen",
                baseline: ("20", "2014-12-31"),
                target: ("35", "2017-04-01"),
                tolerances: ("3", "6"),
                comparison: Comparison::Kpi("X00007"),
                course: on_course(1.0),
                ..INDICATOR
            }],
            effect: EffectSeed {
                text: "Minskat försörjningsstöd",
                horizon: Horizon::Long,
                party: "Försörjningsstöd",
                measure: "E1",
                yearly_sek: 650_000,
            },
        }),
        reporting: Reporting::STEADY,
        documents: DOCUMENTS,
    },
    SatsningSeed {
        name: "Team Oxhagen",
        parties: &[SOCIAL, SCHOOL, DISABILITY, WORK],
        start: "2015-01-01",
        end: "2017-12-31",
        budget: 6_900_000,
        status: Status::Ended,
        repayment: true,
        led: false,
        summary: "Ett gemensamt team för familjer i Oxhagen.",
        schema: Some(SchemaSeed {
            goal: "Barnfamiljer i Oxhagen får samordnat stöd tidigt",
            target_group: "Barnfamiljer i Oxhagen med kontakt med flera förvaltningar",
            activities: &[
                ActivitySeed {
                    text: "Ett gemensamt team: socialsekreterare, familjebehandlare, specialpedagog och arbetsmarknadskonsulent",
                    measures: &[
                        MeasureSeed {
                            code: "A1",
                            name: "Familjer med pågående stöd från teamet",
                            unit: "familjer",
                            course: level(40.0, 6),
                            ..ACTIVITY
                        },
                        MeasureSeed {
                            code: "E1",
                            name: "Andel familjer med en samordnad plan",
                            frequency: "kvartal",
                            baseline: ("10", "2015-03-31"),
                            target: ("80", "2017-12-31"),
                            tolerances: ("5", "10"),
                            course: on_course(2.0),
                            ..EFFECT
                        },
                    ],
                },
                ActivitySeed {
                    text: "En öppen mötesplats för föräldrar i Oxhagen",
                    measures: &[
                        MeasureSeed {
                            code: "A2",
                            name: "Besök på mötesplatsen",
                            unit: "besök",
                            course: level(140.0, 3),
                            ..ACTIVITY
                        },
                        MeasureSeed {
                            code: "E2",
                            name: "Placeringar av barn utanför hemmet",
                            unit: "placeringar",
                            value_type: "antal",
                            frequency: "halvar",
                            direction: "lagre",
                            baseline: ("12", "2015-06-30"),
                            target: ("6", "2017-12-31"),
                            tolerances: ("1", "3"),
                            course: on_course(0.8),
                            ..EFFECT
                        },
                    ],
                },
            ],
            indicators: &[MeasureSeed {
                code: "I1",
                name: "Barn i ekonomiskt utsatta hushåll i Oxhagen",
                direction: "lagre",
                baseline: ("31", "2015-12-31"),
                target: ("26", "2017-12-31"),
                tolerances: ("2", "4"),
                comparison: Comparison::Kpi("X00008"),
                course: Course::Toward {
                    reach: 0.9,
                    wobble: 0.8,
                },
                ..INDICATOR
            }],
            effect: EffectSeed {
                text: "Färre placeringar av barn och unga",
                horizon: Horizon::Long,
                party: SOCIAL,
                measure: "E2",
                yearly_sek: 2_400_000,
            },
        }),
        reporting: Reporting::STEADY,
        documents: DOCUMENTS,
    },
    SatsningSeed {
        name: "El Sistema",
        parties: &[SCHOOL, "Kultur- och fritidsförvaltningen"],
        start: "2015-01-01",
        end: "2017-12-31",
        budget: 4_700_000,
        status: Status::Ended,
        repayment: true,
        led: false,
        summary: "Orkesterverksamhet som social och pedagogisk metod.",
        schema: Some(SchemaSeed {
            goal: "Barn i Vivalla får en meningsfull fritid och bättre förutsättningar i skolan",
            target_group: "Barn 6–12 år i Vivalla",
            activities: &[
                ActivitySeed {
                    text: "Orkesterverksamhet fyra eftermiddagar i veckan",
                    measures: &[
                        MeasureSeed {
                            code: "A1",
                            name: "Barn som deltar i orkestern",
                            unit: "barn",
                            course: level(85.0, 8),
                            ..ACTIVITY
                        },
                        MeasureSeed {
                            code: "E1",
                            name: "Andel deltagare med minst 75 % närvaro",
                            frequency: "kvartal",
                            baseline: ("50", "2015-03-31"),
                            target: ("75", "2017-12-31"),
                            tolerances: ("5", "10"),
                            course: Course::Toward {
                                reach: 0.95,
                                wobble: 2.5,
                            },
                            ..EFFECT
                        },
                    ],
                },
                ActivitySeed {
                    text: "Konserter och öppna repetitioner för familjerna",
                    measures: &[
                        MeasureSeed {
                            code: "A2",
                            name: "Konserter och öppna repetitioner",
                            unit: "tillfällen",
                            course: level(3.0, 0),
                            ..ACTIVITY
                        },
                        MeasureSeed {
                            code: "E2",
                            name: "Andel vårdnadshavare som varit på minst en konsert",
                            frequency: "halvar",
                            baseline: ("20", "2015-06-30"),
                            target: ("60", "2017-12-31"),
                            tolerances: ("5", "10"),
                            source: "enkat",
                            course: on_course(3.0),
                            ..EFFECT
                        },
                    ],
                },
            ],
            indicators: &[MeasureSeed {
                code: "I1",
                name: "Deltagare i årskurs 6 med lägst betyget E i alla ämnen",
                baseline: ("60", "2015-12-31"),
                target: ("68", "2017-12-31"),
                tolerances: ("3", "6"),
                comparison: Comparison::Kpi("X00005"),
                course: on_course(1.0),
                ..INDICATOR
            }],
            effect: EffectSeed {
                text: "Färre barn och unga med insatser från socialtjänsten",
                horizon: Horizon::Long,
                party: SOCIAL,
                measure: "E1",
                yearly_sek: 400_000,
            },
        }),
        reporting: Reporting {
            // August and September 2016: never reported, past every deadline ("låst").
            skipped: &[19, 20],
            ..SCHOOL_YEAR
        },
        documents: DOCUMENTS,
    },
];
