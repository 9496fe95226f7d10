//! `systemListUsers`'s `query`: URL-encoded JSON such as `{"payload":{"subject":"user"}}`. A
//! user matches when every value asked for matches: a simple value exactly, a value asked of
//! an array when the array contains it (an array asked: contains each), an object key by key.

use serde_json::{Map, Value};

/// The parts of a user a query may look into.
const PARTS: [&str; 2] = ["payload", "metadata"];

/// The query's object, or why it is not one.
pub fn parse(text: &str) -> Result<Map<String, Value>, String> {
    if text.len() > 4096 {
        return Err("the query is too long".into());
    }
    let Ok(Value::Object(query)) = serde_json::from_str::<Value>(text) else {
        return Err("query must be a JSON object, e.g. {\"payload\":{\"subject\":\"user\"}}".into());
    };
    match query.iter().find(|(k, v)| !PARTS.contains(&k.as_str()) || !v.is_object()) {
        Some((k, _)) => Err(format!("query: {k} is not payload or metadata, or not an object")),
        None => Ok(query),
    }
}

/// Whether a user with `payload` and `metadata` matches `query`.
pub fn matches(query: &Map<String, Value>, payload: &Map<String, Value>, metadata: &Map<String, Value>) -> bool {
    query.iter().all(|(part, want)| {
        let have = if part == "payload" { payload } else { metadata };
        want.as_object().is_some_and(|keys| keys.iter().all(|(k, w)| have.get(k).is_some_and(|h| value_matches(h, w))))
    })
}

fn value_matches(have: &Value, want: &Value) -> bool {
    match (have, want) {
        (_, Value::Object(keys)) => {
            keys.iter().all(|(k, w)| have.as_object().and_then(|h| h.get(k)).is_some_and(|h| value_matches(h, w)))
        }
        (Value::Array(items), Value::Array(wanted)) => wanted.iter().all(|w| items.contains(w)),
        (Value::Array(items), w) => items.contains(w),
        (h, w) => h == w,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn simple_values_match_exactly_and_arrays_by_containing() {
        let obj = |v: Value| v.as_object().cloned().unwrap();
        let payload = obj(json!({"subject": "user", "status": "authorized", "account_ids": ["a1", "a2"]}));
        let (none, tenant) = (Map::new(), obj(json!({"tenant": "default"})));
        let q = |text: &str| parse(text).unwrap();
        assert!(matches(&q(r#"{"payload":{"subject":"user"}}"#), &payload, &none));
        assert!(!matches(&q(r#"{"payload":{"subject":"use"}}"#), &payload, &none));
        assert!(matches(&q(r#"{"payload":{"account_ids":"a2","status":"authorized"}}"#), &payload, &none));
        assert!(matches(&q(r#"{"payload":{"account_ids":["a2","a1"]}}"#), &payload, &none));
        assert!(!matches(&q(r#"{"payload":{"account_ids":["a3"]}}"#), &payload, &none));
        assert!(!matches(&q(r#"{"payload":{"missing":"x"}}"#), &payload, &none));
        assert!(matches(&q(r#"{"metadata":{"tenant":"default"}}"#), &payload, &tenant));
        assert!(matches(&q("{}"), &payload, &none));
        for bad in ["", "[]", "{\"payload\":1}", "{\"status\":{}}", "{\"payload\":"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
