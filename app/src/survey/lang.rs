//! Språk: the languages a participant can answer a survey in — Swedish, English and Arabic
//! (written right to left) — and the participant page's fixed words in each. A survey's own
//! texts (title, questions, options…) are translated in the builder ([`SurveyTexts`],
//! [`QuestionTexts`]); an empty translation falls back to the Swedish text. Answers are stored
//! as option numbers, so they are the same whatever language they were given in.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Språk: a language of the participant page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    Sv,
    En,
    Ar,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Sv, Lang::En, Lang::Ar];
    /// The languages a builder translates into.
    pub const TRANSLATED: [Lang; 2] = [Lang::En, Lang::Ar];

    /// The BCP 47 code, also the `?sprak=` value.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Sv => "sv",
            Lang::En => "en",
            Lang::Ar => "ar",
        }
    }

    /// `?sprak=en` → English; anything unknown or missing is Swedish.
    pub fn from_query(raw: Option<&str>) -> Lang {
        match raw.map(str::trim) {
            Some("en") => Lang::En,
            Some("ar") => Lang::Ar,
            _ => Lang::Sv,
        }
    }

    /// `Some("rtl")` for a language written right to left.
    pub fn dir(self) -> Option<&'static str> {
        (self == Lang::Ar).then_some("rtl")
    }

    /// The language's name in itself, for the language choice.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Sv => "Svenska",
            Lang::En => "English",
            Lang::Ar => "العربية",
        }
    }

    /// The language's name in Swedish, for the builder.
    pub fn swedish_name(self) -> &'static str {
        match self {
            Lang::Sv => "svenska",
            Lang::En => "engelska",
            Lang::Ar => "arabiska",
        }
    }

    /// `?sprak=…` for links and form actions; empty for Swedish (the plain address).
    pub fn query(self) -> String {
        match self {
            Lang::Sv => String::new(),
            other => format!("?sprak={}", other.code()),
        }
    }

    /// A date as participants read it: "2 december 2026", "2 December 2026", "2026-12-02".
    pub fn date(self, date: NaiveDate) -> String {
        match self {
            Lang::Sv => crate::sv::date::long_date(date),
            Lang::En => format!("{} {}", date.day(), date.format("%B %Y")),
            Lang::Ar => date.format("%Y-%m-%d").to_string(),
        }
    }

    /// A number as participants read it (Swedish with a decimal comma).
    pub fn number(self, n: f64) -> String {
        match self {
            Lang::Sv => crate::sv::number::format_decimal(n),
            _ => {
                let text = format!("{n}");
                text.strip_suffix(".0").map(str::to_string).unwrap_or(text)
            }
        }
    }

    /// The participant page's fixed words in this language.
    pub fn words(self) -> &'static Words {
        match self {
            Lang::Sv => &SV,
            Lang::En => &EN,
            Lang::Ar => &AR,
        }
    }
}

/// The participant page's fixed words: buttons, progress, required marks, messages.
#[derive(Debug)]
pub struct Words {
    pub page_title: &'static str,
    pub language_choice: &'static str,
    /// "Fråga {n} av {of}": the parts around the numbers.
    pub question: &'static str,
    pub of: &'static str,
    pub required: &'static str,
    pub optional: &'static str,
    /// "{of} frågor. …": after the number.
    pub count: &'static str,
    pub anonymous: &'static str,
    pub several: &'static str,
    pub your_number: &'static str,
    pub your_answer: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub send: &'static str,
    pub fix_below: &'static str,
    pub choose_one: &'static str,
    pub choose_among: &'static str,
    pub needs_answer: &'static str,
    pub write_number: &'static str,
    pub unknown_questions: &'static str,
    pub thanks_title: &'static str,
    pub thanks_text: &'static str,
    pub used_code: &'static str,
    /// A panel code that has answered this wave: it works again in the next one.
    pub panel_used: &'static str,
    pub wrong_form: &'static str,
}

static SV: Words = Words {
    page_title: "Enkät",
    language_choice: "Språk",
    question: "Fråga",
    of: "av",
    required: " (måste besvaras)",
    optional: " (frivillig)",
    count: "frågor. Frågor som är frivilliga kan du hoppa över.",
    anonymous: "Dina svar är anonyma. Ingen kan se vem som har svarat vad.",
    several: "Du kan välja flera.",
    your_number: "Ditt svar (ett tal)",
    your_answer: "Ditt svar",
    yes: "Ja",
    no: "Nej",
    send: "Skicka svaren",
    fix_below: "Rätta uppgifterna nedan och försök igen.",
    choose_one: "Välj ett av svarsalternativen.",
    choose_among: "Välj bland svarsalternativen.",
    needs_answer: "Frågan behöver ett svar.",
    write_number: "Skriv ett tal, till exempel 12.",
    unknown_questions: "Formuläret innehöll svar på frågor som inte finns i enkäten. Ladda om sidan och försök igen.",
    thanks_title: "Tack för dina svar!",
    thanks_text: "Dina svar är sparade. Du kan stänga sidan nu.",
    used_code: "Den här koden har redan använts för att svara. Varje kod kan bara användas en gång. Tack för att du svarade!",
    panel_used: "Du har redan svarat på det här utskicket med din kod. Tack! Spara koden: du använder den igen nästa gång enkäten skickas ut.",
    wrong_form: "Formuläret hör inte till den här enkäten. Öppna länken igen och svara där.",
};

