//! The aggregator at Albion Bank (`obuk`), the UK way: the account-access consent created with
//! a client-credentials token, the authorization pushed with its intent, the customer's choice
//! on Assent's UK screen; renewal, the bank ending it, reconnecting, and Disconnect ending the
//! consent and its tokens.

use super::*;
use crate::common::*;

#[tokio::test]
async fn the_aggregator_connects_albion_bank_the_uk_way_and_sees_it_end() {
    let app = spawn_app().await;
    let b = browser();
    aggregator_sign_in(&app, &b).await;

    // Registered at Albion Bank by DCR with private_key_jwt, for client credentials too.
    let reg: Value =
        serde_json::from_str(&app.sandbox().store.meta("aggregator:registration:obuk").unwrap().unwrap()).unwrap();
    let client_id = reg["client_id"].as_str().unwrap().to_string();
    let (workspace, secret, client) = app.sandbox().client(&client_id).unwrap();
    assert_eq!(
        (workspace.as_str(), secret, client.token_endpoint_auth_method.as_str()),
        ("obuk", None, "private_key_jwt")
    );
    for grant in ["authorization_code", "refresh_token", "client_credentials"] {
        assert!(client.grant_types.iter().any(|g| g == grant), "{grant}: {:?}", client.grant_types);
    }
    assert_eq!(client.scopes, ["openid", "accounts", "offline_access", "payments"], "payments too");
    let (html, _) = dashboard(&app, &b).await;
    let (albion, status) = card(&html, "obuk");
    assert_eq!(status, "not-connected");
    assert!(albion.contains("Connect Albion Bank") && albion.contains("UK Open Banking"), "{albion}");

    // Go Bank connected first, the Open Banking way.
    let (callback, _) = connect(&app, &b, "gobank", "user").await;
    assert_eq!(b.get(&callback).send().await.unwrap().status(), StatusCode::SEE_OTHER);

    // Connect Albion Bank: the account-access consent is created first, by the aggregator's
    // client-credentials token, awaiting authorisation and nobody's yet.
    assert!(uk_consents(&app, &client_id).await.is_empty());
    let authorize = push_connection(&app, &b, "obuk").await;
    let consents = uk_consents(&app, &client_id).await;
    assert_eq!(consents.len(), 1, "{consents:?}");
    let consent = &consents[0];
    let id = consent["consent_id"].as_str().unwrap().to_string();
    assert_eq!(consent["status"], "AwaitingAuthorisation");
    let asked = &consent["account_access_consent"];
    for permission in ["ReadAccountsDetail", "ReadBalances", "ReadTransactionsDetail"] {
        assert!(asked["Permissions"].as_array().unwrap().contains(&json!(permission)), "{asked}");
    }
    let expiry = chrono::DateTime::parse_from_rfc3339(asked["ExpirationDateTime"].as_str().unwrap()).unwrap();
    let days = (expiry.timestamp() - chrono::Utc::now().timestamp()) / 86_400;
    assert!((89..=90).contains(&days), "about 90 days: {days}");
    let row = app.sandbox().store.fdx_consent(&id).unwrap().unwrap();
    assert_eq!((row.client_id.as_str(), row.subject.as_deref()), (client_id.as_str(), None));

    // The pushed request named it: signing in at the bank leads to Assent's UK screen.
    let res = sign_in(&app, &b, &authorize, "user").await;
    let consent_url = location(&res);
    assert!(consent_url.starts_with(&format!("{}/consent?", app.url)), "{consent_url}");
    assert!(consent_url.contains("consent_type=account_access"), "{consent_url}");
    let page = open_consent(&b, &consent_url).await;
    assert!(page.html.contains("Assent Aggregator"), "who asks");
    for account in ["UK-30001", "UK-30002", "UK-30003"] {
        assert!(page.html.contains(&format!("value=\"{account}\"")), "{account}");
    }
    assert!(!page.html.contains("checked"), "nothing pre-ticked");
    let callback =
        allow_connection(&app, &b, "obuk", &page, &[("account[]", "UK-30001"), ("account[]", "UK-30003")]).await;
    let res = b.get(&callback).send().await.unwrap();
    assert_eq!((res.status(), location(&res)), (StatusCode::SEE_OTHER, "/aggregator".to_string()));
    let entry = &uk_consents(&app, &client_id).await[0];
    assert_eq!((entry["consent_id"].as_str(), entry["status"].as_str()), (Some(id.as_str()), Some("Authorised")));
    assert_eq!(entry["account_ids"], json!(["UK-30001", "UK-30003"]));

    // The dashboard: exactly those accounts, in pounds, beside Go Bank's.
    let (html, _) = dashboard(&app, &b).await;
    let (albion, status) = card(&html, "obuk");
    assert_eq!(status, "connected", "{albion}");
    assert_eq!(shown_accounts(albion), ["UK-30001", "UK-30003"]);
    assert_eq!(albion.matches("data-currency=\"GBP\"").count(), 2, "{albion}");
    assert!(!albion.contains("data-currency=\"USD\""), "{albion}");
    assert!(albion.contains("£1250.40") && albion.contains("-£312.55"), "balances: {albion}");
    assert!(albion.contains("Tesco Stores") && albion.contains("-£42.18") && albion.contains("£2480.00"), "{albion}");
    assert!(albion.contains("Waterstones") && !albion.contains("Interest"), "only the chosen accounts' data");
    assert_eq!(card(&html, "gobank").1, "connected");

    // An expired access token: renewed silently with the kept refresh token.
    let mut link = kept(&app, "obuk");
    let old_access = link["access_token"].as_str().unwrap().to_string();
    assert!(link["refresh_token"].is_string(), "a refresh token kept: {link}");
    link["expires_at"] = json!(0);
    app.sandbox().store.set_aggregator_link("demo", "obuk", &link.to_string(), 0).unwrap();
    assert_eq!(card(&dashboard(&app, &b).await.0, "obuk").1, "renewed");
    assert_ne!(kept(&app, "obuk")["access_token"].as_str().unwrap(), old_access);
    assert_eq!(card(&dashboard(&app, &b).await.0, "obuk").1, "connected");

    // The UK consent revoked through the UK management API: Albion Bank ended, Go Bank not.
    end_at_bank(
        &app,
        &format!("/api/system/default/servers/obuk/open-banking/consents/{id}"),
        "manage_openbanking_consents",
    )
    .await;
    ended_alone(&app, &b, "obuk", "gobank").await;

    // Reconnect: a new consent, chosen again (one account this time).
    let authorize = push_connection(&app, &b, "obuk").await;
    let res = sign_in(&app, &b, &authorize, "user").await;
    let page = open_consent(&b, &location(&res)).await;
    let callback = allow_connection(&app, &b, "obuk", &page, &[("account[]", "UK-30002")]).await;
    assert_eq!(b.get(&callback).send().await.unwrap().status(), StatusCode::SEE_OTHER);
    let consents = uk_consents(&app, &client_id).await;
    assert_eq!(consents.len(), 2);
    let status_of = |first: bool| {
        consents.iter().find(|c| (c["consent_id"] == id.as_str()) == first).unwrap()["status"].as_str().unwrap()
    };
    assert_eq!((status_of(true), status_of(false)), ("Revoked", "Authorised"), "a new consent, the old one ended");
    let (html, _) = dashboard(&app, &b).await;
    let (albion, status) = card(&html, "obuk");
    assert_eq!(status, "connected");
    assert_eq!(shown_accounts(albion), ["UK-30002"]);
    assert!(albion.contains("£8400.00") && albion.contains("Interest"), "{albion}");

    // Disconnect: Albion Bank's consent ended and its tokens revoked, then forgotten; Go Bank
    // still connected.
    let link = kept(&app, "obuk");
    let (access, refresh) = (link["access_token"].as_str().unwrap(), link["refresh_token"].as_str().unwrap());
    assert!(active(&app, "obuk", access).await && active(&app, "obuk", refresh).await);
    disconnect(&app, &b, "obuk").await;
    assert!(!active(&app, "obuk", access).await, "access token revoked");
    assert!(!active(&app, "obuk", refresh).await, "refresh token revoked");
    assert!(app.sandbox().store.aggregator_link("demo", "obuk").unwrap().is_none(), "forgotten");
    for consent in uk_consents(&app, &client_id).await {
        assert_eq!(consent["status"], "Revoked", "{consent}");
    }
    let (html, _) = dashboard(&app, &b).await;
    assert_eq!((card(&html, "obuk").1, card(&html, "gobank").1), ("not-connected".into(), "connected".into()));
}
