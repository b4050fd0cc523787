//! What a blueprint generation's event log keeps, and what a replay sends (issue 17, finding 7).
//!
//! Every event is logged with an increasing id before it is sent, so `Last-Event-ID` replays
//! exactly what a client missed. A `progress` event carries the whole partial blueprint, and a
//! run sends one every 250 ms: logging each whole made a run's log grow with the square of the
//! blueprint (every snapshot repeats all before it). Only the newest snapshot matters to anyone
//! (the UI draws the latest partial; each one contains all before it), so the log keeps:
//!
//! - for every `progress` event, a row with a small marker (`{"superseded": true, "modules": n}`);
//! - the run's newest progress data once, beside the rows, overwritten by each new one;
//! - every other event (`queued`, `warning`, `error`, `complete`) whole, as sent.
//!
//! A replay sends every id in order, with nothing left out: the newest progress event with its
//! whole data, older ones as their markers (a client resuming needs the newest partial only;
//! it keeps what it drew when a progress event carries no partial blueprint).

use serde_json::{json, Value};

pub const PROGRESS: &str = "progress";

/// How one event is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    /// The text stored in the event's row.
    pub row: String,
    /// For a progress event: its whole data, the run's newest snapshot from now on.
    pub snapshot: Option<String>,
}

/// How the event `event` with `data` (the JSON text sent) is kept in the log.
pub fn keep(event: &str, data: &str) -> Kept {
    if event != PROGRESS {
        return Kept { row: data.to_string(), snapshot: None };
    }
    let modules = serde_json::from_str::<Value>(data).ok().and_then(|value| value["partialBlueprint"]["modules"].as_array().map(Vec::len)).unwrap_or(0);
    Kept { row: marker(modules), snapshot: Some(data.to_string()) }
}

/// A superseded progress event as it is kept and replayed.
pub fn marker(modules: usize) -> String {
    json!({ "superseded": true, "modules": modules }).to_string()
}

/// The newest progress event of a run: its id and whole data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub id: i64,
    pub data: String,
}

