//! Mutual TLS for the sandbox (RFC 8705): a local CA made at first start in the data
//! directory, a server certificate it signs, and a TLS listener that asks every client for a
//! certificate. The listener accepts any certificate that proves possession of its key (the
//! handshake signature is checked); *which* client it is gets decided by the token endpoint:
//! `tls_client_auth`, the registered subject DN on a certificate that chains to a CA the
//! sandbox trusts (its local CA, which issues TPP certificates, or `SANDBOX_CLIENT_CA`);
//! `self_signed_tls_client_auth`, a certificate in the client's registered JWKS `x5c`. Bound
//! tokens are checked against its `x5t#S256` thumbprint.

use axum::{extract::FromRequestParts, http::request::Parts, Router};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose,
};
use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{DigitallySignedStruct, SignatureScheme};
use sha2::{Digest, Sha256};
use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The certificate a client presented on the mTLS listener (DER of the end-entity
/// certificate). Requests on the plain listener carry none.
#[derive(Clone, Debug)]
pub struct ClientCert(pub Arc<Vec<u8>>);

impl ClientCert {
    /// `x5t#S256`: base64url(SHA-256(DER)).
    pub fn thumbprint(&self) -> String {
        thumbprint(&self.0)
    }
}

/// Extractor: the presented client certificate, if any.
pub struct PeerCert(pub Option<ClientCert>);

impl<S: Send + Sync> FromRequestParts<S> for PeerCert {
    type Rejection = Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(PeerCert(parts.extensions.get::<ClientCert>().cloned()))
    }
}

pub fn thumbprint(der: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(der))
}

/// The subject DN of a certificate in RFC 4514 form, e.g. `CN=tpp.example,O=Example TPP`.
pub fn subject_dn(der: &[u8]) -> Option<String> {
    use x509_cert::der::Decode;
    let cert = x509_cert::Certificate::from_der(der).ok()?;
    Some(cert.tbs_certificate.subject.to_string())
}

/// Compares two DNs loosely: attribute order, spaces and the case of attribute names do not
/// matter (`CN=a, O=b` equals `o=b,CN=a`). Values compare exactly.
pub fn dn_matches(a: &str, b: &str) -> bool {
    fn norm(dn: &str) -> Vec<String> {
        let mut parts: Vec<String> = dn
            .split(',')
            .filter(|p| !p.trim().is_empty())
            .map(|p| match p.split_once('=') {
                Some((k, v)) => format!("{}={}", k.trim().to_ascii_uppercase(), v.trim()),
                None => p.trim().to_string(),
            })
            .collect();
        parts.sort();
        parts
    }
    let (a, b) = (norm(a), norm(b));
    !a.is_empty() && a == b
}

/// A certificate and its PKCS#8 key, both PEM, plus the certificate's DER.
#[derive(Clone)]
pub struct Identity {
    pub cert_pem: String,
    pub key_pem: String,
    pub cert_der: Vec<u8>,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identity").field("cert_pem", &self.cert_pem).finish_non_exhaustive()
    }
}

impl Identity {
    /// For `reqwest::Identity::from_pem`: certificate then key.
    pub fn pem_bundle(&self) -> Vec<u8> {
        format!("{}\n{}", self.cert_pem, self.key_pem).into_bytes()
    }
}

fn dn(pairs: &[(DnType, &str)]) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    for (k, v) in pairs {
        dn.push(k.clone(), *v);
    }
    dn
}

/// What a client certificate for subject `CN=cn, O=org` says.
fn client_params(cn: &str, org: Option<&str>) -> Result<CertificateParams, String> {
    let mut params = CertificateParams::new(Vec::<String>::new()).map_err(|e| e.to_string())?;
    let mut pairs = vec![(DnType::CommonName, cn)];
    if let Some(o) = org {
        pairs.push((DnType::OrganizationName, o));
    }
    params.distinguished_name = dn(&pairs);
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    Ok(params)
}

/// A self-signed client certificate (`self_signed_tls_client_auth`) with subject `CN=cn`.
pub fn self_signed(cn: &str, org: Option<&str>) -> Result<Identity, String> {
    let key = KeyPair::generate().map_err(|e| e.to_string())?;
    let cert = client_params(cn, org)?.self_signed(&key).map_err(|e| e.to_string())?;
    Ok(Identity { cert_pem: cert.pem(), key_pem: key.serialize_pem(), cert_der: cert.der().to_vec() })
}

