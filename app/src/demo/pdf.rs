//! Small example documents for the demo (pure): a one-page PDF of plain text — a heading and a
//! few paragraphs in Helvetica on A4 — written by hand, since a page of text needs no PDF
//! library. It is tagged (a structure tree with a heading and paragraphs, language sv-SE, the
//! title shown as the window title), so a screen reader can read it, and its text is in
//! WinAnsiEncoding, which holds the Swedish letters.

/// One block of the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Block<'a> {
    /// The page's heading (tagged H1).
    Heading(&'a str),
    /// A paragraph (tagged P), wrapped to the page's width.
    Paragraph(&'a str),
}

/// Characters per line of a paragraph (Helvetica 11 pt on A4 with 2 cm margins).
const LINE_CHARS: usize = 84;

/// A one-page tagged PDF with `title` (document title) and `blocks` as its text.
pub fn pdf(title: &str, blocks: &[Block]) -> Vec<u8> {
    let mut content = Vec::new();
    let mut y = 780;
    for (mcid, block) in blocks.iter().enumerate() {
        let (tag, font, size, leading, text) = match block {
            Block::Heading(text) => ("H1", "F2", 16, 22, *text),
            Block::Paragraph(text) => ("P", "F1", 11, 15, *text),
        };
        let lines = wrap(text, LINE_CHARS);
        content.extend(
            format!("/{tag} <</MCID {mcid}>> BDC\nBT /{font} {size} Tf {leading} TL 56 {y} Td\n")
                .bytes(),
        );
        for (i, line) in lines.iter().enumerate() {
            if i > 0 {
                content.extend(b"T* ");
            }
            content.push(b'(');
            content.extend(pdf_text(line));
            content.extend(b") Tj\n");
        }
        content.extend(b"ET\nEMC\n");
        y -= leading * lines.len() as i32 + 10;
    }

    // Objects 1–9 are fixed; the struct elements of the blocks follow from 10, the info last.
    let first_element = 10;
    let elements: Vec<String> = (0..blocks.len())
        .map(|i| format!("{} 0 R", first_element + i))
        .collect();
    let kids = elements.join(" ");
    let mut objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R /StructTreeRoot 7 0 R /MarkInfo << /Marked true >> \
          /Lang (sv-SE) /ViewerPreferences << /DisplayDocTitle true >> >>"
            .to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /StructParents 0 \
          /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>"
            .to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
            .to_vec(),
        [
            format!("<< /Length {} >>\nstream\n", content.len()).as_bytes(),
            &content,
            b"\nendstream",
        ]
        .concat(),
        b"<< /Type /StructTreeRoot /K 8 0 R /ParentTree 9 0 R /ParentTreeNextKey 1 >>".to_vec(),
        format!("<< /Type /StructElem /S /Document /P 7 0 R /K [{kids}] >>").into_bytes(),
        format!("<< /Nums [0 [{kids}]] >>").into_bytes(),
    ];
    for (mcid, block) in blocks.iter().enumerate() {
        let tag = match block {
            Block::Heading(_) => "H1",
            Block::Paragraph(_) => "P",
        };
        objects.push(
            format!("<< /Type /StructElem /S /{tag} /P 8 0 R /Pg 3 0 R /K {mcid} >>").into_bytes(),
        );
    }
    let info = objects.len() + 1;
    objects.push(
        format!(
            "<< /Title {} /Producer (Utfall, exempeldata) >>",
            utf16_text(title)
        )
        .into_bytes(),
    );

    // The header's second line has bytes above 127, so tools treat the file as binary.
    let mut out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n", i + 1).bytes());
        out.extend(body);
        out.extend(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).bytes());
    for offset in offsets {
        out.extend(format!("{offset:010} 00000 n \n").bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R /Info {info} 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .bytes(),
    );
    out
}

/// Splits `text` into lines of at most `width` characters, at spaces (a longer word keeps its
/// own line).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// `text` as the bytes of a PDF literal string in WinAnsiEncoding: Latin-1 letters as they
/// are, dashes and quotes at their WinAnsi places, `(`, `)` and `\` escaped, anything else `?`.
fn pdf_text(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for c in text.chars() {
        let byte = match c {
            '(' | ')' | '\\' => {
                out.push(b'\\');
                c as u8
            }
            ' '..='~' => c as u8,
            '\u{a0}'..='\u{ff}' => c as u32 as u8,
            '–' => 0x96,
            '—' => 0x97,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '…' => 0x85,
            _ => b'?',
        };
        out.push(byte);
    }
    out
}

