//! The data recipients of the Open Banking tests (UK, CDR): their client at a sandbox
//! workspace, its tokens, its PAR, the sign-in that leads to Assent's screen, and the way back
//! to the recipient; and the staff console page and UK management list the tests read.

use crate::common::*;
use reqwest::{Client, StatusCode};
use serde_json::Value;

/// A recipient's client at a workspace of the sandbox, and where it is sent back.
pub struct Recipient {
    pub ws: &'static str,
    pub client: &'static str,
    pub redirect: &'static str,
}

/// The UK's third-party provider (account access and payments).
pub const UK: Recipient = Recipient { ws: "obuk", client: "obuk-tpp", redirect: "https://tpp.example/callback" };

/// The CDR's accredited data recipient.
pub const CDR: Recipient = Recipient { ws: "cdr", client: "cdr-adr", redirect: "https://adr.example/callback" };

impl Recipient {
    pub fn secret(&self, app: &TestApp) -> String {
        app.sandbox().store.meta(&format!("client_secret:{}", self.client)).unwrap().unwrap()
    }

    /// A token of the recipient's: client credentials, a code exchanged, a refresh.
    pub async fn token(&self, app: &TestApp, form: &[(&str, &str)]) -> Value {
        Client::new()
            .post(format!("{}/default/{}/oauth2/token", app.sandbox_url(), self.ws))
            .basic_auth(self.client, Some(self.secret(app)))
            .form(form)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// The recipient's PAR of `scope` with `extra` parameters: the answer's status and body.
    pub async fn par(&self, app: &TestApp, scope: &str, extra: &[(&str, &str)]) -> (StatusCode, Value) {
        let mut form =
            vec![("response_type", "code"), ("scope", scope), ("redirect_uri", self.redirect), ("state", "st")];
        form.extend_from_slice(extra);
        let res = Client::new()
            .post(format!("{}/default/{}/par", app.sandbox_url(), self.ws))
            .basic_auth(self.client, Some(self.secret(app)))
            .form(&form)
            .send()
            .await
            .unwrap();
        (res.status(), res.json().await.unwrap_or(Value::Null))
    }

    /// Authorize with the PAR's `request_uri` and sign in as `user`: where the browser goes
    /// (Assent's consent URL).
    pub async fn sign_in(&self, app: &TestApp, b: &Client, request_uri: &str, user: &str) -> String {
        let mut authorize =
            url::Url::parse(&format!("{}/default/{}/oauth2/authorize", app.sandbox_url(), self.ws)).unwrap();
        authorize.query_pairs_mut().append_pair("client_id", self.client).append_pair("request_uri", request_uri);
        let res = sign_in(app, b, authorize.as_str(), user).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        location(&res)
    }

    /// Follows Assent's 303 through the authorization server: the recipient's callback (with
    /// the code it receives, or the error it is told).
    pub async fn to_recipient(&self, app: &TestApp, b: &Client, res: reqwest::Response) -> url::Url {
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "consent POST");
        let back = location(&res);
        assert!(back.starts_with(app.sandbox_url()), "redirect_to {back}");
        let res = b.get(&back).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let callback = url::Url::parse(&location(&res)).unwrap();
        assert!(callback.as_str().starts_with(self.redirect), "{callback}");
        callback
    }
}

pub fn param(url: &url::Url, name: &str) -> Option<String> {
    url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

/// The UK management list's entry for consent `id` (account access or payment).
pub async fn uk_managed(app: &TestApp, id: &str) -> Value {
    let token = system_token(app, "manage_openbanking_consents").await;
    let list: Value = Client::new()
        .get(format!("{}/default/system/servers/{}/open-banking/consents", app.sandbox_url(), UK.ws))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    list["Consents"].as_array().unwrap().iter().find(|c| c["consent_id"] == id).cloned().unwrap_or(Value::Null)
}

/// A staff console page, signed in as `admin` in `s`.
pub async fn admin(app: &TestApp, s: &Client, path: &str) -> (StatusCode, String) {
    let res = s.get(format!("{}{path}", app.url)).send().await.unwrap();
    (res.status(), res.text().await.unwrap())
}
