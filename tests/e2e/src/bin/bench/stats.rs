//! Percentiles and result rows. A row is a JSON object: `section`, `name`, then figures.

use serde_json::{json, Map, Value};
use std::time::{Duration, Instant};

pub fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

pub fn ms_since(start: Instant) -> f64 {
    ms(start.elapsed())
}

pub fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

/// Nearest-rank percentile of unsorted samples (0 when there are none), to 0.01 ms.
pub fn percentile(samples: &[f64], p: f64) -> f64 {
    round2(exact_percentile(samples, p))
}

/// The same, unrounded (for ratios of small figures).
pub fn exact_percentile(samples: &[f64], p: f64) -> f64 {
    if samples.is_empty() {
        return 0.0;
    }
    let mut sorted = samples.to_vec();
    sorted.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    let index = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

/// A latency row: requests, errors, p50/p95/p99 (ms), throughput when `elapsed` is given
/// (concurrent runs), then `extra`'s fields.
pub fn latency_row(section: &str, name: &str, samples: &[f64], errors: usize, elapsed: Option<Duration>, extra: Value) -> Value {
    let mut row = json!({
        "section": section,
        "name": name,
        "requests": samples.len() + errors,
        "errors": errors,
        "p50_ms": percentile(samples, 50.0),
        "p95_ms": percentile(samples, 95.0),
        "p99_ms": percentile(samples, 99.0),
    });
    if let Some(elapsed) = elapsed {
        row["throughput_rps"] = json!(round2(samples.len() as f64 / elapsed.as_secs_f64().max(1e-9)));
    }
    merge(&mut row, extra);
    println!("{row}");
    row
}

/// A row of plain figures.
pub fn row(section: &str, name: &str, figures: Value) -> Value {
    let mut row = json!({ "section": section, "name": name });
    merge(&mut row, figures);
    println!("{row}");
    row
}

fn merge(row: &mut Value, extra: Value) {
    if let (Some(row), Value::Object(extra)) = (row.as_object_mut(), extra) {
        row.extend(extra);
    }
}

/// How latency grows from one data size to the next: the exponent k in t ∝ nᵏ between two
/// points (1 is linear); a step is flagged when k exceeds 1.1 (worse than linear, with room
/// for noise).
pub fn growth_exponent(n1: f64, t1: f64, n2: f64, t2: f64) -> Option<f64> {
    if n1 <= 0.0 || n2 <= n1 || t1 <= 0.0 || t2 <= 0.0 {
        return None;
    }
    Some(round2((t2 / t1).ln() / (n2 / n1).ln()))
}

pub const WORSE_THAN_LINEAR: f64 = 1.1;

pub fn object(pairs: impl IntoIterator<Item = (String, Value)>) -> Value {
    Value::Object(pairs.into_iter().collect::<Map<String, Value>>())
}
