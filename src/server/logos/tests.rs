//! The logo fetcher's address filter, links and cache.

use super::*;

#[test]
fn only_public_addresses_are_reached() {
    for ip in [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "255.255.255.255",
        "224.0.0.1",
        "198.18.0.1",
        "192.0.2.1",
        "::1",
        "::",
        "fd00::1",
        "fe80::1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "64:ff9b::a00:1",
        "2001:db8::1",
        "::10.0.0.1",
        "fec0::1",
        "2001:2::1",
        "64:ff9b:1::a00:1",
        "2002:a9fe:a9fe::",
        "2002:7f00:1::1",
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",
        "::ffff:0:a9fe:a9fe",
    ] {
        assert!(!public(ip.parse().unwrap()), "{ip} is not public");
    }
    for ip in [
        "93.184.216.34",
        "1.1.1.1",
        "2606:4700:4700::1111",
        "::ffff:93.184.216.34",
        "64:ff9b::5db8:d822",
        "2002:5db8:d822::1",
    ] {
        assert!(public(ip.parse().unwrap()), "{ip} is public");
    }
    assert!(reachable("127.0.0.1".parse().unwrap(), true), "loopback in development");
    assert!(!reachable("10.0.0.1".parse().unwrap(), true), "never a private network");
}

/// A name is judged by what it resolves to: `localhost` is refused to Assent with a real
/// tenant, and reached in development.
#[tokio::test]
async fn names_resolve_to_reachable_addresses_only() {
    use reqwest::dns::Resolve as _;
    let name = |n: &str| n.parse::<reqwest::dns::Name>().unwrap();
    let refused = PublicOnly { local: false }.resolve(name("localhost")).await;
    assert!(refused.is_err(), "a name of this machine");
    let local: Vec<SocketAddr> = PublicOnly { local: true }.resolve(name("localhost")).await.unwrap().collect();
    assert!(!local.is_empty() && local.iter().all(|a| a.ip().is_loopback()), "{local:?}");
}

#[test]
fn only_https_and_reachable_hosts_are_fetched() {
    let url = |s: &str| Url::parse(s).unwrap();
    assert!(fetchable(&url("https://tpp.example/logo.png"), false));
    assert!(!fetchable(&url("http://tpp.example/logo.png"), false));
    assert!(!fetchable(&url("https://169.254.169.254/latest/meta-data"), false));
    assert!(!fetchable(&url("https://[::1]/logo.png"), false));
    assert!(!fetchable(&url("http://127.0.0.1:3030/logo.svg"), false));
    assert!(fetchable(&url("http://127.0.0.1:3030/logo.svg"), true));
    assert!(!fetchable(&url("http://tpp.example/logo.png"), true), "http only for loopback hosts");
    assert!(!fetchable(&url("https://user:pw@tpp.example/logo.png"), false));
    assert!(!fetchable(&url("file:///etc/passwd"), true));
}

#[test]
fn images_are_known_by_their_bytes() {
    assert_eq!(image_type(b"\x89PNG\r\n\x1a\n....", "text/html"), Some("image/png"));
    assert_eq!(image_type(&[0xff, 0xd8, 0xff, 0xe0], ""), Some("image/jpeg"));
    assert_eq!(image_type(b"GIF89a...", "image/png"), Some("image/gif"));
    assert_eq!(image_type(b"RIFF\0\0\0\0WEBPVP8 ", ""), Some("image/webp"));
    let svg = b"<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>";
    assert_eq!(image_type(svg, "text/plain"), Some("image/svg+xml"));
    assert_eq!(image_type(b"<svg/>", "image/svg+xml"), Some("image/svg+xml"));
    assert_eq!(image_type(b"<html><svg/></html>", "text/html"), None, "a page is not an image");
    assert_eq!(image_type(b"<html><svg/></html>", "image/svg+xml"), Some("image/svg+xml"));
    assert_eq!(image_type(b"{\"secret\": 1}", "image/png"), None, "declared is not enough");
    assert_eq!(image_type(b"", "image/png"), None);
}

#[test]
fn links_carry_a_mac_of_their_address_only() {
    let logos = Logos::new(&[7; 32], false).unwrap();
    let url = "https://tpp.example/logo.png?size=64&x=1";
    let link = logos.link(url);
    assert!(link.starts_with("/logo?u=https%3A%2F%2Ftpp.example%2Flogo.png%3Fsize%3D64%26x%3D1&m="), "{link}");
    let m = link.rsplit("&m=").next().unwrap();
    assert!(logos.verify(url, m));
    assert!(!logos.verify("https://tpp.example/other.png", m), "bound to the address");
    assert!(!logos.verify(url, &m[..m.len() - 2]), "the whole MAC");
    assert!(!logos.verify(url, "not base64!"));
    let other = Logos::new(&[8; 32], false).unwrap();
    assert!(!other.verify(url, m), "bound to the key");
}

#[test]
fn the_cache_stays_within_its_budget() {
    let logos = Logos::new(&[7; 32], false).unwrap();
    let big = || Some(Arc::new(Image { content_type: "image/png", bytes: vec![0; MAX_BYTES].into() }));
    for i in 0..(CACHE_BYTES / MAX_BYTES + 10) {
        logos.keep(&format!("https://tpp.example/{i}.png"), big());
    }
    let cache = logos.cache.lock().unwrap();
    assert!(cache.bytes <= CACHE_BYTES, "{} bytes", cache.bytes);
    let counted: usize =
        cache.entries.iter().map(|(k, e)| k.len() + e.image.as_ref().map_or(0, |i| i.bytes.len())).sum();
    assert_eq!(counted, cache.bytes, "the count is the entries' sum");
    drop(cache);
    for i in 0..(CACHE_ENTRIES + 5) {
        logos.keep(&format!("https://tpp.example/missing/{i}.png"), None);
    }
    assert!(logos.cache.lock().unwrap().entries.len() <= CACHE_ENTRIES);
}
