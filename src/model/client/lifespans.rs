//! Hydra v2's per-grant token lifespans of a client (`oAuth2ClientTokenLifespans`).
//!
//! The API writes them as Go durations (`"1h30m"`, shown back as Go prints them:
//! `"1h30m0s"`) or `null` (the global TTL applies); they are kept in nanoseconds, as
//! Hydra keeps them. Whether a value is acceptable (positive, whole seconds) is
//! `protocol::client`'s rule, not this format's.

use serde::de::{IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// The v26 `OAuth2Client` lifespan fields, in the spec's order.
pub const LIFESPAN_FIELDS: [&str; 13] = [
    "authorization_code_grant_access_token_lifespan",
    "authorization_code_grant_id_token_lifespan",
    "authorization_code_grant_refresh_token_lifespan",
    "client_credentials_grant_access_token_lifespan",
    "device_authorization_grant_access_token_lifespan",
    "device_authorization_grant_id_token_lifespan",
    "device_authorization_grant_refresh_token_lifespan",
    "implicit_grant_access_token_lifespan",
    "implicit_grant_id_token_lifespan",
    "jwt_bearer_grant_access_token_lifespan",
    "refresh_token_grant_access_token_lifespan",
    "refresh_token_grant_id_token_lifespan",
    "refresh_token_grant_refresh_token_lifespan",
];

const NANOS_PER_SEC: i64 = 1_000_000_000;

/// Nanoseconds per field of [`LIFESPAN_FIELDS`]; `None` = not set.
///
/// As part of [`super::Client`] (flattened) it reads the fields from a request body but
/// writes nothing: the 1.9.2 shape has no such fields, so the views add them
/// ([`Lifespans::to_api`]) where the v2 API shows them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Lifespans(pub [Option<i64>; 13]);

impl Lifespans {
    fn index(field: &str) -> Option<usize> {
        LIFESPAN_FIELDS.iter().position(|f| *f == field)
    }

    /// The lifespan of `field` (one of [`LIFESPAN_FIELDS`]) in nanoseconds.
    pub fn get(&self, field: &str) -> Option<i64> {
        Self::index(field).and_then(|i| self.0[i])
    }

    pub fn set(&mut self, field: &str, nanos: Option<i64>) {
        if let Some(i) = Self::index(field) {
            self.0[i] = nanos;
        }
    }

    /// The `{grant}_grant_{token}_token_lifespan` field in whole seconds, if set
    /// (`grant` e.g. `client_credentials`, `token` one of `access`, `refresh`, `id`).
    pub fn seconds(&self, grant: &str, token: &str) -> Option<i64> {
        LIFESPAN_FIELDS
            .iter()
            .position(|f| {
                f.strip_prefix(grant)
                    .and_then(|r| r.strip_prefix("_grant_"))
                    .and_then(|r| r.strip_prefix(token))
                    == Some("_token_lifespan")
            })
            .and_then(|i| self.0[i])
            .map(|ns| ns / NANOS_PER_SEC)
    }

    /// The fields as the v2 API shows them: Go duration strings, `null` when unset.
    pub fn to_api(&self) -> Map<String, Value> {
        LIFESPAN_FIELDS
            .iter()
            .zip(self.0)
            .map(|(f, v)| {
                let v = v.map_or(Value::Null, |ns| Value::String(format_go_duration(ns)));
                (f.to_string(), v)
            })
            .collect()
    }

    /// The set fields as a JSON object of nanoseconds (the stored form), `None` if none.
    pub fn to_stored(&self) -> Option<String> {
        let set: Map<String, Value> = LIFESPAN_FIELDS
            .iter()
            .zip(self.0)
            .filter_map(|(f, v)| v.map(|ns| (f.to_string(), Value::from(ns))))
            .collect();
        (!set.is_empty()).then(|| Value::Object(set).to_string())
    }

    pub fn from_stored(s: &str) -> Result<Lifespans, String> {
        let map: Map<String, Value> = serde_json::from_str(s).map_err(|e| e.to_string())?;
        let mut out = Lifespans::default();
        for (k, v) in map {
            let ns = v
                .as_i64()
                .ok_or_else(|| format!("{k} is not a number of nanoseconds"))?;
            out.set(&k, Some(ns));
        }
        Ok(out)
    }
}

/// Writes nothing: see the type's documentation.
impl Serialize for Lifespans {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        s.serialize_map(Some(0))?.end()
    }
}

