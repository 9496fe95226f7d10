//! Property tests on every input Assent takes from a browser: query parameters, and bodies
//! posted to every server function (as a plain form and as an island's call) and to `/lang`.
//! Whatever arrives, the answer is a page or an error with a 4xx or 2xx/3xx status, never a
//! 5xx or a dropped connection. `PROPTEST_CASES` sets the number of cases (the long run uses
//! 100,000: `make fuzz`).

use crate::common::*;
use proptest::prelude::*;
use std::sync::OnceLock;

struct Env {
    rt: tokio::runtime::Runtime,
    app: TestApp,
    http: reqwest::Client,
}

fn env() -> &'static Env {
    static ENV: OnceLock<Env> = OnceLock::new();
    ENV.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let app = rt.block_on(spawn_app());
        Env { rt, app, http: browser() }
    })
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(128)
}

/// Field names Assent reads, plus noise.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("login_id".to_string()),
        Just("login_state".to_string()),
        Just("csrf_token".to_string()),
        Just("decision".to_string()),
        Just("scope".to_string()),
        Just("scope[]".to_string()),
        Just("account[]".to_string()),
        Just("state".to_string()),
        Just("code".to_string()),
        Just("iss".to_string()),
        Just("client_id".to_string()),
        Just("q".to_string()),
        Just("kind".to_string()),
        Just("account".to_string()),
        Just("consent_type".to_string()),
        Just("consent_id".to_string()),
        Just("lang".to_string()),
        Just("next".to_string()),
        ".{0,12}",
    ]
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9_-]{1,40}",
        Just("allow".to_string()),
        Just("deny".to_string()),
        Just("fdx".to_string()),
        Just("pt-BR".to_string()),
        ".{0,300}",
        "[\\x00-\\x7f]{0,64}",
    ]
}

fn encode(pairs: &[(String, String)]) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

fn check(res: reqwest::Response) -> Result<(), TestCaseError> {
    let status = res.status();
    prop_assert!(status.as_u16() < 500, "status {status}");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn query_parameters_never_cause_a_5xx(pairs in proptest::collection::vec((key(), value()), 0..6), path in prop_oneof![Just("/consent"), Just("/portal"), Just("/portal/revoke"), Just("/")]) {
        let env = env();
        let url = format!("{}{path}?{}", env.app.url, encode(&pairs));
        let res = env.rt.block_on(env.http.get(url).send()).unwrap();
        check(res)?;
    }

    #[test]
    fn form_bodies_never_cause_a_5xx(
        pairs in proptest::collection::vec((key(), value()), 0..7),
        raw in proptest::collection::vec(any::<u8>(), 0..64),
        path in prop_oneof![
            Just("/api/consent/decide"), Just("/api/consent/load"), Just("/api/fdx/decide"), Just("/api/fdx/load"),
            Just("/api/portal/load"), Just("/api/portal/revoke"), Just("/api/portal/stop"), Just("/api/portal/sign-in"),
            Just("/api/portal/finish-sign-in"), Just("/api/portal/sign-out"), Just("/api/none"), Just("/lang"),
        ],
        accept in prop_oneof![Just("text/html,*/*;q=0.8"), Just("application/json"), Just("*/*")],
    ) {
        let env = env();
        let mut body = encode(&pairs).into_bytes();
        body.extend(raw);
        let res = env.rt.block_on(
            env.http.post(format!("{}{path}", env.app.url))
                .header("content-type", "application/x-www-form-urlencoded")
                .header("accept", accept)
                .body(body)
                .send(),
        ).unwrap();
        check(res)?;
    }
}
