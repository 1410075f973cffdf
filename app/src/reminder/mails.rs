//! The reminder mails' words: Swedish plain text and the same as simple HTML, each with deep
//! links at the configured base URL and a footer saying why the recipient gets it and how to
//! turn it off. Pure: the jobs hand in what they found.

use chrono::NaiveDate;

use crate::report::Period;
use crate::report::todo::{ToDo, Urgency};
use crate::sv::date::long_date;

/// A composed mail: subject, text, HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composed {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// `text` safe inside HTML elements and attribute values.
pub use crate::html::escape_markup as escape;

/// Should `to_do` be reminded of on `today`? Late months always (until they lock); months
/// still due from [`super::DAYS_BEFORE_DUE`] days before their due date.
pub fn worth_reminding(to_do: &ToDo, today: NaiveDate) -> bool {
    match to_do.urgency {
        Urgency::Late => true,
        Urgency::Due => today >= to_do.due - chrono::Duration::days(super::DAYS_BEFORE_DUE),
    }
}

/// The idempotency key of a month's reminder: one per satsning, month, kind and user.
pub fn monthly_key(initiative_id: i64, period: Period, urgency: Urgency, user_id: i64) -> String {
    let prefix = match urgency {
        Urgency::Due => "manad-paminnelse",
        Urgency::Late => "manad-forsenad",
    };
    format!("{prefix}:{initiative_id}:{period}:{user_id}")
}

fn footer_text(why: &str, base_url: &str) -> String {
    format!(
        "\n-- \n{why}\nVill du inte ha den här sortens mejl? Stäng av dem under Mina inställningar: \
         {base_url}/profil\n"
    )
}

fn footer_html(why: &str, base_url: &str) -> String {
    format!(
        "<hr><p style=\"font-size:90%\">{}<br>Vill du inte ha den här sortens mejl? Stäng av dem under \
         <a href=\"{}/profil\">Mina inställningar</a>.</p>",
        escape(why),
        escape(base_url)
    )
}

fn html_page(body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"sv\"><head><meta charset=\"utf-8\"></head>\
         <body style=\"font-family:sans-serif;line-height:1.5\">{body}</body></html>"
    )
}

/// The monthly reporting reminder to projektledare `name` for satsning `initiative`.
pub fn monthly(
    name: &str,
    initiative_id: i64,
    initiative: &str,
    to_do: &ToDo,
    base_url: &str,
) -> Composed {
    let month = to_do.period.label();
    let link = format!(
        "{base_url}/satsningar/{initiative_id}/rapportera/{}",
        to_do.period
    );
    let due = long_date(to_do.due);
    let open_until = long_date(to_do.open_until);
    let (subject, lead) = match to_do.urgency {
        Urgency::Due => (
            format!("Påminnelse: rapportera {month} för {initiative}"),
            format!("Värdena för {month} i ”{initiative}” ska vara inrapporterade senast {due}."),
        ),
        Urgency::Late => (
            format!("Försenad: {month} för {initiative} är inte inrapporterad"),
            format!(
                "Värdena för {month} i ”{initiative}” skulle ha varit inrapporterade senast {due}. \
                 Du kan rapportera till och med {open_until}; sedan låses månaden."
            ),
        ),
    };
    let started = if to_do.started {
        "En del värden är sparade, men månaden är inte markerad som inrapporterad."
    } else {
        "Inga värden är sparade för månaden ännu."
    };
    let why = format!(
        "Du får det här mejlet eftersom du är projektledare för ”{initiative}” i Utfall och något \
         saknas för {month}."
    );
    let text = format!(
        "Hej {name}!\n\n{lead}\n{started}\n\nRapportera här:\n{link}\n{}",
        footer_text(&why, base_url)
    );
    let html = html_page(&format!(
        "<p>Hej {}!</p><p>{}<br>{}</p><p><a href=\"{}\">Rapportera {} för {}</a></p>{}",
        escape(name),
        escape(&lead),
        escape(started),
        escape(&link),
        escape(&month),
        escape(initiative),
        footer_html(&why, base_url)
    ));
    Composed {
        subject,
        text,
        html,
    }
}

/// One line of a digest section: what, and where to look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestItem {
    pub text: String,
    /// A path under the base URL, e.g. `/satsningar/4/rapportera`.
    pub path: String,
}