/// Reads the lifespan fields of a JSON object and ignores every other key.
impl<'de> Deserialize<'de> for Lifespans {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Lifespans;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object of Go durations")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Lifespans, A::Error> {
                let mut out = Lifespans::default();
                while let Some(key) = m.next_key::<String>()? {
                    let Some(i) = Lifespans::index(&key) else {
                        m.next_value::<IgnoredAny>()?;
                        continue;
                    };
                    let raw: Option<String> = m.next_value().map_err(|e| {
                        serde::de::Error::custom(format!(
                            "{key} must be a duration string such as \"1h30m\" or null: {e}"
                        ))
                    })?;
                    out.0[i] = raw
                        .map(|s| {
                            parse_go_duration(&s).map_err(|e| {
                                serde::de::Error::custom(format!("{key} {s:?} is invalid: {e}"))
                            })
                        })
                        .transpose()?;
                }
                Ok(out)
            }
        }
        d.deserialize_map(V)
    }
}

/// Go's `time.ParseDuration` without a sign (the v26 spec's `NullDuration` pattern):
/// one or more `<number><unit>` with units `ns`, `us`/`µs`/`μs`, `ms`, `s`, `m`, `h`, and
/// decimal fractions (`1.5h`); `"0"` alone is zero. In nanoseconds.
pub fn parse_go_duration(s: &str) -> Result<i64, String> {
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err("empty duration".into());
    }
    let mut total: u128 = 0;
    let mut rest = s;
    while !rest.is_empty() {
        let int_len = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let (int, after) = rest.split_at(int_len);
        let (frac, after) = match after.strip_prefix('.') {
            Some(a) => {
                let n = a.find(|c: char| !c.is_ascii_digit()).unwrap_or(a.len());
                a.split_at(n)
            }
            None => ("", after),
        };
        if int.is_empty() && frac.is_empty() {
            return Err("a number is missing".into());
        }
        let unit_len = after
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(after.len());
        let (unit, next) = after.split_at(unit_len);
        let scale: u128 = match unit {
            "ns" => 1,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            "" => return Err("a unit is missing (ns, us, ms, s, m or h)".into()),
            _ => return Err(format!("unknown unit {unit:?} (ns, us, ms, s, m or h)")),
        };
        let too_big = || "the duration is too long".to_string();
        let whole: u128 = if int.is_empty() {
            0
        } else {
            int.parse().map_err(|_| too_big())?
        };
        let mut part = whole.checked_mul(scale).ok_or_else(too_big)?;
        // Digits past the nanosecond cannot matter; 30 keeps 10^n in range.
        let frac = &frac[..frac.len().min(30)];
        if !frac.is_empty() {
            let digits: u128 = frac.parse().map_err(|_| too_big())?;
            part += digits * scale / 10u128.pow(frac.len() as u32);
        }
        total = total.checked_add(part).ok_or_else(too_big)?;
        if total > i64::MAX as u128 {
            return Err(too_big());
        }
        rest = next;
    }
    i64::try_from(total).map_err(|_| "the duration is too long".into())
}

