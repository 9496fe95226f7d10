//! How the SQL stores keep a record's structured fields in a text column: JSON.

use super::PaymentRecord;
use crate::model::Unverified;
use std::collections::BTreeMap;

impl PaymentRecord {
    /// As a store keeps it: JSON text.
    pub fn to_text(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// From a store's text; `None` for none, or for text that is not one.
    pub fn from_text(text: Option<&str>) -> Option<Self> {
        serde_json::from_str(text?).ok()
    }
}

/// Scope names as a store keeps them: a JSON object, or nothing when there are none.
pub(super) fn names_to_text(names: &BTreeMap<String, String>) -> Option<String> {
    (!names.is_empty()).then(|| serde_json::to_string(names).unwrap_or_default())
}

/// Scope names from a store's text; none for none, or for text that is not an object of them.
pub(super) fn names_from_text(text: Option<&str>) -> BTreeMap<String, String> {
    text.and_then(|t| serde_json::from_str(t).ok()).unwrap_or_default()
}

/// The warning a consent screen showed, as a store keeps it: JSON, or nothing for none.
pub(super) fn warned_to_text(warned: Option<&Unverified>) -> Option<String> {
    warned.and_then(|w| serde_json::to_string(w).ok())
}

/// The warning from a store's text; none for none, or for text that is not one.
pub(super) fn warned_from_text(text: Option<&str>) -> Option<Unverified> {
    serde_json::from_str(text?).ok()
}
