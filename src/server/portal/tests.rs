use super::*;

#[test]
fn a_records_line_names_what_is_shared_and_leaves_unnamed_protocol_scopes_out() {
    use crate::server::records::{Draft, Record, Status};
    let record = |scopes: &[&str], scope_names: &[(&str, &str)]| Record {
        id: "r".into(),
        status: Status::Authorized,
        created_at: 0,
        updated_at: 0,
        draft: Draft {
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
            scope_names: scope_names.iter().map(|(s, n)| (s.to_string(), n.to_string())).collect(),
            ..Default::default()
        },
        history: Vec::new(),
    };
    let names = [("bank:accounts.basic:read".to_string(), "Account name, type and balance".to_string())].into();
    let lines = records_view(
        vec![
            // A CDR arrangement's: `openid` was never on its screen.
            record(&["openid", "bank:accounts.basic:read", "offline_access"], &[]),
            // A generic consent's: its screen named `openid`, so the record does.
            record(&["openid", "email"], &[("openid", "Sign you in"), ("email", "Email address")]),
        ],
        &names,
        &Default::default(),
        |_| String::new(),
        Locale::En,
    );
    assert_eq!(lines[0].scopes, ["Account name, type and balance"]);
    assert_eq!(lines[1].scopes, ["Sign you in", "Email address"]);
}

#[test]
fn a_consent_that_ran_out_says_when_and_the_card_of_one_too() {
    use crate::server::records::{Draft, Record, Status};
    // Authorised until a day long past, with no event to say it ended.
    let record = Record {
        id: "r".into(),
        status: Status::Authorized,
        created_at: 1_600_000_000,
        updated_at: 1_600_000_000,
        draft: Draft { expires_at: Some(1_700_000_000), ..Default::default() },
        history: Vec::new(),
    };
    let lines = records_view(vec![record], &Default::default(), &Default::default(), |_| String::new(), Locale::En);
    assert_eq!(lines[0].status, "Expired");
    assert_eq!(lines[0].ended.as_deref(), Some("Ended November 14, 2023, at the end of the period it was given for"));
    let expired: FDXConsent = serde_json::from_value(serde_json::json!({
        "id": "c1", "status": "EXPIRED", "client_id": "tpp", "expirationTime": "2026-03-01T00:00:00Z",
        "granted_resources": [{"id": "a1", "resourceType": "ACCOUNT"}]
    }))
    .unwrap();
    let card = &fdx_view(&[account("a1")], vec![expired], Locale::En)[0];
    assert!(!card.active);
    assert_eq!(card.status, "Expired March 1, 2026");
    // Still called authorised, but past its expiry: expired all the same.
    let lapsed: FDXConsent = serde_json::from_value(serde_json::json!({
        "id": "c2", "status": "AUTHORISED", "client_id": "tpp", "expirationTime": "2026-03-01T00:00:00Z",
        "granted_resources": [{"id": "a1", "resourceType": "ACCOUNT"}]
    }))
    .unwrap();
    let card = &fdx_view(&[account("a1")], vec![lapsed], Locale::En)[0];
    assert_eq!((card.active, card.status.as_str()), (false, "Expired March 1, 2026"));
}

fn account(id: &str) -> InternalAccount {
    InternalAccount { id: id.into(), name: "Checking".into(), kind: "CHECKING".into(), ..InternalAccount::default() }
}

