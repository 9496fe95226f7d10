//! The System Identity API's pool users (reference §1d (4)): a workspace's consent records
//! kept as users of an identity pool.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A user of an identity pool (System Identity API, reference §1d (4)): what
/// `systemCreateUser`, `systemGetUser` and `systemUpdateUser` answer. `payload` and
/// `metadata` are free JSON objects; times are RFC 3339.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct PoolUser {
    pub id: String,
    pub pool_id: String,
    pub status: String,
    #[serde(default, deserialize_with = "crate::wire::null_is_empty")]
    pub payload: Map<String, Value>,
    #[serde(default, deserialize_with = "crate::wire::null_is_empty")]
    pub metadata: Map<String, Value>,
    #[serde(default, deserialize_with = "crate::wire::null_is_empty", skip_serializing_if = "Vec::is_empty")]
    pub identifiers: Vec<PoolIdentifier>,
    #[serde(default, deserialize_with = "crate::wire::unset_time", skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    #[serde(default, deserialize_with = "crate::wire::unset_time", skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
}

/// One identifier of a pool user, unique in its pool (a second user with it is a 409).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct PoolIdentifier {
    pub identifier: String,
    #[serde(rename = "type", default, skip_serializing_if = "String::is_empty")]
    pub kind: String,
}

/// `NewUser` of `systemCreateUser`: `status` is required.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct NewPoolUser {
    pub status: String,
    #[serde(default, deserialize_with = "crate::wire::null_is_empty")]
    pub payload: Map<String, Value>,
    #[serde(default, deserialize_with = "crate::wire::null_is_empty")]
    pub metadata: Map<String, Value>,
    #[serde(default, deserialize_with = "crate::wire::null_is_empty", skip_serializing_if = "Vec::is_empty")]
    pub identifiers: Vec<PoolIdentifier>,
}

/// `UpdateUser` of `systemUpdateUser`: the user's status, payload and metadata, replaced.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct UpdatePoolUser {
    pub status: String,
    #[serde(default, deserialize_with = "crate::wire::null_is_empty")]
    pub payload: Map<String, Value>,
    #[serde(default, deserialize_with = "crate::wire::null_is_empty")]
    pub metadata: Map<String, Value>,
}

/// `systemListUsers`'s answer.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct PoolUsers {
    #[serde(default, deserialize_with = "crate::wire::null_is_empty")]
    pub users: Vec<PoolUser>,
}
