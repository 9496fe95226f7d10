//! The sandbox's System Identity API subset (reference §1d (4)): users of an identity pool,
//! created, read, updated and listed with a query, with a System token carrying `identity`.

use crate::common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

const POOL: &str = "hyperscalebank-consents";

fn users_url(app: &TestApp, pool: &str) -> String {
    format!("{}/api/identity/default/system/pools/{pool}/users", app.sandbox_url())
}

#[tokio::test]
async fn pool_users_are_created_read_updated_and_listed_with_a_query() {
    let app = spawn_app().await;
    let http = reqwest::Client::new();
    let token = system_token(&app, "identity").await;
    let url = users_url(&app, POOL);

    // A token without `identity`, or none: refused with the `Error` shape.
    let other = system_token(&app, "manage_scope_grants").await;
    let res = http.get(&url).bearer_auth(&other).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(res.json::<Value>().await.unwrap()["status_code"], 403);
    assert_eq!(http.get(&url).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    // An unknown pool or tenant: 404.
    let res = http.get(users_url(&app, "nobody")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(res.json::<Value>().await.unwrap()["error_code"], "not_found");
    let elsewhere = format!("{}/api/identity/other/system/pools/{POOL}/users", app.sandbox_url());
    assert_eq!(http.get(elsewhere).bearer_auth(&token).send().await.unwrap().status(), StatusCode::NOT_FOUND);

    let create = |body: Value| http.post(&url).bearer_auth(&token).json(&body).send();
    let mut ids = Vec::new();
    for (i, (subject, accounts)) in
        [("user", vec!["HS-1", "HS-2"]), ("user2", vec!["HS-3"]), ("user", vec!["HS-3"])].into_iter().enumerate()
    {
        let res = create(json!({
            "status": "active",
            "payload": {"subject": subject, "client_id": "tpp", "status": "authorized", "account_ids": accounts},
            "metadata": {"n": i},
            "identifiers": [{"identifier": format!("flow-{i}"), "type": "external"}],
        }))
        .await
        .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
        let user: Value = res.json().await.unwrap();
        assert_eq!((user["pool_id"].as_str(), user["status"].as_str()), (Some(POOL), Some("active")));
        assert!(user["created_at"].as_str().is_some_and(|t| t.ends_with('Z')));
        ids.push(user["id"].as_str().unwrap().to_string());
    }
    // An identifier that is another user's: 409, and nothing created.
    let res = create(json!({"status": "active", "identifiers": [{"identifier": "flow-0"}]})).await.unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_eq!(res.json::<Value>().await.unwrap()["status_code"], 409);
    // Bodies that do not read, or are too large.
    assert_eq!(create(json!({"payload": {}})).await.unwrap().status(), StatusCode::BAD_REQUEST, "no status");
    assert_eq!(create(json!({"status": "odd"})).await.unwrap().status(), StatusCode::BAD_REQUEST);
    let big = create(json!({"status": "active", "payload": {"x": "y".repeat(70_000)}})).await.unwrap();
    assert_eq!(big.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(big.json::<Value>().await.unwrap()["status_code"], 413);

    // Read one; an unknown one is 404.
    let one = |id: String| http.get(format!("{url}/{id}")).bearer_auth(&token).send();
    let user: Value = one(ids[0].clone()).await.unwrap().json().await.unwrap();
    assert_eq!(user["payload"]["account_ids"], json!(["HS-1", "HS-2"]));
    assert_eq!(one("no-such-user".into()).await.unwrap().status(), StatusCode::NOT_FOUND);

    // Update: status, payload and metadata replaced.
    let put = |id: String, body: Value| http.put(format!("{url}/{id}")).bearer_auth(&token).json(&body).send();
    let changed =
        json!({"status": "active", "payload": {"subject": "user", "status": "revoked"}, "metadata": {"m": 1}});
    let res = put(ids[0].clone(), changed).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let user: Value = res.json().await.unwrap();
    assert_eq!((user["payload"]["status"].as_str(), user["metadata"]["m"].as_i64()), (Some("revoked"), Some(1)));
    assert_eq!(put("no-such-user".into(), json!({"status": "active"})).await.unwrap().status(), StatusCode::NOT_FOUND);

    // List with a query: exact on simple values, contains on arrays; paged.
    let list = |query: &str, more: &str| {
        let q: String = url::form_urlencoded::byte_serialize(query.as_bytes()).collect();
        http.get(format!("{url}?query={q}{more}")).bearer_auth(&token).send()
    };
    let found = |res: Value| -> Vec<String> {
        res["users"].as_array().unwrap().iter().map(|u| u["id"].as_str().unwrap().to_string()).collect()
    };
    let of_user = found(list(r#"{"payload":{"subject":"user"}}"#, "").await.unwrap().json().await.unwrap());
    assert_eq!(of_user, [ids[0].clone(), ids[2].clone()]);
    let hs3 = found(list(r#"{"payload":{"account_ids":"HS-3"}}"#, "").await.unwrap().json().await.unwrap());
    assert_eq!(hs3, [ids[1].clone(), ids[2].clone()], "contains, on an array");
    let both = r#"{"payload":{"subject":"user","status":"authorized"}}"#;
    assert_eq!(found(list(both, "").await.unwrap().json().await.unwrap()), [ids[2].clone()]);
    let page = found(list("{}", "&limit=2").await.unwrap().json().await.unwrap());
    assert_eq!(page, ids[..2]);
    let next = found(list("{}", &format!("&limit=2&after_user_id={}", ids[1])).await.unwrap().json().await.unwrap());
    assert_eq!(next, ids[2..]);
    for (query, more) in
        [("{\"payload\":", ""), ("[1]", ""), ("{}", "&limit=0"), ("{}", "&limit=x"), ("{}", "&after_user_id=nobody")]
    {
        let res = list(query, more).await.unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{query} {more}");
        assert_eq!(res.json::<Value>().await.unwrap()["error_code"], "invalid_request");
    }
}
