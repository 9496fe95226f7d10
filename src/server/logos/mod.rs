//! Applications' logos, served from Assent's own origin. A client's `logo_uri` is the client's
//! to choose (dynamic registration lets any client name one), so a page that loaded it would
//! tell the client's host who opens a consent screen or the portal, from where, and when
//! (attack list C-13, C-16: no third-party requests). Pages link `/logo?u=…&m=…` instead:
//! `m` is a MAC of the address under a key of Assent's, so only addresses Assent put on a page
//! are fetched, and `/logo` is no open proxy.
//!
//! The fetch is made by Assent, as a guest: no cookie, no credential, no Referer, https only,
//! and only to public addresses (every address a name resolves to, each redirect's too): a
//! client cannot make Assent call its own network (SSRF). Loopback hosts are allowed only
//! when the authorization server is itself local (development, the sandbox). What comes back
//! is kept only when its bytes are an image (PNG, JPEG, GIF, WebP or SVG) of at most
//! [`MAX_BYTES`], and is served with Assent's own type; an SVG carries a policy that runs
//! nothing. Logos are cached in memory for an hour (a failure for five minutes), within a
//! bounded budget; requests for one logo wait on one fetch, and at most [`FETCHES`] run at once.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use url::Url;

/// The largest logo kept.
pub const MAX_BYTES: usize = 256 * 1024;
/// How many logos are fetched at once; more wait (within [`DEADLINE`]).
pub const FETCHES: usize = 4;
/// The longest a request for a logo waits, its fetch included.
const DEADLINE: Duration = Duration::from_secs(5);
/// The longest one fetch takes: less than [`DEADLINE`], so that a host too slow is kept as a
/// failure, not asked again by every request.
const FETCH_TIMEOUT: Duration = Duration::from_secs(3);
const KEEP: Duration = Duration::from_secs(3600);
const KEEP_FAILURE: Duration = Duration::from_secs(300);
/// The cache's budget: this many bytes, and this many addresses.
const CACHE_BYTES: usize = 16 * 1024 * 1024;
const CACHE_ENTRIES: usize = 1024;
const REDIRECTS: usize = 3;
/// The MAC's length in the link, in bytes (128 bits).
const MAC_LEN: usize = 16;
/// What the address escapes in the link: all but letters, digits and RFC 3986's other
/// unreserved marks.
const QUERY_VALUE: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// A logo as Assent serves it.
#[derive(Debug)]
pub struct Image {
    pub content_type: &'static str,
    pub bytes: axum::body::Bytes,
}

struct Entry {
    image: Option<Arc<Image>>,
    until: Instant,
}

#[derive(Default)]
struct Cache {
    entries: HashMap<String, Entry>,
    bytes: usize,
}

/// A logo not had in time: nothing is known of it yet, and nothing may be kept of the answer.
#[derive(Debug)]
pub struct Late;

pub struct Logos {
    mac: Hmac<Sha256>,
    http: reqwest::Client,
    /// Loopback hosts may be fetched (the authorization server is local).
    local: bool,
    cache: Mutex<Cache>,
    /// The fetches under way, by address.
    inflight: Mutex<HashMap<String, Arc<Fetch>>>,
    fetching: tokio::sync::Semaphore,
}

/// One fetch of a logo, which every request for it waits on.
type Fetch = tokio::sync::OnceCell<Option<Arc<Image>>>;