/// A JWK for a client's public key with the certificate in `x5c`, as a client registered
/// for `self_signed_tls_client_auth` publishes it.
pub fn jwk_with_x5c(identity: &Identity) -> serde_json::Value {
    use base64::engine::general_purpose::STANDARD;
    let thumb = thumbprint(&identity.cert_der);
    serde_json::json!({
        "kty": "EC", "crv": "P-256", "use": "sig", "kid": thumb,
        "x5c": [STANDARD.encode(&identity.cert_der)],
        "x5t#S256": thumb,
    })
}

/// Does a client's registered JWKS hold this certificate (in some key's `x5c[0]`)?
pub fn jwks_holds(jwks: &serde_json::Value, der: &[u8]) -> bool {
    use base64::engine::general_purpose::STANDARD;
    jwks["keys"].as_array().into_iter().flatten().any(|k| {
        k["x5c"][0].as_str().and_then(|c| STANDARD.decode(c.trim()).ok()).is_some_and(|registered| registered == der)
    })
}

/// A client certificate for a data recipient registered with `tls_client_auth`, issued by the
/// sandbox's local CA in `data_dir` (made at the sandbox's first start): subject `CN=cn, O=org`.
pub fn issue_client_cert(data_dir: &Path, cn: &str, org: Option<&str>) -> Result<Identity, String> {
    let key_path = data_dir.join(CA_KEY_FILE);
    let pem = std::fs::read_to_string(&key_path)
        .map_err(|e| format!("{}: {e} (start the sandbox once)", key_path.display()))?;
    let ca_key = KeyPair::from_pem(&pem).map_err(|e| format!("{}: {e}", key_path.display()))?;
    let ca_cert = ca_params()?.self_signed(&ca_key).map_err(|e| e.to_string())?;
    let key = KeyPair::generate().map_err(|e| e.to_string())?;
    let mut params = client_params(cn, org)?;
    params.use_authority_key_identifier_extension = true;
    let cert = params.signed_by(&key, &ca_cert, &ca_key).map_err(|e| e.to_string())?;
    Ok(Identity { cert_pem: cert.pem(), key_pem: key.serialize_pem(), cert_der: cert.der().to_vec() })
}

/// The CAs whose certificates `tls_client_auth` clients may present (RFC 8705 §2.1): the local
/// CA, and a bundle from configuration. The subject DN alone proves nothing: anyone can make a
/// self-signed certificate with any name.
pub struct ClientCas(Arc<dyn ClientCertVerifier>);

impl ClientCas {
    pub fn new(local_ca_pem: &str, bundle: Option<&Path>) -> Result<Self, String> {
        use rustls::pki_types::pem::PemObject;
        let mut roots = rustls::RootCertStore::empty();
        let mut add = |pem: &[u8], from: &str| -> Result<(), String> {
            for cert in CertificateDer::pem_slice_iter(pem) {
                let cert = cert.map_err(|e| format!("{from}: {e}"))?;
                roots.add(cert).map_err(|e| format!("{from}: {e}"))?;
            }
            Ok(())
        };
        add(local_ca_pem.as_bytes(), "the local CA")?;
        if let Some(path) = bundle {
            let pem = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
            add(&pem, &path.display().to_string())?;
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
            .build()
            .map_err(|e| e.to_string())?;
        Ok(ClientCas(verifier))
    }

    /// Does `der` (an end-entity certificate) chain to one of these CAs, for client use, now?
    pub fn trust(&self, der: &[u8]) -> bool {
        self.0.verify_client_cert(&CertificateDer::from(der), &[], UnixTime::now()).is_ok()
    }
}

/// The sandbox's local CA and the server identity it issued for this start.
pub struct LocalCa {
    pub ca_pem: String,
    pub ca_path: PathBuf,
    pub server_config: Arc<rustls::ServerConfig>,
}

const CA_CERT_FILE: &str = "sandbox-ca.pem";
const CA_KEY_FILE: &str = "sandbox-ca-key.pem";

fn ca_params() -> Result<CertificateParams, String> {
    let mut params = CertificateParams::new(Vec::<String>::new()).map_err(|e| e.to_string())?;
    params.distinguished_name =
        dn(&[(DnType::CommonName, "Assent Sandbox Local CA"), (DnType::OrganizationName, "Assent sandbox")]);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
    Ok(params)
}

/// Loads the CA from the data directory or creates it (key file mode 0600), then issues a
/// server certificate for `hosts` (DNS names or IP addresses).
pub fn local_ca(data_dir: &Path, hosts: &[String]) -> Result<LocalCa, String> {
    let key_path = data_dir.join(CA_KEY_FILE);
    let ca_path = data_dir.join(CA_CERT_FILE);
    let ca_key = match std::fs::read_to_string(&key_path) {
        Ok(pem) => KeyPair::from_pem(&pem).map_err(|e| format!("{}: {e}", key_path.display()))?,
        Err(_) => {
            let key = KeyPair::generate().map_err(|e| e.to_string())?;
            write_private(&key_path, &key.serialize_pem())?;
            let _ = std::fs::remove_file(&ca_path);
            key
        }
    };
    // The CA certificate is remade from the same name and key at each start: anything that
    // trusts the file written at first start keeps verifying the server certificates.
    let ca_cert = ca_params()?.self_signed(&ca_key).map_err(|e| e.to_string())?;
    let ca_pem = match std::fs::read_to_string(&ca_path) {
        Ok(pem) => pem,
        Err(_) => {
            std::fs::write(&ca_path, ca_cert.pem()).map_err(|e| format!("{}: {e}", ca_path.display()))?;
            ca_cert.pem()
        }
    };
    let server_key = KeyPair::generate().map_err(|e| e.to_string())?;
    let mut params = CertificateParams::new(hosts.to_vec()).map_err(|e| e.to_string())?;
    params.distinguished_name = dn(&[(DnType::CommonName, "Assent sandbox (mTLS)")]);
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.use_authority_key_identifier_extension = true;
    let server_cert = params.signed_by(&server_key, &ca_cert, &ca_key).map_err(|e| e.to_string())?;

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = Arc::new(AnyClientCert(provider.clone()));
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_client_cert_verifier(verifier)
        .with_single_cert(
            vec![server_cert.der().clone(), ca_cert.der().clone()],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der())),
        )
        .map_err(|e| e.to_string())?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(LocalCa { ca_pem, ca_path, server_config: Arc::new(config) })
}