/// One section of the weekly digest (empty sections are left out).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestSection {
    pub heading: String,
    pub items: Vec<DigestItem>,
}

/// The idempotency key of a digest: one per organisation, ISO week and user.
pub fn digest_key(organisation_id: i64, week: chrono::IsoWeek, user_id: i64) -> String {
    format!(
        "veckobrev:{organisation_id}:{}-V{:02}:{user_id}",
        week.year(),
        week.week()
    )
}

/// The weekly digest for `name`, or `None` when every section is empty (no mail then).
pub fn digest(
    name: &str,
    week: chrono::IsoWeek,
    sections: &[DigestSection],
    base_url: &str,
) -> Option<Composed> {
    let sections: Vec<&DigestSection> = sections.iter().filter(|s| !s.items.is_empty()).collect();
    if sections.is_empty() {
        return None;
    }
    let subject = format!("Veckobrev från Utfall, vecka {}", week.week());
    let why = "Du får det här mejlet eftersom du ingår i beredningsgruppen i Utfall.";
    let mut text = format!("Hej {name}!\n\nDet här har hänt i satsningarna den senaste veckan.\n");
    let mut html = format!(
        "<p>Hej {}!</p><p>Det här har hänt i satsningarna den senaste veckan.</p>",
        escape(name)
    );
    for section in &sections {
        text.push_str(&format!("\n{}\n", section.heading));
        html.push_str(&format!("<h2>{}</h2><ul>", escape(&section.heading)));
        for item in &section.items {
            let link = format!("{base_url}{}", item.path);
            text.push_str(&format!("- {}\n  {link}\n", item.text));
            html.push_str(&format!(
                "<li><a href=\"{}\">{}</a></li>",
                escape(&link),
                escape(&item.text)
            ));
        }
        html.push_str("</ul>");
    }
    text.push_str(&format!(
        "\nÖversikten över alla satsningar: {base_url}/oversikt\n{}",
        footer_text(why, base_url)
    ));
    html.push_str(&format!(
        "<p><a href=\"{}/oversikt\">Översikten över alla satsningar</a></p>{}",
        escape(base_url),
        footer_html(why, base_url)
    ));
    Some(Composed {
        subject,
        text,
        html: html_page(&html),
    })
}

/// The idempotency key of a flag-explained notice: one per explanation and user.
pub fn explained_key(event_id: i64, user_id: i64) -> String {
    format!("avvikelse-forklarad:{event_id}:{user_id}")
}

/// The notice to `name` in the beredningsgrupp that a flag has been explained.
pub fn explained(name: &str, explained: &crate::deviation::Explained, base_url: &str) -> Composed {
    let flag = &explained.flag;
    let rule = flag.rule_label();
    let about = flag
        .measure
        .as_ref()
        .map_or_else(String::new, |m| format!(" för {m}"));
    let initiative = &flag.initiative_name;
    let link = format!("{base_url}/avvikelser/{}", flag.id);
    let by = if explained.by.is_empty() {
        "Projektledaren".to_string()
    } else {
        explained.by.clone()
    };
    let subject = format!("Avvikelse förklarad: {rule} i {initiative}");
    let lead = format!("{by} har förklarat avvikelsen ”{rule}”{about} i ”{initiative}”.");
    let why = "Du får det här mejlet eftersom du ingår i beredningsgruppen i Utfall, som beslutar \
               om förklarade avvikelser.";
    let text = format!(
        "Hej {name}!\n\n{lead}\n\n{}\n\nLäs och besluta här:\n{link}\n{}",
        explained.text,
        footer_text(why, base_url)
    );
    let paragraphs: String = explained
        .text
        .lines()
        .map(|line| format!("{}<br>", escape(line)))
        .collect();
    let html = html_page(&format!(
        "<p>Hej {}!</p><p>{}</p><blockquote>{paragraphs}</blockquote><p><a href=\"{}\">Läs och besluta</a></p>{}",
        escape(name),
        escape(&lead),
        escape(&link),
        footer_html(why, base_url)
    ));
    Composed {
        subject,
        text,
        html,
    }
}

