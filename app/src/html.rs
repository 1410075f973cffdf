//! Stored text in raw-text elements: the one safe way to fill `<title>` and `<textarea>`.
//!
//! Leptos 0.8 writes the children of `<textarea>` (and the document title collected by
//! `leptos_meta`) into the server's HTML without escaping them, because the HTML parser reads
//! those elements' content as text up to their end tag. Stored text containing `</textarea>` or
//! `</title>` would therefore end the element early and plant live markup that every other role
//! then renders. In the browser the same text becomes a text node (or `document.title`) and is
//! harmless, so escaping happens only when rendering HTML on the server.
//!
//! Pages use [`PageTitle`] and [`TextArea`]; a unit test below keeps `leptos_meta::Title` and the
//! `<textarea>` element out of every other source file.

use leptos::prelude::*;

/// `text` made safe as the content of a raw-text element in server-rendered HTML; unchanged in
/// the browser, where it becomes a text node.
///
/// The HTML parser decodes character references in `<textarea>` and `<title>`, so the escaped
/// text reads exactly as stored. It also drops one newline right after `<textarea>`; a leading
/// newline therefore gets one extra, so it survives a round trip through the form.
pub fn raw_text(text: &str) -> String {
    if cfg!(feature = "ssr") {
        escape_raw_text(text)
    } else {
        text.to_string()
    }
}

/// The escaping [`raw_text`] applies on the server.
fn escape_raw_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    if text.starts_with('\n') {
        out.push('\n');
    }
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// `text` safe inside elements and attribute values of HTML, SVG and XML written by hand (mails,
/// charts, code sheets, Word files): the five markup characters as references, and the control
/// characters XML 1.0 forbids dropped (tab, newline and carriage return stay).
pub fn escape_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// The page's title (the document title shows "{text} – Utfall"); `text` may be stored text.
#[component]
pub fn PageTitle(#[prop(into)] text: String) -> impl IntoView {
    view! { <leptos_meta::Title text=raw_text(&text)/> }
}

/// Sets how every page title is written: "{page} – Utfall". Used once, in the app's root.
#[component]
pub fn TitleFormat() -> impl IntoView {
    view! { <leptos_meta::Title formatter=|page: String| format!("{page} – Utfall")/> }
}

/// A `<textarea>` holding `value` (may be stored text).
#[component]
pub fn TextArea(
    /// `id` of the element (labels point at it).
    #[prop(into)]
    id: String,
    /// `name` of the form field.
    #[prop(into)]
    name: String,
    value: String,
    #[prop(default = 4)] rows: u32,
    /// `aria-invalid`, set when the field was rejected.
    #[prop(optional_no_strip)]
    invalid: Option<&'static str>,
    /// `aria-describedby`: the ids of the field's hint and error.
    #[prop(optional_no_strip)]
    described_by: Option<String>,
) -> impl IntoView {
    view! {
        <textarea id=id name=name rows=rows aria-invalid=invalid aria-describedby=described_by>{raw_text(&value)}</textarea>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_markup_quotes_the_markup_characters_and_drops_forbidden_controls() {
        assert_eq!(
            escape_markup("<b title=\"a\" id='x'>Ö & \u{1}\u{b}ja\tnej\n</b>"),
            "&lt;b title=&quot;a&quot; id=&#39;x&#39;&gt;Ö &amp; ja\tnej\n&lt;/b&gt;"
        );
    }

    #[test]
    fn raw_text_escapes_every_end_tag_and_reference() {
        assert_eq!(
            escape_raw_text("a</textarea><b>&amp;"),
            "a&lt;/textarea&gt;&lt;b&gt;&amp;amp;"
        );
        assert_eq!(escape_raw_text("</title>"), "&lt;/title&gt;");
        assert_eq!(escape_raw_text("\nrad"), "\n\nrad");
        assert_eq!(escape_raw_text("vanlig text, 60 %"), "vanlig text, 60 %");
    }

    /// No page writes a raw-text element itself: it would bypass [`raw_text`].
    #[test]
    fn raw_text_elements_only_here() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut offenders = Vec::new();
        visit(&src, &mut |path, text| {
            if path.ends_with("html.rs") {
                return;
            }
            for (n, line) in text.lines().enumerate() {
                if line.trim_start().starts_with("//") {
                    continue;
                }
                if line.contains("<textarea")
                    || line.contains("<Title")
                    || line.contains("leptos_meta::Title")
                    || line.contains("meta::{Title")
                    || (line.contains("use leptos_meta::") && line.contains("Title"))
                {
                    offenders.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                }
            }
        });
        assert!(
            offenders.is_empty(),
            "use crate::html::{{PageTitle, TextArea}} instead:\n{}",
            offenders.join("\n")
        );
    }

    fn visit(dir: &std::path::Path, check: &mut impl FnMut(&std::path::Path, &str)) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                visit(&path, check);
            } else if path.extension().is_some_and(|e| e == "rs") {
                check(&path, &std::fs::read_to_string(&path).unwrap());
            }
        }
    }
}
