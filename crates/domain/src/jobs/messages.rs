//! Messages on the regeneration queue. Anything that does not parse is acknowledged and
//! logged, never retried: a poison message must not block the queue.

use crate::platform::ids::{GenerationJobId, JobItemId};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum QueueMessage {
    /// The admin diagnostics' round trip: proves api → queue → consumer → D1.
    #[serde(rename_all = "camelCase")]
    Probe { probe_id: String },
    /// Write one item of a content generation job (`curriculum::jobs`).
    #[serde(rename_all = "camelCase")]
    GenerateItem { job_id: GenerationJobId, item_id: JobItemId },
}

impl QueueMessage {
    pub fn parse(value: serde_json::Value) -> Result<Self, String> {
        serde_json::from_value(value).map_err(|error| error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn wire_format_is_tagged_camel_case() {
        let message = QueueMessage::Probe { probe_id: "p1".into() };
        assert_eq!(serde_json::to_value(&message).unwrap(), json!({"kind": "probe", "probeId": "p1"}));
        assert_eq!(QueueMessage::parse(json!({"kind": "probe", "probeId": "j"})).unwrap(), QueueMessage::Probe { probe_id: "j".into() });
        assert!(QueueMessage::parse(json!({"kind": "explode"})).is_err());
        assert!(QueueMessage::parse(json!("probe")).is_err());
    }
}
