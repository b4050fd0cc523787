use domain::Timestamp;

/// The runtime's clock (`std::time::SystemTime::now()` traps on wasm32).
pub fn now() -> Timestamp {
    Timestamp::from_millis(worker::Date::now().as_millis() as i64)
}
