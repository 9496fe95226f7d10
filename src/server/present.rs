//! How untrusted upstream data is shown: every text from the authorization server, the bank or
//! a client's registration passes through here before it reaches a page or an island.

use crate::i18n::{self, Locale};
use crate::model::{ClientView, Unverified};
use crate::request;

/// Removes bidirectional-override and other invisible formatting characters that could make
/// a client-controlled name read differently than it is: control characters, and Unicode's
/// format characters (general category Cf).
pub fn clean_text(s: &str) -> String {
    // Most upstream text is printable ASCII, where there is nothing to remove.
    let trimmed = s.trim();
    if trimmed.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return trimmed.to_string();
    }
    s.chars().filter(|c| !is_format(*c)).filter(|c| !c.is_control() || *c == ' ').collect::<String>().trim().to_string()
}

/// An account by its name and last digits, as the portal names it ("Everyday Checking …1234").
pub fn account_name(a: &crate::wire::InternalAccount) -> String {
    format!("{} {}", clean_text(&a.name), clean_text(&a.masked_number))
}

/// What a screen's accounts are chosen for: sharing their data, or paying from one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Use {
    Share,
    Pay,
}

/// Whether account `a` can be chosen for `purpose` now: not when the bank says it cannot be
/// used (`unavailable`), nor, to share its data, when it is a joint account some holder has
/// turned sharing off for.
pub fn usable(a: &crate::wire::InternalAccount, purpose: Use) -> bool {
    // A holder's own "off" counts even from a bank that does not say `withheld`.
    a.unavailable.is_none() && !(purpose == Use::Share && a.joint.as_ref().is_some_and(|j| j.withheld || !j.allowed))
}

/// Why account `a` cannot be chosen for `purpose` now, in `locale`: the bank's reason, or, for a
/// joint account's sharing turned off, Assent's (said to the holder who turned it off, or to
/// another); `None` when it can.
pub fn why_not(a: &crate::wire::InternalAccount, purpose: Use, locale: i18n::Locale) -> Option<String> {
    if usable(a, purpose) {
        return None;
    }
    if let Some(reason) = &a.unavailable {
        return Some(clean_text(reason));
    }
    let you = a.joint.as_ref().is_some_and(|j| !j.allowed);
    Some(i18n::text(locale, if you { "account-joint-withheld-you" } else { "account-joint-withheld-other" }, &[]))
}

/// An account on a consent's card: its name, and, when the bank says it cannot be shared now,
/// that it is not shared now (the bank discloses nothing of it, whatever the consent covers).
pub fn card_account(locale: Locale, a: &crate::wire::InternalAccount) -> String {
    if usable(a, Use::Share) {
        return account_name(a);
    }
    format!("{} ({})", account_name(a), i18n::text(locale, "portal-account-not-shared", &[]))
}

/// Unicode's format characters (Cf, Unicode 16): invisible, yet they reorder (bidi controls,
/// the Arabic letter mark), join, hide (tags) or fold text.
fn is_format(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{0600}'..='\u{0605}' | '\u{061C}' | '\u{06DD}' | '\u{070F}' | '\u{0890}'..='\u{0891}'
        | '\u{08E2}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}' | '\u{110BD}' | '\u{110CD}'
        | '\u{13430}'..='\u{1343F}' | '\u{1BCA0}'..='\u{1BCA3}' | '\u{1D173}'..='\u{1D17A}' | '\u{E0001}'
        | '\u{E0020}'..='\u{E007F}')
}

/// The reason of a record's event in words: one of Assent's own (`records::reason`) in
/// `locale`, anyone else's as they wrote it, cleaned.
pub fn reason_words(locale: Locale, reason: &str) -> String {
    use crate::server::records::reason;
    // As the builds before the codes wrote them, in English.
    let code = match reason {
        reason::AMENDED | "Replaced by an amendment" => "amended",
        reason::ENDED_UPSTREAM | "Ended at the authorization server before this record was settled" => "ended-upstream",
        _ => return clean_text(reason),
    };
    code_label(locale, "record-reason-", code)
}

/// A code from upstream (a data cluster, a status) in the page's language; one the messages do
/// not know is shown as it came, cleaned like any other text.
pub fn code_label(locale: Locale, prefix: &str, code: &str) -> String {
    i18n::t_code_in(locale, prefix, &clean_text(code))
}