impl Logos {
    /// `session_key` is `ASSENT_SESSION_KEY` (the links' MAC uses a key derived from it for this
    /// use only); `local` allows loopback hosts.
    pub fn new(session_key: &[u8], local: bool) -> Result<Self, reqwest::Error> {
        let policy = reqwest::redirect::Policy::custom(move |attempt| {
            // `previous` holds the first address too.
            if attempt.previous().len() > REDIRECTS {
                attempt.error("too many redirects")
            } else if fetchable(attempt.url(), local) {
                attempt.follow()
            } else {
                attempt.error("a redirect to an address Assent does not fetch")
            }
        });
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(2))
            .timeout(FETCH_TIMEOUT)
            .referer(false)
            .redirect(policy)
            .dns_resolver(Arc::new(PublicOnly { local }))
            // Directly, never through an HTTP(S)_PROXY: a proxy would resolve the name itself,
            // past the address check.
            .no_proxy()
            .https_only(!local)
            .user_agent(concat!("assent/", env!("CARGO_PKG_VERSION"), " (logo)"))
            .build()?;
        // The 32-byte key padded to SHA-256's block is the same HMAC key (RFC 2104).
        let mut block = [0u8; 64];
        block[..32].copy_from_slice(&super::keys::derive(session_key, super::keys::LOGOS));
        let mac = <Hmac<Sha256> as hmac::digest::KeyInit>::new(&block.into());
        Ok(Self {
            mac,
            http,
            local,
            cache: Mutex::default(),
            inflight: Mutex::default(),
            fetching: tokio::sync::Semaphore::new(FETCHES),
        })
    }

    /// The link on Assent's origin of the logo at `url` (a safe URL, `present::safe_url`).
    pub fn link(&self, url: &str) -> String {
        use base64::Engine as _;
        let m = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&self.sign(url)[..MAC_LEN]);
        let u = percent_encoding::utf8_percent_encode(url, QUERY_VALUE);
        format!("/logo?u={u}&m={m}")
    }

    /// [`Self::link`] for an optional logo.
    pub fn link_opt(&self, url: Option<String>) -> Option<String> {
        url.map(|u| self.link(&u))
    }

    /// The application's logo on a page: its link on Assent's origin.
    pub fn show(&self, client: &mut crate::model::ClientView) {
        client.logo_uri = self.link_opt(client.logo_uri.take());
    }

    /// The MAC of `url`, keyed and fed, before it is finalized or checked.
    fn mac_of(&self, url: &str) -> Hmac<Sha256> {
        let mut mac = self.mac.clone();
        mac.update(url.as_bytes());
        mac
    }

    fn sign(&self, url: &str) -> [u8; 32] {
        self.mac_of(url).finalize().into_bytes().into()
    }

    /// Whether `m` is the MAC of `url` under Assent's key (compared in constant time).
    pub fn verify(&self, url: &str, m: &str) -> bool {
        use base64::Engine as _;
        let Ok(given) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(m) else { return false };
        given.len() == MAC_LEN && self.mac_of(url).verify_truncated_left(&given).is_ok()
    }

    /// The logo at `url` (whose link Assent made), from the cache or fetched now; `None` when
    /// it cannot be had as an image; [`Late`] when it could not be had in time (its fetch
    /// still waiting its turn, or still running). Requests for the same logo wait on one fetch.
    pub async fn get(&self, url: &str) -> Result<Option<Arc<Image>>, Late> {
        if let Some(known) = self.cached(url) {
            return Ok(known);
        }
        let once = self.lock_inflight().entry(url.to_string()).or_default().clone();
        let fetch = once.get_or_init(|| async {
            let Ok(_turn) = self.fetching.acquire().await else { return None };
            let image = match self.fetch(url).await {
                Ok(image) => Some(Arc::new(image)),
                Err(why) => {
                    tracing::info!(url, why, "a logo was not fetched");
                    None
                }
            };
            self.keep(url, image.clone());
            image
        });
        let image = tokio::time::timeout(DEADLINE, fetch).await.cloned().map_err(|_| Late);
        // Kept (or given up on): the next request starts from the cache.
        let mut inflight = self.lock_inflight();
        if inflight.get(url).is_some_and(|o| Arc::ptr_eq(o, &once)) {
            inflight.remove(url);
        }
        image
    }

    fn lock_inflight(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Fetch>>> {
        self.inflight.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn cached(&self, url: &str) -> Option<Option<Arc<Image>>> {
        let cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        cache.entries.get(url).filter(|e| e.until > Instant::now()).map(|e| e.image.clone())
    }

    fn keep(&self, url: &str, image: Option<Arc<Image>>) {
        let now = Instant::now();
        let entry = Entry { until: now + if image.is_some() { KEEP } else { KEEP_FAILURE }, image };
        let size = cost(url, &entry);
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(old) = cache.entries.remove(url) {
            cache.bytes -= cost(url, &old);
        }
        // Expired entries go first, then the ones closest to expiring, until the new one fits.
        let expired: Vec<String> =
            cache.entries.iter().filter(|(_, e)| e.until <= now).map(|(k, _)| k.clone()).collect();
        for k in expired {
            if let Some(e) = cache.entries.remove(&k) {
                cache.bytes -= cost(&k, &e);
            }
        }
        while !cache.entries.is_empty() && (cache.bytes + size > CACHE_BYTES || cache.entries.len() >= CACHE_ENTRIES) {
            let Some(first) = cache.entries.iter().min_by_key(|(_, e)| e.until).map(|(k, _)| k.clone()) else { break };
            if let Some(e) = cache.entries.remove(&first) {
                cache.bytes -= cost(&first, &e);
            }
        }
        cache.bytes += size;
        cache.entries.insert(url.to_string(), entry);
    }

    async fn fetch(&self, url: &str) -> Result<Image, &'static str> {
        let parsed = Url::parse(url).map_err(|_| "not a URL")?;
        if !fetchable(&parsed, self.local) {
            return Err("not an address Assent fetches");
        }
        let mut response = self
            .http
            .get(parsed)
            .header(reqwest::header::ACCEPT, "image/webp,image/png,image/svg+xml,image/*;q=0.8")
            .send()
            .await
            .map_err(|_| "no answer")?;
        if !response.status().is_success() {
            return Err("not a success");
        }
        if response.content_length().is_some_and(|n| n > MAX_BYTES as u64) {
            return Err("too large");
        }
        let declared = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
            .unwrap_or_default();
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|_| "cut short")? {
            if bytes.len() + chunk.len() > MAX_BYTES {
                return Err("too large");
            }
            bytes.extend_from_slice(&chunk);
        }
        let content_type = image_type(&bytes, &declared).ok_or("not an image")?;
        Ok(Image { content_type, bytes: bytes.into() })
    }
}

