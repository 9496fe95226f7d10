//! The aggregator as an OAuth client of each bank, over HTTP only, as an outside application
//! would be: its ES256 key (made once, kept in the sandbox store, never shown), its
//! registration at each bank by DCR (RFC 7591) with `private_key_jwt` and that key's public
//! half, then pushed requests (RFC 9126), code exchange, refresh and revocation, each call
//! authenticated with a fresh client assertion (RFC 7523) naming the bank's issuer. A UK bank
//! also gives it client-credentials tokens, for the consent resources it creates first (`uk`,
//! `payment`); a CDR bank's requests carry the arrangement's parameters (`cdr`).

use crate::sandbox::state::Sandbox;
use crate::sandbox::util::{now, random_token, sha256_b64};
use crate::sandbox::workspace::{BankRegime, ProfileKind, Workspace};
use crate::wire::TokenResponse;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Where the aggregator's key is kept (PKCS #8 PEM).
const KEY_META: &str = "aggregator:key";
/// How long a client assertion lives.
const ASSERTION_TTL: i64 = 60;

/// How the aggregator connects a bank and reads it: the regime of the bank's workspace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Regime {
    /// Generic Open Banking: a pushed request for the `accounts` scope, then the bank's
    /// `/bank/{wid}/accounts` (the accounts of the token's `consent_id`).
    OpenBanking,
    /// UK Open Banking account access: an account-access consent created first with a
    /// client-credentials token, named in the pushed request's `claims`
    /// (`openbanking_intent_id`), then the bank's `/bank/{wid}/aisp/accounts…` in the OBIE
    /// shapes; payments too, each under a domestic-payment consent (`payment`).
    Uk,
    /// Australian CDR: a pushed request for an ongoing arrangement (`sharing_duration`), whose
    /// `cdr_arrangement_id` the token response names, then the bank's
    /// `/bank/{wid}/cdr/banking/accounts…` in the CDR shapes (`cdr`).
    Cdr,
}

impl Regime {
    /// The regime of a workspace's bank and profile; `None` for one the aggregator does not
    /// speak (FDX, and any other regime until it learns it).
    pub fn of(workspace: &Workspace) -> Option<Self> {
        match (workspace.bank, workspace.profile) {
            (Some(BankRegime::OpenBanking), _) => Some(Regime::OpenBanking),
            (Some(BankRegime::Obuk), ProfileKind::Obuk) => Some(Regime::Uk),
            (Some(BankRegime::Cdr), ProfileKind::Cdr) => Some(Regime::Cdr),
            _ => None,
        }
    }

    /// The grant types the aggregator registers for: a UK bank's consent resources need a
    /// client-credentials token.
    fn grant_types(self) -> &'static [&'static str] {
        match self {
            Regime::OpenBanking | Regime::Cdr => &["authorization_code", "refresh_token"],
            Regime::Uk => &["authorization_code", "refresh_token", "client_credentials"],
        }
    }

    /// The scopes a connection asks for: accounts (in the regime's words), and a refresh token
    /// to keep reading them (a CDR bank refreshes an ongoing arrangement without asking);
    /// nothing the dashboard does not use.
    pub fn scope(self) -> &'static str {
        match self {
            Regime::OpenBanking | Regime::Uk => "openid accounts offline_access",
            Regime::Cdr => "openid bank:accounts.basic:read bank:accounts.detail:read bank:transactions:read",
        }
    }

    /// The scopes the aggregator registers for: a connection's, and at a UK bank `payments`.
    fn registered_scope(self) -> &'static str {
        match self {
            Regime::Uk => "openid accounts offline_access payments",
            other => other.scope(),
        }
    }
}

/// A bank the aggregator reaches: a workspace whose regime it speaks and that takes outside
/// applications, with its brand's name.
#[derive(Clone, Debug)]
pub struct BankInfo {
    pub wid: String,
    pub name: String,
    pub regime: Regime,
}

/// The banks, in the seed's order, named as their brand is (the sandbox's `assent.toml`).
pub fn banks(sb: &Sandbox) -> Vec<BankInfo> {
    let brands: toml::Value = toml::from_str(include_str!("../assent.toml")).unwrap_or(toml::Value::Integer(0));
    sb.workspaces()
        .filter(|(_, w)| w.registration)
        .filter_map(|(wid, w)| Some((wid, Regime::of(w)?)))
        .map(|(wid, regime)| BankInfo {
            regime,
            wid: wid.to_string(),
            name: brands
                .get("workspace")
                .and_then(|w| w.get(wid))
                .and_then(|w| w.get("brand"))
                .and_then(|b| b.get("name"))
                .and_then(|n| n.as_str())
                .unwrap_or(wid)
                .to_string(),
        })
        .collect()
}