#[test]
fn a_consent_that_shares_none_of_the_customers_accounts_is_never_theirs_to_see_or_stop() {
    // What a management API that ignored the accounts filter would answer: the customer's
    // consent, another customer's, and one sharing no account at all.
    let fdx: Vec<FDXConsent> = serde_json::from_value(serde_json::json!([
        {"id": "mine", "status": "AUTHORISED", "client_id": "tpp", "granted_resources": [{"id": "a1", "resourceType": "ACCOUNT"}]},
        {"id": "theirs", "status": "AUTHORISED", "client_id": "tpp", "granted_resources": [{"id": "b9", "resourceType": "ACCOUNT"}]},
        {"id": "none", "status": "AUTHORISED", "client_id": "tpp", "granted_resources": [{"id": "cust", "resourceType": "CUSTOMER"}]}
    ]))
    .unwrap();
    let cards = fdx_view(&[account("a1")], fdx, Locale::En);
    assert_eq!(cards.iter().map(|c| c.consent_id.as_str()).collect::<Vec<_>>(), ["mine"]);
    let uk: Vec<crate::wire::obuk_consents::OBUKConsentWithClient> = serde_json::from_value(serde_json::json!([
        {"consent_id": "mine", "type": "account_access", "status": "Authorised", "client_id": "tpp", "account_ids": ["a1"]},
        {"consent_id": "theirs", "type": "account_access", "status": "Authorised", "client_id": "tpp", "account_ids": ["b9"]},
        {"consent_id": "none", "type": "account_access", "status": "Authorised", "client_id": "tpp", "account_ids": []}
    ]))
    .unwrap();
    let cards = obuk_view(&[account("a1")], uk, Locale::En);
    assert_eq!(cards.iter().map(|c| c.consent_id.as_str()).collect::<Vec<_>>(), ["mine"]);
}

#[test]
fn a_card_that_shares_a_joint_account_says_so_and_only_then() {
    // Only such a card (or one sharing another customer's account) can have been given by
    // someone else: the portal reads the giver's record for those alone.
    let joint = InternalAccount {
        joint: Some(crate::wire::JointAccount { holders: 2, ..Default::default() }),
        ..account("j1")
    };
    let accounts = [account("a1"), joint];
    let fdx: Vec<FDXConsent> = serde_json::from_value(serde_json::json!([
        {"id": "sole", "status": "AUTHORISED", "client_id": "tpp", "created_time": "2026-01-02T00:00:00Z",
         "granted_resources": [{"id": "a1", "resourceType": "ACCOUNT"}]},
        {"id": "both", "status": "AUTHORISED", "client_id": "tpp", "created_time": "2026-01-01T00:00:00Z",
         "granted_resources": [{"id": "a1", "resourceType": "ACCOUNT"}, {"id": "j1", "resourceType": "ACCOUNT"}]}
    ]))
    .unwrap();
    let joint_of = |cards: Vec<FdxAccess>| cards.into_iter().map(|c| (c.consent_id, c.joint)).collect::<Vec<_>>();
    assert_eq!(joint_of(fdx_view(&accounts, fdx, Locale::En)), [("sole".into(), false), ("both".into(), true)]);
    let uk: Vec<crate::wire::obuk_consents::OBUKConsentWithClient> = serde_json::from_value(serde_json::json!([
        {"consent_id": "sole", "type": "account_access", "status": "Authorised", "client_id": "tpp", "account_ids": ["a1"]},
        {"consent_id": "both", "type": "account_access", "status": "Authorised", "client_id": "tpp", "account_ids": ["a1", "j1"]}
    ]))
    .unwrap();
    assert_eq!(joint_of(obuk_view(&accounts, uk, Locale::En)), [("sole".into(), false), ("both".into(), true)]);
}

fn card(id: &str, active: bool) -> FdxAccess {
    FdxAccess { consent_id: id.into(), recipient: "ADR".into(), active, all_mine: true, ..FdxAccess::default() }
}

#[test]
fn a_consent_the_customers_own_record_names_is_theirs_to_stop_whatever_became_of_its_accounts() {
    let not_all = |id: &str| FdxAccess { all_mine: false, ..card(id, true) };
    let mut cards = vec![not_all("mine"), not_all("another-holders"), card("listed", true), not_all("pending")];
    use crate::server::records::{Draft, Record, Status};
    let record = |id: &str, workspace: &str, status| Record {
        id: id.into(),
        status,
        created_at: 1,
        updated_at: 1,
        draft: Draft { workspace: workspace.into(), ..Draft::default() },
        history: Vec::new(),
    };
    let own = [
        record("mine", "fdx", Status::Revoked),
        record("another-holders", "uk", Status::Authorized),
        record("pending", "fdx", Status::Pending),
    ];
    own_by_records(&mut cards, &own, "fdx");
    let mine: Vec<bool> = cards.iter().map(|c| c.all_mine).collect();
    assert_eq!(mine, [true, false, true, false], "another workspace's record, or one not given, says nothing");
}

