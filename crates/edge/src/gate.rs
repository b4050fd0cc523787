//! Taking a slot at the model gate (`domain::llm::gate`) before a model call, and giving it
//! back however the call ends. The gate is one `ModelGate` Durable Object, defined by the stream
//! worker: the stream worker reaches it through its own binding, the api worker (its question
//! hub) through the `STREAM` service binding, whose `/internal/gate` hands the command over.
//!
//! A [`Slot`] renews its lease in the background while it lives and releases it when released
//! or dropped (an early return, a failed call): nothing depends on the holder remembering to.
//! Should the holder die outright, the lease expires in the gate.

use crate::hop::Hop;
use domain::platform::ids::UserId;
use crate::durable;
use crate::fail::OrInternal;
use crate::random;
use domain::llm::gate::{GateCommand, GateReply};
use domain::AppError;
use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;
use worker::{Delay, Env, Method};

/// The gate's Durable Object binding (stream worker) and its one instance.
pub const OBJECT_BINDING: &str = "MODEL_GATE";
pub const INSTANCE: &str = "global";
/// Where the stream worker takes gate commands from the api.
pub const SERVICE_PATH: &str = "/internal/gate";

/// How this worker reaches the gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// Its own `MODEL_GATE` binding (the stream worker).
    Object,
    /// The `STREAM` service binding (the api worker).
    Service,
}

/// One command to the gate, one reply.
pub async fn send(env: &Env, route: Route, command: &GateCommand) -> Result<GateReply, AppError> {
    match route {
        Route::Object => durable::call(env, OBJECT_BINDING, INSTANCE, command).await,
        Route::Service => {
            let mut response = Hop::unrequested("STREAM", Method::Post, SERVICE_PATH).json(command)?.send(env).await?;
            if response.status_code() != 200 {
                return Err(AppError::internal().caused_by("gate.status", response.status_code()));
            }
            response.json::<GateReply>().await.or_internal("gate.decode")
        }
    }
}

/// Whether a request of `user` would be let into the line now (a refusal is the 429/503 to
/// answer with).
pub async fn admit(env: &Env, route: Route, user: &UserId) -> Result<(), AppError> {
    let reply = send(env, route, &GateCommand::Admit { user: user.to_string() }).await?;
    reply.refusal().map_or(Ok(()), Err)
}

/// Waits for a slot for `user`, at most `max_wait_ms`; `on_wait` hears each new place in line.
/// A refusal (line full, too many of this user's waiting, waited too long) is the 429/503 to
/// answer with.
pub async fn acquire(env: &Env, route: Route, user: &UserId, max_wait_ms: i64, mut on_wait: impl FnMut(usize)) -> Result<Slot, AppError> {
    // Held from the start: a waiter dropped or failing mid-wait leaves the line at once.
    let mut slot = Slot::new(env.clone(), route, random::uuid_v4());
    let enqueue = GateCommand::Enqueue { id: slot.id.clone(), user: user.to_string(), max_wait_ms };
    let mut reply = send(env, route, &enqueue).await?;
    let mut last_position = None;
    loop {
        match reply {
            GateReply::Granted { renew_every_ms, .. } => {
                slot.keep_renewed(renew_every_ms);
                return Ok(slot);
            }
            GateReply::Waiting { position, poll_ms } => {
                if last_position != Some(position) {
                    last_position = Some(position);
                    on_wait(position);
                }
                Delay::from(Duration::from_millis(u64::try_from(poll_ms).unwrap_or(200).max(50))).await;
                reply = send(env, route, &GateCommand::Poll { id: slot.id.clone() }).await?;
            }
            // The gate lost the ticket (it was evicted, or this waiter was too slow to ask):
            // join again under the same id.
            GateReply::Unknown => reply = send(env, route, &enqueue).await?,
            refused @ GateReply::Refused { .. } => {
                slot.gone();
                return Err(refused.refusal().unwrap_or_else(AppError::internal));
            }
            other => return Err(AppError::internal().caused_by("gate.reply", format!("{other:?}"))),
        }
    }
}

/// A place at the gate: a ticket while waiting, a lease once granted.
pub struct Slot {
    env: Env,
    route: Route,
    id: String,
    /// Set once the gate holds nothing for it any more (released, refused): stops the renewals.
    done: Rc<Cell<bool>>,
}

impl Slot {
    fn new(env: Env, route: Route, id: String) -> Self {
        Slot { env, route, id, done: Rc::new(Cell::new(false)) }
    }

    fn gone(&mut self) {
        self.done.set(true);
    }

    /// Renews the lease every `every_ms` until released.
    fn keep_renewed(&self, every_ms: i64) {
        let (env, route, id, done) = (self.env.clone(), self.route, self.id.clone(), Rc::clone(&self.done));
        let every = Duration::from_millis(u64::try_from(every_ms).unwrap_or(15_000).max(100));
        worker::wasm_bindgen_futures::spawn_local(async move {
            loop {
                Delay::from(every).await;
                if done.get() {
                    break;
                }
                // A failed renewal is retried at the next tick; a lost lease is not taken back.
                if let Ok(GateReply::Unknown) = send(&env, route, &GateCommand::Renew { id: id.clone() }).await {
                    break;
                }
            }
        });
    }

    /// Gives the slot back now.
    pub async fn release(mut self) {
        self.gone();
        // The lease expires by itself if this does not reach the gate.
        let _ = send(&self.env, self.route, &GateCommand::Release { id: self.id.clone() }).await;
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        if self.done.replace(true) {
            return;
        }
        let (env, route, id) = (self.env.clone(), self.route, self.id.clone());
        worker::wasm_bindgen_futures::spawn_local(async move {
            let _ = send(&env, route, &GateCommand::Release { id }).await;
        });
    }
}
