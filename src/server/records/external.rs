//! `CONSENT_STORAGE=external`: the Open Banking quickstart's external consent storage. Before
//! each accept Assent sends `POST {EXTERNAL_CONSENT_STORAGE_URL}/consents` with
//! `{id, subject, client_id, status: "authorized", granted_scopes, account_ids}` (and, as
//! Assent's additions, `payment` for a payment consent and `warned` where the screen warned:
//! `{"kind":"device","where":"127.0.0.1:8080"}`) and accepts with
//! `consent_id` = the `id` of the 201 answer. Listing and revoking belong to that system: Assent
//! keeps nothing itself. The `id` Assent proposes is derived from the flow, so a repeated
//! submission of one flow writes the same record again rather than a second one. Calls go
//! through the upstream client: TLS verified (`ROOT_CA`), with the client certificate of
//! `CERT_FILE`/`KEY_FILE` when set (mutual TLS), `http://` only on loopback.

use super::{Draft, RecordsError, Status};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use url::Url;

pub struct ExternalRecords {
    url: Url,
    http: reqwest::Client,
}

#[derive(Serialize)]
struct NewConsent<'a> {
    id: &'a str,
    subject: &'a str,
    client_id: &'a str,
    status: &'a str,
    granted_scopes: &'a [String],
    account_ids: &'a [String],
    /// What a payment consent pays; absent for every other consent.
    #[serde(skip_serializing_if = "Option::is_none")]
    payment: Option<&'a super::PaymentRecord>,
    /// The warning the consent screen showed about where the application gets its answer
    /// (`{"kind":"device","where":"127.0.0.1:8080"}`); absent when it showed none.
    #[serde(skip_serializing_if = "Option::is_none")]
    warned: Option<&'a crate::model::Unverified>,
}

#[derive(Deserialize)]
struct Created {
    id: String,
}

/// The id Assent proposes for the record of flow `login_id`: the same for every submission.
pub(super) fn flow_id(tenant: &str, login_id: &str) -> String {
    use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
    let digest = Sha256::digest(format!("assent consent record\0{tenant}\0{login_id}").as_bytes());
    URL_SAFE_NO_PAD.encode(&digest[..16])
}

impl ExternalRecords {
    pub fn new(url: Url, http: reqwest::Client) -> Self {
        Self { url, http }
    }

    /// Writes the record of an Allow; its id, as the store answered it.
    pub async fn prepare(&self, d: &Draft) -> Result<(String, Status), RecordsError> {
        let url = format!("{}/consents", self.url.as_str().trim_end_matches('/'));
        let id = flow_id(&d.tenant, &d.login_id);
        let body = NewConsent {
            id: &id,
            subject: &d.subject,
            client_id: &d.client_id,
            status: "authorized",
            granted_scopes: &d.scopes,
            account_ids: &d.accounts,
            payment: d.payment.as_ref(),
            warned: d.warned.as_ref(),
        };
        let failed = |e: String| RecordsError::Failed(format!("external consent storage: {e}"));
        let res = self.http.post(url).json(&body).send().await.map_err(|e| failed(e.to_string()))?;
        if !res.status().is_success() {
            return Err(failed(format!("answered {}", res.status())));
        }
        let body = crate::server::upstream::read_body(res).await.map_err(|e| failed(e.to_string()))?;
        let created: Created = serde_json::from_slice(&body).map_err(|e| failed(format!("unreadable answer: {e}")))?;
        if created.id.is_empty() || created.id.len() > 256 {
            return Err(failed("answered no usable id".into()));
        }
        // The external record is authorized from the start: the protocol has no other state.
        Ok((created.id, Status::Authorized))
    }

    pub async fn ping(&self) -> Result<(), RecordsError> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_flow_proposes_one_id() {
        assert_eq!(super::flow_id("t", "login-1"), super::flow_id("t", "login-1"));
        assert_ne!(super::flow_id("t", "login-1"), super::flow_id("t", "login-2"));
        assert_ne!(super::flow_id("t", "login-1"), super::flow_id("u", "login-1"));
    }
}
