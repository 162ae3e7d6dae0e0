//! Retrying a model call that failed before its first token: exponential backoff with jitter
//! (from `backon`), overridden by what the server asks for (`Retry-After`, `retry-after-ms`,
//! the rate-limit reset headers).

use std::time::{Duration, SystemTime};

use backon::{BackoffBuilder, ExponentialBuilder};
use reqwest::header::HeaderMap;

/// At most this many attempts in all (the first one included).
pub const MAX_ATTEMPTS: usize = 4;
/// Never wait longer than this for one retry, whatever a server says.
pub const MAX_DELAY: Duration = Duration::from_secs(60);

/// The delays between attempts: 1 s, 2 s, 4 s, with jitter.
pub fn schedule() -> impl Iterator<Item = Duration> {
    ExponentialBuilder::default()
        .with_min_delay(Duration::from_secs(1))
        .with_max_delay(Duration::from_secs(30))
        .with_max_times(MAX_ATTEMPTS - 1)
        .with_jitter()
        .build()
}

/// The wait a server asked for: `retry-after-ms`, `Retry-After` (seconds or an HTTP date),
/// or else when its exhausted rate limit resets (Anthropic's `anthropic-ratelimit-*-reset`,
/// RFC 3339 times; OpenAI's `x-ratelimit-reset-*`, durations like `6m0s`).
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let header = |name: &str| header(headers, name);
    if let Some(ms) = header("retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
        return Some(Duration::from_secs_f64(ms.max(0.0) / 1000.0).min(MAX_DELAY));
    }
    if let Some(value) = header("retry-after") {
        if let Ok(secs) = value.parse::<f64>() {
            return Some(Duration::from_secs_f64(secs.max(0.0)).min(MAX_DELAY));
        }
        if let Ok(when) = httpdate::parse_http_date(value) {
            return Some(until(when));
        }
    }
    rate_limit_reset(headers).map(|d| d.min(MAX_DELAY))
}

/// The latest reset among the rate limits with nothing remaining (or among all of them when
/// none says what remains).
fn rate_limit_reset(headers: &HeaderMap) -> Option<Duration> {
    let mut exhausted = Vec::new();
    let mut any = Vec::new();
    for (name, value) in headers {
        let name = name.as_str();
        let Some(value) = value.to_str().ok().map(str::trim) else { continue };
        let (reset, limit) = if let Some(limit) =
            name.strip_prefix("anthropic-ratelimit-").and_then(|n| n.strip_suffix("-reset"))
        {
            let when = chrono::DateTime::parse_from_rfc3339(value).ok();
            let reset = when.map(|w| until(SystemTime::from(w)));
            (reset, format!("anthropic-ratelimit-{limit}-remaining"))
        } else if let Some(limit) = name.strip_prefix("x-ratelimit-reset-") {
            (go_duration(value), format!("x-ratelimit-remaining-{limit}"))
        } else {
            continue;
        };
        let Some(reset) = reset else { continue };
        any.push(reset);
        if header(headers, &limit).and_then(|r| r.parse::<u64>().ok()) == Some(0) {
            exhausted.push(reset);
        }
    }
    exhausted.into_iter().max().or_else(|| any.into_iter().max())
}

fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim)
}

fn until(when: SystemTime) -> Duration {
    when.duration_since(SystemTime::now()).unwrap_or_default().min(MAX_DELAY)
}

/// A duration as Go prints one, which is how OpenAI sends its resets: `1s`, `6m0s`, `20ms`,
/// `1h2m3.5s`.
fn go_duration(s: &str) -> Option<Duration> {
    let mut total = 0f64;
    let mut rest = s;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let number_end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
        let value: f64 = rest[..number_end].parse().ok()?;
        rest = &rest[number_end..];
        let unit_end = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let scale = match &rest[..unit_end] {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 1e-3,
            "us" | "µs" => 1e-6,
            "ns" => 1e-9,
            _ => return None,
        };
        total += value * scale;
        rest = &rest[unit_end..];
    }
    Some(Duration::from_secs_f64(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_in_seconds_milliseconds_and_dates() {
        let mut h = HeaderMap::new();
        h.insert("retry-after", "2".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(2)));
        h.insert("retry-after-ms", "1500".parse().unwrap());
        assert_eq!(
            retry_after(&h),
            Some(Duration::from_millis(1500)),
            "the ms header is more precise"
        );
        let mut h = HeaderMap::new();
        h.insert("retry-after", "Sun, 06 Nov 1994 08:49:37 GMT".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::ZERO), "a date in the past means now");
        h.insert("retry-after", "99999".parse().unwrap());
        assert_eq!(retry_after(&h), Some(MAX_DELAY), "a server cannot make us wait forever");
        assert_eq!(retry_after(&HeaderMap::new()), None);
    }

    #[test]
    fn rate_limit_resets_are_honoured_when_no_retry_after_is_sent() {
        let mut h = HeaderMap::new();
        h.insert("x-ratelimit-remaining-requests", "0".parse().unwrap());
        h.insert("x-ratelimit-reset-requests", "1.5s".parse().unwrap());
        h.insert("x-ratelimit-remaining-tokens", "9000".parse().unwrap());
        h.insert("x-ratelimit-reset-tokens", "6m0s".parse().unwrap());
        assert_eq!(
            retry_after(&h),
            Some(Duration::from_millis(1500)),
            "the exhausted limit decides, not the longest one"
        );
        h.insert("retry-after", "3".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(3)), "Retry-After wins");

        let mut h = HeaderMap::new();
        let soon = chrono::Utc::now() + chrono::Duration::seconds(20);
        h.insert("anthropic-ratelimit-tokens-remaining", "0".parse().unwrap());
        h.insert("anthropic-ratelimit-tokens-reset", soon.to_rfc3339().parse().unwrap());
        h.insert("anthropic-ratelimit-requests-remaining", "40".parse().unwrap());
        h.insert("anthropic-ratelimit-requests-reset", "2000-01-01T00:00:00Z".parse().unwrap());
        let wait = retry_after(&h).unwrap();
        assert!(wait > Duration::from_secs(18) && wait <= Duration::from_secs(20), "{wait:?}");

        assert_eq!(go_duration("1h2m3.5s"), Some(Duration::from_secs_f64(3723.5)));
        assert_eq!(go_duration("20ms"), Some(Duration::from_millis(20)));
        assert_eq!(go_duration("soon"), None);
        assert_eq!(go_duration("5parsecs"), None);
    }

    #[test]
    fn the_schedule_grows_and_stops() {
        let delays: Vec<_> = schedule().collect();
        assert_eq!(delays.len(), MAX_ATTEMPTS - 1);
        assert!(delays[0] >= Duration::from_secs(1) && delays[2] >= Duration::from_secs(4));
    }
}