/// What an entry takes of the cache's budget: its image and its address.
fn cost(url: &str, entry: &Entry) -> usize {
    entry.image.as_ref().map_or(0, |i| i.bytes.len()) + url.len()
}

/// The type of `bytes` when they are an image Assent serves: by their signature for PNG, JPEG,
/// GIF and WebP; an SVG when declared so (or starting as one) and holding an `<svg` element.
pub fn image_type(bytes: &[u8], declared: &str) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some("image/png");
    }
    if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        return Some("image/jpeg");
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return Some("image/gif");
    }
    if bytes.len() > 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        return Some("image/webp");
    }
    let text = std::str::from_utf8(bytes).ok()?.trim_start_matches('\u{feff}').trim_start();
    let looks_svg = text.starts_with("<svg") || text.starts_with("<?xml") || text.starts_with("<!--");
    (text.contains("<svg") && (declared == "image/svg+xml" || looks_svg)).then_some("image/svg+xml")
}

/// Whether Assent fetches `url`: https (http too for a loopback host, when `local`), and a
/// host that is a name (checked when resolved) or an address it may reach.
fn fetchable(url: &Url, local: bool) -> bool {
    let host_ok = match url.host() {
        Some(url::Host::Domain(_)) => true,
        Some(url::Host::Ipv4(ip)) => reachable(IpAddr::V4(ip), local),
        Some(url::Host::Ipv6(ip)) => reachable(IpAddr::V6(ip), local),
        None => false,
    };
    let scheme_ok = match url.scheme() {
        "https" => true,
        "http" => local && super::config::is_loopback(url),
        _ => false,
    };
    host_ok && scheme_ok && url.username().is_empty() && url.password().is_none()
}

/// Whether an address may be reached: a public one, or a loopback one when `local`.
pub fn reachable(ip: IpAddr, local: bool) -> bool {
    (local && ip.is_loopback()) || public(ip)
}

/// A globally routable address: not loopback, private, link-local (cloud metadata), shared
/// (CGNAT), benchmarking, documentation, multicast, reserved or unspecified; an IPv6 address
/// that embeds an IPv4 one is judged by it.
pub fn public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => public_v4(v4),
        IpAddr::V6(v6) => public_v6(v6),
    }
}

fn public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        || a == 0
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0 && c == 0)
        || (a == 198 && (18..20).contains(&b))
        || a >= 240)
}

fn public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return public_v4(v4);
    }
    let s = ip.segments();
    // NAT64 (64:ff9b::/96) and IPv4-translated addresses (::ffff:0:0/96) reach the IPv4
    // address in their last 32 bits; 6to4 (2002::/16), the one in bits 16 to 48.
    if (s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0]) || s[0..6] == [0, 0, 0, 0, 0xffff, 0] {
        return public_v4(Ipv4Addr::from(((s[6] as u32) << 16) | s[7] as u32));
    }
    if s[0] == 0x2002 {
        return public_v4(Ipv4Addr::from(((s[1] as u32) << 16) | s[2] as u32));
    }
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (s[0] & 0xfe00) == 0xfc00
        || (s[0] & 0xffc0) == 0xfe80
        || (s[0] & 0xffc0) == 0xfec0
        || (s[0] == 0x2001 && s[1] == 0x0db8)
        // Teredo (2001::/32): its server and client addresses are the tunnel's, not this host's.
        || (s[0] == 0x2001 && s[1] == 0)
        || (s[0] == 0x2001 && s[1] == 0x0002 && s[2] == 0)
        || (s[0] == 0x64 && s[1] == 0xff9b && s[2] == 1)
        || s[0..6] == [0, 0, 0, 0, 0, 0])
}

/// A resolver that answers only with addresses Assent may reach: a name that resolves to a
/// private address is refused, whatever the client registered.
struct PublicOnly {
    local: bool,
}

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let local = self.local;
        Box::pin(async move {
            let found = tokio::net::lookup_host((name.as_str(), 0)).await?;
            let allowed: Vec<SocketAddr> = found.filter(|a| reachable(a.ip(), local)).collect();
            if allowed.is_empty() {
                return Err("the name resolves to no address Assent fetches".into());
            }
            Ok(Box::new(allowed.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

#[cfg(test)]
mod tests;
