//! A joint account's sharing, each holder's say (the CDR's joint-account disclosure option):
//! the portal lists the user's joint accounts; any holder stops the sharing alone and at once,
//! under every holder's consents; it starts again only once every holder allows it.

use super::cdr::{allow, authorize, bank_accounts, bank_transactions, token_of, NINETY_DAYS, SCOPES};
use super::recipient::uk_managed;
use crate::common::*;
use reqwest::{Client, Response, StatusCode};

/// The CDR bank's Joint Saver, held by `user` and `user2`; in the seed, user2 does not allow
/// its sharing.
const JOINT: &str = "AU-40004";

/// The portal's switch of `account` at `bank`, as a same-origin plain form with `csrf_token`.
async fn choose(app: &TestApp, b: &Client, csrf_token: &str, bank: &str, account: &str, sharing: &str) -> Response {
    form_post(b, format!("{}/api/portal/joint-sharing", app.url))
        .header("sec-fetch-site", "same-origin")
        .form(&[("csrf_token", csrf_token), ("bank", bank), ("account_id", account), ("sharing", sharing)])
        .send()
        .await
        .unwrap()
}

/// Account `id` in the portal's list of joint accounts.
fn joint_item<'h>(html: &'h str, id: &str) -> &'h str {
    let list = html.split(r#"id="joint-title""#).nth(1).unwrap_or_else(|| panic!("no joint accounts: {html}"));
    let item = list.split(&format!(r#"data-account="{id}""#)).nth(1).unwrap_or_else(|| panic!("no {id}: {list}"));
    &item[..item.find("</li>").unwrap_or(item.len())]
}

/// The Joint Saver in the portal's list of joint accounts (user2 holds another, at the FDX bank).
fn joint_section(html: &str) -> &str {
    joint_item(html, JOINT)
}

async fn portal(app: &TestApp, b: &Client) -> String {
    b.get(format!("{}/portal", app.url)).send().await.unwrap().text().await.unwrap().replace("<!>", "")
}

#[tokio::test]
async fn a_joint_account_is_shared_only_while_every_holder_allows_it() {
    let app = spawn_app().await;
    // user2 has not allowed the Joint Saver's sharing: its portal says so and offers to.
    let co = browser();
    let html = portal_sign_in(&app, &co, "user2").await.replace("<!>", "");
    assert!(
        !html.split(r#"id="joint-title""#).nth(1).unwrap().contains("AU-40101"),
        "an account held alone has no switch"
    );
    let section = joint_section(&html);
    assert!(section.contains("Joint Saver …1234"), "{section}");
    assert!(section.contains("at Southern Cross Bank · 1 other holder"), "its bank's brand: {section}");
    // The FDX bank has no brand of its own: its joint account is not said to be anyone's.
    let fdx = joint_item(&html, "9000001");
    assert!(fdx.contains("1 other holder") && !fdx.contains(" at "), "{fdx}");
    assert!(section.contains("Not shared now: You turned sharing off"), "{section}");
    assert!(section.contains(r#"value="on""#) && section.contains(">Allow sharing<"), "{section}");
    let co_token = hidden(&html, "csrf_token");
    // `user`, the other holder, allows it: told why it is off all the same, offered to stop it.
    let holder = browser();
    let html = portal_sign_in(&app, &holder, "user").await.replace("<!>", "");
    let section = joint_section(&html);
    assert!(section.contains("Not shared now: Another holder of this joint account has not allowed"), "{section}");
    assert!(section.contains(r#"value="off""#) && section.contains(">Turn sharing off<"), "{section}");
    let token = hidden(&html, "csrf_token");

    // Only the user's own joint account, at the bank that lists it, with the session's token:
    // anything else changes nothing.
    for (bank, account) in [("cdr", "AU-40001"), ("cdr", "AU-40101"), ("uk", JOINT), ("mars", JOINT)] {
        let res = choose(&app, &holder, &token, bank, account, "off").await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{bank} {account}");
    }
    let res = choose(&app, &co, &token, "cdr", JOINT, "on").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "another session's token");
    assert_eq!(choose(&app, &co, &co_token, "cdr", JOINT, "yes").await.status(), StatusCode::BAD_REQUEST);
    let b = browser();
    let consent = authorize(&app, &b, SCOPES, &[("sharing_duration", NINETY_DAYS)], "user").await;
    let html = open_consent(&b, &consent).await.html;
    assert!(!html.contains(r#"value="AU-40004""#) && html.contains(r#"data-account="AU-40004""#), "still off");

    // user2 allows it: every holder does now, so user's screen offers it and the bank serves it.
    let res = choose(&app, &co, &co_token, "cdr", JOINT, "on").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/portal");
    let html = portal(&app, &co).await;
    assert!(html.contains("You allow sharing your joint account."), "said on the next page: {html}");
    let section = joint_section(&html);
    assert!(section.contains("Shared: apps that you or another holder allowed"), "{section}");
    assert!(section.contains(r#"value="off""#), "{section}");
    let tokens = allow(&app, &b, &consent, &["AU-40001", JOINT]).await;
    let access = token_of(&tokens);
    assert_eq!(bank_accounts(&app, &access).await, (StatusCode::OK, vec!["AU-40001".into(), JOINT.into()]));
    assert_eq!(bank_transactions(&app, &access, JOINT, &[]).await.0, StatusCode::OK);

    // user2, the other holder, sees user's arrangement over their joint account: marked as
    // another holder's (theirs to stop: user2 turns the account's sharing off instead), naming
    // only the account user2 holds too.
    let arrangement = tokens["cdr_arrangement_id"].as_str().unwrap_or_else(|| panic!("{tokens}"));
    let card = consent_card(&portal(&app, &co).await, arrangement);
    assert!(card.contains("Given by another holder of a joint account"), "{card}");
    assert!(card.contains("Joint Saver …1234"), "{card}");
    assert!(!card.contains("…5678") && !card.contains("AU-40001"), "nothing of user's own account: {card}");
    assert!(card.contains("Account name, type and balance") && !card.contains("Name and occupation"), "{card}");
    assert!(card.contains("Shared 2 times, last on "), "its disclosures are user2's too: {card}");
    assert!(!card.contains("/portal/revoke"), "no stop action: {card}");
    assert_eq!(portal_stop(&app, &co, arrangement, &co_token).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(bank_transactions(&app, &access, JOINT, &[]).await.0, StatusCode::OK, "still shared");

    // user2 stops the sharing, alone: at once the bank serves nothing of it, under user's
    // arrangement too, whose card says so.
    let res = choose(&app, &co, &co_token, "cdr", JOINT, "off").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(portal(&app, &co).await.contains("Your joint account is no longer shared."));
    assert_eq!(bank_accounts(&app, &access).await, (StatusCode::OK, vec!["AU-40001".to_string()]));
    assert_eq!(bank_transactions(&app, &access, JOINT, &[]).await.0, StatusCode::NOT_FOUND);
    let card = consent_card(&portal(&app, &holder).await, arrangement);
    assert!(card.contains("Joint Saver …1234 (not shared now)"), "{card}");
    // An amendment meanwhile lists it apart, saying the change takes it out of the arrangement.
    let amend = [("sharing_duration", NINETY_DAYS), ("cdr_arrangement_id", arrangement)];
    let html = open_consent(&b, &authorize(&app, &b, SCOPES, &amend, "user").await).await.html;
    let apart = html.split("unavailable-accounts").nth(1).unwrap_or_else(|| panic!("{html}"));
    assert!(apart.contains(r#"data-account="AU-40004""#), "{apart}");
    assert!(
        apart.contains("Shared under this arrangement until now; it stops being shared if you agree to this change."),
        "{apart}"
    );
    assert!(html.contains(r#"value="AU-40001""#) && html.contains("Shared now"), "the other account: {html}");

    // `user` stopping it too, then allowing it again, does not bring it back while user2 does not.
    for sharing in ["off", "on"] {
        assert_eq!(choose(&app, &holder, &token, "cdr", JOINT, sharing).await.status(), StatusCode::SEE_OTHER);
    }
    assert_eq!(bank_transactions(&app, &access, JOINT, &[]).await.0, StatusCode::NOT_FOUND);
}

/// The UK bank's joint current account (`user3` and `user4`): each holder sees the consent the
/// other gave over it (P-02), either turns its sharing off, and paying from it is not sharing.
#[tokio::test]
async fn a_uk_joint_accounts_holders_each_see_its_consents_and_its_sharing_off_does_not_stop_payments() {
    use super::obuk::{allow as allow_uk, bank_read, start_uk};
    use super::obuk_payment::{decide, initiation, start};
    let app = spawn_app().await;
    let b = browser();
    let (id, consent) = start_uk(&app, &b, "user3").await;
    let access = allow_uk(&app, &b, &consent, &["UK-30201"]).await;
    assert_eq!(bank_read(&app, &access, "UK-30201", "balances").await.0, StatusCode::OK);

    // user4, the other holder, sees user3's consent, naming the joint account.
    let co = browser();
    let html = portal_sign_in(&app, &co, "user4").await.replace("<!>", "");
    assert!(consent_card(&html, &id).contains("Joint Current Account …5544"), "{html}");
    let list = html.split(r#"id="joint-title""#).nth(1).unwrap_or_else(|| panic!("{html}"));
    assert!(list.contains(r#"data-account="UK-30201""#) && list.contains("Shared: apps"), "{list}");
    // user4 turns its sharing off: the bank serves nothing of it under user3's consent.
    let res = choose(&app, &co, &hidden(&html, "csrf_token"), "uk", "UK-30201", "off").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(bank_read(&app, &access, "UK-30201", "balances").await.0, StatusCode::FORBIDDEN);
    assert!(consent_card(&portal(&app, &co).await, &id).contains("Joint Current Account …5544 (not shared now)"));

    // user3's next account-access screen lists it apart, saying why in Assent's words ...
    let b = browser();
    let (_, consent) = start_uk(&app, &b, "user3").await;
    let html = open_consent(&b, &consent).await.html;
    assert!(!html.contains(r#"value="UK-30201""#), "not offered for sharing: {html}");
    assert!(html.contains("Another holder of this joint account has not allowed its sharing"), "{html}");
    // ... while the payment screen offers it, and a payment from it is made.
    let b = browser();
    let (payment, consent) = start(&app, &b, "user3", initiation()).await;
    let page = open_consent(&b, &consent).await;
    assert!(page.html.contains(r#"value="UK-30201""#), "paying is not sharing: {}", page.html);
    let res = decide(&app, &b, &page, "allow", &[("account", "UK-30201")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "accepted");
    assert_eq!(uk_managed(&app, &payment).await["status"], "Authorised");
}
