//! CSV as Swedish Excel reads and writes it, as a thin layer over the `csv` crate (server only).
//!
//! Reading ([`parse_csv`]): a leading byte-order mark is ignored; `;` or `,` separates cells
//! (whichever the first line has more of, `;` on a tie); quoting, `""` inside quotes, quoted
//! line breaks, LF, CRLF and CR line ends are the `csv` crate's; records may have any number of
//! cells; records with nothing but blanks are dropped. Bytes that are not UTF-8 are taken as
//! Windows-1252, what Excel's "CSV (semikolonavgränsad)" writes ([`decode_text`]).
//!
//! Writing ([`Writer`]): a UTF-8 byte-order mark first (Excel needs it to read UTF-8), `;`
//! between cells, CRLF after each line, every text quoted and defused against formulas (a text
//! starting with `=`, `+`, `-`, `@`, tab or CR gets a leading apostrophe, which the import
//! takes off again), numbers bare with a decimal comma so that Excel reads them as numbers.
//! Quoting and escaping are csv-core's (the `csv` crate's engine): the crate's own `Writer`
//! has one quoting style per file, and these files quote texts but not numbers.

use std::borrow::Cow;

use csv_core::{QuoteStyle, Terminator, WriteResult};

use crate::sv::number::plain_decimal;

/// The UTF-8 byte-order mark.
const BOM: &str = "\u{feff}";

/// Splits CSV text into records of cells (see the module comment for the conventions).
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let text = text.trim_start_matches(BOM);
    let first_line = text.split(['\r', '\n']).next().unwrap_or_default();
    let delimiter = if first_line.matches(';').count() >= first_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
        .into_byte_records()
        // Text in memory, records of any length: nothing can fail (no I/O, no UTF-8 check).
        .map_while(Result::ok)
        .map(|record| {
            // Cells split at ASCII bytes of valid UTF-8, so each cell is valid UTF-8 too.
            record
                .iter()
                .map(|cell| String::from_utf8_lossy(cell).into_owned())
                .collect::<Vec<_>>()
        })
        .filter(|record| record.iter().any(|cell| !cell.trim().is_empty()))
        .collect()
}

/// UTF-8, or else Windows-1252 (what Swedish Excel's "CSV (semikolonavgränsad)" writes).
pub fn decode_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => bytes.iter().map(|b| windows_1252(*b)).collect(),
    }
}

fn windows_1252(byte: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match byte {
        0x80..=0x9f => HIGH[(byte - 0x80) as usize],
        _ => char::from(byte),
    }
}

/// A text Excel would run as a formula (CSV injection) gets a leading apostrophe, which
/// Excel shows as text and the import takes off again.
pub fn defuse(value: &str) -> Cow<'_, str> {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

/// Writes CSV for Swedish Excel into memory, line by line; [`Writer::take`] hands over what is
/// written so far, so a large export can be streamed a chunk at a time.
pub struct Writer {
    core: csv_core::Writer,
    out: Vec<u8>,
    /// Cells in the current line.
    cells: usize,
    /// Whether csv-core wrote anything in the current line (numbers bypass it).
    core_wrote: bool,
}

impl Default for Writer {
    fn default() -> Self {
        Self::new()
    }
}

impl Writer {
    /// A writer for a chunk in the middle of a file (no byte-order mark).
    pub fn new() -> Self {
        let core = csv_core::WriterBuilder::new()
            .delimiter(b';')
            .terminator(Terminator::CRLF)
            .quote_style(QuoteStyle::Always)
            .build();
        Self {
            core,
            out: Vec::new(),
            cells: 0,
            core_wrote: false,
        }
    }

    /// A writer for the start of a file: the byte-order mark first.
    pub fn with_bom() -> Self {
        let mut writer = Self::new();
        writer.out.extend_from_slice(BOM.as_bytes());
        writer
    }

    /// A text cell: quoted, and defused against formulas.
    pub fn text(&mut self, value: &str) -> &mut Self {
        self.quoted(&defuse(value))
    }

