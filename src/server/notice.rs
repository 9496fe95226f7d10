//! What a plain form's action did, said once on the page it lands on: a cookie the action
//! sets (a minute long, `SameSite=Strict`, HttpOnly) and that page reads and clears. A reload,
//! a bookmark or a link someone sends (`/portal?revoked=1` once said "access revoked" to
//! whoever opened it) says nothing. With JavaScript the island says it in its live region.

use crate::cookies::{cookie_header, read_cookie};
use axum::http::{HeaderMap, HeaderValue};

/// What was done.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notice {
    /// The portal: an application's access revoked.
    Revoked,
    /// The portal: an Open Finance consent stopped.
    Stopped,
    /// The portal: a joint account's sharing allowed.
    SharingAllowed,
    /// The portal: a joint account's sharing stopped.
    SharingStopped,
    /// The console: one record revoked.
    RecordRevoked,
    /// The console: every consent of an application revoked, this many.
    ProviderRevoked(usize),
}

fn cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-assent-notice"
    } else {
        "assent-notice"
    }
}

impl Notice {
    fn value(self) -> String {
        match self {
            Notice::Revoked => "revoked".into(),
            Notice::Stopped => "stopped".into(),
            Notice::SharingAllowed => "sharing-allowed".into(),
            Notice::SharingStopped => "sharing-stopped".into(),
            Notice::RecordRevoked => "record-revoked".into(),
            Notice::ProviderRevoked(n) => format!("provider-revoked.{n}"),
        }
    }

    fn parse(value: &str) -> Option<Notice> {
        match value {
            "revoked" => Some(Notice::Revoked),
            "stopped" => Some(Notice::Stopped),
            "sharing-allowed" => Some(Notice::SharingAllowed),
            "sharing-stopped" => Some(Notice::SharingStopped),
            "record-revoked" => Some(Notice::RecordRevoked),
            _ => value.strip_prefix("provider-revoked.")?.parse().ok().map(Notice::ProviderRevoked),
        }
    }

    /// The `Set-Cookie` that carries it to the next page.
    pub fn cookie(self, secure: bool) -> Option<HeaderValue> {
        cookie_header(cookie_name(secure), &self.value(), 60, "Strict", secure)
    }

    /// The notice a request carries: `Some(None)` for a cookie that says nothing known.
    pub fn of(headers: &HeaderMap, secure: bool) -> Option<Option<Notice>> {
        read_cookie(headers, cookie_name(secure)).map(Notice::parse)
    }

    /// The `Set-Cookie` that clears it, once said.
    pub fn clear(secure: bool) -> Option<HeaderValue> {
        cookie_header(cookie_name(secure), "", 0, "Strict", secure)
    }
}

#[cfg(test)]
mod tests {
    use super::Notice;
    use axum::http::{header, HeaderMap, HeaderValue};

    #[test]
    fn a_notice_goes_to_the_next_page_once() {
        let notices = [
            Notice::Revoked,
            Notice::Stopped,
            Notice::SharingAllowed,
            Notice::SharingStopped,
            Notice::RecordRevoked,
            Notice::ProviderRevoked(12),
        ];
        for notice in notices {
            for secure in [false, true] {
                let set = notice.cookie(secure).unwrap();
                let set = set.to_str().unwrap();
                assert!(set.contains("Max-Age=60") && set.contains("SameSite=Strict") && set.contains("HttpOnly"));
                assert_eq!(set.starts_with("__Host-"), secure, "{set}");
                let pair = set.split(';').next().unwrap();
                let mut headers = HeaderMap::new();
                headers.insert(header::COOKIE, HeaderValue::from_str(&format!("a=b; {pair}")).unwrap());
                assert_eq!(Notice::of(&headers, secure), Some(Some(notice)));
                let clear = Notice::clear(secure).unwrap();
                assert!(clear.to_str().unwrap().starts_with(pair.split('=').next().unwrap()));
                assert!(clear.to_str().unwrap().contains("Max-Age=0"));
            }
        }
        // None, one of the other scheme's name, one not known (cleared, says nothing).
        assert_eq!(Notice::of(&HeaderMap::new(), false), None);
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_static("__Host-assent-notice=revoked"));
        assert_eq!(Notice::of(&headers, false), None);
        for junk in ["assent-notice=granted", "assent-notice=provider-revoked.-1", "assent-notice="] {
            headers.insert(header::COOKIE, HeaderValue::from_static(junk));
            assert_eq!(Notice::of(&headers, false), Some(None), "{junk}");
        }
    }
}
