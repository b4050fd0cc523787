//! The generation object's event log keeps progress compactly (issue 17, finding 7): a marker
//! per progress event and the newest partial blueprint once. A resumed stream still gets every
//! event of the run, in order, and draws the same blueprint as a viewer who never left.

use e2e::client::SseEvent;
use e2e::fake_llm::Behaviour;
use e2e::stack::Stack;
use serde_json::json;

pub fn tests() -> Vec<super::Test> {
    vec![("progress_log::a_replay_sends_every_event_and_the_newest_partial_whole", a_replay_sends_every_event_and_the_newest_partial_whole)]
}

fn a_replay_sends_every_event_and_the_newest_partial_whole(stack: &Stack) {
    let tag = e2e::unique("progress-log");
    let (mut client, id) = super::stream::ready_blueprint(stack, &tag);
    stack.llm.script(&tag, vec![Behaviour::Reply { content: super::stream::blueprint_document("Kept compactly", 5).to_string(), chunks: 14, delay_ms: 300 }]);
    let body = json!({ "blueprintId": id }).to_string().into_bytes();
    let mut live = client.open_stream("POST", "/api/generate-blueprint", &[("content-type", "application/json")], Some(body));
    let token = live.header("x-viewer-token").expect("a viewer token").to_string();
    let live = live.collect_all();
    assert_eq!(live.last().map(|e| e.event.as_str()), Some("complete"), "{live:?}");
    let progress = |events: &[SseEvent]| events.iter().filter(|e| e.event == "progress").cloned().collect::<Vec<_>>();
    assert!(progress(&live).len() >= 3, "several progress events: {live:?}");
    assert!(progress(&live).iter().all(|e| e.json()["partialBlueprint"].is_object()), "live progress carries the partial");

    for resume_after in [0, live[1].id.unwrap()] {
        let mut again = client.open_stream("GET", &format!("/api/generate-blueprint/{id}/events?token={token}"), &[("last-event-id", &resume_after.to_string())], None);
        assert_eq!(again.status, 200);
        let replay = again.collect_all();
        let missed: Vec<&SseEvent> = live.iter().filter(|e| e.id.unwrap() > resume_after).collect();
        let names = |events: &[&SseEvent]| events.iter().map(|e| (e.id, e.event.clone())).collect::<Vec<_>>();
        assert_eq!(names(&replay.iter().collect::<Vec<_>>()), names(&missed), "every missed event, in order, once");
        // The newest progress comes back whole, the older ones as markers; the end is the same.
        let replayed = progress(&replay);
        let (newest, older) = replayed.split_last().expect("progress replayed");
        assert_eq!(newest.data, progress(&live).last().unwrap().data, "the newest partial, as it was sent live");
        for marker in older {
            assert_eq!(marker.json()["superseded"], true, "{}", marker.data);
            assert!(marker.json().get("partialBlueprint").is_none(), "{}", marker.data);
        }
        assert_eq!(replay.last().unwrap().data, live.last().unwrap().data, "complete, whole");
    }
}
