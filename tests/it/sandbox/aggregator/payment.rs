//! A UK payment from the aggregator at Albion Bank (`obuk`): "Pay someone" on its card makes a
//! domestic-payment consent, the customer approves (or cancels) on Assent's payment screen,
//! and the aggregator makes the payment once and shows what became of it.

use super::*;
use crate::common::*;

/// The payment the tests make: £12.34 to Jo Bloggs, 08-08-00 21325698, reference Lunch.
const ORDER: [(&str, &str); 5] = [
    ("amount", "12.34"),
    ("payee", "Jo Bloggs"),
    ("sort_code", "08-08-00"),
    ("account_number", "21325698"),
    ("reference", "Lunch"),
];

/// Connects Albion Bank as `user`, sharing UK-30001.
async fn connect_albion(app: &TestApp, b: &reqwest::Client) {
    let authorize = push_connection(app, b, "obuk").await;
    let res = sign_in(app, b, &authorize, "user").await;
    let page = open_consent(b, &location(&res)).await;
    let callback = allow_connection(app, b, "obuk", &page, &[("account[]", "UK-30001")]).await;
    assert_eq!(b.get(&callback).send().await.unwrap().status(), StatusCode::SEE_OTHER);
}

/// "Pay someone" on Albion Bank's card with `order` (and the dashboard's form token unless
/// `csrf` says otherwise): the aggregator's answer.
async fn pay(
    app: &TestApp,
    b: &reqwest::Client,
    bank: &str,
    order: &[(&str, &str)],
    csrf: Option<&str>,
) -> reqwest::Response {
    let (html, token) = dashboard(app, b).await;
    if bank == "obuk" && csrf.is_none() {
        let (albion, _) = card(&html, "obuk");
        assert!(albion.contains("Pay someone") && albion.contains("action=\"/aggregator/pay\""), "{albion}");
    }
    let mut form = vec![("csrf_token", csrf.unwrap_or(&token)), ("bank", bank)];
    form.extend_from_slice(order);
    b.post(format!("{}/aggregator/pay", app.sandbox_url())).form(&form).send().await.unwrap()
}

/// Pays `order` as far as Assent's payment screen: the consent's id and the screen.
async fn to_payment_screen(
    app: &TestApp,
    b: &reqwest::Client,
    client_id: &str,
    order: &[(&str, &str)],
) -> (String, ConsentPage) {
    let before: Vec<String> = payments(app, client_id).await.iter().map(|c| c["consent_id"].to_string()).collect();
    let res = pay(app, b, "obuk", order, None).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let authorize = url::Url::parse(&location(&res)).unwrap();
    let names: Vec<String> = authorize.query_pairs().map(|(k, _)| k.into_owned()).collect();
    assert_eq!(names, ["client_id", "request_uri"], "only client_id and request_uri in the browser");
    let created: Vec<Value> =
        payments(app, client_id).await.into_iter().filter(|c| !before.contains(&c["consent_id"].to_string())).collect();
    assert_eq!(created.len(), 1, "one payment consent made: {created:?}");
    assert_eq!(created[0]["status"], "AwaitingAuthorisation");
    let res = sign_in(app, b, authorize.as_str(), "user").await;
    let consent_url = location(&res);
    assert!(consent_url.contains("consent_type=domestic_payment"), "{consent_url}");
    (created[0]["consent_id"].as_str().unwrap().to_string(), open_consent(b, &consent_url).await)
}

/// The aggregator's payment consents at Albion Bank (management API).
async fn payments(app: &TestApp, client_id: &str) -> Vec<Value> {
    uk_consents(app, client_id).await.into_iter().filter(|c| c["type"] == "domestic_payment").collect()
}

/// The Albion Bank card's payment line: its outcome and text.
fn outcome(card: &str) -> (String, String) {
    let start = card.find("data-testid=\"payment\"").unwrap_or_else(|| panic!("no payment shown: {card}"));
    let rest = &card[start..];
    let o = rest.find("data-outcome=\"").unwrap() + 14;
    let end = rest.find("</p>").unwrap();
    (rest[o..o + rest[o..].find('"').unwrap()].to_string(), rest[..end].to_string())
}