static EN: Words = Words {
    page_title: "Survey",
    language_choice: "Language",
    question: "Question",
    of: "of",
    required: " (required)",
    optional: " (optional)",
    count: "questions. You may skip the optional ones.",
    anonymous: "Your answers are anonymous. No one can see who answered what.",
    several: "You can choose more than one.",
    your_number: "Your answer (a number)",
    your_answer: "Your answer",
    yes: "Yes",
    no: "No",
    send: "Send your answers",
    fix_below: "Please correct the answers below and try again.",
    choose_one: "Choose one of the options.",
    choose_among: "Choose among the options.",
    needs_answer: "This question needs an answer.",
    write_number: "Write a number, for example 12.",
    unknown_questions: "The form had answers to questions that are not in the survey. Reload the page and try again.",
    thanks_title: "Thank you for your answers!",
    thanks_text: "Your answers are saved. You can close the page now.",
    used_code: "This code has already been used to answer. Each code can only be used once. Thank you for answering!",
    panel_used: "You have already answered this round with your code. Thank you! Keep the code: you will use it again the next time the survey is sent out.",
    wrong_form: "The form does not belong to this survey. Open the link again and answer there.",
};

static AR: Words = Words {
    page_title: "استبيان",
    language_choice: "اللغة",
    question: "السؤال",
    of: "من",
    required: " (إجباري)",
    optional: " (اختياري)",
    count: "أسئلة. يمكنك تخطي الأسئلة الاختيارية.",
    anonymous: "إجاباتك مجهولة الهوية. لا يستطيع أحد أن يعرف من أجاب بماذا.",
    several: "يمكنك اختيار أكثر من إجابة.",
    your_number: "إجابتك (رقم)",
    your_answer: "إجابتك",
    yes: "نعم",
    no: "لا",
    send: "أرسل إجاباتك",
    fix_below: "يرجى تصحيح الإجابات أدناه والمحاولة مرة أخرى.",
    choose_one: "اختر أحد الخيارات.",
    choose_among: "اختر من بين الخيارات.",
    needs_answer: "هذا السؤال يحتاج إلى إجابة.",
    write_number: "اكتب رقماً، مثلاً 12.",
    unknown_questions: "يحتوي النموذج على إجابات لأسئلة غير موجودة في الاستبيان. أعد تحميل الصفحة وحاول مرة أخرى.",
    thanks_title: "شكراً على إجاباتك!",
    thanks_text: "تم حفظ إجاباتك. يمكنك إغلاق الصفحة الآن.",
    used_code: "تم استخدام هذا الرمز للإجابة من قبل. يمكن استخدام كل رمز مرة واحدة فقط. شكراً لإجابتك!",
    panel_used: "لقد أجبت بالفعل على هذه الجولة باستخدام رمزك. شكراً! احتفظ بالرمز: ستستخدمه مرة أخرى عند إرسال الاستبيان في المرة القادمة.",
    wrong_form: "هذا النموذج لا ينتمي إلى هذا الاستبيان. افتح الرابط مرة أخرى وأجب هناك.",
};

impl Words {
    /// "Fråga 3 av 8".
    pub fn progress(&self, number: usize, of: usize) -> String {
        format!("{} {number} {} {of}", self.question, self.of)
    }
}

/// The range message of a number question: "Svara med ett tal från 0 till 120."
pub fn range_message(lang: Lang, min: Option<f64>, max: Option<f64>) -> String {
    let n = |v: f64| lang.number(v);
    match (lang, min, max) {
        (Lang::Sv, Some(lo), Some(hi)) => {
            format!("Svara med ett tal från {} till {}.", n(lo), n(hi))
        }
        (Lang::Sv, Some(lo), None) => format!("Svara med ett tal som är minst {}.", n(lo)),
        (Lang::Sv, None, Some(hi)) => format!("Svara med ett tal som är högst {}.", n(hi)),
        (Lang::Sv, None, None) => "Skriv ett tal.".into(),
        (Lang::En, Some(lo), Some(hi)) => {
            format!("Answer with a number from {} to {}.", n(lo), n(hi))
        }
        (Lang::En, Some(lo), None) => format!("Answer with a number of at least {}.", n(lo)),
        (Lang::En, None, Some(hi)) => format!("Answer with a number of at most {}.", n(hi)),
        (Lang::En, None, None) => "Write a number.".into(),
        (Lang::Ar, Some(lo), Some(hi)) => format!("أجب برقم من {} إلى {}.", n(lo), n(hi)),
        (Lang::Ar, Some(lo), None) => format!("أجب برقم لا يقل عن {}.", n(lo)),
        (Lang::Ar, None, Some(hi)) => format!("أجب برقم لا يزيد عن {}.", n(hi)),
        (Lang::Ar, None, None) => "اكتب رقماً.".into(),
    }
}