    /// A text cell quoted as it is, for texts Utfall writes itself that cannot be formulas
    /// (periods, times).
    pub fn quoted(&mut self, value: &str) -> &mut Self {
        self.delimit();
        self.core_wrote = true;
        let (core, mut rest) = (&mut self.core, value.as_bytes());
        emit(&mut self.out, 2 + 2 * rest.len(), |buf| {
            let (result, read, written) = core.field(rest, buf);
            rest = &rest[read..];
            (result, written)
        });
        self
    }

    /// A number cell: bare, with a decimal comma and no grouping ("1234,5"); empty for `None`.
    pub fn number(&mut self, value: Option<f64>) -> &mut Self {
        let text = value.map(plain_decimal).unwrap_or_default();
        if text.bytes().any(|b| self.core.is_special_byte(b)) {
            // Never the case for a plain decimal under `;`; quoted rather than broken if it were.
            return self.quoted(&text);
        }
        self.delimit();
        self.out.extend_from_slice(text.as_bytes());
        self
    }

    /// A whole line of text cells.
    pub fn line<'a>(&mut self, texts: impl IntoIterator<Item = &'a str>) -> &mut Self {
        for text in texts {
            self.text(text);
        }
        self.end_line()
    }

    /// Ends the line (CRLF).
    pub fn end_line(&mut self) -> &mut Self {
        if self.core_wrote {
            let core = &mut self.core;
            emit(&mut self.out, 3, |buf| core.terminator(buf));
        } else {
            // Only numbers (or nothing): csv-core would take the line for one empty field.
            self.out.extend_from_slice(b"\r\n");
        }
        self.cells = 0;
        self.core_wrote = false;
        self
    }

    /// Everything written so far (whole lines), leaving the writer empty for the next chunk.
    pub fn take(&mut self) -> Vec<u8> {
        debug_assert_eq!(self.cells, 0, "take() in the middle of a line");
        std::mem::take(&mut self.out)
    }

    /// The delimiter before every cell but a line's first (it also closes a quoted cell).
    fn delimit(&mut self) {
        if self.cells > 0 {
            let core = &mut self.core;
            emit(&mut self.out, 2, |buf| core.delimiter(buf));
        }
        self.cells += 1;
    }
}

