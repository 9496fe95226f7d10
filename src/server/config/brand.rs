//! The bank's look (`ASSENT_BRAND_*`, and a workspace's in `ASSENT_CONFIG`): name, logo and
//! accent colours, and the checks both sources share.

use super::{parse_url, ConfigError};

/// The bank's look: name, logo and colours.
#[derive(Clone, Debug, PartialEq)]
pub struct Theme {
    pub name: String,
    /// An https URL (http for loopback hosts) or a path on Assent's origin such as `/logo.svg`.
    pub logo: Option<String>,
    /// Accent colour on light backgrounds, `#rrggbb`.
    pub color: Option<Rgb>,
    /// Accent colour on dark backgrounds; derived from `color` when absent.
    pub color_dark: Option<Rgb>,
}

impl Default for Theme {
    fn default() -> Self {
        Self { name: "Assent".into(), logo: None, color: None, color_dark: None }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rgb(pub [u8; 3]);

impl Rgb {
    pub fn parse(s: &str) -> Option<Rgb> {
        let hex = s.strip_prefix('#')?;
        if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
        Some(Rgb([byte(0)?, byte(2)?, byte(4)?]))
    }

    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0[0], self.0[1], self.0[2])
    }

    /// WCAG relative luminance.
    pub fn luminance(self) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(self.0[0]) + 0.7152 * channel(self.0[1]) + 0.0722 * channel(self.0[2])
    }

    /// WCAG contrast ratio between two colours (1 to 21).
    pub fn contrast(self, other: Rgb) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }
}

/// A logo named by `name`: a path on Assent's origin, or an https URL (http for loopback hosts).
pub(super) fn logo(name: &str, value: Option<String>) -> Result<Option<String>, ConfigError> {
    match value {
        None => Ok(None),
        Some(l) if l.starts_with('/') && !l.starts_with("//") => Ok(Some(l)),
        Some(l) => Ok(Some(parse_url(name, &l)?.to_string())),
    }
}

/// A colour named by `name`, `#rrggbb`.
pub(super) fn colour(name: &str, value: Option<String>) -> Result<Option<Rgb>, ConfigError> {
    value
        .map(|v| {
            Rgb::parse(v.trim()).ok_or_else(|| ConfigError(format!("{name} must be a colour such as #1f6feb: {v}")))
        })
        .transpose()
}
