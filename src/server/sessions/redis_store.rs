//! The shared store: Redis or Valkey, through `redis`' connection manager (one multiplexed
//! connection, re-established after a failure). Every timeout is native key expiry:
//! - a session is a hash whose expiry is restarted at each use, to the idle timeout or what is
//!   left of the absolute one, whichever is shorter;
//! - a sign-in in progress is a string that expires at its deadline, counted in a sorted set
//!   that caps how many can wait at once.
//!
//! Each step that reads and writes is one script or one transaction, so replicas never race.

use super::{Record, StoreError, IDLE_TIMEOUT, LOGIN_TIMEOUT};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use std::time::Duration;

const SESSION: &str = "assent:session:";
const LOGIN: &str = "assent:login:";
const LOGINS: &str = "assent:logins";

/// The session, its expiry restarted; nothing (and the key gone) once past its absolute end.
const GET_SESSION: &str = r"
local f = redis.call('HMGET', KEYS[1], 's', 'c', 'd', 't', 'x')
if not f[5] then return false end
local ttl = math.min(tonumber(ARGV[2]), tonumber(f[5]) - tonumber(ARGV[1]))
if ttl <= 0 then redis.call('DEL', KEYS[1]) return false end
redis.call('EXPIRE', KEYS[1], ttl)
return f
";

/// Keeps a sign-in unless the cap is reached: 1 kept, 0 refused.
const INSERT_LOGIN: &str = r"
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[4]) then return 0 end
redis.call('ZADD', KEYS[2], ARGV[3], KEYS[1])
redis.call('EXPIRE', KEYS[2], ARGV[5])
redis.call('SET', KEYS[1], ARGV[2], 'EXAT', ARGV[3])
return 1
";

pub struct RedisStore {
    conn: ConnectionManager,
    get_session: redis::Script,
    insert_login: redis::Script,
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
            insert_login: redis::Script::new(INSERT_LOGIN),
        })
    }

    pub async fn insert_login(&self, key: &str, sealed: &str, expires_at: i64, cap: u64) -> Result<(), StoreError> {
        let kept: i64 = self
            .insert_login
            .key(format!("{LOGIN}{key}"))
            .key(LOGINS)
            .arg(super::now())
            .arg(sealed)
            .arg(expires_at)
            .arg(cap)
            .arg(LOGIN_TIMEOUT)
            .invoke_async(&mut self.conn.clone())
            .await?;
        if kept == 1 {
            Ok(())
        } else {
            Err(StoreError::Full)
        }
    }

    pub async fn take_login(&self, key: &str) -> Result<Option<String>, StoreError> {
        let login = format!("{LOGIN}{key}");
        let (sealed, _): (Option<String>, i64) = redis::pipe()
            .atomic()
            .cmd("GETDEL")
            .arg(&login)
            .cmd("ZREM")
            .arg(LOGINS)
            .arg(&login)
            .query_async(&mut self.conn.clone())
            .await?;
        Ok(sealed)
    }

    pub async fn create(&self, key: &str, record: &Record, now: i64) -> Result<(), StoreError> {
        let session = format!("{SESSION}{key}");
        let ttl = IDLE_TIMEOUT.min(record.expires_at - now).max(1);
        redis::pipe()
            .atomic()
            .cmd("HSET")
            .arg(&session)
            .arg("s")
            .arg(&record.subject)
            .arg("c")
            .arg(&record.customer)
            .arg("d")
            .arg(&record.display)
            .arg("t")
            .arg(&record.sealed_token)
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
        let fields: Option<(String, String, String, String, i64)> = self
            .get_session
            .key(format!("{SESSION}{key}"))
            .arg(now)
            .arg(IDLE_TIMEOUT)
            .invoke_async(&mut self.conn.clone())
            .await?;
        Ok(fields.map(|(subject, customer, display, sealed_token, expires_at)| Record {
            subject,
            customer,
            display,
            sealed_token,
            expires_at,
        }))
    }

    pub async fn delete(&self, key: &str) -> Result<(), StoreError> {
        redis::cmd("DEL").arg(format!("{SESSION}{key}")).query_async::<()>(&mut self.conn.clone()).await?;
        Ok(())
    }

    pub async fn ping(&self) -> Result<(), StoreError> {
        redis::cmd("PING").query_async::<()>(&mut self.conn.clone()).await?;
        Ok(())
    }
}