/// A portal card's state: its status in words, whether it is in force, and its expiry
/// (formatted; machine-readable).
pub struct CardState {
    pub status: String,
    pub active: bool,
    pub expires: Option<(String, String)>,
}

/// The state of a card whose regime calls it `status` (`authorised` the one in force) and whose
/// expiry is `expiry` (RFC 3339): one past its expiry is expired whatever its list says, and
/// says the day it ended (D-06).
pub fn card_state(locale: Locale, status: &str, authorised: &str, expiry: Option<&str>) -> CardState {
    let expires = expiry.and_then(format_date);
    let status = status_now(status, authorised, expiry);
    CardState { status: card_status(locale, status, expires.as_ref()), active: status == authorised, expires }
}

/// A consent's status as of now: `Expired` for one its regime still calls authorised
/// (`authorised`) whose expiry (RFC 3339) has passed, as no list may have said yet.
fn status_now<'a>(status: &'a str, authorised: &str, expires: Option<&str>) -> &'a str {
    let passed =
        expires.and_then(|e| chrono::DateTime::parse_from_rfc3339(e).ok()).is_some_and(|end| end <= chrono::Utc::now());
    if status == authorised && passed {
        "Expired"
    } else {
        status
    }
}

/// A card's status in words: its regime's status (`Authorised`, `Expired`, …) as the portal
/// words it, and an expired consent's with the day it ended, from `expires` (formatted;
/// machine-readable).
fn card_status(locale: Locale, status: &str, expires: Option<&(String, String)>) -> String {
    match expires {
        Some((day, _)) if status == "Expired" => i18n::text(locale, "portal-expired-on", &[("date", day)]),
        _ => code_label(locale, "fdx-status-", status),
    }
}

/// Drops the links of `client` that lead to the user's own device (`http://localhost/terms`),
/// unless Assent is there too (a developer's machine, the sandbox): a real application's
/// website and policies are on the web, and such a link opens whatever runs on the user's
/// machine.
pub fn drop_local_links(client: &mut ClientView, assent_on_loopback: bool) {
    for link in [&mut client.client_uri, &mut client.policy_uri, &mut client.tos_uri] {
        drop_local_link(link, assent_on_loopback);
    }
}

/// [`drop_local_links`] of one link.
pub fn drop_local_link(link: &mut Option<String>, assent_on_loopback: bool) {
    let local = |u: &str| url::Url::parse(u).is_ok_and(|u| on_this_device(&u));
    if !assent_on_loopback && link.as_deref().is_some_and(local) {
        *link = None;
    }
}

/// Only `https:` links and images are shown (`http:` for loopback hosts, in development).
pub fn safe_url(s: Option<&String>) -> Option<String> {
    let url = url::Url::parse(s?).ok()?;
    match url.scheme() {
        "https" => Some(url.to_string()),
        "http" if super::config::is_loopback(&url) => Some(url.to_string()),
        _ => None,
    }
}

/// The application as the page shows it: cleaned text, safe links only.
pub fn client_view(info: &crate::wire::ClientInfo, client_id: &str) -> ClientView {
    let name =
        info.client_name.as_deref().map(clean_text).filter(|n| !n.is_empty()).unwrap_or_else(|| clean_text(client_id));
    ClientView {
        name,
        description: info.description.as_deref().map(clean_text).filter(|d| !d.is_empty()),
        logo_uri: safe_url(info.logo_uri.as_ref()),
        client_uri: safe_url(info.client_uri.as_ref()),
        policy_uri: safe_url(info.policy_uri.as_ref()),
        tos_uri: safe_url(info.tos_uri.as_ref()),
        unverified: None,
    }
}

/// What `redirect_uri` (where the application gets the user's answer) says of an application
/// that cannot be verified: a program on the user's own device (RFC 8252's loopback redirect),
/// an app by its own URI scheme, a website without TLS, or an address that does not read. A
/// loopback address is no warning when Assent itself is on this machine (`assent_on_loopback`:
/// a developer's, the sandbox's), where every application is. `None` for a website over https.
pub fn unverified(redirect_uri: &str, assent_on_loopback: bool) -> Option<Unverified> {
    let Ok(url) = url::Url::parse(redirect_uri) else { return Some(Unverified::Unreadable) };
    let host = || {
        let host = url.host_str().unwrap_or_default();
        clean_text(&url.port().map_or_else(|| host.to_string(), |port| format!("{host}:{port}")))
    };
    match url.scheme() {
        "http" | "https" if on_this_device(&url) => (!assent_on_loopback).then(|| Unverified::ThisDevice(host())),
        "https" => None,
        "http" => Some(Unverified::Unencrypted(host())),
        scheme => Some(Unverified::App(clean_text(scheme))),
    }
}

