//! The `text/event-stream` wire format (server-sent events), free of I/O: events are encoded so
//! that no payload can break the framing (every line of data gets its own `data:` field, every
//! kind of line break counts), plus heartbeats, the reconnection delay and `Last-Event-ID`.
//! `decode` follows the WHATWG parsing rules closely enough to prove the encoder round-trips.

/// One event as a client receives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// Sent as `id:`, so a reconnecting client can say where it stopped (`Last-Event-ID`).
    pub id: Option<u64>,
    /// The event type; an empty name is sent without an `event:` field, which browsers
    /// dispatch as `message`.
    pub event: String,
    pub data: String,
}

/// The type browsers give an event that names none.
pub const DEFAULT_EVENT: &str = "message";

/// `id: N\n` (when any), `event: name\n`, one `data: …\n` per line of data, then the blank line
/// that ends the event. Line breaks in data (`\n`, `\r\n`, `\r`) become separate `data:` lines,
/// so the client joins them back with `\n`.
pub fn encode(event: &SseEvent) -> String {
    let mut out = String::with_capacity(event.data.len() + event.event.len() + 32);
    if let Some(id) = event.id {
        out.push_str(&format!("id: {id}\n"));
    }
    let name = event_name(&event.event);
    if !name.is_empty() {
        out.push_str("event: ");
        out.push_str(&name);
        out.push('\n');
    }
    for line in lines(&event.data) {
        out.push_str("data: ");
        out.push_str(line);
        out.push('\n');
    }
    out.push('\n');
    out
}

/// A comment line: it keeps proxies and the client from timing out an idle stream, and
/// clients ignore it.
pub fn heartbeat() -> &'static str {
    ": heartbeat\n\n"
}

/// Tells the client how long to wait before reconnecting.
pub fn retry(ms: u64) -> String {
    format!("retry: {ms}\n\n")
}

/// The event id a reconnecting client last saw. Only a plain decimal is ours; anything else
/// (including `+5`, which Rust's parser would accept) means "start from the beginning".
pub fn parse_last_event_id(header: Option<&str>) -> Option<u64> {
    let value = header?.trim();
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value.parse().ok()
}