/// Go's `time.Duration.String()` of a non-negative duration in nanoseconds:
/// `1h0m0s`, `1m30s`, `1.5s`, `300ms`, `0s`.
pub fn format_go_duration(ns: i64) -> String {
    let u = ns.unsigned_abs();
    let sign = if ns < 0 { "-" } else { "" };
    // The fraction of `v / 10^prec` without trailing zeros, and the integer part.
    let frac = |v: u64, prec: u32| -> (String, u64) {
        let p = 10u64.pow(prec);
        let f = v % p;
        if f == 0 {
            return (String::new(), v / p);
        }
        let digits = format!("{f:0width$}", width = prec as usize);
        (format!(".{}", digits.trim_end_matches('0')), v / p)
    };
    if u == 0 {
        return "0s".into();
    }
    if u < 1_000 {
        return format!("{sign}{u}ns");
    }
    if u < 1_000_000 {
        let (f, i) = frac(u, 3);
        return format!("{sign}{i}{f}\u{b5}s");
    }
    if u < 1_000_000_000 {
        let (f, i) = frac(u, 6);
        return format!("{sign}{i}{f}ms");
    }
    let (f, secs) = frac(u, 9);
    let (s, mins) = (secs % 60, secs / 60);
    if mins == 0 {
        return format!("{sign}{s}{f}s");
    }
    let (m, hours) = (mins % 60, mins / 60);
    if hours == 0 {
        return format!("{sign}{m}m{s}{f}s");
    }
    format!("{sign}{hours}h{m}m{s}{f}s")
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: i64 = NANOS_PER_SEC;

    #[test]
    fn parses_go_durations() {
        assert_eq!(parse_go_duration("1h30m"), Ok(5400 * S));
        assert_eq!(parse_go_duration("1m"), Ok(60 * S));
        assert_eq!(parse_go_duration("1.5h"), Ok(5400 * S));
        assert_eq!(parse_go_duration(".5s"), Ok(S / 2));
        assert_eq!(parse_go_duration("300ms"), Ok(300_000_000));
        assert_eq!(parse_go_duration("2\u{b5}s"), Ok(2_000));
        assert_eq!(parse_go_duration("1h0m0s"), Ok(3600 * S));
        assert_eq!(parse_go_duration("0"), Ok(0));
    }

    #[test]
    fn refuses_what_go_refuses_and_signs() {
        for bad in [
            "",
            "1",
            "h",
            "1x",
            "-1h",
            "+1h",
            "1h ",
            ".s",
            "1..5s",
            "1e3s",
            "abc",
            "9999999999999999999h",
        ] {
            assert!(parse_go_duration(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn formats_as_go_does() {
        for (ns, s) in [
            (3600 * S, "1h0m0s"),
            (60 * S, "1m0s"),
            (90 * S, "1m30s"),
            (S, "1s"),
            (3 * S / 2, "1.5s"),
            (5400 * S + 1, "1h30m0.000000001s"),
            (300_000_000, "300ms"),
            (1_500, "1.5\u{b5}s"),
            (7, "7ns"),
            (0, "0s"),
        ] {
            assert_eq!(format_go_duration(ns), s);
            assert_eq!(parse_go_duration(s), Ok(ns), "{s} reads back");
        }
    }

    #[test]
    fn seconds_picks_the_grant_and_token_field() {
        let mut l = Lifespans::default();
        l.set(
            "client_credentials_grant_access_token_lifespan",
            Some(60 * S),
        );
        l.set("refresh_token_grant_refresh_token_lifespan", Some(7 * S));
        assert_eq!(l.seconds("client_credentials", "access"), Some(60));
        assert_eq!(l.seconds("refresh_token", "refresh"), Some(7));
        assert_eq!(l.seconds("refresh_token", "access"), None);
        assert_eq!(l.seconds("authorization_code", "access"), None);
    }

    #[test]
    fn reads_only_its_fields_and_round_trips_the_stored_form() {
        let l: Lifespans = serde_json::from_str(
            r#"{"client_name":"x","implicit_grant_id_token_lifespan":"10m","jwt_bearer_grant_access_token_lifespan":null}"#,
        )
        .unwrap();
        assert_eq!(l.get("implicit_grant_id_token_lifespan"), Some(600 * S));
        assert_eq!(l.get("jwt_bearer_grant_access_token_lifespan"), None);
        let stored = l.to_stored().unwrap();
        assert_eq!(Lifespans::from_stored(&stored), Ok(l));
        assert_eq!(Lifespans::default().to_stored(), None);
        assert_eq!(l.to_api()["implicit_grant_id_token_lifespan"], "10m0s");
        assert_eq!(
            l.to_api()["jwt_bearer_grant_access_token_lifespan"],
            Value::Null
        );
        assert!(
            serde_json::from_str::<Lifespans>(r#"{"implicit_grant_id_token_lifespan":"1y"}"#)
                .is_err()
        );
        assert!(
            serde_json::from_str::<Lifespans>(r#"{"implicit_grant_id_token_lifespan":60}"#)
                .is_err()
        );
    }
}
