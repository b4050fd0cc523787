//! One Durable Object per blueprint generation: the lock (one generation at a time), the hub
//! that fans events out to every viewer, and the owner of the result. The generation itself
//! arrives with the stream issue; today the object answers the diagnostics ping from its
//! SQLite storage, which proves the namespace is bound and its state persists.

use serde_json::json;
use worker::{durable_object, wasm_bindgen, DurableObject, Env, Request, Response, Result, SqlStorage, State};

#[durable_object]
pub struct BlueprintGeneration {
    sql: SqlStorage,
}

impl DurableObject for BlueprintGeneration {
    fn new(state: State, _env: Env) -> Self {
        Self { sql: state.storage().sql() }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let command: serde_json::Value = req.json().await.unwrap_or_default();
        if command["op"] != "ping" {
            return Response::error("unknown command", 400);
        }
        self.sql.exec("CREATE TABLE IF NOT EXISTS pings (n INTEGER NOT NULL)", None)?;
        self.sql.exec("INSERT INTO pings (n) VALUES (1)", None)?;
        #[derive(serde::Deserialize)]
        struct Count {
            n: i64,
        }
        let rows: Vec<Count> = self.sql.exec("SELECT COUNT(*) AS n FROM pings", None)?.to_array()?;
        let pings = rows.first().map_or(0, |row| row.n);
        Response::from_json(&json!({ "class": "BlueprintGeneration", "pings": pings }))
    }
}
