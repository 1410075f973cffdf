//! Panelläge: one personal code per participant for all the waves of a survey, so that one
//! person's answers before and after can be compared without anyone knowing who they are.
//!
//! A panel response is stored with a pseudonym, the HMAC-SHA256 of the survey and the
//! participant's code under a secret that only the configuration holds
//! (`UTFALL_SURVEY_PANEL_SECRET`). The database keeps the code as a plain hash like every
//! other code, so nothing stored beside the responses turns a pseudonym back into a code;
//! only someone holding both the printed code and the server's secret could. The same code
//! gives a different pseudonym in another survey.

use std::sync::Arc;

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The fewest characters the panel secret must have (it is a key, not a password).
pub const MIN_SECRET_CHARS: usize = 32;

/// The message when the server has no panel secret.
pub use super::PANEL_NO_KEY as NO_KEY_MESSAGE;

/// The server's panel secret, or none (then panel surveys cannot be made or answered).
#[derive(Clone, Default)]
pub struct PanelKey(Option<Arc<[u8]>>);

impl std::fmt::Debug for PanelKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown = if self.0.is_some() { "satt" } else { "saknas" };
        f.debug_tuple("PanelKey").field(&shown).finish()
    }
}

impl PanelKey {
    /// The key from the configured secret.
    pub fn new(secret: &str) -> Self {
        PanelKey(Some(Arc::from(secret.as_bytes())))
    }

    /// Whether panel surveys can be used.
    pub fn is_set(&self) -> bool {
        self.0.is_some()
    }

    /// The pseudonym of the participant with `code` in survey `survey_id` (hex), or `None`
    /// without a key. The code is normalised first, as it is for its hash.
    pub fn pseudonym(&self, survey_id: i64, code: &str) -> Option<String> {
        let key = self.0.as_ref()?;
        let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
        mac.update(b"utfall-panel\0");
        mac.update(survey_id.to_string().as_bytes());
        mac.update(b"\0");
        mac.update(super::normalise_token(code).as_bytes());
        Some(
            mac.finalize()
                .into_bytes()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect(),
        )
    }
}

/// The key in force: the server's (from the configuration), or none.
pub fn panel_key() -> PanelKey {
    leptos::prelude::use_context::<PanelKey>().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "ett-hemligt-värde-som-bara-servern-har-0123456789";

    #[test]
    fn a_code_gives_one_pseudonym_per_survey_however_it_is_typed() {
        let key = PanelKey::new(SECRET);
        let printed = key.pseudonym(7, "ABCD-EFGH-JKLM").expect("a key");
        assert_eq!(key.pseudonym(7, "abcd efgh jklm"), Some(printed.clone()));
        assert_eq!(printed.len(), 64);
        assert_ne!(key.pseudonym(8, "ABCDEFGHJKLM"), Some(printed.clone()));
        assert_ne!(key.pseudonym(7, "ABCDEFGHJKLN"), Some(printed.clone()));
        // It is not the code's stored hash, and another secret gives another pseudonym.
        assert_ne!(printed, super::super::token_hash("ABCDEFGHJKLM"));
        let other = PanelKey::new("ett-annat-hemligt-värde-0123456789-abcdef");
        assert_ne!(other.pseudonym(7, "ABCDEFGHJKLM"), Some(printed));
    }

    #[test]
    fn without_a_secret_there_is_no_pseudonym_and_debug_shows_no_secret() {
        assert_eq!(PanelKey::default().pseudonym(7, "ABCD"), None);
        assert!(!PanelKey::default().is_set());
        let shown = format!("{:?}", PanelKey::new(SECRET));
        assert!(!shown.contains("hemligt"), "{shown}");
    }
}
