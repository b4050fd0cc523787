//! Analytics ingest: what `POST /api/analytics/event` answers.

use crate::analytics::events::Rejected;
use serde::{Deserialize, Serialize};

/// 202: how many events were kept, and each refused one by its index with why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct EventsAnswer {
    pub accepted: usize,
    pub rejected: Vec<Rejected>,
}
