//! Open Finance (FDX) through Assent: the data recipient asks (PAR + RAR over mutual TLS),
//! the user chooses accounts on Assent's consent screen, the recipient gets exactly those.

use crate::common::*;
use reqwest::{Client, StatusCode};

/// Data recipient → authorize → sign in as `user`: the FDX consent URL Assent is sent to.
async fn start_fdx(app: &TestApp, b: &Client, user: &str) -> String {
    let res = b.post(format!("{}/fdx-demo/connect", app.sandbox_url())).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap());
    let authorize = absolute(app.sandbox_url(), &location(&res));
    // Sign in on workspace fdx's page.
    let res = sign_in(app, b, &authorize, user).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let consent = location(&res);
    assert!(consent.starts_with(&format!("{}/consent?", app.url)) && consent.contains("consent_type=fdx"), "{consent}");
    consent
}

async fn post(app: &TestApp, b: &Client, page: &ConsentPage, decision: &str, accounts: &[&str]) -> reqwest::Response {
    let fields: Vec<(&str, &str)> = accounts.iter().map(|a| ("account[]", *a)).collect();
    submit_fields(app, b, page, decision, &fields).await
}

/// Follows Assent's 303 through the authorization server to the recipient's page.
async fn to_recipient(app: &TestApp, b: &Client, res: reqwest::Response) -> String {
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "consent POST");
    let back = location(&res);
    assert!(back.starts_with(app.sandbox_url()), "redirect_to {back}");
    let res = b.get(&back).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    b.get(absolute(app.sandbox_url(), &location(&res))).send().await.unwrap().text().await.unwrap()
}

/// The consent record `id` as Assent's store keeps it: (status, scopes, accounts).
fn record(app: &TestApp, id: &str) -> Option<(String, String, Vec<String>)> {
    let conn = rusqlite::Connection::open(app.data_dir().join("records.sqlite3")).unwrap();
    let row = conn.query_row("SELECT status, scopes FROM consent_records WHERE id = ?1", [id], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    });
    let (status, scopes) = row.ok()?;
    let mut accounts = conn.prepare("SELECT account_id FROM consent_accounts WHERE record_id = ?1 ORDER BY 1").unwrap();
    let accounts = accounts.query_map([id], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
    Some((status, scopes, accounts))
}

