//! Wall-clock time as the protocol code sees it: Unix seconds, read once at the edge
//! (handlers, start-up) and passed down as `now`, and Hydra's RFC 3339 rendering.

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// The current time in Unix seconds.
pub fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// Where the edge reads the time: the system clock, or a fixed instant for tests that
/// drive the routers directly.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Clock {
    #[default]
    System,
    Fixed(i64),
}

impl Clock {
    pub fn now(self) -> i64 {
        match self {
            Clock::System => now(),
            Clock::Fixed(t) => t,
        }
    }
}

/// Unix seconds as RFC 3339 in UTC with whole seconds, the way Hydra renders its
/// timestamps (`2021-01-31T12:00:00Z`). A value outside the calendar's range shows as
/// the epoch, so a listing never fails and SDKs still parse the field as a date.
pub fn rfc3339(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_string())
}

/// The inverse of [`rfc3339`]; `None` when `s` is not an RFC 3339 timestamp.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    OffsetDateTime::parse(s, &Rfc3339)
        .ok()
        .map(|t| t.unix_timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_round_trips_and_out_of_range_values_show_the_epoch() {
        assert_eq!(rfc3339(1_612_094_400), "2021-01-31T12:00:00Z");
        assert_eq!(parse_rfc3339("2021-01-31T12:00:00Z"), Some(1_612_094_400));
        assert_eq!(parse_rfc3339("yesterday"), None);
        assert_eq!(rfc3339(i64::MAX), "1970-01-01T00:00:00Z");
    }
}
