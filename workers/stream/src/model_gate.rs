//! The model gate's Durable Object: one instance (`global`) for the deployment, in front of
//! every model call of every worker. It only stores the gate's state; every decision — who gets
//! a slot, who waits, who is refused, when a lease expires — is `domain::llm::gate::apply`.
//! The state is kept in memory (the object is single-threaded, and no await separates reading
//! it from replacing it) and written through to storage, so an evicted gate comes back with
//! its leases and line.

use domain::llm::gate::{apply, GateCommand, GateRules, GateState};
use std::cell::RefCell;
use worker::{durable_object, wasm_bindgen, DurableObject, Env, Request, Response, Result, State};

const STATE: &str = "gate";

#[durable_object]
pub struct ModelGate {
    state: State,
    rules: GateRules,
    memory: RefCell<Option<GateState>>,
}

impl DurableObject for ModelGate {
    fn new(state: State, env: Env) -> Self {
        let rules = crate::settings::Settings::of(&env).gate;
        Self { state, rules, memory: RefCell::new(None) }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let Ok(command) = req.json::<GateCommand>().await else {
            return Response::error("invalid gate command", 400);
        };
        let storage = self.state.storage();
        if self.memory.borrow().is_none() {
            let stored = storage.get::<GateState>(STATE).await?.unwrap_or_default();
            // Another request may have loaded it while this one waited.
            self.memory.borrow_mut().get_or_insert(stored);
        }
        let current = self.memory.borrow_mut().take().unwrap_or_default();
        let (next, reply) = apply(current, &command, &self.rules, worker::Date::now().as_millis() as i64);
        *self.memory.borrow_mut() = Some(next.clone());
        storage.put(STATE, &next).await?;
        Response::from_json(&reply)
    }
}
