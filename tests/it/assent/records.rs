//! Consent records (issue 20): the consent screen writes its record before it accepts, accepts
//! with `consent_id` = the record's id, and marks it authorized only after the accept; a store
//! that cannot be written stops the accept; one flow has one record.

use crate::common::*;
use assent::sandbox::Stats;
use reqwest::StatusCode;

/// Every record of the data directory's store: (id, subject, client, status, scopes).
fn records(app: &TestApp) -> Vec<(String, String, String, String, String)> {
    let conn = rusqlite::Connection::open(app.data_dir().join("records.sqlite3")).unwrap();
    let mut stmt = conn
        .prepare("SELECT id, subject, client_name, status, scopes FROM consent_records ORDER BY created_at")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// The `consent_id` the sandbox received with the accept of `login_id`.
fn accepted_consent_id(app: &TestApp, login_id: &str) -> Option<String> {
    let row = app.sandbox().store.login(login_id).unwrap().unwrap();
    let decision: serde_json::Value = serde_json::from_str(row.decision.as_deref()?).unwrap();
    decision["Accepted"]["consent_id"].as_str().map(str::to_string)
}

#[tokio::test]
async fn an_accept_carries_the_id_of_its_record_which_is_authorized_after_it() {
    let app = spawn_app().await;
    let b = browser();
    let consent = start_flow(&app, &b, "user", &["openid", "email", "calendar.read"]).await;
    let page = open_consent(&b, &consent).await;
    let res = submit(&app, &b, &page, "allow", &["email"]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let all = records(&app);
    assert_eq!(all.len(), 1);
    let (id, subject, client, status, scopes) = &all[0];
    assert_eq!((subject.as_str(), client.as_str(), status.as_str()), ("user", "Sandbox Demo App", "authorized"));
    assert_eq!(scopes, r#"["openid","email"]"#);
    assert_eq!(accepted_consent_id(&app, &page.login_id).as_deref(), Some(id.as_str()), "the accept carried it");
    // Submitted again (a second tab): sent on as the first was, and still one record; the
    // other way is answered already.
    let again = submit(&app, &b, &page, "allow", &["email"]).await;
    assert_eq!((again.status(), location(&again)), (StatusCode::SEE_OTHER, location(&res)));
    assert_eq!(submit(&app, &b, &page, "deny", &[]).await.status(), StatusCode::CONFLICT);
    assert_eq!(records(&app).len(), 1);
    let history: i64 = rusqlite::Connection::open(app.data_dir().join("records.sqlite3"))
        .unwrap()
        .query_row("SELECT COUNT(*) FROM consent_events WHERE record_id = ?1 AND kind = 'granted'", [id], |r| r.get(0))
        .unwrap();
    assert_eq!(history, 1, "granted once, by the customer");
}

#[tokio::test]
async fn deny_writes_no_authorized_record_only_its_refusal() {
    let app = spawn_app().await;
    let b = browser();
    let consent = start_flow(&app, &b, "user2", &["openid", "email"]).await;
    let page = open_consent(&b, &consent).await;
    let res = submit(&app, &b, &page, "deny", &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let all = records(&app);
    assert_eq!(all.len(), 1);
    assert_eq!((all[0].3.as_str(), all[0].4.as_str()), ("rejected", r#"["openid","email"]"#), "what was asked");
    // The customer's portal says what was declined, in the words of the screen.
    let portal = portal_sign_in(&app, &browser(), "user2").await;
    let section = portal_records(&portal).replace("<!>", "");
    assert!(section.contains("Declined") && section.contains("Asked for: Sign you in, Email address"), "{section}");
    assert!(section.contains(r#"<span class="bank">Assent</span>"#), "the bank as its pages name it: {section}");
    // Staff read it as a refusal too, with the scopes behind the customer's words.
    let staff = browser();
    crate::assent::console::console_sign_in(&app, &staff, "admin").await;
    let found = staff.get(format!("{}/admin?q=user2", app.url)).send().await.unwrap().text().await.unwrap();
    let found = found.replace("<!>", "");
    assert!(found.contains("Asked for: Sign you in (openid), Email address (email)"), "{found}");
    assert!(!found.contains("Shares:"), "nothing was shared: {found}");
    let start = found.find("/admin/record?id=").unwrap();
    let path = &found[start..start + found[start..].find('"').unwrap()];
    let record = staff.get(format!("{}{path}", app.url)).send().await.unwrap().text().await.unwrap();
    let record = record.replace("<!>", "");
    assert!(record.contains("<dt>Declined</dt>") && !record.contains("<dt>Given</dt>"), "{record}");
}

/// The store cannot be written (another process holds its lock): nothing is accepted, the user
/// is told nothing was shared, as a page and as an island's answer; once the store is back, the
/// same flow goes through, with one record.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_that_cannot_be_written_stops_the_accept_and_a_retry_succeeds() {
    let app = spawn_app().await;
    let b = browser();
    let consent = start_flow(&app, &b, "user3", &["openid", "email"]).await;
    let page = open_consent(&b, &consent).await;
    let decisions = Stats::get(&app.sandbox().stats.scope_grant_decisions);
    let lock = rusqlite::Connection::open(app.data_dir().join("records.sqlite3")).unwrap();
    lock.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let started = std::time::Instant::now();
    let res = submit(&app, &b, &page, "allow", &["email"]).await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(started.elapsed() < std::time::Duration::from_secs(4), "answered in time: {:?}", started.elapsed());
    let html = res.text().await.unwrap();
    assert!(html.contains("Nothing was shared") && html.contains("Request id"), "{html}");
    let island = b
        .post(format!("{}{DECIDE}", app.url))
        .header("sec-fetch-site", "same-origin")
        .form(&[
            ("login_id", page.login_id.as_str()),
            ("login_state", page.login_state.as_str()),
            ("csrf_token", page.csrf_token.as_str()),
            ("decision", "allow"),
            ("scope[]", "email"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(island.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(island.json::<serde_json::Value>().await.unwrap()["failure"], "RecordsDown");
    assert_eq!(Stats::get(&app.sandbox().stats.scope_grant_decisions), decisions, "no accept was sent");
    lock.execute_batch("ROLLBACK").unwrap();
    drop(lock);
    let res = submit(&app, &b, &page, "allow", &["email"]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "the retry goes through");
    let all = records(&app);
    assert_eq!(all.len(), 1, "one flow, one record");
    assert_eq!(all[0].3, "authorized");
    assert_eq!(accepted_consent_id(&app, &page.login_id).as_deref(), Some(all[0].0.as_str()));
}

/// Records that cannot be read (their table gone from under the store) leave the portal with
/// what the banks list and a word that some is missing, not an error page; back, they show.
#[tokio::test]
async fn the_portal_without_its_records_shows_the_rest_and_says_so() {
    let app = spawn_app().await;
    consent_via_demo(&app, "user11", &["openid", "email"]).await;
    let b = browser();
    let page = portal_sign_in(&app, &b, "user11").await;
    // A record's item: its class comes last among its attributes.
    let record = r#" class="record">"#;
    assert!(!page.contains("this list may be incomplete") && page.contains(record), "{page}");
    let store = rusqlite::Connection::open(app.data_dir().join("records.sqlite3")).unwrap();
    store.execute_batch("ALTER TABLE consent_records RENAME TO gone").unwrap();
    let page = b.get(format!("{}/portal", app.url)).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.unwrap();
    assert!(page.contains("this list may be incomplete"), "said: {page}");
    assert!(page.contains("Sandbox Demo App") && !page.contains(r#" class="record"#), "the app, no record: {page}");
    store.execute_batch("ALTER TABLE gone RENAME TO consent_records").unwrap();
    let page = b.get(format!("{}/portal", app.url)).send().await.unwrap().text().await.unwrap();
    assert!(!page.contains("this list may be incomplete") && page.contains(record), "{page}");
}

#[tokio::test]
async fn with_consent_storage_none_grants_carry_no_consent_id() {
    let app = spawn_app_with(".", |c| c.consent_storage = assent::server::config::ConsentStorage::None).await;
    let b = browser();
    let consent = start_flow(&app, &b, "user4", &["openid", "email"]).await;
    let page = open_consent(&b, &consent).await;
    let res = submit(&app, &b, &page, "allow", &["email"]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(accepted_consent_id(&app, &page.login_id), None);
    assert!(!app.data_dir().join("records.sqlite3").exists());
}

/// The sandbox does what the quickstart's token-minting script does: the tokens of an accept
/// carry its `consent_id`, introspection names it, and the System API revokes exactly that
/// consent's tokens (`DELETE /api/system/{tid}/servers/{wid}/tokens?consent_id=`).
#[tokio::test]
async fn tokens_carry_their_consent_and_die_with_it() {
    let app = spawn_app().await;
    let token = consent_via_demo(&app, "user5", &["openid", "email"]).await;
    let other = consent_via_demo(&app, "user6", &["openid", "email"]).await;
    let all = records(&app);
    let id = &all.iter().find(|r| r.1 == "user5").unwrap().0;
    let seen = introspection(&app, &token).await;
    assert_eq!((seen["active"].as_bool(), seen["consent_id"].as_str()), (Some(true), Some(id.as_str())));
    let http = reqwest::Client::new();
    let revoke = |token: String, wid: &'static str, query: String| {
        let http = http.clone();
        let url = format!("{}/api/system/default/servers/{wid}/tokens{query}", app.sandbox_url());
        async move { http.delete(url).bearer_auth(token).send().await.unwrap().status() }
    };
    let scope_grants = system_token(&app, "manage_scope_grants").await;
    let revoker = system_token(&app, "revoke_tokens").await;
    assert_eq!(revoke(scope_grants, "demo", format!("?consent_id={id}")).await, StatusCode::FORBIDDEN);
    assert_eq!(revoke(revoker.clone(), "nowhere", format!("?consent_id={id}")).await, StatusCode::NOT_FOUND);
    assert_eq!(revoke(revoker.clone(), "demo", String::new()).await, StatusCode::BAD_REQUEST);
    assert!(introspect(&app, &token).await, "nothing was revoked yet");
    assert_eq!(revoke(revoker, "demo", format!("?consent_id={id}")).await, StatusCode::NO_CONTENT);
    assert!(!introspect(&app, &token).await, "that consent's token is dead");
    assert!(introspect(&app, &other).await, "another consent's token lives");
}

/// The portal shows the customer's records with their receipts; revoking the application ends
/// its records (by the customer, in their history) and revokes their tokens by `consent_id`
/// through the System API; the receipt is the owner's alone.
#[tokio::test]
async fn the_portal_shows_records_revokes_them_by_consent_and_hands_out_receipts() {
    let app = spawn_app().await;
    let token = consent_via_demo(&app, "user7", &["openid", "email", "calendar.read"]).await;
    let id = records(&app).into_iter().find(|r| r.1 == "user7").unwrap().0;
    let b = browser();
    let portal = portal_sign_in(&app, &b, "user7").await;
    let section = portal_records(&portal);
    assert!(
        section.contains("Sandbox Demo App") && section.contains("Active") && section.contains("View your calendar")
    );
    let link = format!("/portal/receipt?id={id}");
    assert!(section.contains(&link), "a receipt per record");

    // The filter of a plain GET filters the records as it does the cards.
    let filtered = |q: &'static str| {
        let b = b.clone();
        let url = format!("{}/portal?q={q}", app.url);
        // (Leptos leaves a space where a class of a `class:` switch is off: "record  gone".)
        async move { b.get(url).send().await.unwrap().text().await.unwrap().replace("<!>", "").replace("  ", " ") }
    };
    // (A record's class comes last among its attributes.)
    let hidden_record = r#" class="record gone">"#;
    let matching = filtered("DEMO").await;
    let records_shown = portal_records(&matching);
    assert!(!records_shown.contains(hidden_record) && records_shown.contains(r#" class="record">"#), "{records_shown}");
    // The live region stays in the page, empty, so that its words are said when they come.
    assert!(matching.contains(r#"<p aria-live="polite" class="empty"></p>"#), "matches: no \"no match\"");
    let none = filtered("zzz").await;
    assert!(portal_records(&none).contains(hidden_record), "a record of another name is hidden");
    assert!(none.contains(r#"class="card wide records gone""#), "so is the section");
    assert!(none.contains(r#"<p aria-live="polite" class="empty">No application matches this filter.</p>"#), "{none}");

    let res = b.get(format!("{}{link}", app.url)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let disposition = res.headers()["content-disposition"].to_str().unwrap().to_string();
    assert_eq!(disposition, format!("attachment; filename=\"consent-receipt-{id}.json\""), "one file per receipt");
    assert_eq!(res.headers()["cache-control"], "no-store");
    let receipt: serde_json::Value = res.json().await.unwrap();
    assert_eq!(receipt["consentReceiptID"], id.as_str());
    assert_eq!(receipt["piiPrincipalId"], "user7");
    assert_eq!(receipt["services"][0]["service"], "Sandbox Demo App");
    assert_eq!(receipt["assent"]["status"], "authorized");
    let purposes: Vec<&str> =
        receipt["services"][0]["purposes"].as_array().unwrap().iter().map(|p| p["purpose"].as_str().unwrap()).collect();
    assert_eq!(purposes, ["Sign you in", "Email address", "View your calendar"], "in the words the screen showed");

    // Another customer gets nothing of it, nor does a browser without a session.
    let other = browser();
    portal_sign_in(&app, &other, "user8").await;
    assert_eq!(other.get(format!("{}{link}", app.url)).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    assert_eq!(browser().get(format!("{}{link}", app.url)).send().await.unwrap().status(), StatusCode::SEE_OTHER);

    let before = Stats::get(&app.sandbox().stats.consent_revokes);
    let res = form_post(&b, format!("{}/api/portal/revoke", app.url))
        .header("sec-fetch-site", "same-origin")
        .form(&[("client_id", "demo-app"), ("csrf_token", &hidden(&portal, "csrf_token"))])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(Stats::get(&app.sandbox().stats.consent_revokes), before + 1, "revoked by consent_id");
    assert!(!introspect(&app, &token).await);
    let record = records(&app).into_iter().find(|r| r.0 == id).unwrap();
    assert_eq!(record.3, "revoked", "the record is ended, not deleted");
    let portal = b.get(format!("{}/portal", app.url)).send().await.unwrap().text().await.unwrap();
    let section = portal_records(&portal);
    assert!(section.contains("Ended by you") && section.contains("Sandbox Demo App"), "kept in the history");
    let receipt: serde_json::Value = b.get(format!("{}{link}", app.url)).send().await.unwrap().json().await.unwrap();
    assert_eq!(receipt["assent"]["status"], "revoked");
    let kinds: Vec<&str> =
        receipt["assent"]["history"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["granted", "revoked"]);
    // No card is left, but the filter still finds the record: no "no match".
    let filtered = b.get(format!("{}/portal?q=demo", app.url)).send().await.unwrap().text().await.unwrap();
    let filtered = filtered.replace("<!>", "").replace("  ", " ");
    assert!(
        filtered.contains("data-filter=\"Sandbox Demo App\"") && !filtered.contains("data-key=\"app:demo-app\""),
        "the card is gone"
    );
    assert!(filtered.contains(r#"<p aria-live="polite" class="empty"></p>"#), "a record matches");
}

/// PKCE for a hand-driven authorization request: (verifier, S256 challenge).
pub(super) fn pkce() -> (String, String) {
    use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
    use sha2::{Digest, Sha256};
    let verifier = "a-verifier-of-enough-length-for-pkce-0123456789abcdef".to_string();
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

/// The generic Open Banking flow of the quickstart (`gobank`): a request for `accounts` shows
/// the customer's accounts from the bank, none ticked; Allow needs one, refuses another
/// customer's, and records the chosen ones; the token carries the record's id.
#[tokio::test]
async fn an_accounts_consent_records_the_chosen_accounts_and_its_token_carries_the_record() {
    let app = spawn_app().await;
    let b = browser();
    let (verifier, challenge) = pkce();
    let secret = app.sandbox().store.meta("client_secret:gobank-tpp").unwrap().unwrap();
    let http = reqwest::Client::new();
    // Go Bank takes authorization requests through PAR only, and with PKCE only.
    let direct = format!(
        "{}/default/gobank/oauth2/authorize?response_type=code&client_id=gobank-tpp&scope=openid%20accounts\
         &code_challenge={challenge}&code_challenge_method=S256",
        app.sandbox_url()
    );
    assert_eq!(b.get(&direct).send().await.unwrap().status(), StatusCode::BAD_REQUEST, "no PAR");
    let par = |pkce: bool| {
        let mut form = vec![
            ("response_type", "code".to_string()),
            ("redirect_uri", "https://tpp.example/callback".to_string()),
            ("scope", "openid accounts".to_string()),
            ("state", "st-1".to_string()),
        ];
        if pkce {
            form.push(("code_challenge", challenge.clone()));
            form.push(("code_challenge_method", "S256".to_string()));
        }
        http.post(format!("{}/default/gobank/par", app.sandbox_url()))
            .basic_auth("gobank-tpp", Some(&secret))
            .form(&form)
            .send()
    };
    assert_eq!(par(false).await.unwrap().status(), StatusCode::BAD_REQUEST, "no PKCE");
    let pushed: serde_json::Value = par(true).await.unwrap().json().await.unwrap();
    let request_uri = pushed["request_uri"].as_str().expect("a request_uri");
    let authorize = format!(
        "{}/default/gobank/oauth2/authorize?client_id=gobank-tpp&request_uri={}",
        app.sandbox_url(),
        url::form_urlencoded::byte_serialize(request_uri.as_bytes()).collect::<String>()
    );
    let res = sign_in(&app, &b, &authorize, "user").await;
    let consent = location(&res);
    assert!(consent.starts_with(&format!("{}/consent?", app.url)), "{consent}");
    let page = open_consent(&b, &consent).await;
    assert!(page.html.contains("Choose the accounts to share") && page.html.contains("Your accounts"));
    let ids: Vec<String> = page
        .html
        .split("name=\"account[]\"")
        .skip(1)
        .map(|rest| {
            let v = rest.find("value=\"").unwrap() + 7;
            rest[v..v + rest[v..].find('"').unwrap()].to_string()
        })
        .collect();
    assert!(ids.len() >= 2, "the customer's accounts: {ids:?}");
    assert!(!page.html.contains("name=\"account[]\" checked"), "none ticked");

    // Allow without an account: the form again, saying why, ticked as it was sent; nothing
    // accepted.
    let res = submit(&app, &b, &page, "allow", &["accounts"]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let again = res.text().await.unwrap();
    assert!(ticked(&again, "scope[]", "accounts") && ticked(&again, "scope[]", "openid"), "{again}");
    assert!(ids.iter().all(|id| !ticked(&again, "account[]", id)));
    // Another customer's account (user2's): refused.
    let theirs = app.sandbox().bank.accounts_of("user2").next().unwrap().id.clone();
    let res = submit_fields(&app, &b, &page, "allow", &[("scope[]", "accounts"), ("account[]", theirs.as_str())]).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    // An account ticked, the permission that shares it not: asked about, never dropped unsaid.
    // Sent back as it was: the permission the user unticked comes back unticked (whatever the
    // screen ticks at first), the account ticked, the others not, and the required one ticked.
    let res = submit_fields(&app, &b, &page, "allow", &[("account[]", ids[0].as_str())]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let again = res.text().await.unwrap();
    assert!(again.contains("not the permission that shares them"));
    assert!(!ticked(&again, "scope[]", "accounts") && ticked(&again, "scope[]", "openid"));
    assert!(ticked(&again, "account[]", &ids[0]) && !ticked(&again, "account[]", &ids[1]));
    assert!(records(&app).iter().all(|r| r.3 != "authorized"), "no consent yet");

    let res = submit_fields(&app, &b, &page, "allow", &[("scope[]", "accounts"), ("account[]", ids[0].as_str())]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = b.get(location(&res)).send().await.unwrap();
    let callback = location(&res);
    assert!(callback.starts_with("https://tpp.example/callback?"), "{callback}");
    let code = url::Url::parse(&callback).unwrap().query_pairs().find(|(k, _)| k == "code").unwrap().1.to_string();

    let id = records(&app).into_iter().find(|r| r.1 == "user" && r.3 == "authorized").unwrap().0;
    let record = assent_record(&app, &id);
    assert_eq!(record, vec![ids[0].clone()], "the chosen account, and only it");
    let token: serde_json::Value = http
        .post(format!("{}/default/gobank/oauth2/token", app.sandbox_url()))
        .basic_auth("gobank-tpp", Some(&secret))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", "https://tpp.example/callback"),
            ("code_verifier", verifier.as_str()),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let access = token["access_token"].as_str().expect("a token").to_string();
    let seen: serde_json::Value = http
        .post(format!("{}/default/gobank/oauth2/introspect", app.sandbox_url()))
        .basic_auth("gobank-tpp", Some(&secret))
        .form(&[("token", access.as_str())])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!((seen["active"].as_bool(), seen["consent_id"].as_str()), (Some(true), Some(id.as_str())));

    // The bank answers for the consent's accounts only.
    let bank = |token: String| {
        let http = http.clone();
        let url = format!("{}/bank/gobank/accounts", app.sandbox_url());
        async move { http.get(url).bearer_auth(token).send().await.unwrap() }
    };
    let res = bank(access.clone()).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: serde_json::Value = res.json().await.unwrap();
    let shared: Vec<&str> = body["accounts"].as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap()).collect();
    assert_eq!(shared, [ids[0].as_str()], "the chosen account, not the customer's others");
    // Its transactions, newest first; another of the customer's accounts is not there at all.
    let transactions = |account: &str| {
        let url = format!("{}/bank/gobank/accounts/{account}/transactions", app.sandbox_url());
        http.get(url).bearer_auth(&access).send()
    };
    let res = transactions(&ids[0]).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body: serde_json::Value = res.json().await.unwrap();
    let booked: Vec<&str> =
        body["transactions"].as_array().unwrap().iter().map(|t| t["booked"].as_str().unwrap()).collect();
    assert!(!booked.is_empty() && booked.windows(2).all(|w| w[0] >= w[1]), "newest first: {booked:?}");
    assert_eq!(transactions(&ids[1]).await.unwrap().status(), StatusCode::NOT_FOUND, "not under this consent");

    // The customer's portal lists it with the account by name and last digits.
    let chosen = app.sandbox().bank.account(&ids[0]).unwrap();
    let portal = portal_sign_in(&app, &browser(), "user").await;
    let section = portal_records(&portal);
    assert!(section.contains("Budget Buddy (Go Bank)"), "{section}");
    assert!(section.contains(&format!("{} {}", chosen.name, chosen.masked_number())), "{section}");

    // Bank staff revoke it: the token dies, the bank answers 401, the record says who and why.
    let staff = browser();
    crate::assent::console::console_sign_in(&app, &staff, "admin").await;
    let page = staff.get(format!("{}/admin/record?id={id}", app.url)).send().await.unwrap().text().await.unwrap();
    let res = form_post(&staff, format!("{}/api/admin/revoke", app.url))
        .header("sec-fetch-site", "same-origin")
        .form(&[
            ("csrf_token", hidden(&page, "csrf_token")),
            ("id", id.clone()),
            ("reason", "Suspected fraud".into()),
            ("confirmed", "yes".into()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(bank(access.clone()).await.status(), StatusCode::UNAUTHORIZED);
    let seen: serde_json::Value = http
        .post(format!("{}/default/gobank/oauth2/introspect", app.sandbox_url()))
        .basic_auth("gobank-tpp", Some(&secret))
        .form(&[("token", access.as_str())])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(seen["active"], false);
    assert_eq!(records(&app).into_iter().find(|r| r.0 == id).unwrap().3, "revoked");
}

/// The accounts of record `id`.
fn assent_record(app: &TestApp, id: &str) -> Vec<String> {
    let conn = rusqlite::Connection::open(app.data_dir().join("records.sqlite3")).unwrap();
    let mut stmt =
        conn.prepare("SELECT account_id FROM consent_accounts WHERE record_id = ?1 ORDER BY account_id").unwrap();
    stmt.query_map([id], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
}

/// `CONSENT_STORAGE=external`: the quickstart's protocol. The record is posted before the
/// accept, which carries the id the store answered; a store that answers 503 stops the accept
/// and the user is told; a retry goes through, with the same proposed id (one flow, one record).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn external_storage_gets_the_record_first_and_a_store_that_fails_stops_the_accept() {
    use axum::{extract::State, http::StatusCode as Status, routing::post, Json, Router};
    use std::sync::{Arc, Mutex};
    type Seen = Arc<Mutex<Vec<serde_json::Value>>>;
    async fn consents(
        State((seen, fail)): State<(Seen, Arc<Mutex<u32>>)>,
        Json(body): Json<serde_json::Value>,
    ) -> (Status, Json<serde_json::Value>) {
        let mut fail = fail.lock().unwrap();
        if *fail > 0 {
            *fail -= 1;
            return (Status::SERVICE_UNAVAILABLE, Json(serde_json::json!({"error": "down"})));
        }
        seen.lock().unwrap().push(body.clone());
        (Status::CREATED, Json(serde_json::json!({"id": body["id"], "status": "authorized"})))
    }
    let seen: Seen = Arc::default();
    let stub = Router::new().route("/consents", post(consents)).with_state((seen.clone(), Arc::new(Mutex::new(1))));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, stub).await });
    let app = spawn_app_with(".", |c| {
        c.consent_storage = assent::server::config::ConsentStorage::External;
        c.external_storage = Some(url::Url::parse(&url).unwrap());
    })
    .await;
    let b = browser();
    let consent = start_flow(&app, &b, "user8", &["openid", "email"]).await;
    let page = open_consent(&b, &consent).await;
    let decisions = Stats::get(&app.sandbox().stats.scope_grant_decisions);
    let res = submit(&app, &b, &page, "allow", &["email"]).await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(res.text().await.unwrap().contains("Nothing was shared"));
    assert_eq!(Stats::get(&app.sandbox().stats.scope_grant_decisions), decisions, "no accept was sent");
    let res = submit(&app, &b, &page, "allow", &["email"]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "the retry goes through");
    let posted = seen.lock().unwrap().clone();
    assert_eq!(posted.len(), 1);
    let body = &posted[0];
    assert_eq!((body["subject"].as_str(), body["client_id"].as_str()), (Some("user8"), Some("demo-app")));
    assert_eq!((body["status"].as_str(), body["account_ids"].as_array().map(Vec::len)), (Some("authorized"), Some(0)));
    assert_eq!(body["granted_scopes"], serde_json::json!(["openid", "email"]));
    assert_eq!(accepted_consent_id(&app, &page.login_id).as_deref(), body["id"].as_str(), "the accept carries its id");
    assert!(!app.data_dir().join("records.sqlite3").exists(), "nothing kept here");
}