/// "Svaret får vara högst 2000 tecken."
pub fn too_long_message(lang: Lang, max: usize) -> String {
    match lang {
        Lang::Sv => format!("Svaret får vara högst {max} tecken. Korta det lite."),
        Lang::En => format!("The answer may be at most {max} characters. Please shorten it."),
        Lang::Ar => format!("يجب ألا تزيد الإجابة عن {max} حرف. يرجى اختصارها."),
    }
}

/// The calm message of a wave that is not open: it opens on `date`.
pub fn opens_message(lang: Lang, date: NaiveDate) -> String {
    let date = lang.date(date);
    match lang {
        Lang::Sv => format!("Enkäten öppnar {date}. Välkommen tillbaka då."),
        Lang::En => format!("The survey opens on {date}. Welcome back then."),
        Lang::Ar => format!("يفتح الاستبيان في {date}. مرحباً بك حينها."),
    }
}

/// The calm message of a wave that closed on `date`.
pub fn closed_message(lang: Lang, date: NaiveDate) -> String {
    let date = lang.date(date);
    match lang {
        Lang::Sv => format!(
            "Enkäten stängde {date}. Det går inte längre att svara. Tack för att du ville hjälpa till."
        ),
        Lang::En => format!(
            "The survey closed on {date}. It is no longer possible to answer. Thank you for wanting to help."
        ),
        Lang::Ar => {
            format!("أُغلق الاستبيان في {date}. لم يعد من الممكن الإجابة. شكراً لرغبتك في المساعدة.")
        }
    }
}

/// Översättning of a survey's own texts into one language; empty = the Swedish text.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SurveyTexts {
    pub title: String,
    pub intro: String,
}

/// Översättning of a question's texts into one language; empty = the Swedish text. `options`
/// is empty or has as many choices as the Swedish, in the same order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct QuestionTexts {
    pub text: String,
    pub help: String,
    pub low_label: String,
    pub high_label: String,
    pub options: Vec<String>,
}

/// A survey's translation into one language, checked and ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct Translation {
    pub lang: Lang,
    pub survey: SurveyTexts,
    /// (question id, its texts), for the survey's own questions only.
    pub questions: Vec<(i64, QuestionTexts)>,
}

/// `translated`, or `swedish` when it is empty.
pub fn or_swedish(translated: &str, swedish: &str) -> String {
    if translated.trim().is_empty() {
        swedish.to_string()
    } else {
        translated.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_picks_a_language_and_anything_else_is_swedish() {
        assert_eq!(Lang::from_query(Some("ar")), Lang::Ar);
        assert_eq!(Lang::from_query(Some("en")), Lang::En);
        assert_eq!(Lang::from_query(Some("fr")), Lang::Sv);
        assert_eq!(Lang::from_query(None), Lang::Sv);
        assert_eq!(Lang::Ar.dir(), Some("rtl"));
        assert_eq!(Lang::En.dir(), None);
        assert_eq!(Lang::Sv.query(), "");
        assert_eq!(Lang::Ar.query(), "?sprak=ar");
    }

    #[test]
    fn fixed_words_exist_in_every_language() {
        for lang in Lang::ALL {
            let w = lang.words();
            for text in [
                w.page_title,
                w.question,
                w.required,
                w.optional,
                w.send,
                w.fix_below,
                w.needs_answer,
                w.thanks_title,
                w.used_code,
                w.panel_used,
            ] {
                assert!(!text.trim().is_empty(), "{lang:?}");
            }
        }
        assert_eq!(Lang::Sv.words().progress(3, 8), "Fråga 3 av 8");
        assert_eq!(Lang::En.words().progress(3, 8), "Question 3 of 8");
        assert_eq!(Lang::Ar.words().progress(3, 8), "السؤال 3 من 8");
    }

    #[test]
    fn dates_and_ranges_read_in_the_language() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        assert_eq!(Lang::Sv.date(day), "2 december 2026");
        assert_eq!(Lang::En.date(day), "2 December 2026");
        assert_eq!(Lang::Ar.date(day), "2026-12-02");
        assert_eq!(
            range_message(Lang::Sv, Some(0.5), Some(120.0)),
            "Svara med ett tal från 0,5 till 120."
        );
        assert_eq!(
            range_message(Lang::En, Some(0.5), Some(120.0)),
            "Answer with a number from 0.5 to 120."
        );
        assert_eq!(or_swedish(" ", "Ja"), "Ja");
        assert_eq!(or_swedish("Yes", "Ja"), "Yes");
    }
}