fn granted_accounts(html: &str) -> Vec<String> {
    html.split("data-testid=\"granted-account\" data-account-id=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn the_user_shares_exactly_the_accounts_ticked() {
    let app = spawn_app().await;
    let b = browser();
    let consent = start_fdx(&app, &b, "user").await;
    let page = open_consent(&b, &consent).await;
    let html = &page.html;
    // What, for how long, how far back, from whom; the user's three accounts, none ticked.
    assert!(html.contains("wants access to your financial data"), "{html}");
    assert!(html.contains("Account details and balances") && html.contains("Transactions: amounts"));
    assert!(html.contains("days of history"));
    for id in ["1000001", "1000002", "1000003"] {
        assert!(html.contains(&format!("value=\"{id}\"")), "{id}");
    }
    assert!(!html.contains("2000001"), "only the user's own accounts");
    assert!(!html.contains("checked"), "nothing pre-ticked");
    // The accounts came with the bank's reader's token (the System token would be refused),
    // fetched once and kept.
    use assent::sandbox::Stats;
    assert_eq!(Stats::get(&app.sandbox().stats.bank_tokens), 1);
    open_consent(&b, &consent).await;
    assert_eq!(Stats::get(&app.sandbox().stats.bank_tokens), 1, "kept for the next page");

    // Nothing chosen: asked again, nothing sent.
    let res = post(&app, &b, &page, "allow", &[]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Choose at least one account"));
    // Someone else's account in the form: refused, nothing granted.
    let res = post(&app, &b, &page, "allow", &["1000001", "2000001"]).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("is not yours"));

    let res = post(&app, &b, &page, "allow", &["1000001", "1000003"]).await;
    let recipient = to_recipient(&app, &b, res).await;
    let mut granted = granted_accounts(&recipient);
    granted.sort();
    granted.dedup();
    assert_eq!(granted, ["1000001", "1000003"], "{recipient}");
    assert!(recipient.contains("grant-id"));

    // The flow is over: the platform no longer knows the login, and the page says so.
    let res = b.get(&consent).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // The portal lists it, with the shared accounts (masked) and the data.
    let portal = browser();
    let html = portal_sign_in(&app, &portal, "user").await;
    assert!(html.contains("Financial data you share"), "{html}");
    let consent_id = html.split("data-consent-id=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    assert!(html.contains("Everyday Checking …") && html.contains("Rewards Credit Card …"));
    assert!(!html.contains("High-Yield Savings"), "the account not shared is not listed");
    // Its consent record is named by the FDX consent's id, with the data and accounts shared,
    // in the portal's history in the words of the screen.
    let (status, scopes, accounts) = record(&app, &consent_id).expect("a record named by the consent");
    assert_eq!((status.as_str(), accounts), ("authorized", vec!["1000001".to_string(), "1000003".to_string()]));
    assert!(scopes.contains("ACCOUNT_DETAILED") && scopes.contains("TRANSACTIONS"), "{scopes}");
    let section = portal_records(&html).replace("<!>", "");
    assert!(section.contains(&format!("/portal/receipt?id={consent_id}")), "{section}");
    assert!(section.contains("Shares: Account details and balances, Transactions: amounts"), "{section}");
    // Another customer sees none of it, and cannot revoke it.
    let other = browser();
    let other_html = portal_sign_in(&app, &other, "user4").await;
    assert!(!other_html.contains(&consent_id));
    let token = hidden(&other_html, "csrf_token");
    let res = portal_stop(&app, &other, consent_id.as_str(), token.as_str()).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let fetch = b.post(format!("{}/fdx-demo/fetch", app.sandbox_url())).send().await.unwrap().text().await.unwrap();
    assert!(fetch.contains("data-testid=\"bank-status\">200"), "{fetch}");

    // The owner revokes: confirmation, then the recipient's next bank call fails.
    let confirm = portal
        .get(format!("{}/portal/revoke?consent_id={consent_id}", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        confirm
            .replace("<!>", "")
            .contains(r#"Stop sharing your financial data with <span class="client-name">Budget Buddy"#),
        "{confirm}"
    );
    // P-06: Stop sent twice at once (two tabs): each is answered as done, neither as a fault.
    let token = hidden(&confirm, "csrf_token");
    let (one, two) = tokio::join!(
        portal_stop(&app, &portal, consent_id.as_str(), token.as_str()),
        portal_stop(&app, &portal, consent_id.as_str(), token.as_str())
    );
    for res in [one, two] {
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), "/portal");
    }
    let after = portal.get(format!("{}/portal", app.url)).send().await.unwrap().text().await.unwrap();
    assert!(after.contains("Sharing stopped") && after.contains(">Stopped<"), "{after}");
    let again = portal.get(format!("{}/portal", app.url)).send().await.unwrap().text().await.unwrap();
    assert!(again.contains(">Stopped<") && !again.contains("Sharing stopped"), "said once: {again}");
    let fetch = b.post(format!("{}/fdx-demo/fetch", app.sandbox_url())).send().await.unwrap().text().await.unwrap();
    assert!(fetch.contains("data-testid=\"bank-status\">401"), "{fetch}");
    assert_eq!(record(&app, &consent_id).unwrap().0, "revoked", "the record ends with the consent");
    let conn = rusqlite::Connection::open(app.data_dir().join("records.sqlite3")).unwrap();
    let ends: i64 = conn
        .query_row(
            "SELECT count(*) FROM consent_events WHERE record_id = ?1 AND kind = 'revoked'",
            [&consent_id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(ends, 1, "ended once, whichever stop came first");
}

/// Bank staff find an FDX consent's record and revoke it: the consent is revoked through the
/// management API, so the recipient's next bank call fails, and the customer's portal shows it
/// stopped, ended by the bank.
#[tokio::test]
async fn staff_revoke_an_fdx_consent_through_its_record() {
    let app = spawn_app().await;
    let b = browser();
    let consent = start_fdx(&app, &b, "user").await;
    let page = open_consent(&b, &consent).await;
    to_recipient(&app, &b, post(&app, &b, &page, "allow", &["1000002"]).await).await;
    let fetch = b.post(format!("{}/fdx-demo/fetch", app.sandbox_url())).send().await.unwrap().text().await.unwrap();
    assert!(fetch.contains("data-testid=\"bank-status\">200"), "{fetch}");

    let staff = browser();
    crate::assent::console::console_sign_in(&app, &staff, "admin").await;
    let found = staff.get(format!("{}/admin?q=1000002", app.url)).send().await.unwrap().text().await.unwrap();
    let start = found.find("/admin/record?id=").expect("found by its account");
    let path = &found[start..start + found[start..].find('"').unwrap()];
    let page = staff.get(format!("{}{path}", app.url)).send().await.unwrap().text().await.unwrap();
    let id = hidden(&page, "id");
    let res = form_post(&staff, format!("{}/api/admin/revoke", app.url))
        .header("sec-fetch-site", "same-origin")
        .form(&[
            ("csrf_token", hidden(&page, "csrf_token").as_str()),
            ("id", &id),
            ("reason", "Fraud reported"),
            ("confirmed", "yes"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(record(&app, &id).unwrap().0, "revoked");
    let fetch = b.post(format!("{}/fdx-demo/fetch", app.sandbox_url())).send().await.unwrap().text().await.unwrap();
    assert!(fetch.contains("data-testid=\"bank-status\">401"), "the consent itself is revoked: {fetch}");
    // By the bank, as the recipient is told, not by the customer.
    let revocation = app.sandbox().store.fdx_consent(&id).unwrap().unwrap().revocation.unwrap();
    assert!(revocation.contains("DATA_PROVIDER") && revocation.contains("BUSINESS_RULE"), "{revocation}");
    // Revoked again (a retry after a failure on the way): the consent has ended, nothing fails.
    let record = app.state.records.get(&id).await.unwrap().unwrap();
    let again = assent::server::revoke::end_access(&app.state, &record, assent::server::records::Actor::Staff).await;
    assert!(again.is_ok(), "{again:?}");
    let portal = portal_sign_in(&app, &browser(), "user").await;
    assert!(portal.contains(">Stopped<") && portal.contains("Fraud reported"), "{portal}");
}

#[tokio::test]
async fn deny_sends_the_rejection_to_the_recipient() {
    let app = spawn_app().await;
    let b = browser();
    let consent = start_fdx(&app, &b, "user2").await;
    let page = open_consent(&b, &consent).await;
    assert!(page.html.contains("Joint Checking"), "joint accounts are the user's too");
    let res = post(&app, &b, &page, "deny", &[]).await;
    let recipient = to_recipient(&app, &b, res).await;
    assert!(recipient.contains("id=\"error-code\">"), "{recipient}");
    assert!(granted_accounts(&recipient).is_empty());
    // Its record: rejected, what was asked, no account.
    let conn = rusqlite::Connection::open(app.data_dir().join("records.sqlite3")).unwrap();
    let id: String =
        conn.query_row("SELECT id FROM consent_records WHERE subject = 'user2'", [], |r| r.get(0)).unwrap();
    let (status, scopes, accounts) = record(&app, &id).unwrap();
    assert_eq!((status.as_str(), accounts.len()), ("rejected", 0));
    assert!(scopes.contains("ACCOUNT_DETAILED"), "{scopes}");
}

/// Issue 14, item 1: a joint account's co-holder sees a consent the other holder gave, marked
/// as theirs, and cannot stop it, unless every account in it is the co-holder's too.
#[tokio::test]
async fn a_joint_accounts_co_holder_cannot_stop_the_other_holders_consent() {
    let app = spawn_app().await;
    // user2 shares their own checking and the joint checking they hold with user3.
    let recipient = browser();
    let page = open_consent(&recipient, &start_fdx(&app, &recipient, "user2").await).await;
    to_recipient(&app, &recipient, post(&app, &recipient, &page, "allow", &["2000001", "9000001"]).await).await;
    // …and, for another recipient session, only the joint account.
    let joint_only = browser();
    let page = open_consent(&joint_only, &start_fdx(&app, &joint_only, "user2").await).await;
    to_recipient(&app, &joint_only, post(&app, &joint_only, &page, "allow", &["9000001"]).await).await;

    let co_holder = browser();
    let html = portal_sign_in(&app, &co_holder, "user3").await;
    let ids: Vec<String> =
        html.split("data-consent-id=\"").skip(1).map(|s| s.split('"').next().unwrap().to_string()).collect();
    assert_eq!(ids.len(), 2, "both share the joint account, so both are listed: {html}");
    // Newest first: the joint-only consent, then the one with user2's own account.
    let (joint, mixed) = (&ids[0], &ids[1]);
    let card = html.split(&format!("data-consent-id=\"{mixed}\"")).nth(1).unwrap().split("</li>").next().unwrap();
    assert!(card.contains("Given by another holder of a joint account"), "{card}");
    // Named as the giver's consent screen named the application (from the giver's record),
    // not by its client id.
    for id in [joint, mixed] {
        let card = html.split(&format!("data-consent-id=\"{id}\"")).nth(1).unwrap().split("</li>").next().unwrap();
        assert!(card.contains("Budget Buddy"), "{card}");
    }
    assert!(!card.contains("consent_id="), "no stop action on it: {card}");
    // Neither the confirmation page nor the server function lets the co-holder stop it.
    let confirm = co_holder.get(format!("{}/portal/revoke?consent_id={mixed}", app.url)).send().await.unwrap();
    assert_eq!(confirm.status(), StatusCode::SEE_OTHER, "back to the portal");
    let stop = |id: String| {
        let (b, url, token) = (co_holder.clone(), format!("{}/api/portal/stop", app.url), hidden(&html, "csrf_token"));
        async move {
            form_post(&b, url)
                .header("sec-fetch-site", "same-origin")
                .form(&[("consent_id", id), ("csrf_token", token)])
                .send()
                .await
                .unwrap()
        }
    };
    let res = stop(mixed.clone()).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.unwrap().contains("Another account holder gave this consent"));
    let fetch =
        recipient.post(format!("{}/fdx-demo/fetch", app.sandbox_url())).send().await.unwrap().text().await.unwrap();
    assert!(fetch.contains("data-testid=\"bank-status\">200"), "the recipient still has access: {fetch}");
    // Every account of the other consent is the co-holder's too: they may stop it.
    let res = stop(joint.clone()).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let fetch =
        joint_only.post(format!("{}/fdx-demo/fetch", app.sandbox_url())).send().await.unwrap().text().await.unwrap();
    assert!(fetch.contains("data-testid=\"bank-status\">401"), "{fetch}");
    // The giver's record says who ended it: not "you".
    let giver = portal_sign_in(&app, &browser(), "user2").await;
    let section = portal_records(&giver).replace("<!>", "");
    assert!(section.contains("Ended by the other holder of a joint account"), "{section}");
}

/// P-01: stopping a consent that is not the user's, or no consent (a guessed id, `.`, `..`, a
/// path), is not found, and so is everything without a session (401): the recipient's access
/// stands.
#[tokio::test]
async fn stopping_what_is_not_yours_or_not_there_is_not_found_and_ends_nothing() {
    let app = spawn_app().await;
    let recipient = browser();
    let page = open_consent(&recipient, &start_fdx(&app, &recipient, "user2").await).await;
    to_recipient(&app, &recipient, post(&app, &recipient, &page, "allow", &["2000001"]).await).await;
    let giver = portal_sign_in(&app, &browser(), "user2").await;
    let theirs = giver.split("data-consent-id=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let stop = |b: Client, id: &str, token: &str| {
        let form = [("consent_id", id.to_string()), ("csrf_token", token.to_string())];
        let url = format!("{}/api/portal/stop", app.url);
        async move { form_post(&b, url).header("sec-fetch-site", "same-origin").form(&form).send().await.unwrap() }
    };
    let res = stop(browser(), &theirs, "").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "no session");
    let other = browser();
    let html = portal_sign_in(&app, &other, "user3").await;
    let token = hidden(&html, "csrf_token");
    for id in [theirs.as_str(), "no-such-consent", ".", "..", "../../servers/fdx"] {
        let res = stop(other.clone(), id, &token).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{id}");
    }
    let fetch =
        recipient.post(format!("{}/fdx-demo/fetch", app.sandbox_url())).send().await.unwrap().text().await.unwrap();
    assert!(fetch.contains("data-testid=\"bank-status\">200"), "the recipient still has access: {fetch}");
}

/// Issue 14, item 2: the portal finds the bank customer by the same claim as the consent
/// screen (`BANK_ID_CLAIM`; `customer_id` with the sandbox), not by the subject. user12's
/// customer number is C-1200.
#[tokio::test]
async fn the_portal_finds_the_customer_by_the_bank_id_claim() {
    let app = spawn_app().await;
    let recipient = browser();
    let page = open_consent(&recipient, &start_fdx(&app, &recipient, "user12").await).await;
    assert!(page.html.contains("value=\"1200001\""), "the consent screen reads the claim");
    to_recipient(&app, &recipient, post(&app, &recipient, &page, "allow", &["1200001"]).await).await;
    let portal = browser();
    let html = portal_sign_in(&app, &portal, "user12").await;
    assert!(html.contains("Financial data you share") && html.contains("Everyday Checking …"), "{html}");
    let consent_id = html.split("data-consent-id=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let res = portal_stop(&app, &portal, consent_id.as_str(), hidden(&html, "csrf_token").as_str()).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "stopped through the same customer");
}

/// Issue 14, item 10: a customer with more consents than one page of the management list sees
/// every one, and can stop the oldest.
#[tokio::test]
async fn a_customer_with_hundreds_of_consents_sees_and_can_stop_each() {
    let app = spawn_app().await;
    let recipient = browser();
    let page = open_consent(&recipient, &start_fdx(&app, &recipient, "user").await).await;
    to_recipient(&app, &recipient, post(&app, &recipient, &page, "allow", &["1000001"]).await).await;
    // 249 more like it, each a little older: 250 in all, three pages of 100.
    let store = &app.sandbox().store;
    let first = store.fdx_consents("fdx").unwrap().into_iter().next().expect("the consent given through Assent");
    for n in 1..250 {
        let mut row = first.clone();
        row.id = format!("older-{n:03}");
        row.created_at -= n;
        store.insert_fdx_consent(&row).unwrap();
    }
    let portal = browser();
    let html = portal_sign_in(&app, &portal, "user").await;
    assert_eq!(html.matches("data-consent-id=\"").count(), 250, "every consent is listed");
    assert!(html.contains("data-consent-id=\"older-249\""), "the oldest, on the last page");
    let res = portal_stop(&app, &portal, "older-249", hidden(&html, "csrf_token").as_str()).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(store.fdx_consent("older-249").unwrap().unwrap().status, "Revoked");
}

/// FDX records left pending by a crash between the accept and the record's authorization are
/// settled with the management API and the consent page: one accepted upstream is authorized,
/// one refused there is rejected, one still open stays pending.
#[tokio::test]
async fn fdx_records_left_pending_by_a_crash_are_settled() {
    use assent::server::reconcile::settle;
    use assent::server::records::Status;
    use assent::wire::{InternalAccount, RejectScopeGrant};
    let app = spawn_app().await;
    let up = &app.state.upstream;
    let mut flows = Vec::new();
    for user in ["user", "user2", "user3"] {
        let b = browser();
        let page = open_consent(&b, &start_fdx(&app, &b, user).await).await;
        let read = up.fdx_consent(&page.login_id, &page.login_state).await.unwrap();
        // The first account the screen offers.
        let offered = page.html.split("name=\"account[]\"").nth(1).unwrap();
        let own = offered.split("value=\"").nth(1).unwrap().split('"').next().unwrap();
        let own = vec![InternalAccount { id: own.to_string(), ..Default::default() }];
        let body =
            assent::server::fdx::accept_body(&read, &own, &[own[0].id.clone()], page.login_state.clone()).unwrap();
        let draft =
            assent::server::fdx::record_draft(up, &read, &page.login_id, &page.login_state, vec![own[0].id.clone()]);
        let (id, status) = app.state.records.prepare(draft).await.unwrap().unwrap();
        assert_eq!((id.as_str(), status), (read.fdx_consent.id.as_str(), Status::Pending));
        flows.push((id, page, body));
    }
    // The crash: one accepted upstream, one refused, one not decided.
    up.accept_fdx(&flows[0].1.login_id, &flows[0].2).await.unwrap();
    let refused = RejectScopeGrant::user_denied(flows[1].1.login_id.clone(), flows[1].1.login_state.clone());
    up.reject_fdx(&refused).await.unwrap();

    assert_eq!(settle(&app.state).await.unwrap(), 1);
    let mut statuses = Vec::new();
    for (id, _, _) in &flows {
        statuses.push(app.state.records.get(id).await.unwrap().unwrap().status);
    }
    assert_eq!(statuses, [Status::Authorized, Status::Rejected, Status::Pending], "the last still the customer's");
}

/// A consent its recipient revokes itself (Assent is not told) ends its record in force when a
/// page next reads the management list: the customer's portal, or a staff member's view of the
/// record. Until then the record stands; a consent still authorised, or inactive for another
/// reason, keeps its record.
#[tokio::test]
async fn a_consent_the_recipient_revokes_itself_ends_its_record_when_next_read() {
    let app = spawn_app().await;
    let of_account = |account: &str| -> String {
        let conn = rusqlite::Connection::open(app.data_dir().join("records.sqlite3")).unwrap();
        conn.query_row("SELECT record_id FROM consent_accounts WHERE account_id = ?1", [account], |r| r.get(0)).unwrap()
    };
    for account in ["1000001", "1000002", "1000003"] {
        let b = browser();
        let page = open_consent(&b, &start_fdx(&app, &b, "user").await).await;
        to_recipient(&app, &b, post(&app, &b, &page, "allow", &[account]).await).await;
    }
    let [first, second, third] = ["1000001", "1000002", "1000003"].map(of_account);
    let by_recipient = |id: &str| {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
        let revocation = r#"{"initiator":"DATA_RECIPIENT","reason":"USER_ACTION"}"#;
        assert!(app.sandbox().store.revoke_fdx_consent(id, revocation, now).unwrap());
    };
    by_recipient(&first);
    assert_eq!(record(&app, &first).unwrap().0, "authorized", "nobody told Assent");
    // Another is inactive for a reason of its own (a status Assent does not know): not ended.
    let sandbox = rusqlite::Connection::open(app.data_dir().join("sandbox.sqlite3")).unwrap();
    sandbox.execute("UPDATE fdx_consents SET status = 'Suspended' WHERE id = ?1", [&third]).unwrap();

    // The portal lists the consent revoked: its record ends, by the authorization server.
    let portal = portal_sign_in(&app, &browser(), "user").await;
    assert_eq!(record(&app, &first).unwrap().0, "revoked");
    let section = portal_records(&portal).replace("<!>", "");
    assert_eq!(section.matches("Ended at the bank").count(), 1, "{section}");
    let history = app.state.records.get(&first).await.unwrap().unwrap().history;
    let last = history.last().unwrap();
    assert_eq!((last.kind.as_str(), last.by), ("revoked", assent::server::records::Actor::AuthorizationServer));
    assert_eq!(record(&app, &second).unwrap().0, "authorized", "a consent still authorised keeps its record");
    assert_eq!(record(&app, &third).unwrap().0, "authorized", "nor does one inactive but not revoked");

    // Staff opening a record read its consent in the list first.
    by_recipient(&second);
    let staff = browser();
    crate::assent::console::console_sign_in(&app, &staff, "admin").await;
    let view = |id: &str| {
        let (staff, url) = (staff.clone(), format!("{}/admin/record?id={id}", app.url));
        async move { staff.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let page = view(&second).await;
    assert_eq!(record(&app, &second).unwrap().0, "revoked");
    assert!(page.contains("by the authorization server"), "{page}");
    view(&third).await;
    assert_eq!(record(&app, &third).unwrap().0, "authorized");
}

/// D-08, D-09 for FDX consents too: the card says what the bank disclosed under the consent,
/// to each holder of a joint account it shared.
#[tokio::test]
async fn each_holder_sees_what_the_fdx_bank_disclosed_under_a_consent() {
    let app = spawn_app().await;
    let recipient = browser();
    let page = open_consent(&recipient, &start_fdx(&app, &recipient, "user2").await).await;
    to_recipient(&app, &recipient, post(&app, &recipient, &page, "allow", &["9000001"]).await).await;
    let fetch =
        recipient.post(format!("{}/fdx-demo/fetch", app.sandbox_url())).send().await.unwrap().text().await.unwrap();
    assert!(fetch.contains("data-testid=\"bank-status\">200"), "{fetch}");
    for holder in ["user2", "user3"] {
        let html = portal_sign_in(&app, &browser(), holder).await.replace("<!>", "");
        let id = html.split("data-consent-id=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
        let card = consent_card(&html, &id);
        assert!(card.contains("Shared ") && card.contains(" times, last on "), "{holder}: {card}");
        assert!(card.contains(": account names and numbers"), "{holder}: {card}");
    }
}
