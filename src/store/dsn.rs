//! Reading a DSN into a backend choice and pool options.
//!
//! Hydra (through pop) accepts pool settings as DSN query parameters: `max_conns`,
//! `max_idle_conns`, `max_conn_lifetime`; we honour those plus `connect_timeout`, and strip
//! them before handing the URL to the driver.

use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq)]
pub enum Backend {
    Postgres {
        url: String,
    },
    /// A SQLite file; created when missing.
    Sqlite {
        path: PathBuf,
    },
    /// A private in-memory SQLite database, gone when the process ends.
    Memory,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PoolOptions {
    pub max_connections: u32,
    pub min_connections: u32,
    pub max_lifetime: Option<Duration>,
    pub acquire_timeout: Duration,
    /// The in-process read cache beside the pool (`store/cache.rs`).
    pub cache: super::CacheOptions,
}

impl Default for PoolOptions {
    fn default() -> Self {
        PoolOptions {
            max_connections: 16,
            min_connections: 0,
            max_lifetime: Some(Duration::from_secs(30 * 60)),
            acquire_timeout: Duration::from_secs(5),
            cache: Default::default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Dsn {
    pub backend: Backend,
    pub pool: PoolOptions,
}

#[derive(Debug, thiserror::Error, PartialEq)]
#[error("DSN: {0}")]
pub struct DsnError(pub String);

impl Dsn {
    pub fn parse(raw: &str) -> Result<Dsn, DsnError> {
        let raw = raw.trim();
        if raw == "memory" || raw == "sqlite::memory:" {
            return Ok(Dsn {
                backend: Backend::Memory,
                pool: PoolOptions::default(),
            });
        }
        let (base, query) = match raw.split_once('?') {
            Some((b, q)) => (b, q),
            None => (raw, ""),
        };
        let mut pool = PoolOptions::default();
        let mut keep = Vec::new();
        for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
            let bad = |what: &str| DsnError(format!("query parameter {k}={v:?} {what}"));
            match k.as_ref() {
                "max_conns" => {
                    pool.max_connections = v.parse().map_err(|_| bad("is not a whole number"))?;
                    if pool.max_connections == 0 {
                        return Err(bad("must be at least 1"));
                    }
                }
                "max_idle_conns" => {
                    pool.min_connections = v.parse().map_err(|_| bad("is not a whole number"))?;
                }
                "max_conn_lifetime" => {
                    pool.max_lifetime = Some(
                        crate::config::parse_duration(&v)
                            .map_err(|e| bad(&format!("is invalid: {e}")))?,
                    );
                }
                "connect_timeout" => {
                    pool.acquire_timeout = crate::config::parse_duration(&v)
                        .map_err(|e| bad(&format!("is invalid: {e}")))?;
                }
                // The in-process read cache (store/cache.rs); 0 entries turns it off.
                "cache_tokens" => {
                    pool.cache.tokens = v.parse().map_err(|_| bad("is not a whole number"))?;
                }
                "cache_clients" => {
                    pool.cache.clients = v.parse().map_err(|_| bad("is not a whole number"))?;
                }
                "cache_ttl" => {
                    pool.cache.ttl = crate::config::parse_duration(&v)
                        .map_err(|e| bad(&format!("is invalid: {e}")))?;
                }
                _ => keep.push((k.into_owned(), v.into_owned())),
            }
        }
        pool.min_connections = pool.min_connections.min(pool.max_connections);
        let rebuilt = |base: &str| {
            if keep.is_empty() {
                base.to_string()
            } else {
                let q: String = url::form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(keep.iter())
                    .finish();
                format!("{base}?{q}")
            }
        };
        let backend = if base.starts_with("postgres://") || base.starts_with("postgresql://") {
            url::Url::parse(base).map_err(|e| DsnError(format!("not a valid URL: {e}")))?;
            Backend::Postgres { url: rebuilt(base) }
        } else if let Some(path) = base
            .strip_prefix("sqlite://")
            .or_else(|| base.strip_prefix("sqlite:"))
        {
            if path.is_empty() {
                return Err(DsnError(
                    "sqlite:// needs a file path, e.g. sqlite://data/db.sqlite".into(),
                ));
            }
            if path == ":memory:" {
                Backend::Memory
            } else {
                Backend::Sqlite {
                    path: PathBuf::from(path),
                }
            }
        } else {
            let scheme = base.split("://").next().unwrap_or(base);
            return Err(DsnError(format!(
                "unsupported scheme {scheme:?}; use postgres://…, sqlite://path or memory"
            )));
        };
        Ok(Dsn { backend, pool })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_postgres_with_pool_parameters() {
        let d = Dsn::parse("postgres://u@h:5432/db?sslmode=disable&max_conns=7&max_idle_conns=2&max_conn_lifetime=1m").unwrap();
        assert_eq!(
            d.backend,
            Backend::Postgres {
                url: "postgres://u@h:5432/db?sslmode=disable".into()
            }
        );
        assert_eq!(d.pool.max_connections, 7);
        assert_eq!(d.pool.min_connections, 2);
        assert_eq!(d.pool.max_lifetime, Some(Duration::from_secs(60)));
    }

    #[test]
    fn reads_the_cache_parameters() {
        let d = Dsn::parse("postgres://u@h/db?cache_tokens=0&cache_clients=9&cache_ttl=250ms&x=1")
            .unwrap();
        assert_eq!(d.pool.cache.tokens, 0);
        assert_eq!(d.pool.cache.clients, 9);
        assert_eq!(d.pool.cache.ttl, Duration::from_millis(250));
        assert_eq!(
            d.backend,
            Backend::Postgres {
                url: "postgres://u@h/db?x=1".into()
            }
        );
        assert!(Dsn::parse("memory").unwrap().pool.cache.tokens > 0);
        assert!(Dsn::parse("postgres://u@h/db?cache_tokens=lots").is_err());
    }

    #[test]
    fn reads_sqlite_and_memory() {
        assert_eq!(Dsn::parse("memory").unwrap().backend, Backend::Memory);
        assert_eq!(
            Dsn::parse("sqlite://var/db.sqlite?_fk=true")
                .unwrap()
                .backend,
            Backend::Sqlite {
                path: "var/db.sqlite".into()
            }
        );
        assert_eq!(
            Dsn::parse("sqlite:///abs/db.sqlite").unwrap().backend,
            Backend::Sqlite {
                path: "/abs/db.sqlite".into()
            }
        );
    }

    #[test]
    fn refuses_what_it_cannot_use() {
        assert!(Dsn::parse("mysql://root@localhost/db")
            .unwrap_err()
            .0
            .contains("unsupported scheme"));
        assert!(Dsn::parse("postgres://h/db?max_conns=x")
            .unwrap_err()
            .0
            .contains("max_conns"));
        assert!(Dsn::parse("postgres://h/db?max_conns=0").is_err());
        assert!(Dsn::parse("sqlite://").is_err());
    }
}