/// The events in a stream. Comments, `retry:` and unknown fields are ignored, data lines are
/// joined with `\n`, and an event still missing its blank line at the end is dropped (as a
/// browser does). Unlike a browser, which keeps the last id it saw, each event reports only
/// the `id:` sent with it, and an id that is not a decimal reads as none.
pub fn decode(stream: &str) -> Vec<SseEvent> {
    let mut events = Vec::new();
    let mut pending = Pending::default();
    for line in lines(stream) {
        if line.is_empty() {
            if let Some(event) = pending.dispatch() {
                events.push(event);
            }
            continue;
        }
        if line.starts_with(':') {
            continue;
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        pending.field(field, value);
    }
    events
}

/// The fields of the event being read.
#[derive(Default)]
struct Pending {
    id: Option<u64>,
    event: String,
    data: Option<String>,
}

impl Pending {
    fn field(&mut self, name: &str, value: &str) {
        match name {
            "id" => self.id = parse_last_event_id(Some(value)),
            "event" => self.event = value.to_string(),
            "data" => {
                let data = self.data.get_or_insert_with(String::new);
                data.push_str(value);
                data.push('\n');
            }
            _ => {}
        }
    }

    /// The finished event; none when no data arrived (that is how a `retry:` block ends too).
    fn dispatch(&mut self) -> Option<SseEvent> {
        let pending = std::mem::take(self);
        let mut data = pending.data?;
        data.pop();
        let event = if pending.event.is_empty() { DEFAULT_EVENT.to_string() } else { pending.event };
        Some(SseEvent { id: pending.id, event, data })
    }
}

/// An event name that cannot end its line or be mistaken for another field: no line breaks
/// and no colons, and no surrounding spaces (a browser would keep them as part of the name).
fn event_name(raw: &str) -> String {
    let kept: String = raw.chars().filter(|c| !matches!(c, '\n' | '\r' | ':')).collect();
    kept.trim().to_string()
}

/// Lines split on `\r\n`, `\n` and `\r`, as the event-stream format defines a line break.
/// Text ending in a break yields a final empty line, so no break is lost.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let current = rest?;
        match current.find(['\n', '\r']) {
            Some(at) => {
                let width = if current[at..].starts_with("\r\n") { 2 } else { 1 };
                rest = Some(&current[at + width..]);
                Some(&current[..at])
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn event(id: Option<u64>, name: &str, data: &str) -> SseEvent {
        SseEvent { id, event: name.to_string(), data: data.to_string() }
    }

    #[test]
    fn encodes_id_event_and_data() {
        assert_eq!(encode(&event(Some(7), "delta", "{\"a\":1}")), "id: 7\nevent: delta\ndata: {\"a\":1}\n\n");
        assert_eq!(encode(&event(None, "done", "")), "event: done\ndata: \n\n");
    }

    #[test]
    fn every_kind_of_line_break_becomes_its_own_data_line() {
        assert_eq!(encode(&event(None, "x", "a\nb\r\nc\rd")), "event: x\ndata: a\ndata: b\ndata: c\ndata: d\n\n");
        assert_eq!(encode(&event(None, "x", "a\n\n")), "event: x\ndata: a\ndata: \ndata: \n\n");
        assert_eq!(encode(&event(None, "x", "\r\n")), "event: x\ndata: \ndata: \n\n");
    }

    #[test]
    fn event_names_lose_breaks_and_colons() {
        assert_eq!(encode(&event(None, "a:b\r\nc", "d")), "event: abc\ndata: d\n\n");
        assert_eq!(encode(&event(None, " :\n", "d")), "data: d\n\n", "nothing left: no event field");
    }

    #[test]
    fn heartbeat_and_retry_are_not_events() {
        assert_eq!(heartbeat(), ": heartbeat\n\n");
        assert_eq!(retry(3000), "retry: 3000\n\n");
        let stream = format!("{}{}{}", heartbeat(), retry(10), encode(&event(Some(1), "a", "b")));
        assert_eq!(decode(&stream), [event(Some(1), "a", "b")]);
    }

    #[test]
    fn last_event_id_is_a_trimmed_decimal() {
        assert_eq!(parse_last_event_id(Some(" 42 ")), Some(42));
        assert_eq!(parse_last_event_id(Some("0")), Some(0));
        for bad in ["", "  ", "+5", "-1", "4 2", "0x10", "1.5", "18446744073709551616", "٣"] {
            assert_eq!(parse_last_event_id(Some(bad)), None, "{bad:?}");
        }
        assert_eq!(parse_last_event_id(None), None);
    }

    #[test]
    fn decoding_follows_the_parsing_rules() {
        // No space after the colon, a field without a colon, CRLF framing, an unknown field,
        // a trailing event without its blank line (dropped).
        let stream = "event:a\r\ndata:x\r\ndata\r\nfoo: bar\r\n\r\nid: 3\ndata:  y\n\ndata: cut off";
        assert_eq!(decode(stream), [event(None, "a", "x\n"), event(Some(3), "message", " y")]);
        assert!(decode("event: only\n\n").is_empty(), "no data, no event");
    }

    /// Data built from the pieces most likely to break framing.
    fn tricky_data() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("\n\n".to_string()),
            Just("\n".to_string()),
            Just("\r".to_string()),
            Just("\r\n".to_string()),
            Just("data:".to_string()),
            Just("data: x\n\n".to_string()),
            Just(": comment".to_string()),
            Just("id: 9".to_string()),
            Just("event: evil".to_string()),
            Just("retry: 1".to_string()),
            "[a-z :{}\"é日😀]{0,8}",
        ];
        proptest::collection::vec(piece, 0..12).prop_map(|pieces| pieces.concat())
    }

    fn expected(sent: &SseEvent) -> SseEvent {
        let name = event_name(&sent.event);
        SseEvent {
            id: sent.id,
            event: if name.is_empty() { DEFAULT_EVENT.to_string() } else { name },
            data: sent.data.replace("\r\n", "\n").replace('\r', "\n"),
        }
    }

    proptest! {
        // Failures are reported, not written into the source tree.
        #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn encode_then_decode_round_trips(
            id in proptest::option::of(any::<u64>()),
            name in "[a-z:\n\r ]{0,10}",
            data in tricky_data(),
        ) {
            let sent = event(id, &name, &data);
            prop_assert_eq!(decode(&encode(&sent)), vec![expected(&sent)]);
        }

        #[test]
        fn a_stream_of_events_keeps_its_boundaries(datas in proptest::collection::vec(tricky_data(), 1..6)) {
            let sent: Vec<SseEvent> = datas.iter().enumerate().map(|(i, data)| event(Some(i as u64), "delta", data)).collect();
            let stream: String = sent.iter().map(|e| format!("{}{}", encode(e), heartbeat())).collect();
            prop_assert_eq!(decode(&stream), sent.iter().map(expected).collect::<Vec<_>>());
        }

        #[test]
        fn arbitrary_streams_never_panic(stream in "[a-z:\n\r d0-9]{0,200}") {
            let _ = decode(&stream);
        }
    }
}