/// What the aggregator learnt registering at a bank: its client, and the bank's endpoints
/// (from discovery).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Registration {
    pub client_id: String,
    pub issuer: String,
    pub redirect_uri: String,
    pub kid: String,
    pub authorization_endpoint: String,
    pub par_endpoint: String,
    pub token_endpoint: String,
    pub revocation_endpoint: String,
    /// From discovery each time (absent from registrations kept before it was needed).
    #[serde(default)]
    pub introspection_endpoint: String,
    /// The scopes registered (a kept registration for others is made again).
    #[serde(default)]
    pub scope: String,
    /// CDR: where the aggregator ends an arrangement (discovery's
    /// `cdr_arrangement_revocation_endpoint`); empty for other regimes.
    #[serde(default)]
    pub arrangement_revocation_endpoint: String,
}

fn meta_key(wid: &str) -> String {
    format!("aggregator:registration:{wid}")
}

/// The aggregator's ES256 key: `(PKCS #8 PEM, public JWK with its RFC 7638 thumbprint as kid)`.
fn identity(sb: &Sandbox) -> Result<(String, Value), String> {
    let pem = match sb.store.meta(KEY_META).map_err(|e| e.to_string())? {
        Some(pem) => pem,
        None => {
            let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).map_err(|e| e.to_string())?;
            let pem = key.serialize_pem();
            sb.store.set_meta(KEY_META, &pem).map_err(|e| e.to_string())?;
            pem
        }
    };
    let key = rcgen::KeyPair::from_pem(&pem).map_err(|e| e.to_string())?;
    // An uncompressed P-256 point: 0x04, then x and y of 32 bytes each.
    let raw = key.public_key_raw();
    if raw.len() != 65 || raw[0] != 4 {
        return Err("the aggregator's key is not an uncompressed P-256 point".into());
    }
    let b64 = |b: &[u8]| base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, b);
    let (x, y) = (b64(&raw[1..33]), b64(&raw[33..]));
    let kid = sha256_b64(&format!(r#"{{"crv":"P-256","kty":"EC","x":"{x}","y":"{y}"}}"#));
    let jwk =
        serde_json::json!({"kty": "EC", "crv": "P-256", "x": x, "y": y, "kid": kid, "use": "sig", "alg": "ES256"});
    Ok((pem, jwk))
}

/// A fresh client assertion for `reg`'s bank: `iss` = `sub` = the client, `aud` the issuer.
fn assertion(sb: &Sandbox, reg: &Registration) -> Result<String, String> {
    let (pem, _) = identity(sb)?;
    let key = EncodingKey::from_ec_pem(pem.as_bytes()).map_err(|e| e.to_string())?;
    let mut header = Header::new(Algorithm::ES256);
    header.kid = Some(reg.kid.clone());
    let now = now();
    let claims = serde_json::json!({
        "iss": reg.client_id, "sub": reg.client_id, "aud": reg.issuer,
        "iat": now, "exp": now + ASSERTION_TTL, "jti": random_token(16),
    });
    jsonwebtoken::encode(&header, &claims, &key).map_err(|e| e.to_string())
}

/// The aggregator's registration at `bank`: the kept one while it still fits (same issuer,
/// callback, key and scopes), else a new one by DCR.
pub async fn registration(sb: &Sandbox, bank: &BankInfo) -> Result<Registration, String> {
    let wid = bank.wid.as_str();
    let issuer = sb.issuer(wid);
    let discovery: Value = get_json(sb, &format!("{issuer}/.well-known/openid-configuration")).await?;
    if discovery["issuer"].as_str() != Some(issuer.as_str()) {
        return Err("the bank's discovery names another issuer".into());
    }
    let redirect_uri = format!("{}/aggregator/callback", sb.base_url);
    let (_, jwk) = identity(sb)?;
    let kid = jwk["kid"].as_str().unwrap_or_default().to_string();
    let kept: Option<Registration> =
        sb.store.meta(&meta_key(wid)).ok().flatten().and_then(|r| serde_json::from_str(&r).ok());
    let endpoint = |name: &str| {
        discovery[name].as_str().map(str::to_string).ok_or_else(|| format!("the bank's discovery has no {name}"))
    };
    let mut reg = Registration {
        client_id: String::new(),
        issuer: issuer.clone(),
        redirect_uri: redirect_uri.clone(),
        kid,
        authorization_endpoint: endpoint("authorization_endpoint")?,
        par_endpoint: endpoint("pushed_authorization_request_endpoint")?,
        token_endpoint: endpoint("token_endpoint")?,
        revocation_endpoint: endpoint("revocation_endpoint")?,
        introspection_endpoint: endpoint("introspection_endpoint")?,
        scope: bank.regime.registered_scope().to_string(),
        arrangement_revocation_endpoint: match bank.regime {
            Regime::Cdr => endpoint("cdr_arrangement_revocation_endpoint")?,
            Regime::OpenBanking | Regime::Uk => String::new(),
        },
    };
    let fits = |k: &Registration| {
        k.issuer == reg.issuer && k.redirect_uri == redirect_uri && k.kid == reg.kid && k.scope == reg.scope
    };
    if let Some(kept) = kept.filter(fits) {
        reg.client_id = kept.client_id;
        return Ok(reg);
    }
    let methods = discovery["token_endpoint_auth_methods_supported"].as_array().cloned().unwrap_or_default();
    if !methods.iter().any(|m| m == "private_key_jwt") {
        return Err("the bank does not take private_key_jwt".into());
    }
    let body = serde_json::json!({
        "client_name": "Assent Aggregator",
        "redirect_uris": [redirect_uri],
        "token_endpoint_auth_method": "private_key_jwt",
        "token_endpoint_auth_signing_alg": "ES256",
        "grant_types": bank.regime.grant_types(),
        "scope": reg.scope,
        "client_uri": format!("{}/aggregator", sb.base_url),
        "jwks": {"keys": [jwk]},
    });
    let url = endpoint("registration_endpoint")?;
    let res = sb.http.post(&url).json(&body).send().await.map_err(|e| e.to_string())?;
    let status = res.status();
    let answer: Value = res.json().await.unwrap_or_default();
    match answer["client_id"].as_str() {
        Some(id) if status.as_u16() == 201 => reg.client_id = id.to_string(),
        _ => return Err(format!("registration refused ({status}): {}", answer["error_description"])),
    }
    let text = serde_json::to_string(&reg).map_err(|e| e.to_string())?;
    sb.store.set_meta(&meta_key(wid), &text).map_err(|e| e.to_string())?;
    tracing::info!(bank = wid, client_id = reg.client_id, "the aggregator registered");
    Ok(reg)
}

/// Registers the aggregator at every bank (at sandbox start); a failure is logged, and
/// retried at the next connection.
pub async fn register_all(sb: &Sandbox) {
    for bank in banks(sb) {
        if let Err(e) = registration(sb, &bank).await {
            tracing::warn!(bank = bank.wid, error = %e, "the aggregator could not register");
        }
    }
}

async fn get_json(sb: &Sandbox, url: &str) -> Result<Value, String> {
    let res = sb.http.get(url).send().await.map_err(|e| e.to_string())?;
    if !res.status().is_success() {
        return Err(format!("{url} answered {}", res.status()));
    }
    res.json().await.map_err(|e| e.to_string())
}

/// A form POST to one of the bank's endpoints, authenticated by a client assertion: the status
/// and the JSON answer (or `Null`).
pub async fn post(sb: &Sandbox, reg: &Registration, url: &str, form: &[(&str, &str)]) -> Result<(u16, Value), String> {
    let assertion = assertion(sb, reg)?;
    let mut fields: Vec<(&str, &str)> = form.to_vec();
    fields.push(("client_id", &reg.client_id));
    fields.push(("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"));
    fields.push(("client_assertion", &assertion));
    let res = sb.http.post(url).form(&fields).send().await.map_err(|e| e.to_string())?;
    let status = res.status().as_u16();
    Ok((status, res.json().await.unwrap_or_default()))
}

/// What a pushed request asks for besides the client's own parameters: its `scope`, and the
/// regime's parameters (`claims` naming a UK consent, a CDR `sharing_duration`).
pub struct Ask {
    pub scope: &'static str,
    pub extra: Vec<(&'static str, String)>,
}

/// Pushes an authorization request; the URL to send the browser to (only `client_id` and
/// `request_uri` in it).
pub async fn push(sb: &Sandbox, reg: &Registration, state: &str, challenge: &str, ask: &Ask) -> Result<String, String> {
    let mut form = vec![
        ("response_type", "code"),
        ("redirect_uri", reg.redirect_uri.as_str()),
        ("scope", ask.scope),
        ("state", state),
        ("code_challenge", challenge),
        ("code_challenge_method", "S256"),
    ];
    form.extend(ask.extra.iter().map(|(k, v)| (*k, v.as_str())));
    let (status, answer) = post(sb, reg, &reg.par_endpoint, &form).await?;
    let Some(request_uri) = answer["request_uri"].as_str().filter(|_| status == 201) else {
        return Err(format!("the bank refused the pushed request ({status}): {}", describe(&answer)));
    };
    let mut url = url::Url::parse(&reg.authorization_endpoint).map_err(|e| e.to_string())?;
    url.query_pairs_mut().append_pair("client_id", &reg.client_id).append_pair("request_uri", request_uri);
    Ok(url.into())
}

/// Why a call to the bank did not give what was asked.
#[derive(Debug)]
pub struct CallError {
    /// The bank answered and said no (a 4xx), as opposed to not answering usefully.
    pub refused: bool,
    pub message: String,
}

impl From<String> for CallError {
    fn from(message: String) -> Self {
        CallError { refused: false, message }
    }
}

/// Exchanges a code (with the PKCE verifier) or a refresh token for tokens; `Err` with the
/// bank's error.
pub async fn tokens(sb: &Sandbox, reg: &Registration, grant: Grant<'_>) -> Result<TokenResponse, CallError> {
    let form: Vec<(&str, &str)> = match grant {
        Grant::Code { code, verifier } => vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", reg.redirect_uri.as_str()),
            ("code_verifier", verifier),
        ],
        Grant::Refresh(token) => vec![("grant_type", "refresh_token"), ("refresh_token", token)],
    };
    let (status, answer) = post(sb, reg, &reg.token_endpoint, &form).await?;
    if status != 200 {
        let message = format!("the bank refused ({status}): {}", describe(&answer));
        return Err(CallError { refused: (400..500).contains(&status), message });
    }
    serde_json::from_value(answer).map_err(|e| CallError::from(e.to_string()))
}

/// What the token endpoint is asked for.
pub enum Grant<'a> {
    Code { code: &'a str, verifier: &'a str },
    Refresh(&'a str),
}

/// A client-credentials access token of the aggregator's own at `reg`'s bank, for `scope`.
pub async fn client_token(sb: &Sandbox, reg: &Registration, scope: &str) -> Result<String, String> {
    let form = [("grant_type", "client_credentials"), ("scope", scope)];
    let (status, answer) = post(sb, reg, &reg.token_endpoint, &form).await?;
    match answer["access_token"].as_str() {
        Some(token) if status == 200 => Ok(token.to_string()),
        _ => Err(format!("the bank gave no client token ({status}): {}", describe(&answer))),
    }
}

/// Revokes `token` at the bank (RFC 7009); `Ok` once the bank confirms.
pub async fn revoke(sb: &Sandbox, reg: &Registration, token: &str, hint: &str) -> Result<(), String> {
    let (status, answer) =
        post(sb, reg, &reg.revocation_endpoint, &[("token", token), ("token_type_hint", hint)]).await?;
    if status == 200 {
        Ok(())
    } else {
        Err(format!("the bank did not revoke ({status}): {}", describe(&answer)))
    }
}

/// The bank's introspection (RFC 7662) of one of the aggregator's own tokens.
pub async fn introspect(sb: &Sandbox, reg: &Registration, token: &str) -> Result<Value, String> {
    let (status, answer) = post(sb, reg, &reg.introspection_endpoint, &[("token", token)]).await?;
    if status == 200 && answer["active"].is_boolean() {
        Ok(answer)
    } else {
        Err(format!("the bank did not introspect ({status}): {}", describe(&answer)))
    }
}

/// `error: error_description` of an OAuth or API error answer.
pub fn describe(answer: &Value) -> String {
    // RFC 6749's `error` and `error_description`, or the API's `error_code` and `error`.
    let (code, text) = match answer["error_code"].as_str() {
        Some(code) => (code, answer["error"].as_str()),
        None => (answer["error"].as_str().unwrap_or("error"), answer["error_description"].as_str()),
    };
    let text = text.unwrap_or("");
    format!("{code}: {text}")
}
