//! Learner events (seed 002 phases 10.1 and 10.2). A client reports only what only a browser
//! knows — a course or a lesson viewed, time spent on a lesson; the facts the server knows
//! (enrolled, lesson completed, quiz attempted or passed, course completed, purchases) are
//! recorded by the server when they happen and refused by name from a client. A batch is parsed
//! event by event: a bad event is rejected with its index and the rest accepted.

use crate::platform::error::{AppError, FieldError};
use crate::platform::ids::SyllabusId;
use crate::platform::time::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Events in one batch.
pub const MAX_EVENTS: usize = 50;
/// Bytes of one batch's body.
pub const MAX_BATCH_BYTES: usize = 64 * 1024;
/// Bytes of one event's `metadata` as JSON.
pub const MAX_METADATA_BYTES: usize = 2 * 1024;
/// A `lesson_time` longer than this (an open tab left overnight) counts as this.
pub const MAX_LESSON_SECONDS: u64 = 60 * 60;
/// How far in the past a client's `occurredAt` may be (a page closed offline, sent later).
pub const MAX_EVENT_AGE_SECS: i64 = 7 * 24 * 60 * 60;
/// Clock skew allowed for an `occurredAt` in the future.
pub const MAX_CLOCK_SKEW_SECS: i64 = 5 * 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventType {
    CourseViewed,
    LessonViewed,
    LessonTime,
    Enrolled,
    LessonCompleted,
    QuizAttempted,
    QuizPassed,
    CourseCompleted,
    PurchaseCompleted,
    PurchaseRefunded,
}

impl EventType {
    pub const ALL: [EventType; 10] = [
        EventType::CourseViewed,
        EventType::LessonViewed,
        EventType::LessonTime,
        EventType::Enrolled,
        EventType::LessonCompleted,
        EventType::QuizAttempted,
        EventType::QuizPassed,
        EventType::CourseCompleted,
        EventType::PurchaseCompleted,
        EventType::PurchaseRefunded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventType::CourseViewed => "course_viewed",
            EventType::LessonViewed => "lesson_viewed",
            EventType::LessonTime => "lesson_time",
            EventType::Enrolled => "enrolled",
            EventType::LessonCompleted => "lesson_completed",
            EventType::QuizAttempted => "quiz_attempted",
            EventType::QuizPassed => "quiz_passed",
            EventType::CourseCompleted => "course_completed",
            EventType::PurchaseCompleted => "purchase_completed",
            EventType::PurchaseRefunded => "purchase_refunded",
        }
    }

    pub fn parse(raw: &str) -> Option<EventType> {
        EventType::ALL.into_iter().find(|kind| kind.as_str() == raw)
    }

    /// Whether a browser may report it; the rest the server records itself.
    pub fn from_client(self) -> bool {
        matches!(self, EventType::CourseViewed | EventType::LessonViewed | EventType::LessonTime)
    }
}

/// One event, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub kind: EventType,
    pub course: SyllabusId,
    pub lesson_idx: Option<u32>,
    pub slot: Option<String>,
    pub occurred_at: Timestamp,
    pub metadata: Value,
}

/// An event of the batch refused, by its index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct Rejected {
    pub index: usize,
    pub error: String,
}

/// `POST /api/analytics/event {events: [...]}`: the batch as a whole must be an object with at
/// most `MAX_EVENTS` events (400 naming `events`); each event is then accepted (with its index)
/// or rejected.
pub fn parse_batch(body: &[u8], now: Timestamp) -> Result<Batch, AppError> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Raw {
        events: Vec<Value>,
    }
    let raw: Raw = crate::platform::input::parse_json(body)?;
    if raw.events.is_empty() || raw.events.len() > MAX_EVENTS {
        return Err(FieldError::new("events", format!("must hold 1 to {MAX_EVENTS} events")).into());
    }
    let mut accepted = Vec::new();
    let mut rejected = Vec::new();
    for (index, value) in raw.events.iter().enumerate() {
        match parse_event(value, now) {
            Ok(event) => accepted.push((index, event)),
            Err(error) => rejected.push(Rejected { index, error }),
        }
    }
    Ok(Batch { accepted, rejected })
}

/// A batch read: the events kept, each with its index in the batch, and those refused.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    pub accepted: Vec<(usize, Event)>,
    pub rejected: Vec<Rejected>,
}

