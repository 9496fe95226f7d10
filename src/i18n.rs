//! Languages: English, Spanish and Portuguese (Brazil). Texts live in Fluent files under
//! `locales/`, compiled into the server binary. Pages are rendered on the server, so lookups
//! happen there; the wasm bundle carries no messages.
//!
//! Which language: the user's choice from the switcher (a cookie), then the `ui_locales` of
//! the authorization request, then `Accept-Language`, then English.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Locale {
    #[default]
    En,
    Es,
    PtBr,
}

impl Locale {
    pub const ALL: [Locale; 3] = [Locale::En, Locale::Es, Locale::PtBr];

    /// The BCP 47 tag, for `lang` attributes, the cookie and form values (never translated).
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Es => "es",
            Locale::PtBr => "pt-BR",
        }
    }

    /// The language's name in itself, as a switcher shows it.
    pub fn native_name(self) -> &'static str {
        match self {
            Locale::En => "English",
            Locale::Es => "Español",
            Locale::PtBr => "Português (Brasil)",
        }
    }

    /// The best supported locale for one language tag (`es-MX` → Spanish, `pt` → pt-BR).
    pub fn from_tag(tag: &str) -> Option<Locale> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Locale::En),
            "es" => Some(Locale::Es),
            "pt" => Some(Locale::PtBr),
            _ => None,
        }
    }

    /// The first supported entry of a space-separated `ui_locales` list.
    pub fn from_ui_locales(list: &str) -> Option<Locale> {
        list.split_ascii_whitespace().find_map(Locale::from_tag)
    }

    /// The best supported language of an `Accept-Language` header, by quality value.
    pub fn from_accept_language(header: &str) -> Option<Locale> {
        let mut best: Option<(f32, usize, Locale)> = None;
        for (index, item) in header.split(',').take(32).enumerate() {
            let mut parts = item.split(';');
            let Some(locale) = parts.next().and_then(Locale::from_tag) else { continue };
            let q = parts
                .find_map(|p| {
                    // The parameter's name is case-insensitive (RFC 9110 §12.4.2).
                    let p = p.trim();
                    let q = p.strip_prefix("q=").or_else(|| p.strip_prefix("Q="))?;
                    q.trim().parse::<f32>().ok()
                })
                .unwrap_or(1.0);
            if !(q > 0.0 && q <= 1.0) {
                continue;
            }
            // Higher quality wins; on a tie, the earlier entry.
            if best.is_none_or(|(bq, bi, _)| q > bq || (q == bq && index < bi)) {
                best = Some((q, index, locale));
            }
        }
        best.map(|(_, _, l)| l)
    }
}

#[cfg(feature = "ssr")]
mod lookup {
    use super::Locale;
    use fluent_templates::{fluent_bundle::FluentValue, LanguageIdentifier, Loader};
    use std::borrow::Cow;
    use std::collections::HashMap;
    use std::sync::LazyLock;

    fluent_templates::static_loader! {
        static LOCALES = {
            locales: "./locales",
            fallback_language: "en",
            // No Unicode isolation marks around arguments: names are plain text in HTML.
            customise: |bundle| bundle.set_use_isolating(false),
        };
    }

    static IDS: LazyLock<[LanguageIdentifier; 3]> =
        LazyLock::new(|| Locale::ALL.map(|l| l.tag().parse().unwrap_or_default()));