/// Whether `url`'s host is the user's own device: `localhost` and the names under it (RFC 6761;
/// browsers send them to loopback), with or without a final dot, and loopback addresses, an
/// IPv4 one written as IPv6 among them.
fn on_this_device(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost")
        }
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback()),
        None => false,
    }
}

/// A consent record's status in words, the same on every page: a payment's record, once
/// authorized, is "Confirmed" (a payment is made, not kept active).
pub fn record_status(locale: Locale, record: &super::records::Record) -> String {
    use super::records::Status;
    match (&record.draft.payment, record.status_now()) {
        (Some(_), Status::Authorized) => i18n::text(locale, "portal-payment-authorised", &[]),
        (_, status) => code_label(locale, "portal-record-", status.as_str()),
    }
}

/// Who is signed in: e-mail, name or subject, in that order of preference.
pub fn user_of(ctx: &serde_json::Map<String, serde_json::Value>, subject: &str) -> String {
    let text = |k: &str| ctx.get(k).and_then(|v| v.as_str()).map(clean_text).filter(|s| !s.is_empty());
    text("email").or_else(|| text("name")).unwrap_or_else(|| clean_text(subject))
}

/// Newest first by `created` (RFC 3339), compared as moments, not as text (offsets and
/// fractions of a second differ between servers); a moment that does not read goes last.
pub fn newest_first<T>(items: &mut [T], created: impl Fn(&T) -> Option<&str>) {
    let moment = |t: &T| created(t).and_then(|c| chrono::DateTime::parse_from_rfc3339(c).ok());
    items.sort_by_key(|t| std::cmp::Reverse(moment(t)));
}

/// The day of a moment in the response's language (the format is a message) and time zone
/// (`ASSENT_TIME_ZONE`), and the moment's RFC 3339 form.
pub fn format_date(rfc3339: &str) -> Option<(String, String)> {
    let t = chrono::DateTime::parse_from_rfc3339(rfc3339).ok()?;
    format_in(t, "date-format")
}

/// A date and time, with its zone's abbreviation (`UTC`, `AEDT`), in the response's language
/// and time zone, and its RFC 3339 form: where two moments of one day must be told apart, as
/// in a record's history.
pub fn format_date_time(rfc3339: &str) -> Option<(String, String)> {
    let t = chrono::DateTime::parse_from_rfc3339(rfc3339).ok()?;
    format_in(t, "date-time-format")
}

/// A calendar day (no moment, so no zone: a bank's history beginning January 1 begins then
/// wherever it is read) in the response's language.
pub fn format_day(day: chrono::NaiveDate) -> Option<(String, String)> {
    let t = day.and_hms_opt(0, 0, 0)?.and_utc().fixed_offset();
    format_with(t, "date-format", day.to_string())
}

fn format_in(t: chrono::DateTime<chrono::FixedOffset>, format_key: &str) -> Option<(String, String)> {
    let rfc3339 = t.to_rfc3339();
    format_with(t.with_timezone(&request::time_zone()), format_key, rfc3339)
}