/// What the low-response reminder tells about one code wave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LowResponse {
    pub initiative_id: i64,
    pub initiative: String,
    pub survey_id: i64,
    pub survey: String,
    pub wave: String,
    pub closes_on: NaiveDate,
    pub codes: i64,
    pub used: i64,
    /// The configured share (per cent) below which the rate is low.
    pub percent: u32,
}

/// The idempotency key of a low-response reminder: one per wave and user.
pub fn low_response_key(wave_id: i64, user_id: i64) -> String {
    format!("enkat-svarsfrekvens:{wave_id}:{user_id}")
}

/// "Enkät med låg svarsfrekvens" to projektledare `name`.
pub fn low_response(name: &str, low: &LowResponse, base_url: &str) -> Composed {
    let rate = low.used * 100 / low.codes.max(1);
    let closes = long_date(low.closes_on);
    let link = format!(
        "{base_url}/satsningar/{}/enkater/{}",
        low.initiative_id, low.survey_id
    );
    let subject = format!(
        "Låg svarsfrekvens: {} i ”{}” stänger {closes}",
        low.wave, low.survey
    );
    let lead = format!(
        "Utskicket {} av enkäten ”{}” i ”{}” stänger {closes}. Hittills har {} av {} koder \
         använts ({rate} %), färre än {} %.",
        low.wave, low.survey, low.initiative, low.used, low.codes, low.percent
    );
    let advice = "Påminn deltagarna, dela ut kodarken igen eller för in svar från pappersenkäter \
                  innan utskicket stänger. Svaren förs över till effektmåttet när utskicket har \
                  stängt.";
    let why = format!(
        "Du får det här mejlet eftersom du är projektledare för ”{}” i Utfall och utskicket \
         stänger inom {} dagar med låg svarsfrekvens.",
        low.initiative,
        super::DAYS_BEFORE_CLOSE
    );
    let text = format!(
        "Hej {name}!\n\n{lead}\n{advice}\n\nEnkäten och dess utskick:\n{link}\n{}",
        footer_text(&why, base_url)
    );
    let html = html_page(&format!(
        "<p>Hej {}!</p><p>{}<br>{}</p><p><a href=\"{}\">Öppna enkäten {}</a></p>{}",
        escape(name),
        escape(&lead),
        escape(advice),
        escape(&link),
        escape(&low.survey),
        footer_html(&why, base_url)
    ));
    Composed {
        subject,
        text,
        html,
    }
}

/// Which half-year report reminder is due: so many days before the due date, or overdue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportStage {
    /// 30, 14 or 7 days before (the stage, not the exact days left).
    Before(i64),
    Overdue,
}

impl ReportStage {
    /// The stage in an idempotency key: "30d" … "7d" or "forsenad".
    fn key_part(self) -> String {
        match self {
            ReportStage::Before(days) => format!("{days}d"),
            ReportStage::Overdue => "forsenad".to_string(),
        }
    }
}

/// The reminder due for a report due on `due`, on `today`: the latest of
/// [`super::HALF_YEAR_DAYS_BEFORE`] that has been reached (so a job that missed the very day,
/// or a satsning decided late, still sends the stage it is in, once), or overdue within
/// [`super::HALF_YEAR_OVERDUE_WITHIN_DAYS`] after the due date.
pub fn report_stage(due: NaiveDate, today: NaiveDate) -> Option<ReportStage> {
    let left = (due - today).num_days();
    if left < 0 {
        return (-left <= super::HALF_YEAR_OVERDUE_WITHIN_DAYS).then_some(ReportStage::Overdue);
    }
    super::HALF_YEAR_DAYS_BEFORE
        .iter()
        .copied()
        .filter(|days| left <= *days)
        .min()
        .map(ReportStage::Before)
}

/// The idempotency key of a half-year report reminder: one per satsning, half-year, stage and
/// user (`rapport-paminnelse:12:2026-H2:7d:5`).
pub fn report_key(
    initiative_id: i64,
    half: crate::report::half::HalfYear,
    stage: ReportStage,
    user_id: i64,
) -> String {
    let stage = stage.key_part();
    format!("rapport-paminnelse:{initiative_id}:{half}:{stage}:{user_id}")
}

/// What the half-year report reminder tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportDue {
    pub initiative_id: i64,
    pub initiative: String,
    pub half: crate::report::half::HalfYear,
    pub due: NaiveDate,
    pub stage: ReportStage,
    /// "Utkast" or "Inte påbörjad".
    pub status: String,
}