    /// The keys of all messages, from the English file (every language has them all).
    pub fn keys() -> impl Iterator<Item = &'static str> {
        include_str!("../locales/en/main.ftl")
            .lines()
            .filter(|l| !l.starts_with(['#', ' ']))
            .filter_map(|l| l.split_once(" =").map(|(k, _)| k))
    }

    /// Messages without arguments, formatted once: a page looks up dozens of them.
    static PLAIN: LazyLock<[HashMap<&'static str, String>; 3]> =
        LazyLock::new(|| Locale::ALL.map(|l| keys().map(|k| (k, LOCALES.lookup(id(l), k))).collect()));

    fn id(locale: Locale) -> &'static LanguageIdentifier {
        &IDS[locale as usize]
    }

    pub fn plain(locale: Locale, key: &'static str) -> &'static str {
        PLAIN[locale as usize].get(key).map_or(key, String::as_str)
    }

    pub fn known(locale: Locale, key: &str) -> Option<&'static str> {
        PLAIN[locale as usize].get(key).map(String::as_str)
    }

    /// The arguments that are counts: a message chooses its words by them (`[1]`, `*[other]`).
    pub(super) const COUNTS: &[&str] = &["count", "n", "days", "others"];

    /// An argument as Fluent takes it: a count ([`COUNTS`]) as a number, so that a message can
    /// choose its words by it; anything else as text.
    fn value(name: &str, v: &str) -> FluentValue<'static> {
        match v.parse::<u64>() {
            Ok(n) if COUNTS.contains(&name) && n.to_string() == v => FluentValue::from(n),
            _ => FluentValue::from(v.to_string()),
        }
    }

    pub fn text(locale: Locale, key: &str, args: &[(&'static str, &str)]) -> String {
        if args.is_empty() {
            if let Some(s) = PLAIN[locale as usize].get(key) {
                return s.clone();
            }
            return LOCALES.lookup(id(locale), key);
        }
        let args: HashMap<Cow<'static, str>, FluentValue> =
            args.iter().map(|(k, v)| (Cow::Borrowed(*k), value(k, v))).collect();
        LOCALES.lookup_with_args(id(locale), key, &args)
    }
}

/// The text of `key` in `locale`, with named arguments.
#[cfg(feature = "ssr")]
pub fn text(locale: Locale, key: &str, args: &[(&'static str, &str)]) -> String {
    lookup::text(locale, key, args)
}

/// A message without arguments.
#[cfg(feature = "ssr")]
pub fn plain(locale: Locale, key: &'static str) -> &'static str {
    lookup::plain(locale, key)
}

/// Pages render on the server only; in the browser build the key stands in.
#[cfg(not(feature = "ssr"))]
pub fn text(_locale: Locale, key: &str, _args: &[(&'static str, &str)]) -> String {
    key.to_string()
}

#[cfg(not(feature = "ssr"))]
pub fn plain(_locale: Locale, key: &'static str) -> &'static str {
    key
}

/// A message whose key is built at run time (`fdx-cluster-TRANSACTIONS`), if there is one.
#[cfg(feature = "ssr")]
pub fn known(locale: Locale, key: &str) -> Option<&'static str> {
    lookup::known(locale, key)
}

#[cfg(not(feature = "ssr"))]
pub fn known(_locale: Locale, _key: &str) -> Option<&'static str> {
    None
}

/// The message `{prefix}{code}` in the page's language, or the code itself when there is none
/// (a value the platform added after this release).
pub fn t_code(prefix: &str, code: &str) -> String {
    t_code_in(current(), prefix, code)
}

/// [`t_code`] in `locale`.
pub fn t_code_in(locale: Locale, prefix: &str, code: &str) -> String {
    known(locale, &format!("{prefix}{code}")).map_or_else(|| code.to_string(), str::to_string)
}

/// A balance (a float from the bank's API, to the cent) as [`amount`] writes money, so that a
/// page writes every sum one way; a currency that is not three capital letters by its code.
pub fn money(locale: Locale, value: f64, currency: &str) -> String {
    // Beyond the 13 digits `amount` writes: in scientific notation, never a wrong number.
    if !value.is_finite() || value.abs() >= 1e13 {
        return format!("{value:e} {currency}");
    }
    let cents = (value * 100.0).round() as i64;
    let text =
        format!("{}{}.{:02}", if cents < 0 { "-" } else { "" }, cents.unsigned_abs() / 100, cents.unsigned_abs() % 100);
    amount(locale, &text, currency).unwrap_or_else(|| format!("{text} {currency}"))
}

/// The symbol of a currency written with one (the others are written by their code).
fn symbol(currency: &str) -> Option<&'static str> {
    match currency {
        "GBP" => Some("£"),
        "EUR" => Some("€"),
        "USD" => Some("US$"),
        _ => None,
    }
}

/// `amount` (digits, optionally a point and up to five decimals, optionally a leading `-`) in
/// `locale`'s format with `currency`: en `£1,234.50`, es `1234,50 £` (grouped from five digits
/// on: `12.345,00 £`), pt-BR `£ 1.234,50`; a currency without a symbol here by its code
/// (`1,234.50 CHF`). Decimals beyond the second are kept, never rounded away. `None` for
/// anything that is not such an amount, or a currency that is not three capital letters: a page
/// shows no money it cannot read exactly.
pub fn amount(locale: Locale, amount: &str, currency: &str) -> Option<String> {
    let (negative, amount) = match amount.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, amount),
    };
    let (units, fraction) = amount.split_once('.').unwrap_or((amount, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let well_formed = !units.is_empty()
        && units.len() <= 13
        && digits(units)
        && fraction.len() <= 5
        && digits(fraction)
        && !(amount.contains('.') && fraction.is_empty());
    if !well_formed || currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let units = units.trim_start_matches('0');
    let units = if units.is_empty() { "0" } else { units };
    let mut fraction = fraction.trim_end_matches('0').to_string();
    // No "-0.00".
    let sign = if negative && (units != "0" || !fraction.is_empty()) { "-" } else { "" };
    while fraction.len() < 2 {
        fraction.push('0');
    }
    let (group, decimal, min_grouped) = match locale {
        Locale::En => (',', '.', 4),
        Locale::Es => ('.', ',', 5),
        Locale::PtBr => ('.', ',', 4),
    };
    let mut number = String::new();
    for (i, c) in units.chars().enumerate() {
        if i > 0 && units.len() >= min_grouped && (units.len() - i) % 3 == 0 {
            number.push(group);
        }
        number.push(c);
    }
    number.push(decimal);
    number.push_str(&fraction);
    const NBSP: char = '\u{a0}';
    Some(match (locale, symbol(currency)) {
        (Locale::En, Some(s)) => format!("{sign}{s}{number}"),
        (Locale::PtBr, Some(s)) => format!("{sign}{s}{NBSP}{number}"),
        (Locale::Es, Some(s)) => format!("{sign}{number}{NBSP}{s}"),
        (_, None) => format!("{sign}{number}{NBSP}{currency}"),
    })
}

/// The language of the page being rendered (a Leptos context value).
pub fn current() -> Locale {
    leptos::prelude::use_context::<Locale>().unwrap_or_default()
}

/// A value made of texts (an island's words), built once per language and then cloned: a page
/// view looks up and formats none of them again.
pub fn once_per_language<T: Clone>(slots: &'static [std::sync::OnceLock<T>; 3], build: impl FnOnce() -> T) -> T {
    slots[current() as usize].get_or_init(build).clone()
}

/// The text of `key` in the page's language.
pub fn t(key: &'static str) -> &'static str {
    plain(current(), key)
}

/// The text of `key` with arguments, in the page's language.
pub fn t_args(key: &str, args: &[(&'static str, &str)]) -> String {
    text(current(), key, args)
}

/// `key` with the argument `name` cut out: the text before and after it, so that the
/// argument can be rendered in its own element whatever the word order of the language.
/// Formatted once per language and key.
pub fn t_around(key: &'static str, name: &'static str) -> (String, String) {
    use std::collections::HashMap;
    use std::sync::{OnceLock, RwLock};
    type Cache = RwLock<HashMap<(Locale, &'static str, &'static str), (String, String)>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let locale = current();
    let cache = CACHE.get_or_init(Cache::default);
    if let Some(hit) = cache.read().ok().and_then(|c| c.get(&(locale, key, name)).cloned()) {
        return hit;
    }
    const MARK: &str = "\u{1}";
    let full = text(locale, key, &[(name, MARK)]);
    let parts = match full.split_once(MARK) {
        Some((before, after)) => (before.to_string(), after.to_string()),
        None => (full, String::new()),
    };
    if let Ok(mut c) = cache.write() {
        c.insert((locale, key, name), parts.clone());
    }
    parts
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn money_uses_the_separators_of_the_language() {
        // As payments are written: a page writes every sum one way.
        assert_eq!(money(Locale::En, 1234567.891, "USD"), "US$1,234,567.89");
        assert_eq!(money(Locale::Es, 1234.5, "EUR"), "1234,50\u{a0}€");
        assert_eq!(money(Locale::Es, -12345.5, "GBP"), "-12.345,50\u{a0}£");
        assert_eq!(money(Locale::PtBr, -45.0, "BRL"), "-45,00\u{a0}BRL");
        assert_eq!(money(Locale::En, 999.999, "USD"), "US$1,000.00");
        assert_eq!(money(Locale::En, -0.001, "USD"), "US$0.00");
        assert_eq!(money(Locale::En, 12.5, "usd"), "12.50 usd", "a code it cannot read, as it came");
        assert_eq!(money(Locale::En, 1e300, "USD"), "1e300 USD", "a sum beyond any account's, as it came");
        assert_eq!(money(Locale::En, -2.5e13, "USD"), "-2.5e13 USD");
    }

    #[test]
    fn accept_language_picks_the_best_supported_quality() {
        assert_eq!(Locale::from_accept_language("fr-FR, pt-BR;q=0.8, es;q=0.9"), Some(Locale::Es));
        assert_eq!(Locale::from_accept_language("de, pt;q=0.5"), Some(Locale::PtBr));
        assert_eq!(Locale::from_accept_language("es-MX,en;q=0.1"), Some(Locale::Es));
        assert_eq!(Locale::from_accept_language("en;q=0, es;q=0.2"), Some(Locale::Es));
        assert_eq!(Locale::from_accept_language("en;Q=0, es;Q=0.2"), Some(Locale::Es));
        assert_eq!(Locale::from_accept_language("fr, de"), None);
        assert_eq!(Locale::from_accept_language(""), None);
        assert_eq!(Locale::from_ui_locales("fr-CA pt-BR en"), Some(Locale::PtBr));
    }

    /// Every message that chooses its words by an argument chooses by a count, which is passed
    /// as a number: one passed as text would always take the `*[other]` words ("1 days").
    #[test]
    fn every_choice_of_words_is_by_a_count() {
        for file in [
            include_str!("../locales/en/main.ftl"),
            include_str!("../locales/es/main.ftl"),
            include_str!("../locales/pt-BR/main.ftl"),
        ] {
            for selector in file.split("{ $").skip(1).filter_map(|rest| rest.split_once(" ->")).map(|(name, _)| name) {
                if !selector.contains(['}', ' ', '\n']) {
                    assert!(lookup::COUNTS.contains(&selector), "${selector} chooses words but is no count");
                }
            }
        }
        assert_eq!(text(Locale::En, "portal-joint-others", &[("others", "1")]), "1 other holder");
        assert_eq!(text(Locale::En, "portal-joint-others", &[("others", "2")]), "2 other holders");
    }

    /// Every message of the English file exists in every other language, and no lookup falls
    /// back to the key.
    #[test]
    fn every_language_has_every_message() {
        let keys: Vec<&str> = lookup::keys().collect();
        assert!(keys.len() > 50, "{}", keys.len());
        let files = [
            (Locale::Es, include_str!("../locales/es/main.ftl")),
            (Locale::PtBr, include_str!("../locales/pt-BR/main.ftl")),
        ];
        for (locale, file) in files {
            for key in &keys {
                assert!(file.lines().any(|l| l.starts_with(&format!("{key} ="))), "{} lacks {key}", locale.tag());
            }
        }
        assert_eq!(text(Locale::Es, "deny", &[]), "Rechazar");
        assert_eq!(plain(Locale::PtBr, "deny"), "Recusar");
        for locale in Locale::ALL {
            for key in &keys {
                assert_ne!(text(locale, key, &[]), *key, "{} {key}", locale.tag());
            }
        }
        assert_eq!(text(Locale::PtBr, "consent-title", &[("client", "Demo")]), "Demo quer acessar sua conta");
    }

    /// A count chooses its words: one, or any other number.
    #[test]
    fn counts_choose_their_words() {
        assert_eq!(text(Locale::En, "console-found", &[("count", "1")]), "One consent record found.");
        assert_eq!(text(Locale::En, "console-found", &[("count", "12")]), "12 consent records found, newest first.");
        assert_eq!(text(Locale::Es, "cdr-period-months", &[("n", "1")]), "1 mes");
        assert_eq!(text(Locale::PtBr, "cdr-period-days", &[("n", "30")]), "30 dias");
        assert_eq!(text(Locale::En, "cdr-period-hours", &[("n", "0")]), "0 hours");
        assert_eq!(text(Locale::En, "fdx-until", &[("days", "1"), ("date", "May 1")]), "1 day, until May 1");
        assert_eq!(text(Locale::Es, "fdx-lookback-days", &[("days", "1")]), "Hasta 1 día de historial");
        assert_eq!(
            text(Locale::PtBr, "fdx-until", &[("days", "90"), ("date", "1º de maio")]),
            "90 dias, até 1º de maio"
        );
        // Anything else stays text, digits as they are.
        assert_eq!(text(Locale::En, "fdx-summary", &[("n", "2"), ("accounts", "0042")]), "2 chosen: 0042");
    }
}