/// `text` as a PDF text string in UTF-16BE (hex, with its byte-order mark): exact for any
/// title.
fn utf16_text(text: &str) -> String {
    let mut hex = String::from("<FEFF");
    for unit in text.encode_utf16() {
        hex.push_str(&format!("{unit:04X}"));
    }
    hex.push('>');
    hex
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> Vec<u8> {
        pdf(
            "Slutrapport – Skolfam (exempeldata)",
            &[
                Block::Heading("Slutrapport: Skolfam"),
                Block::Paragraph("EXEMPELDATA – det här är inte satsningens verkliga rapport."),
                Block::Paragraph(&"Långa rader (med parenteser) bryts vid mellanslag. ".repeat(6)),
            ],
        )
    }

    fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
        haystack.windows(needle.len()).position(|w| w == needle)
    }

    #[test]
    fn the_document_feature_recognises_it_as_a_pdf() {
        let bytes = example();
        assert!(bytes.starts_with(b"%PDF-1.7\n"));
        assert!(bytes.ends_with(b"%%EOF\n"));
        assert_eq!(
            crate::document::sniff(&bytes),
            Some(crate::document::FileType::Pdf)
        );
    }

    #[test]
    fn every_cross_reference_points_at_its_object_and_the_stream_length_is_right() {
        let bytes = example();
        let text = String::from_utf8_lossy(&bytes);
        let start: usize = text
            .rsplit("startxref\n")
            .next()
            .and_then(|rest| rest.lines().next())
            .and_then(|n| n.parse().ok())
            .unwrap();
        assert!(bytes[start..].starts_with(b"xref\n0 "));
        let table = std::str::from_utf8(&bytes[start..]).unwrap();
        let entries: Vec<&str> = table
            .lines()
            .skip(3)
            .take_while(|l| l.ends_with(" n "))
            .collect();
        assert!(entries.len() >= 12, "{} objects", entries.len());
        for (i, entry) in entries.iter().enumerate() {
            assert_eq!(entry.len() + 1, 20, "an entry is 20 bytes with its newline");
            let offset: usize = entry[..10].parse().unwrap();
            let header = format!("{} 0 obj\n", i + 1);
            assert!(
                bytes[offset..].starts_with(header.as_bytes()),
                "object {}",
                i + 1
            );
        }
        let stream = find(&bytes, b"stream\n").unwrap() + 7;
        let end = find(&bytes, b"\nendstream").unwrap();
        let declared = find(&bytes, b"/Length ").unwrap() + 8;
        let length: String = bytes[declared..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .map(|b| *b as char)
            .collect();
        assert_eq!(length.parse::<usize>().unwrap(), end - stream);
    }

    #[test]
    fn it_is_tagged_in_swedish_with_one_structure_element_per_block() {
        let bytes = example();
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("/MarkInfo << /Marked true >>"));
        assert!(text.contains("/Lang (sv-SE)"));
        assert!(text.contains("/DisplayDocTitle true"));
        assert_eq!(text.matches("/MCID ").count(), 3);
        assert_eq!(text.matches("/S /H1 ").count(), 1);
        assert_eq!(text.matches("/S /P ").count(), 2);
        // The title in UTF-16: "S" "l" … and the en dash as 2013.
        assert!(text.contains("/Title <FEFF0053006C"));
        assert!(text.contains("2013"));
    }

    #[test]
    fn swedish_letters_and_dashes_are_winansi_and_parentheses_are_escaped() {
        assert_eq!(
            pdf_text("Åäö – (x) \\"),
            b"\xc5\xe4\xf6 \x96 \\(x\\) \\\\".to_vec()
        );
        assert_eq!(pdf_text("→"), b"?".to_vec());
        let bytes = example();
        assert!(find(&bytes, b"(EXEMPELDATA \x96 det h\xe4r").is_some());
    }

    #[test]
    fn long_paragraphs_wrap_at_spaces() {
        let lines = wrap(&"ord ".repeat(50), 20);
        assert!(lines.iter().all(|l| l.chars().count() <= 20));
        assert_eq!(lines.join(" "), "ord ".repeat(50).trim_end());
        assert_eq!(wrap("", 20), [""]);
        assert_eq!(
            wrap("ettmycketlångtord kort", 5),
            ["ettmycketlångtord", "kort"]
        );
        let bytes = example();
        assert!(
            find(&bytes, b"T* (").is_some(),
            "the long paragraph has several lines"
        );
    }
}