/// The half-year report reminder to projektledare `name`.
pub fn report_due(name: &str, report: &ReportDue, today: NaiveDate, base_url: &str) -> Composed {
    let half = report.half.label();
    let initiative = &report.initiative;
    let due = long_date(report.due);
    let link = format!(
        "{base_url}/satsningar/{}/halvar/{}",
        report.initiative_id, report.half
    );
    let (subject, lead) = match report.stage {
        ReportStage::Before(_) => {
            let when = due_in(report.due, today);
            (
                format!("Påminnelse: halvårsredovisningen för {initiative} ska in {when}"),
                format!(
                    "Halvårsredovisningen för {half} i ”{initiative}” ska vara inskickad senast \
                     {due}, {when}."
                ),
            )
        }
        ReportStage::Overdue => (
            format!("Försenad: halvårsredovisningen för {initiative} är inte inskickad"),
            format!(
                "Halvårsredovisningen för {half} i ”{initiative}” skulle ha varit inskickad \
                 senast {due}. Beredningsgruppen ser den som försenad."
            ),
        ),
    };
    let status = format!(
        "Status just nu: {}. Utfall har redan fyllt i måtten, värdena och avvikelserna; du \
         skriver texterna, fyller i kostnaderna och skickar in.",
        report.status.to_lowercase()
    );
    let why = format!(
        "Du får det här mejlet eftersom du är projektledare för ”{initiative}” i Utfall och \
         halvårsredovisningen för {half} inte är inskickad."
    );
    let text = format!(
        "Hej {name}!\n\n{lead}\n{status}\n\nSkriv och skicka in här:\n{link}\n{}",
        footer_text(&why, base_url)
    );
    let html = html_page(&format!(
        "<p>Hej {}!</p><p>{}<br>{}</p><p><a href=\"{}\">Halvårsredovisningen för {}</a></p>{}",
        escape(name),
        escape(&lead),
        escape(&status),
        escape(&link),
        escape(&half),
        footer_html(&why, base_url)
    ));
    Composed {
        subject,
        text,
        html,
    }
}

/// "i dag", "i morgon" or "om 12 dagar" until `due`.
fn due_in(due: NaiveDate, today: NaiveDate) -> String {
    match (due - today).num_days() {
        0 => "i dag".to_string(),
        1 => "i morgon".to_string(),
        n => format!("om {n} dagar"),
    }
}

/// The idempotency key of a follow-up reminder: one per satsning, stage and user
/// (`uppfoljning-paminnelse:12:14d:5`).
pub fn follow_up_key(initiative_id: i64, stage: ReportStage, user_id: i64) -> String {
    let stage = stage.key_part();
    format!("uppfoljning-paminnelse:{initiative_id}:{stage}:{user_id}")
}

/// What the follow-up reminder tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUpDue {
    pub initiative_id: i64,
    pub initiative: String,
    pub due: NaiveDate,
    pub stage: ReportStage,
    /// "Utkast" or "Inte påbörjad".
    pub status: String,
}