#[tokio::test]
async fn the_aggregator_pays_from_albion_bank_once_and_a_cancelled_payment_is_not_made() {
    let app = spawn_app().await;
    let b = browser();
    let base = app.sandbox_url().to_string();
    aggregator_sign_in(&app, &b).await;
    let reg: Value =
        serde_json::from_str(&app.sandbox().store.meta("aggregator:registration:obuk").unwrap().unwrap()).unwrap();
    let client_id = reg["client_id"].as_str().unwrap().to_string();
    let (html, _) = dashboard(&app, &b).await;
    assert!(!card(&html, "obuk").0.contains("Pay someone"), "no payments before Albion Bank is connected");
    connect_albion(&app, &b).await;

    // A forged form, a bank that is not UK, bad account details: refused before the bank.
    assert_eq!(pay(&app, &b, "obuk", &ORDER, Some("forged")).await.status(), StatusCode::FORBIDDEN);
    let res = pay(&app, &b, "gobank", &ORDER, None).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("UK banks only"));
    let mut bad = ORDER;
    bad[2] = ("sort_code", "08-08");
    let res = pay(&app, &b, "obuk", &bad, None).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("The sort code must be 6 digits"));
    // An amount the bank does not take: its consent endpoint says why (OBErrorResponse1).
    for amount in ["12.345", "-5", "0"] {
        let mut bad = ORDER;
        bad[0] = ("amount", amount);
        let res = pay(&app, &b, "obuk", &bad, None).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{amount}");
        let page = res.text().await.unwrap();
        assert!(page.contains("Albion Bank refused this payment") && page.contains("Nothing was paid"), "{page}");
        assert!(page.contains("must be a positive amount with at most two decimals"), "the bank's words: {page}");
    }
    assert!(payments(&app, &client_id).await.is_empty(), "no consent for what was refused");

    // Pay £12.34: the customer sees it on the bank's payment screen and pays from UK-30001.
    let (consent, page) = to_payment_screen(&app, &b, &client_id, &ORDER).await;
    assert!(page.html.contains("Assent Aggregator") && page.html.contains("£12.34"), "{}", page.html);
    assert!(page.html.contains("Jo Bloggs") && page.html.contains("Lunch"), "{}", page.html);
    let callback = allow_connection(&app, &b, "obuk", &page, &[("account", "UK-30001")]).await;
    let res = b.get(&callback).send().await.unwrap();
    assert_eq!((res.status(), location(&res)), (StatusCode::SEE_OTHER, "/aggregator".to_string()));
    let made = app.sandbox().store.obuk_payment_of(&consent).unwrap().expect("the bank made the payment");
    assert_eq!((made.debtor.as_str(), made.amount.as_str(), made.currency.as_str()), ("UK-30001", "12.34", "GBP"));
    let entry = payments(&app, &client_id).await.into_iter().find(|c| c["consent_id"] == consent.as_str()).unwrap();
    assert_eq!(entry["status"], "Consumed");
    let (html, _) = dashboard(&app, &b).await;
    let (albion, status) = card(&html, "obuk");
    assert_eq!(status, "connected", "the connection untouched: {albion}");
    let (seen, text) = outcome(albion);
    assert_eq!(seen, "made", "{text}");
    assert!(text.contains("Payment made") && text.contains("£12.34") && text.contains("Jo Bloggs"), "{text}");
    assert!(text.contains(&made.id) && text.contains("AcceptedSettlementCompleted"), "{text}");

    // Made once: the answer again is refused (its state spent), and the same consent cannot
    // pay again, even with the token it was made with (the bank: 403).
    assert_eq!(b.get(&callback).send().await.unwrap().status(), StatusCode::BAD_REQUEST);
    let kept = app.sandbox().store.latest_aggregator_payment("demo", "obuk").unwrap().unwrap();
    assert_eq!((kept.consent_id.as_str(), kept.payment_id.as_deref()), (consent.as_str(), Some(made.id.as_str())));
    let initiation: Value = serde_json::from_str(&kept.initiation).unwrap();
    let res = reqwest::Client::new()
        .post(format!("{base}/bank/obuk/pisp/domestic-payments"))
        .bearer_auth(kept.access_token.as_deref().unwrap())
        .json(&json!({"Data": {"ConsentId": consent, "Initiation": initiation}, "Risk": {}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let body: Value = res.json().await.unwrap();
    assert!(body["Errors"][0]["Message"].as_str().unwrap().contains("already been used"), "{body}");
    assert_eq!(app.sandbox().store.obuk_payment_of(&consent).unwrap().unwrap().id, made.id, "still one payment");

    // Another payment, cancelled on the payment screen: "Payment cancelled", nothing paid.
    let mut five = ORDER;
    five[0] = ("amount", "5.00");
    let (cancelled, page) = to_payment_screen(&app, &b, &client_id, &five).await;
    let res = submit_fields(&app, &b, &page, "deny", &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "cancel");
    let res = b.get(location(&res)).send().await.unwrap();
    let callback = location(&res);
    assert!(callback.contains("error=rejected"), "the customer's refusal: {callback}");
    let res = b.get(&callback).send().await.unwrap();
    assert_eq!((res.status(), location(&res)), (StatusCode::SEE_OTHER, "/aggregator".to_string()));
    assert!(app.sandbox().store.obuk_payment_of(&cancelled).unwrap().is_none(), "nothing paid");
    let entry = payments(&app, &client_id).await.into_iter().find(|c| c["consent_id"] == cancelled.as_str()).unwrap();
    assert_eq!(entry["status"], "Rejected");
    let (html, _) = dashboard(&app, &b).await;
    let (albion, status) = card(&html, "obuk");
    assert_eq!(status, "connected");
    let (seen, text) = outcome(albion);
    assert_eq!(seen, "cancelled", "{text}");
    assert!(text.contains("Payment cancelled") && text.contains("£5.00"), "{text}");
    assert_eq!(shown_accounts(albion), ["UK-30001"], "the accounts still shown");
}
