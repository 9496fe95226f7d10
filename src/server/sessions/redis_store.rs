//! The shared store: Redis or Valkey, through `redis`' connection manager (one multiplexed
//! connection, re-established after a failure). Every timeout is native key expiry:
//! - a session is a hash whose expiry is restarted at each use, to the idle timeout or what is
//!   left of the absolute one, whichever is shorter;
//! - a used sign-in is a key set once (`NX`) that expires when the sign-in would have;
//! - a consent decision is a key set once (`NX`) that expires when the hold, or what is kept
//!   after it, ends; only its holder changes or frees it.
//!
//! Each step that reads and writes is one script or one transaction, so replicas never race.

use super::decisions::Held;
use super::{Record, StoreError, IDLE_TIMEOUT};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use std::time::Duration;

const SESSION: &str = "assent:session:";
const USED_SIGN_IN: &str = "assent:used-sign-in:";
const DECISION: &str = "assent:decision:";

/// The session, its expiry restarted; nothing (and the key gone) once past its absolute end.
const GET_SESSION: &str = r"
local f = redis.call('HMGET', KEYS[1], 'r', 'x')
if not f[2] then return false end
local ttl = math.min(tonumber(ARGV[2]), tonumber(f[2]) - tonumber(ARGV[1]))
if ttl <= 0 then redis.call('DEL', KEYS[1]) return false end
redis.call('EXPIRE', KEYS[1], ttl)
return f
";

/// Holds the flow (`nil`), or answers its holder.
const HOLD: &str = r"
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then return false end
return redis.call('GET', KEYS[1])
";

/// For the try whose hold is ARGV[1]: its decision ARGV[2], kept ARGV[3] seconds (also with no
/// hold at all: one that timed out may be written yet, and must find the flow decided); or,
/// with no ARGV[2], the flow freed. Another try's hold or decision is left as it is (0).
const HOLDER_ONLY: &str = r"
local v = redis.call('GET', KEYS[1])
if v and v ~= ARGV[1] then return 0 end
if ARGV[2] then redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3]) return 1 end
if v then redis.call('DEL', KEYS[1]) return 1 end
return 0
";

/// A flow held by no try, its decision's answer lost and kept as ARGV[1], held by ARGV[2] for
/// ARGV[3] seconds: 1; 0 when it is held, decided or gone. Read by its fields, whatever else a
/// replica of another version wrote.
const TAKE_OVER: &str = r"
local v = redis.call('GET', KEYS[1])
if not v then return 0 end
local held = cjson.decode(v)
if held.a ~= '' or held.r ~= ARGV[1] or (held.n ~= nil and held.n ~= cjson.null) then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return 1
";

pub struct RedisStore {
    conn: ConnectionManager,
    get_session: redis::Script,
    hold: redis::Script,
    holder_only: redis::Script,
    take_over: redis::Script,
}