/// The reminder of an uppföljande utvärdering to `name` (a projektledare of the satsning or
/// a member of the utvärderingsteam).
pub fn follow_up_due(
    name: &str,
    follow_up: &FollowUpDue,
    today: NaiveDate,
    base_url: &str,
) -> Composed {
    let initiative = &follow_up.initiative;
    let due = long_date(follow_up.due);
    let link = format!(
        "{base_url}/satsningar/{}/uppfoljning",
        follow_up.initiative_id
    );
    let (subject, lead) = match follow_up.stage {
        ReportStage::Before(_) => {
            let when = due_in(follow_up.due, today);
            (
                format!("Påminnelse: den uppföljande utvärderingen av {initiative} ska in {when}"),
                format!(
                    "Den uppföljande utvärderingen av ”{initiative}” ska vara inskickad senast \
                     {due}, {when}."
                ),
            )
        }
        ReportStage::Overdue => (
            format!("Försenad: den uppföljande utvärderingen av {initiative} är inte inskickad"),
            format!(
                "Den uppföljande utvärderingen av ”{initiative}” skulle ha varit inskickad \
                 senast {due}."
            ),
        ),
    };
    let status = format!(
        "Status just nu: {}. Utfall visar redan effektmåtten efter avslut; ni skriver vilka \
         effekter som höll i sig och anger hur varje metod har implementerats.",
        follow_up.status.to_lowercase()
    );
    let why = format!(
        "Du får det här mejlet eftersom du är projektledare för ”{initiative}” eller hör till \
         utvärderingsteamet i Utfall, och den uppföljande utvärderingen inte är inskickad."
    );
    let text = format!(
        "Hej {name}!\n\n{lead}\n{status}\n\nSkriv och skicka in här:\n{link}\n{}",
        footer_text(&why, base_url)
    );
    let html = html_page(&format!(
        "<p>Hej {}!</p><p>{}<br>{}</p><p><a href=\"{}\">Den uppföljande utvärderingen av {}</a></p>{}",
        escape(name),
        escape(&lead),
        escape(&status),
        escape(&link),
        escape(initiative),
        footer_html(&why, base_url)
    ));
    Composed {
        subject,
        text,
        html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn november(urgency: Urgency) -> ToDo {
        ToDo {
            period: Period::new(2026, 11).unwrap(),
            urgency,
            started: false,
            due: date(2026, 12, 10),
            open_until: date(2026, 12, 20),
        }
    }

    #[test]
    fn due_months_wait_until_three_days_before_and_late_ones_are_always_reminded() {
        let due = november(Urgency::Due);
        assert!(!worth_reminding(&due, date(2026, 12, 6)));
        assert!(worth_reminding(&due, date(2026, 12, 7)));
        assert!(worth_reminding(
            &november(Urgency::Late),
            date(2026, 12, 11)
        ));
    }

    #[test]
    fn the_monthly_mail_links_to_the_month_and_says_why() {
        let mail = monthly(
            "Anna <Berg>",
            12,
            "Skolfam & co",
            &november(Urgency::Late),
            "https://utfall.orebro.se",
        );
        assert_eq!(
            mail.subject,
            "Försenad: november 2026 för Skolfam & co är inte inrapporterad"
        );
        assert!(
            mail.text
                .contains("https://utfall.orebro.se/satsningar/12/rapportera/2026-11")
        );
        assert!(mail.text.contains("20 december 2026"));
        assert!(mail.text.contains("projektledare för ”Skolfam & co”"));
        assert!(mail.text.contains("https://utfall.orebro.se/profil"));
        assert!(mail.html.contains("Anna &lt;Berg&gt;"));
        assert!(mail.html.contains("Skolfam &amp; co"));
        assert!(!mail.html.contains("<Berg>"));
        assert_eq!(
            monthly_key(12, november(Urgency::Due).period, Urgency::Due, 7),
            "manad-paminnelse:12:2026-11:7"
        );
    }

    #[test]
    fn an_empty_digest_is_no_mail() {
        let week = date(2026, 12, 7).iso_week();
        let empty = DigestSection {
            heading: "Försenade månader".into(),
            items: vec![],
        };
        assert_eq!(
            digest("Bo", week, std::slice::from_ref(&empty), "http://x.se"),
            None
        );
        let late = DigestSection {
            heading: "Försenade månader".into(),
            items: vec![DigestItem {
                text: "Skolfam: november 2026".into(),
                path: "/satsningar/3/rapportera".into(),
            }],
        };
        let mail = digest("Bo", week, &[empty, late], "http://x.se").unwrap();
        assert_eq!(mail.subject, "Veckobrev från Utfall, vecka 50");
        assert!(mail.text.contains("http://x.se/satsningar/3/rapportera"));
        assert!(mail.text.contains("beredningsgruppen"));
        assert_eq!(digest_key(1, week, 5), "veckobrev:1:2026-V50:5");
    }

    #[test]
    fn the_explained_notice_quotes_the_explanation_and_links_to_the_flag() {
        let flag = crate::deviation::FlagSummary {
            id: 9,
            initiative_id: 3,
            initiative_name: "Skolfam & co".into(),
            is_example: false,
            measure_id: Some(4),
            measure: Some("E1 Andel <godkända>".into()),
            rule: "utanfor_mal".into(),
            window: "2026-10".into(),
            severity: crate::deviation::Severity::Red,
            status: crate::deviation::FlagStatus::Explained,
            explanation: String::new(),
            decision: None,
            opened_at: chrono::DateTime::UNIX_EPOCH,
            updated_at: chrono::DateTime::UNIX_EPOCH,
            opened_text: String::new(),
        };
        let notice = crate::deviation::Explained {
            event_id: 21,
            flag,
            by: "Anna Berg".into(),
            text: "Sjukskrivning\nPlanerad åtgärd: <ny> personal".into(),
        };
        let mail = explained("Bo", &notice, "http://x.se");
        assert_eq!(
            mail.subject,
            format!(
                "Avvikelse förklarad: {} i Skolfam & co",
                notice.flag.rule_label()
            )
        );
        assert!(mail.text.contains("Anna Berg har förklarat avvikelsen"));
        assert!(
            mail.text
                .contains("för E1 Andel <godkända> i ”Skolfam & co”")
        );
        assert!(mail.text.contains("Planerad åtgärd: <ny> personal"));
        assert!(mail.text.contains("http://x.se/avvikelser/9"));
        assert!(mail.html.contains("&lt;ny&gt; personal<br>"));
        assert!(!mail.html.contains("<ny>"));
        assert_eq!(explained_key(21, 5), "avvikelse-forklarad:21:5");
    }

    #[test]
    fn a_report_is_reminded_of_at_30_14_and_7_days_and_once_when_late() {
        let due = date(2027, 2, 28);
        let stage = |d: NaiveDate| report_stage(due, d);
        assert_eq!(stage(date(2027, 1, 28)), None, "31 days before");
        assert_eq!(stage(date(2027, 1, 29)), Some(ReportStage::Before(30)));
        assert_eq!(stage(date(2027, 2, 13)), Some(ReportStage::Before(30)));
        assert_eq!(stage(date(2027, 2, 14)), Some(ReportStage::Before(14)));
        assert_eq!(stage(date(2027, 2, 21)), Some(ReportStage::Before(7)));
        assert_eq!(stage(due), Some(ReportStage::Before(7)), "due today");
        assert_eq!(stage(date(2027, 3, 1)), Some(ReportStage::Overdue));
        assert_eq!(stage(date(2027, 3, 30)), Some(ReportStage::Overdue));
        assert_eq!(
            stage(date(2027, 3, 31)),
            None,
            "the flag carries it from here"
        );
        let half = crate::report::half::HalfYear::parse("2026-H2").unwrap();
        assert_eq!(
            report_key(12, half, ReportStage::Before(7), 5),
            "rapport-paminnelse:12:2026-H2:7d:5"
        );
        assert_eq!(
            report_key(12, half, ReportStage::Overdue, 5),
            "rapport-paminnelse:12:2026-H2:forsenad:5"
        );
    }

    #[test]
    fn the_report_mail_says_when_links_to_the_report_and_says_why() {
        let report = ReportDue {
            initiative_id: 12,
            initiative: "Skolfam & co".into(),
            half: crate::report::half::HalfYear::parse("2026-H2").unwrap(),
            due: date(2027, 2, 28),
            stage: ReportStage::Before(14),
            status: "Utkast".into(),
        };
        let mail = report_due("Anna <Berg>", &report, date(2027, 2, 16), "https://u.se");
        assert_eq!(
            mail.subject,
            "Påminnelse: halvårsredovisningen för Skolfam & co ska in om 12 dagar"
        );
        assert!(mail.text.contains("juli–december 2026 i ”Skolfam & co”"));
        assert!(mail.text.contains("senast 28 februari 2027, om 12 dagar"));
        assert!(mail.text.contains("Status just nu: utkast."));
        assert!(
            mail.text
                .contains("https://u.se/satsningar/12/halvar/2026-H2")
        );
        assert!(mail.text.contains("https://u.se/profil"));
        assert!(mail.html.contains("Anna &lt;Berg&gt;") && !mail.html.contains("<Berg>"));
        let late = ReportDue {
            stage: ReportStage::Overdue,
            ..report
        };
        let mail = report_due("Anna", &late, date(2027, 3, 2), "https://u.se");
        assert_eq!(
            mail.subject,
            "Försenad: halvårsredovisningen för Skolfam & co är inte inskickad"
        );
        assert!(
            mail.text
                .contains("skulle ha varit inskickad senast 28 februari 2027")
        );
    }
}
