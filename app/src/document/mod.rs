//! Dokument per satsning: kinds, content sniffing and file-name hygiene (pure), storage in
//! `repo.rs`, deleting in `api.rs`. Uploads and downloads are HTTP handlers in `server/src/documents.rs`.

pub mod api;
#[cfg(feature = "ssr")]
pub mod repo;

use serde::{Deserialize, Serialize};

/// Dokumenttyp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DocumentKind {
    Application,
    Summary,
    FinalReport,
    FollowUp,
    Other,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 5] = [
        DocumentKind::Application,
        DocumentKind::Summary,
        DocumentKind::FinalReport,
        DocumentKind::FollowUp,
        DocumentKind::Other,
    ];

    pub fn as_db(self) -> &'static str {
        match self {
            DocumentKind::Application => "ansokan",
            DocumentKind::Summary => "kort_beskrivning",
            DocumentKind::FinalReport => "slutrapport",
            DocumentKind::FollowUp => "uppfoljande",
            DocumentKind::Other => "ovrigt",
        }
    }

    pub fn from_db(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_db() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            DocumentKind::Application => "Ansökan",
            DocumentKind::Summary => "Kort beskrivning",
            DocumentKind::FinalReport => "Slutrapport",
            DocumentKind::FollowUp => "Uppföljande utvärdering",
            DocumentKind::Other => "Övrigt",
        }
    }
}

/// A file type Utfall accepts, recognised from the bytes themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    Pdf,
    Docx,
    Xlsx,
}

impl FileType {
    pub fn content_type(self) -> &'static str {
        match self {
            FileType::Pdf => "application/pdf",
            FileType::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            FileType::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            FileType::Pdf => "pdf",
            FileType::Docx => "docx",
            FileType::Xlsx => "xlsx",
        }
    }
}

/// What the bytes are, whatever the file is called: PDF by its header, Word and Excel by
/// being ZIP packages with the parts only those formats have.
pub fn sniff(bytes: &[u8]) -> Option<FileType> {
    if bytes.starts_with(b"%PDF-") {
        return Some(FileType::Pdf);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        let has = |name: &[u8]| bytes.windows(name.len()).any(|w| w == name);
        if has(b"[Content_Types].xml") {
            if has(b"word/document.xml") {
                return Some(FileType::Docx);
            }
            if has(b"xl/workbook.xml") {
                return Some(FileType::Xlsx);
            }
        }
    }
    None
}

/// A display name safe to store and show: no path, no control characters, at most 120
/// characters, ending in the sniffed type's extension.
pub fn clean_file_name(raw: &str, file_type: FileType) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let stem = base.rsplit_once('.').map_or(base, |(stem, _)| stem);
    let mut cleaned: String = stem
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | ':' | '|' | '?' | '*'))
        .take(120)
        .collect();
    cleaned = cleaned.trim().trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        cleaned = "dokument".into();
    }
    format!("{cleaned}.{}", file_type.extension())
}

/// Who may upload to a satsning: admin, utvärderare and its projektledare. Everyone who may
/// see the satsning may download its documents.
pub fn may_upload(
    user: &crate::auth::CurrentUser,
    initiative: &crate::initiative::Initiative,
) -> bool {
    use crate::auth::Role;
    user.has_any(&[Role::Admin, Role::Evaluator]) || initiative.is_led_by(user.id)
}

/// A document as listed on the satsning page (without its bytes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentInfo {
    pub id: i64,
    pub kind: DocumentKind,
    pub file_name: String,
    pub size_bytes: i64,
    pub uploaded_by: String,
    pub uploaded_at: String,
}

/// "1,2 MB", "340 kB".
pub fn format_size(bytes: i64) -> String {
    if bytes >= 1_000_000 {
        format!("{:.1} MB", bytes as f64 / 1_000_000.0).replace('.', ",")
    } else {
        format!("{} kB", (bytes + 999) / 1000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffing_trusts_bytes_not_names() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some(FileType::Pdf));
        let docx = b"PK\x03\x04....[Content_Types].xml....word/document.xml";
        assert_eq!(sniff(docx), Some(FileType::Docx));
        let xlsx = b"PK\x03\x04....[Content_Types].xml....xl/workbook.xml";
        assert_eq!(sniff(xlsx), Some(FileType::Xlsx));
        assert_eq!(sniff(b"PK\x03\x04 just a zip"), None);
        assert_eq!(sniff(b"<html><script>alert(1)</script>"), None);
        assert_eq!(sniff(b"MZ\x90\x00 executable"), None);
    }

    #[test]
    fn file_names_are_cleaned_and_get_the_real_extension() {
        assert_eq!(
            clean_file_name("C:\\Users\\a\\Ansökan 2026.pdf", FileType::Pdf),
            "Ansökan 2026.pdf"
        );
        assert_eq!(
            clean_file_name("../../etc/passwd", FileType::Pdf),
            "passwd.pdf"
        );
        assert_eq!(
            clean_file_name("rapport.exe", FileType::Docx),
            "rapport.docx"
        );
        assert_eq!(clean_file_name("\"<x>\".pdf", FileType::Pdf), "x.pdf");
        assert_eq!(clean_file_name("", FileType::Xlsx), "dokument.xlsx");
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(format_size(1_234_567), "1,2 MB");
        assert_eq!(format_size(340_000), "340 kB");
        assert_eq!(format_size(1), "1 kB");
    }
}