fn write_private(path: &Path, contents: &str) -> Result<(), String> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    file.write_all(contents.as_bytes()).map_err(|e| format!("{}: {e}", path.display()))
}

/// Asks for a client certificate but does not require one, and accepts any certificate
/// whose key signed the handshake. Client identity is the token endpoint's business.
#[derive(Debug)]
struct AnyClientCert(Arc<CryptoProvider>);

impl ClientCertVerifier for AnyClientCert {
    fn offer_client_auth(&self) -> bool {
        true
    }
    fn client_auth_mandatory(&self) -> bool {
        false
    }
    fn root_hint_subjects(&self) -> &[rustls::DistinguishedName] {
        &[]
    }
    fn verify_client_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        Ok(ClientCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// Serves `app` over TLS on `listener`; each request carries the connection's [`ClientCert`].
pub async fn serve(
    listener: tokio::net::TcpListener,
    config: Arc<rustls::ServerConfig>,
    app: Router,
    limits: crate::listen::Limits,
) {
    let acceptor = tokio_rustls::TlsAcceptor::from(config);
    // Beyond an address's share a TLS connection is only closed: there is no plain answer to give.
    crate::listen::accept(listener, limits, std::future::pending(), b"", move |tcp, peer, watcher| {
        let (acceptor, app) = (acceptor.clone(), app.clone());
        async move {
            // The handshake has the same deadline as a request's headers.
            let Ok(Ok(tls)) = tokio::time::timeout(limits.header_timeout, acceptor.accept(tcp)).await else {
                return;
            };
            let session = tls.get_ref().1;
            let cert = session.peer_certificates().and_then(|c| c.first()).map(|c| ClientCert(Arc::new(c.to_vec())));
            let h2 = session.alpn_protocol() == Some(b"h2".as_slice());
            crate::listen::http1_or_2(tls, h2, app, peer, cert, &limits, watcher).await;
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dn_comparison_ignores_order_and_spacing() {
        assert!(dn_matches("CN=tpp.example,O=Example TPP", "o=Example TPP, CN=tpp.example"));
        assert!(!dn_matches("CN=tpp.example,O=Example TPP", "CN=tpp.example,O=Other"));
        assert!(!dn_matches("", ""));
    }

    #[test]
    fn self_signed_identity_round_trips_through_jwks_and_dn() {
        let id = self_signed("recipient.example", Some("Recipient")).unwrap();
        let jwks = serde_json::json!({"keys": [jwk_with_x5c(&id)]});
        assert!(jwks_holds(&jwks, &id.cert_der));
        let other = self_signed("recipient.example", Some("Recipient")).unwrap();
        assert!(!jwks_holds(&jwks, &other.cert_der));
        let dn = subject_dn(&id.cert_der).unwrap();
        assert!(dn_matches(&dn, "CN=recipient.example,O=Recipient"), "{dn}");
    }
}