/// The data a replay sends for the logged row `id` (`event`, stored `row`): the row as stored,
/// except the newest progress event, which gets its whole data back.
pub fn replayed(id: i64, event: &str, row: String, newest: Option<&Snapshot>) -> String {
    match newest {
        Some(snapshot) if event == PROGRESS && snapshot.id == id => snapshot.data.clone(),
        _ => row,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::llm::parse_partial;

    /// The largest kind of answer a model streams: 30 modules of 3 × 20 items.
    fn big_blueprint_text() -> String {
        let modules: Vec<Value> = (0..30)
            .map(|m| {
                let items = |kind: &str| (0..20).map(|i| format!("{kind} {i} of module {m}: practise the pricing conversation with a partner")).collect::<Vec<_>>();
                json!({ "title": format!("Module {m}: pricing and objections"), "durationMinutes": 60, "objectives": items("Objective"), "activities": items("Activity"), "assessments": items("Assessment") })
            })
            .collect();
        json!({ "title": "Sales onboarding", "audience": "Frontline sales reps", "overview": "Four weeks of practice.", "modules": modules, "timeline": "Week by week." }).to_string()
    }

    /// A run as the generation object logs it: a progress event at every step of the text
    /// (each the partial blueprint so far, as the object sends it), then `complete`.
    fn run(text: &str, steps: usize) -> Vec<(String, String)> {
        let mut events = Vec::new();
        let mut last = Value::Null;
        for step in 1..=steps {
            let end = text.len() * step / steps;
            let Some(prefix) = text.get(..end) else { continue };
            if let Some(partial) = parse_partial(prefix).filter(|p| p.is_object() && *p != last) {
                events.push((PROGRESS.to_string(), json!({ "partialBlueprint": partial }).to_string()));
                last = partial;
            }
        }
        events.push(("complete".to_string(), json!({ "blueprint": serde_json::from_str::<Value>(text).unwrap_or(Value::Null) }).to_string()));
        events
    }

    /// What the log holds after the run: bytes in rows plus the one snapshot.
    fn stored_bytes(events: &[(String, String)]) -> (usize, usize) {
        let whole: usize = events.iter().map(|(_, data)| data.len()).sum();
        let mut rows = 0;
        let mut snapshot = 0;
        for (event, data) in events {
            let kept = keep(event, data);
            rows += kept.row.len();
            if let Some(newest) = kept.snapshot {
                snapshot = newest.len();
            }
        }
        (whole, rows + snapshot)
    }

    /// Before: every progress event kept whole, a run of the largest blueprint stored about
    /// its number of progress events × its average partial. Now: one snapshot plus a
    /// few dozen bytes per event — the document twice (the snapshot, `complete`) and a marker
    /// per step, however large the partials.
    #[test]
    fn a_runs_stored_bytes_stay_bounded() {
        let text = big_blueprint_text();
        let events = run(&text, 300);
        let progress = events.iter().filter(|(e, _)| e == PROGRESS).count();
        assert!(progress > 250, "{progress}");
        let (before, after) = stored_bytes(&events);
        assert!(after <= 2 * text.len() + progress * 48, "stored {after} bytes for a {}-byte blueprint", text.len());
        // Measured: a 142 418-byte blueprint in 300 progress events (75 s of streaming at one
        // per 250 ms): 21 583 932 bytes kept whole, 294 382 compact; in 600: 42 954 255 and
        // 303 893.
        assert!(before > 50 * after, "kept whole: {before} bytes; compact: {after}");
    }

    /// A replay from any point sends every id once, in order, and its newest progress event is
    /// the one sent live — so a client drawing the latest partial draws the same blueprint.
    #[test]
    fn a_replay_from_any_point_ends_with_the_live_blueprint() {
        let events = run(&big_blueprint_text(), 40);
        let mut rows = Vec::new();
        let mut newest = None;
        for (index, (event, data)) in events.iter().enumerate() {
            let kept = keep(event, data);
            let id = index as i64 + 1;
            rows.push((id, event.clone(), kept.row));
            if let Some(data) = kept.snapshot {
                newest = Some(Snapshot { id, data });
            }
        }
        let last_live_progress = events.iter().rev().find(|(e, _)| e == PROGRESS).map(|(_, d)| d.clone());
        for after in 0..rows.len() as i64 {
            let replay: Vec<(i64, String, String)> = rows.iter().filter(|(id, _, _)| *id > after).map(|(id, event, row)| (*id, event.clone(), replayed(*id, event, row.clone(), newest.as_ref()))).collect();
            let ids: Vec<i64> = replay.iter().map(|(id, _, _)| *id).collect();
            assert_eq!(ids, ((after + 1)..=rows.len() as i64).collect::<Vec<_>>());
            let sent: Vec<&str> = replay.iter().map(|(_, e, _)| e.as_str()).collect();
            let live: Vec<&str> = events.iter().skip(after as usize).map(|(e, _)| e.as_str()).collect();
            assert_eq!(sent, live, "the same events, in the same order");
            // The complete event comes back whole; the newest progress (when replayed) too.
            assert_eq!(replay.last().map(|(_, _, d)| d.clone()), events.last().map(|(_, d)| d.clone()));
            if let Some(progress) = replay.iter().rev().find(|(_, e, _)| e == PROGRESS) {
                assert_eq!(Some(&progress.2), last_live_progress.as_ref());
                for (_, _, data) in replay.iter().filter(|(id, e, _)| e == PROGRESS && *id != progress.0) {
                    let marker: Value = serde_json::from_str(data).unwrap_or(Value::Null);
                    assert_eq!(marker["superseded"], true);
                    assert!(marker.get("partialBlueprint").is_none());
                }
            }
        }
    }

    #[test]
    fn other_events_are_kept_whole_and_markers_count_modules() {
        assert_eq!(keep("warning", r#"{"message":"x"}"#), Kept { row: r#"{"message":"x"}"#.into(), snapshot: None });
        let kept = keep(PROGRESS, r#"{"partialBlueprint":{"modules":[{},{}]}}"#);
        assert_eq!(serde_json::from_str::<Value>(&kept.row).ok(), Some(json!({ "superseded": true, "modules": 2 })));
        assert_eq!(keep(PROGRESS, "not json").row, marker(0));
    }
}
