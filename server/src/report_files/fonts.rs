//! The font the report files are drawn with: DejaVu Sans (regular and bold), read once at
//! start-up from `UTFALL_REPORT_FONT_DIR` (default Debian's `fonts-dejavu-core` folder, which
//! `scripts/setup.sh` installs). The PDF embeds it (a PDF/UA file must carry its fonts) and the
//! charts' SVG labels are laid out with it, in the PDF and in the Word file's PNG charts alike,
//! so a chart looks the same on every machine. DejaVu's licence (Bitstream Vera + public
//! domain changes) allows embedding.

use std::path::Path;
use std::sync::Arc;

use resvg::usvg;

/// The regular face's file name in the font folder.
pub const REGULAR_FILE: &str = "DejaVuSans.ttf";
/// The bold face's file name.
pub const BOLD_FILE: &str = "DejaVuSans-Bold.ttf";
/// The family the charts' generic `sans-serif` resolves to.
pub const FAMILY: &str = "DejaVu Sans";

/// The report font, loaded.
pub struct ReportFonts {
    pub regular: Arc<Vec<u8>>,
    pub bold: Arc<Vec<u8>>,
    /// The same faces for laying out SVG text.
    pub svg: Arc<usvg::fontdb::Database>,
}

impl std::fmt::Debug for ReportFonts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReportFonts")
            .field("regular_bytes", &self.regular.len())
            .field("bold_bytes", &self.bold.len())
            .finish()
    }
}

impl ReportFonts {
    /// Reads both faces from `dir`; the error names the missing file.
    pub fn load(dir: &Path) -> anyhow::Result<Self> {
        let read = |name: &str| {
            let path = dir.join(name);
            std::fs::read(&path).map_err(|e| {
                anyhow::anyhow!(
                    "teckensnittet {} kunde inte läsas / font could not be read: {e}",
                    path.display()
                )
            })
        };
        let regular = read(REGULAR_FILE)?;
        let bold = read(BOLD_FILE)?;
        let mut db = usvg::fontdb::Database::new();
        db.load_font_data(regular.clone());
        db.load_font_data(bold.clone());
        db.set_sans_serif_family(FAMILY);
        db.set_serif_family(FAMILY);
        db.set_monospace_family(FAMILY);
        Ok(ReportFonts {
            regular: Arc::new(regular),
            bold: Arc::new(bold),
            svg: Arc::new(db),
        })
    }

    /// Options for parsing a chart's SVG with these faces.
    pub fn svg_options(&self) -> usvg::Options<'static> {
        usvg::Options {
            font_family: FAMILY.to_string(),
            fontdb: self.svg.clone(),
            ..usvg::Options::default()
        }
    }
}

/// A chart's SVG as PNG at `scale` × its own size (2 gives print quality for a 340 px chart).
pub fn png(fonts: &ReportFonts, svg: &str, scale: f32) -> anyhow::Result<(Vec<u8>, u32, u32)> {
    let tree = usvg::Tree::from_str(svg, &fonts.svg_options())?;
    let size = tree.size();
    let (width, height) = (
        (size.width() * scale).ceil() as u32,
        (size.height() * scale).ceil() as u32,
    );
    let mut pixmap = resvg::tiny_skia::Pixmap::new(width, height)
        .ok_or_else(|| anyhow::anyhow!("empty chart {width}×{height}"))?;
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    Ok((pixmap.encode_png()?, width, height))
}

/// The report font for unit tests: `UTFALL_REPORT_FONT_DIR` or Debian's folder.
#[cfg(test)]
pub fn for_tests() -> ReportFonts {
    let dir = std::env::var_os("UTFALL_REPORT_FONT_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| "/usr/share/fonts/truetype/dejavu".into());
    ReportFonts::load(&dir).expect("DejaVu Sans (scripts/setup.sh installs fonts-dejavu-core)")
}
