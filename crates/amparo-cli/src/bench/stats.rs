//! What every benchmark reports with: nearest-rank percentiles, rounding, ratios to a baseline
//! and the process's peak memory.

use std::time::Duration;

/// Nearest-rank percentile of sorted durations, in milliseconds.
pub(super) fn percentile_ms(sorted: &[Duration], percentile: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((percentile / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1].as_secs_f64() * 1e3
}

pub(super) fn round3(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

pub(super) fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

/// `value / baseline`, rounded; 0 when there is no baseline.
pub(super) fn ratio(value: f64, baseline: f64) -> f64 {
    if baseline > 0.0 {
        round3(value / baseline)
    } else {
        0.0
    }
}

/// The process's peak resident set so far (`VmHWM`), in MB; `None` where /proc is missing.
pub(super) fn peak_rss_mb() -> Option<f64> {
    status_mb("VmHWM:")
}

/// A size line of /proc/self/status (`key` with its colon, in kB there), in MB; `None` where
/// /proc is missing.
pub(super) fn status_mb(key: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status
        .lines()
        .find_map(|line| line.strip_prefix(key))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    Some(round1(kb / 1024.0))
}