/// Runs one csv-core step at the end of `out` with `room` bytes free, growing the room until the
/// step has written everything.
fn emit(
    out: &mut Vec<u8>,
    mut room: usize,
    mut step: impl FnMut(&mut [u8]) -> (WriteResult, usize),
) {
    loop {
        let start = out.len();
        out.resize(start + room, 0);
        let (result, written) = step(&mut out[start..]);
        out.truncate(start + written);
        if result == WriteResult::InputEmpty {
            return;
        }
        room *= 2;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect()
    }

    /// The cases of csv-spectrum (github.com/max-mapper/csv-spectrum, 2.0.0), a public corpus of
    /// CSV edge cases: the file's text, and the records it must give (header included). The
    /// `_crlf` files are the same with CRLF line ends. In location_coordinates the corpus has a
    /// mangled degree sign; "°" is what it stands for.
    const SPECTRUM: &[(&str, &str, &[&[&str]])] = &[
        (
            "comma_in_quotes",
            "first,last,address,city,zip\nJohn,Doe,120 any st.,\"Anytown, WW\",08123",
            &[
                &["first", "last", "address", "city", "zip"],
                &["John", "Doe", "120 any st.", "Anytown, WW", "08123"],
            ],
        ),
        (
            "escaped_quotes",
            "a,b\n1,\"ha \"\"ha\"\" ha\"\n3,4\n",
            &[&["a", "b"], &["1", "ha \"ha\" ha"], &["3", "4"]],
        ),
        (
            "json",
            "key,val\n1,\"{\"\"type\"\": \"\"Point\"\", \"\"coordinates\"\": [102.0, 0.5]}\"\n",
            &[
                &["key", "val"],
                &["1", "{\"type\": \"Point\", \"coordinates\": [102.0, 0.5]}"],
            ],
        ),
        (
            "newlines",
            "a,b,c\n1,2,3\n\"Once upon \na time\",5,6\n7,8,9\n",
            &[
                &["a", "b", "c"],
                &["1", "2", "3"],
                &["Once upon \na time", "5", "6"],
                &["7", "8", "9"],
            ],
        ),
        (
            "newlines_crlf",
            "a,b,c\r\n1,2,3\r\n\"Once upon \r\na time\",5,6\r\n7,8,9\r\n",
            &[
                &["a", "b", "c"],
                &["1", "2", "3"],
                &["Once upon \r\na time", "5", "6"],
                &["7", "8", "9"],
            ],
        ),
        (
            "quotes_and_newlines",
            "a,b\n1,\"ha \n\"\"ha\"\" \nha\"\n3,4\n",
            &[&["a", "b"], &["1", "ha \n\"ha\" \nha"], &["3", "4"]],
        ),
        (
            "simple",
            "a,b,c\n1,2,3\n",
            &[&["a", "b", "c"], &["1", "2", "3"]],
        ),
        (
            "simple_crlf",
            "a,b,c\r\n1,2,3\r\n",
            &[&["a", "b", "c"], &["1", "2", "3"]],
        ),
        (
            "utf8",
            "a,b,c\n1,2,3\n4,5,ʤ",
            &[&["a", "b", "c"], &["1", "2", "3"], &["4", "5", "ʤ"]],
        ),
        (
            "empty",
            "a,b,c\n1,\"\",\"\"\n2,3,4",
            &[&["a", "b", "c"], &["1", "", ""], &["2", "3", "4"]],
        ),
        (
            "empty_crlf",
            "a,b,c\r\n1,\"\",\"\"\r\n2,3,4",
            &[&["a", "b", "c"], &["1", "", ""], &["2", "3", "4"]],
        ),
        (
            "location_coordinates",
            "Contact Phone Number,Location Coordinates,Cities,Counties\n2095257564,37°36'37.8\"N 121°2'17.9\"W,Modesto,Stanislaus",
            &[
                &[
                    "Contact Phone Number",
                    "Location Coordinates",
                    "Cities",
                    "Counties",
                ],
                &[
                    "2095257564",
                    "37°36'37.8\"N 121°2'17.9\"W",
                    "Modesto",
                    "Stanislaus",
                ],
            ],
        ),
    ];

    /// `,` and `;` swapped, in the text and in what it must give: the same case as Swedish
    /// Excel writes it (semicolons between cells, commas inside them).
    fn swapped(text: &str) -> String {
        text.chars()
            .map(|c| match c {
                ',' => ';',
                ';' => ',',
                c => c,
            })
            .collect()
    }

    #[test]
    fn csv_spectrum_reads_with_commas_and_with_semicolons() {
        for (name, text, expected) in SPECTRUM {
            assert_eq!(parse_csv(text), records(expected), "{name}");
            let expected: Vec<Vec<String>> = records(expected)
                .iter()
                .map(|r| r.iter().map(|c| swapped(c)).collect())
                .collect();
            assert_eq!(
                parse_csv(&swapped(text)),
                expected,
                "{name} with semicolons"
            );
            let bom = format!("{BOM}{}", swapped(text));
            assert_eq!(parse_csv(&bom), expected, "{name} with semicolons and BOM");
        }
    }

    #[test]
    fn swedish_excel_files_read() {
        // Byte-order mark, semicolons, a decimal comma in a quoted cell, CRLF.
        assert_eq!(
            parse_csv("\u{feff}Kod;Period;Värde\r\nA1;2026-10;\"12,5\"\r\nE1;2026-10;3\r\n"),
            records(&[
                &["Kod", "Period", "Värde"],
                &["A1", "2026-10", "12,5"],
                &["E1", "2026-10", "3"]
            ])
        );
        // "CSV (semikolonavgränsad)" from Swedish Excel: Windows-1252, Ö as 0xD6, ä as 0xE4.
        let bytes = b"Kommun;V\xe4rde\r\n\xd6rebro;\"1 234,5\"\r\n";
        assert_eq!(
            parse_csv(&decode_text(bytes)),
            records(&[&["Kommun", "Värde"], &["Örebro", "1 234,5"]])
        );
        // A stray quote inside an unquoted cell is a character; text after a closing quote
        // joins the cell.
        assert_eq!(
            parse_csv("Kod;Kommentar\nA1;skärm 24\" bred\nA2;\"ab\"cd\n"),
            records(&[
                &["Kod", "Kommentar"],
                &["A1", "skärm 24\" bred"],
                &["A2", "abcd"]
            ])
        );
        // Trailing empty lines and lines of blank cells are no records; short rows stay short.
        assert_eq!(
            parse_csv("Kod;Period;Värde\r\n;;\r\nA1;2026-10\r\n \r\n\r\n\r\n"),
            records(&[&["Kod", "Period", "Värde"], &["A1", "2026-10"]])
        );
        // CR-only line ends (old Mac Excel). The hand-written reader before the csv crate
        // dropped every CR and ran such a file into one record; now each line is a record.
        assert_eq!(
            parse_csv("Kod;Värde\rA1;1\rE1;\"2,5\"\r"),
            records(&[&["Kod", "Värde"], &["A1", "1"], &["E1", "2,5"]])
        );
        // The separator is the one the first line has more of; `;` on a tie.
        assert_eq!(
            parse_csv("Kod,Kommentar\nA1,\"a; b\"\n"),
            records(&[&["Kod", "Kommentar"], &["A1", "a; b"]])
        );
        assert_eq!(parse_csv("Kod\nA1,2\n"), records(&[&["Kod"], &["A1,2"]]));
        // A quote left open runs to the end of the file, as before.
        assert_eq!(
            parse_csv("Kod;Kommentar\nA1;\"utan slutcitattecken;\n"),
            records(&[&["Kod", "Kommentar"], &["A1", "utan slutcitattecken;\n"]])
        );
        assert!(parse_csv("").is_empty());
        assert!(parse_csv("\u{feff}\r\n").is_empty());
    }

    #[test]
    fn swedish_excel_csv_in_windows_1252_is_read() {
        // "Kod;Värde" with ä as 0xE4, and a euro sign.
        let bytes = b"Kod;V\xe4rde;\x80\n";
        assert_eq!(decode_text(bytes), "Kod;Värde;€\n");
        assert_eq!(decode_text("Kod;Värde".as_bytes()), "Kod;Värde");
    }

    /// One text cell as written in a line.
    fn csv_cell(value: &str) -> String {
        let mut writer = Writer::new();
        writer.text(value).end_line();
        let line = String::from_utf8(writer.take()).unwrap();
        line.strip_suffix("\r\n").unwrap().to_string()
    }

    #[test]
    fn csv_cells_are_quoted_and_defused() {
        assert_eq!(csv_cell("Mål \"ett\""), "\"Mål \"\"ett\"\"\"");
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("-5"), "\"'-5\"");
    }

    #[test]
    fn lines_for_swedish_excel() {
        let mut writer = Writer::with_bom();
        writer.line(["Kod", "Värde", "Kommentar"]);
        writer
            .text("A1")
            .number(Some(12.5))
            .text("rad ett\nrad två")
            .end_line();
        writer.text("A2").number(None).text("").end_line();
        writer.number(Some(-7.0)).number(Some(1234567.0)).end_line();
        let text = String::from_utf8(writer.take()).unwrap();
        assert_eq!(
            text,
            "\u{feff}\"Kod\";\"Värde\";\"Kommentar\"\r\n\"A1\";12,5;\"rad ett\nrad två\"\r\n\"A2\";;\"\"\r\n-7;1234567\r\n"
        );
        // Every formula start is defused; a text that merely contains one is not.
        for formula in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(csv_cell(formula), format!("\"'{formula}\""), "{formula:?}");
        }
        assert_eq!(csv_cell("a=b"), "\"a=b\"");
        assert_eq!(csv_cell(""), "\"\"");
        assert_eq!(
            writer.take(),
            Vec::<u8>::new(),
            "take() leaves the writer empty"
        );
    }

    #[test]
    fn what_is_written_reads_back() {
        let cells = [
            "Läxhjälp \"Plus\"",
            "rad ett\r\nrad två",
            "a;b,c",
            "=HYPERLINK(\"x\")",
            "  ",
            "Örebro",
        ];
        let mut writer = Writer::with_bom();
        writer.line(cells);
        writer.text("x").number(Some(0.5)).end_line();
        let text = String::from_utf8(writer.take()).unwrap();
        let table = parse_csv(&text);
        let mut expected: Vec<String> = cells.iter().map(|c| defuse(c).into_owned()).collect();
        expected[3] = "'=HYPERLINK(\"x\")".into();
        assert_eq!(table, vec![expected, vec!["x".into(), "0,5".into()]]);
    }
}