fn parse_event(value: &Value, now: Timestamp) -> Result<Event, String> {
    let object = value.as_object().ok_or("an event must be an object")?;
    if let Some(unknown) = object.keys().find(|key| !["type", "courseId", "lessonIdx", "slot", "occurredAt", "metadata"].contains(&key.as_str())) {
        return Err(format!("{unknown}: must not be present"));
    }
    let raw_type = object.get("type").and_then(Value::as_str).ok_or("type: is required")?;
    let kind = EventType::parse(raw_type).ok_or_else(|| format!("type: {raw_type:?} is not an event type"))?;
    if !kind.from_client() {
        return Err(format!("type: {raw_type} is recorded by the server, not accepted from a client"));
    }
    let course = object.get("courseId").and_then(Value::as_str).and_then(|id| SyllabusId::parse(id).ok()).ok_or("courseId: must be a course id")?;
    let lesson_idx = match object.get("lessonIdx") {
        None | Some(Value::Null) => None,
        Some(value) => Some(value.as_u64().and_then(|n| u32::try_from(n).ok()).ok_or("lessonIdx: must be a lesson index")?),
    };
    if matches!(kind, EventType::LessonViewed | EventType::LessonTime) && lesson_idx.is_none() {
        return Err("lessonIdx: is required for a lesson event".into());
    }
    let slot = match object.get("slot") {
        None | Some(Value::Null) => None,
        Some(value) => Some(value.as_str().filter(|s| crate::curriculum::syllabus::parse_slot(s).is_some()).ok_or("slot: must be a slot of the course")?.to_string()),
    };
    let occurred_at = match object.get("occurredAt") {
        None | Some(Value::Null) => now,
        Some(value) => {
            let at = value.as_str().and_then(Timestamp::parse_iso8601).ok_or("occurredAt: must be an ISO-8601 time")?;
            if at > now.plus_seconds(MAX_CLOCK_SKEW_SECS) || at < now.minus_seconds(MAX_EVENT_AGE_SECS) {
                return Err("occurredAt: must be within the last 7 days".into());
            }
            at
        }
    };
    let mut metadata = match object.get("metadata") {
        None | Some(Value::Null) => Value::Object(Default::default()),
        Some(value @ Value::Object(_)) => value.clone(),
        Some(_) => return Err("metadata: must be an object".into()),
    };
    if metadata.to_string().len() > MAX_METADATA_BYTES {
        return Err(format!("metadata: must be at most {MAX_METADATA_BYTES} bytes"));
    }
    if kind == EventType::LessonTime {
        let seconds = metadata.get("seconds").and_then(Value::as_u64).filter(|s| *s >= 1).ok_or("metadata.seconds: is required, a whole number of seconds")?;
        metadata["seconds"] = Value::from(seconds.min(MAX_LESSON_SECONDS));
    }
    Ok(Event { kind, course, lesson_idx, slot, occurred_at, metadata })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const COURSE: &str = "0f8fad5b-d9cb-469f-a165-70867728950e";

    fn now() -> Timestamp {
        Timestamp::parse_iso8601("2026-12-02T12:00:00.000Z").unwrap()
    }

    fn batch(events: Value) -> (Vec<Event>, Vec<Rejected>) {
        let batch = parse_batch(json!({ "events": events }).to_string().as_bytes(), now()).unwrap();
        (batch.accepted.into_iter().map(|(_, event)| event).collect(), batch.rejected)
    }

    #[test]
    fn browser_events_are_accepted_and_server_facts_refused_by_name() {
        let (accepted, rejected) = batch(json!([
            { "type": "course_viewed", "courseId": COURSE },
            { "type": "lesson_viewed", "courseId": COURSE, "lessonIdx": 2, "slot": "m1.l3" },
            { "type": "lesson_time", "courseId": COURSE, "lessonIdx": 2, "metadata": { "seconds": 86400 } },
            { "type": "quiz_passed", "courseId": COURSE },
            { "type": "enrolled", "courseId": COURSE },
            { "type": "clicked", "courseId": COURSE }
        ]));
        assert_eq!(accepted.len(), 3);
        assert_eq!(accepted[2].metadata["seconds"], MAX_LESSON_SECONDS, "capped");
        assert_eq!(accepted[0].occurred_at, now());
        assert_eq!(rejected.iter().map(|r| r.index).collect::<Vec<_>>(), [3, 4, 5]);
        assert!(rejected[0].error.contains("quiz_passed is recorded by the server"), "{rejected:?}");
        assert!(rejected[2].error.contains("not an event type"));
    }

    #[test]
    fn each_bad_field_is_named() {
        let big = "x".repeat(MAX_METADATA_BYTES);
        let (accepted, rejected) = batch(json!([
            { "type": "course_viewed", "courseId": "nope" },
            { "type": "lesson_viewed", "courseId": COURSE },
            { "type": "lesson_time", "courseId": COURSE, "lessonIdx": 0 },
            { "type": "course_viewed", "courseId": COURSE, "metadata": { "note": big } },
            { "type": "course_viewed", "courseId": COURSE, "occurredAt": "2026-10-01T00:00:00Z" },
            { "type": "course_viewed", "courseId": COURSE, "userId": "someone-else" },
            { "type": "course_viewed", "courseId": COURSE, "slot": "lesson three" },
            { "type": "course_viewed", "courseId": COURSE, "occurredAt": "2026-12-01T23:00:00Z" }
        ]));
        let errors: Vec<&str> = rejected.iter().map(|r| r.error.as_str()).collect();
        for (error, field) in errors.iter().zip(["courseId", "lessonIdx", "metadata.seconds", "metadata", "occurredAt", "userId", "slot"]) {
            assert!(error.starts_with(field), "{error} names {field}");
        }
        assert_eq!(accepted.len(), 1, "a time within the last 7 days is kept");
    }

    #[test]
    fn a_batch_holds_one_to_fifty_events() {
        let events: Vec<Value> = (0..=MAX_EVENTS).map(|_| json!({ "type": "course_viewed", "courseId": COURSE })).collect();
        let error = parse_batch(json!({ "events": events }).to_string().as_bytes(), now()).unwrap_err();
        assert_eq!(error.details.unwrap()[0]["field"], "events");
        assert!(parse_batch(br#"{"events":[]}"#, now()).is_err());
        assert!(parse_batch(br#"{"events":{}}"#, now()).is_err());
        for kind in EventType::ALL {
            assert_eq!(EventType::parse(kind.as_str()), Some(kind));
        }
    }
}