#[test]
fn a_card_says_what_was_disclosed_under_it_and_nothing_it_cannot_know() {
    let told: crate::wire::Disclosures = serde_json::from_value(serde_json::json!({"disclosures": [
        {"consent_id": "a", "data": "accounts", "count": 2, "last": "2026-03-01T10:00:00Z"},
        {"consent_id": "a", "data": "transactions", "count": 1, "last": "2026-03-02T09:30:00Z"},
        {"consent_id": "b", "data": "transactions", "count": u64::MAX, "last": "not a time"},
        {"consent_id": "b", "data": "transactions", "count": 1, "last": ""},
        {"consent_id": "b", "data": "odd\u{202E}kind", "count": 0, "last": ""}
    ]}))
    .unwrap();
    let mut cards = vec![card("a", true), card("b", true), card("c", true), card("d", false)];
    say_disclosed(&mut cards, &told, Locale::En);
    let said: Vec<_> = cards.iter().map(|c| c.shared.as_deref().unwrap()).collect();
    assert_eq!(said[0], "Shared 3 times, last on March 2, 2026, 09:30 UTC: account names and numbers, transactions");
    // Counted without overflow, each kind once; no time that reads: none said.
    assert!(said[1].starts_with("Shared ") && said[1].ends_with(" times: transactions"), "{}", said[1]);
    assert_eq!(said[2], "Nothing shared yet");
    assert_eq!(said[3], "Nothing was shared", "an ended consent that never shared anything");
}

#[test]
fn the_portal_cleans_every_upstream_text_it_shows() {
    let list: ClientsWithAccess = serde_json::from_value(serde_json::json!({
        "clients": [{"client": {"id": "app\u{202E}1", "name": "Pay\u{202E}lapyaP", "client_uri": "javascript:alert(1)"},
            "granted_scopes": [{"scope_name": "email"}, {"scope_name": "x\u{2066}y"}],
            "granted_claims": [{"id": "c1", "claim_name": "email"}]}],
        "scopes": [{"scope_name": "email", "scope_display_name": "E\u{200F}mail", "scope_description": "\u{202A}See it"}],
        "claims": [{"id": "c1", "name": "email", "description": "Your e\u{202E}mail"}]
    }))
    .unwrap();
    let apps = apps_view(list);
    let app = &apps[0];
    assert_eq!(app.client_uri, None, "only https links");
    assert_eq!(app.name, "PaylapyaP");
    assert_eq!(app.scopes[0].name, "Email");
    assert_eq!(app.scopes[0].description.as_deref(), Some("See it"));
    assert_eq!(app.scopes[1].name, "xy");
    assert_eq!(app.claims, ["Your email"]);
    // The id is what revocation sends back: kept as the platform gave it.
    assert_eq!(app.client_id, "app\u{202E}1");
    // Open Finance: the recipient, the accounts, and codes no message knows.
    let consent: FDXConsent = serde_json::from_value(serde_json::json!({
        "id": "c1", "status": "Odd\u{202E}Status", "client_id": "tpp\u{2066}x",
        "granted_resources": [{"id": "a1", "resourceType": "ACCOUNT", "dataClusters": ["NEW\u{202E}CLUSTER"]}]
    }))
    .unwrap();
    let account: InternalAccount = serde_json::from_value(serde_json::json!({
        "id": "a1", "name": "Check\u{202E}ing", "nickname": null, "type": "CHECKING",
        "masked_number": "…\u{200F}1234", "balance": 1.0, "currency": "USD"
    }))
    .unwrap();
    let fdx = fdx_view(&[account], vec![consent], Locale::En);
    assert_eq!(fdx[0].recipient, "tppx");
    assert_eq!(fdx[0].status, "OddStatus");
    assert_eq!(fdx[0].clusters, ["NEWCLUSTER"]);
    assert_eq!(fdx[0].accounts, ["Checking …1234"]);
}
