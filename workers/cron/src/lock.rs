//! The job lock: one Durable Object per job name holding a lease. The rule (exclusive, expires
//! after its TTL so a dead holder cannot block forever) is `domain::jobs::schedule::apply_lock`.

use domain::jobs::schedule::{apply_lock, Lease, LockCommand};
use worker::{durable_object, wasm_bindgen, DurableObject, Env, Request, Response, Result, State};

const LEASE: &str = "lease";

#[durable_object]
pub struct JobLock {
    state: State,
}

impl DurableObject for JobLock {
    fn new(state: State, _env: Env) -> Self {
        Self { state }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let Ok(command) = req.json::<LockCommand>().await else {
            return Response::error("invalid lock command", 400);
        };
        let storage = self.state.storage();
        let current: Option<Lease> = storage.get(LEASE).await?;
        let (next, reply) = apply_lock(current, &command, worker::Date::now().as_millis() as i64);
        match next {
            Some(lease) => storage.put(LEASE, &lease).await?,
            None => {
                storage.delete(LEASE).await?;
            }
        }
        Response::from_json(&reply)
    }
}