impl RedisStore {
    pub fn connect(url: &str, root_ca: Option<Vec<u8>>, timeout: Duration) -> Result<Self, StoreError> {
        let client = match root_ca {
            Some(root_cert) => redis::Client::build_with_tls(
                url,
                redis::TlsCertificates { client_tls: None, root_cert: Some(root_cert) },
            )?,
            None => redis::Client::open(url)?,
        };
        // One quick reconnection attempt per failure: a request never waits on a retry loop,
        // and the next request tries again, so Assent recovers as soon as Redis is back.
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(timeout))
            .set_response_timeout(Some(timeout))
            .set_number_of_retries(1)
            .set_min_delay(Duration::from_millis(20))
            .set_max_delay(Duration::from_millis(100));
        Ok(Self {
            conn: ConnectionManager::new_lazy_with_config(client, config)?,
            get_session: redis::Script::new(GET_SESSION),
            hold: redis::Script::new(HOLD),
            holder_only: redis::Script::new(HOLDER_ONLY),
            take_over: redis::Script::new(TAKE_OVER),
        })
    }

    /// `true` the first time `key` is claimed before it expires.
    pub async fn claim_sign_in(&self, key: &str, expires_at: i64) -> Result<bool, StoreError> {
        let set: Option<String> = redis::cmd("SET")
            .arg(format!("{USED_SIGN_IN}{key}"))
            .arg(1)
            .arg("NX")
            .arg("EXAT")
            .arg(expires_at.max(super::now() + 1))
            .query_async(&mut self.conn.clone())
            .await?;
        Ok(set.is_some())
    }

    pub async fn create(&self, key: &str, record: &Record, now: i64) -> Result<(), StoreError> {
        let session = format!("{SESSION}{key}");
        let ttl = IDLE_TIMEOUT.min(record.expires_at - now).max(1);
        redis::pipe()
            .atomic()
            .cmd("HSET")
            .arg(&session)
            .arg("r")
            .arg(&record.sealed)
            .arg("x")
            .arg(record.expires_at)
            .ignore()
            .cmd("EXPIRE")
            .arg(&session)
            .arg(ttl)
            .ignore()
            .query_async::<()>(&mut self.conn.clone())
            .await?;
        Ok(())
    }

    pub async fn get(&self, key: &str, now: i64) -> Result<Option<Record>, StoreError> {
        let fields: Option<(String, i64)> = self
            .get_session
            .key(format!("{SESSION}{key}"))
            .arg(now)
            .arg(IDLE_TIMEOUT)
            .invoke_async(&mut self.conn.clone())
            .await?;
        Ok(fields.map(|(sealed, expires_at)| Record { sealed, expires_at }))
    }

    pub async fn delete(&self, key: &str) -> Result<(), StoreError> {
        redis::cmd("DEL").arg(format!("{SESSION}{key}")).query_async::<()>(&mut self.conn.clone()).await?;
        Ok(())
    }

    /// Holds flow `key` for `mine` for `seconds`: `None` when it was free, else its holder.
    pub async fn hold(&self, key: &str, mine: &Held, seconds: i64) -> Result<Option<Held>, StoreError> {
        let other: Option<String> = self
            .hold
            .key(format!("{DECISION}{key}"))
            .arg(serde_json::to_string(mine)?)
            .arg(seconds)
            .invoke_async(&mut self.conn.clone())
            .await?;
        Ok(other.map(|v| serde_json::from_str(&v)).transpose()?)
    }

    /// The try `mine` of flow `key` is `decided`, kept for `seconds`: `false` when another try
    /// holds it.
    pub async fn decided(&self, key: &str, mine: &Held, decided: &Held, seconds: i64) -> Result<bool, StoreError> {
        let written: i64 = self
            .holder_only
            .key(format!("{DECISION}{key}"))
            .arg(serde_json::to_string(mine)?)
            .arg(serde_json::to_string(decided)?)
            .arg(seconds)
            .invoke_async(&mut self.conn.clone())
            .await?;
        Ok(written == 1)
    }

    /// Flow `key`, held by no try since its decision's answer was lost (kept as `sealed`), is
    /// held by `mine` for `seconds`: `false` when another try took it first, or it is gone.
    pub async fn take_over(&self, key: &str, sealed: &str, mine: &Held, seconds: i64) -> Result<bool, StoreError> {
        let taken: i64 = self
            .take_over
            .key(format!("{DECISION}{key}"))
            .arg(sealed)
            .arg(serde_json::to_string(mine)?)
            .arg(seconds)
            .invoke_async(&mut self.conn.clone())
            .await?;
        Ok(taken == 1)
    }

    /// Frees flow `key` if `mine` holds it undecided.
    pub async fn release(&self, key: &str, mine: &Held) -> Result<(), StoreError> {
        self.holder_only
            .key(format!("{DECISION}{key}"))
            .arg(serde_json::to_string(mine)?)
            .invoke_async::<()>(&mut self.conn.clone())
            .await?;
        Ok(())
    }

    pub async fn ping(&self) -> Result<(), StoreError> {
        redis::cmd("PING").query_async::<()>(&mut self.conn.clone()).await?;
        Ok(())
    }
}