fn format_with<Tz: chrono::TimeZone>(
    t: chrono::DateTime<Tz>,
    format_key: &str,
    machine: String,
) -> Option<(String, String)>
where
    Tz::Offset: std::fmt::Display,
{
    let locale = request::locale();
    let chrono_locale = match locale {
        Locale::En => chrono::Locale::en_US,
        Locale::Es => chrono::Locale::es_ES,
        Locale::PtBr => chrono::Locale::pt_BR,
    };
    let mut format = i18n::text(locale, format_key, &[]);
    // A zone with no letters for its time (all of Brazil's is "-03") is said as UTC and the
    // offset: "UTC-03:00".
    if t.offset().to_string().starts_with(['+', '-']) {
        format = format.replace("%Z", "UTC%:z");
    }
    let items = chrono::format::StrftimeItems::new_with_locale(&format, chrono_locale).parse().ok()?;
    Some((t.format_localized_with_items(items.iter(), chrono_locale).to_string(), machine))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newest_first_compares_moments_not_text() {
        let mut times =
            vec![Some("2025-01-10T12:00:00Z"), None, Some("2025-01-10T09:00:00-05:00"), Some("2025-01-10T12:00:00.5Z")];
        super::newest_first(&mut times, |t| *t);
        // 09:00 at -05:00 is 14:00Z: the newest, though it sorts last as text.
        assert_eq!(
            times,
            [Some("2025-01-10T09:00:00-05:00"), Some("2025-01-10T12:00:00.5Z"), Some("2025-01-10T12:00:00Z"), None]
        );
    }

    #[test]
    fn an_account_the_bank_no_longer_shares_says_so_on_its_card() {
        let account = crate::wire::InternalAccount {
            name: "Joint\u{202E} Saver".into(),
            masked_number: "…1234".into(),
            ..Default::default()
        };
        assert_eq!(card_account(Locale::En, &account), "Joint Saver …1234");
        let off = crate::wire::InternalAccount { unavailable: Some("Sharing is off".into()), ..account };
        assert_eq!(card_account(Locale::En, &off), "Joint Saver …1234 (not shared now)");
        assert_eq!(card_account(Locale::Es, &off), "Joint Saver …1234 (no se comparte ahora)");
        assert_eq!(account_name(&off), "Joint Saver …1234", "records keep the plain name");
        // A joint account some holder withholds: not shared now either, the bank blocking nothing.
        let joint = |allowed, withheld| crate::wire::InternalAccount {
            joint: Some(crate::wire::JointAccount { holders: 2, allowed, withheld }),
            ..off.clone()
        };
        let withheld = crate::wire::InternalAccount { unavailable: None, ..joint(true, true) };
        assert_eq!(card_account(Locale::En, &withheld), "Joint Saver …1234 (not shared now)");
        // This holder's own "off", from a bank that does not say `withheld`: the same.
        let own_off = crate::wire::InternalAccount { unavailable: None, ..joint(false, false) };
        assert_eq!(card_account(Locale::En, &own_off), "Joint Saver …1234 (not shared now)");
        let shared = crate::wire::InternalAccount { unavailable: None, ..joint(true, false) };
        assert_eq!(card_account(Locale::En, &shared), "Joint Saver …1234");
    }

    #[test]
    fn a_consent_past_its_expiry_is_expired_whatever_its_list_says() {
        let (past, future) = (Some("2020-01-01T00:00:00Z"), Some("2999-01-01T00:00:00Z"));
        assert_eq!(status_now("Authorised", "Authorised", past), "Expired");
        assert_eq!(status_now("Authorised", "Authorised", future), "Authorised");
        assert_eq!(status_now("Authorised", "Authorised", None), "Authorised");
        assert_eq!(status_now("Revoked", "Authorised", past), "Revoked", "an end of its own stays");
    }

    #[tokio::test]
    async fn dates_and_times_are_said_in_the_deployments_time_zone() {
        use crate::request::RequestCtx;
        let at = "2026-12-03T22:30:00Z";
        let said = |zone| {
            RequestCtx::new(&Default::default(), zone, false).scope(async move {
                let day = format_date(at).unwrap();
                let time = format_date_time(at).unwrap();
                let history = format_day(chrono::NaiveDate::from_ymd_opt(2017, 1, 1).unwrap()).unwrap();
                // The machine-readable form is the moment itself, whatever the zone.
                assert_eq!(
                    (day.1.as_str(), time.1.as_str()),
                    ("2026-12-03T22:30:00+00:00", "2026-12-03T22:30:00+00:00")
                );
                (day.0, time.0, history)
            })
        };
        let (day, time, history) = said(chrono_tz::UTC).await;
        assert_eq!((day.as_str(), time.as_str()), ("December 3, 2026", "December 3, 2026, 22:30 UTC"));
        assert_eq!(history, ("January 1, 2017".to_string(), "2017-01-01".to_string()));
        // Sydney is a day ahead then; a calendar day stays the day it is.
        let (day, time, history) = said(chrono_tz::Australia::Sydney).await;
        assert_eq!((day.as_str(), time.as_str()), ("December 4, 2026", "December 4, 2026, 09:30 AEDT"));
        assert_eq!(history.0, "January 1, 2017");
        let (day, time, history) = said(chrono_tz::America::Sao_Paulo).await;
        assert_eq!((day.as_str(), time.as_str()), ("December 3, 2026", "December 3, 2026, 19:30 UTC-03:00"));
        assert_eq!(history.0, "January 1, 2017");
        // A moment given in another offset is said in the deployment's zone too.
        let utc = RequestCtx::new(&Default::default(), chrono_tz::UTC, false);
        let day = utc.scope(async { format_date("2026-12-03T23:30:00-05:00").unwrap().0 }).await;
        assert_eq!(day, "December 4, 2026");
    }

    #[test]
    fn untrusted_text_and_links_are_cleaned() {
        assert_eq!(clean_text("Pay\u{202E}lapyaP\u{0007}"), "PaylapyaP");
        assert_eq!(clean_text("  Plain text, ASCII only  "), "Plain text, ASCII only");
        assert_eq!(clean_text(" \u{200B} spaced\t\u{202E} "), "spaced");
        // The Arabic letter mark, word joiners, invisible operators and tag characters too;
        // letters of any script stay.
        assert_eq!(clean_text("Bank\u{061C}\u{2060}\u{2063}\u{E0041}\u{E007F} Ünïcødé عربي"), "Bank Ünïcødé عربي");
        assert_eq!(safe_url(Some(&"javascript:alert(1)".to_string())), None);
        assert_eq!(safe_url(Some(&"http://evil.example/logo.png".to_string())), None);
        assert_eq!(safe_url(Some(&"data:image/png;base64,AAAA".to_string())), None);
        assert!(safe_url(Some(&"https://tpp.example/logo.png".to_string())).is_some());
        assert!(safe_url(Some(&"http://127.0.0.1:3030/logo.svg".to_string())).is_some());
        // A link to the user's own device, where Assent is not on it: dropped.
        let local = |uri: &str| ClientView {
            client_uri: Some(uri.into()),
            policy_uri: Some("https://tpp.example/privacy".into()),
            tos_uri: Some("http://[::1]:8080/terms".into()),
            ..client_view(&Default::default(), "app")
        };
        let mut far = local("http://localhost.:3030/");
        drop_local_links(&mut far, false);
        assert_eq!(
            (far.client_uri, far.policy_uri.as_deref(), far.tos_uri),
            (None, Some("https://tpp.example/privacy"), None)
        );
        let mut near = local("http://localhost:3030/");
        drop_local_links(&mut near, true);
        assert!(near.client_uri.is_some() && near.tos_uri.is_some(), "Assent is on this machine too");
    }

    #[test]
    fn an_application_answered_on_this_device_or_without_tls_is_unverified() {
        use Unverified::{App, ThisDevice, Unencrypted, Unreadable};
        let far = |uri: &str| unverified(uri, false);
        assert_eq!(far("https://tpp.example/callback"), None);
        assert_eq!(far("http://127.0.0.1:8080/cb"), Some(ThisDevice("127.0.0.1:8080".into())));
        assert_eq!(far("https://localhost/cb"), Some(ThisDevice("localhost".into())));
        assert_eq!(far("http://[::1]:5000/cb"), Some(ThisDevice("[::1]:5000".into())));
        assert_eq!(far("com.example.app:/oauth2redirect"), Some(App("com.example.app".into())));
        assert_eq!(far("http://tpp.example/cb"), Some(Unencrypted("tpp.example".into())));
        assert_eq!(far("https://localhost./cb"), Some(ThisDevice("localhost.".into())));
        assert_eq!(far("https://app.localhost:8443/cb"), Some(ThisDevice("app.localhost:8443".into())));
        assert_eq!(far("https://[::ffff:127.0.0.1]/cb"), Some(ThisDevice("[::ffff:7f00:1]".into())));
        assert_eq!(far("https://user@tpp.example/cb"), None, "what comes before @ is not the host");
        assert_eq!(far("http://tpp.example@127.0.0.1/cb"), Some(ThisDevice("127.0.0.1".into())));
        assert_eq!(far("not an address"), Some(Unreadable), "an address Assent cannot read is no website's");
        // Assent on this machine: a program on it is no surprise; an app's scheme still is.
        assert_eq!(unverified("http://127.0.0.1:8080/cb", true), None);
        assert_eq!(unverified("com.example.app:/cb", true), Some(App("com.example.app".into())));
    }
}
