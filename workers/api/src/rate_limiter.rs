//! The rate-limiter Durable Object: one instance per limited key, holding the instants of
//! recent hits. Being single-threaded per key, check-and-count is atomic. The decision is
//! `domain::platform::rate_limit::apply`; this only stores.

use domain::platform::rate_limit::{apply, LimiterCommand};
use worker::{durable_object, wasm_bindgen, DurableObject, Env, Request, Response, Result, State};

const HITS: &str = "hits";

#[durable_object]
pub struct RateLimiter {
    state: State,
}

impl DurableObject for RateLimiter {
    fn new(state: State, _env: Env) -> Self {
        Self { state }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let Ok(command) = req.json::<LimiterCommand>().await else {
            return Response::error("invalid limiter command", 400);
        };
        let storage = self.state.storage();
        let hits: Vec<i64> = storage.get(HITS).await?.unwrap_or_default();
        let now = worker::Date::now().as_millis() as i64;
        let (hits, verdict) = apply(hits, command.op, command.rule, now);
        match hits.last() {
            None => {
                storage.delete(HITS).await?;
            }
            Some(&newest) => {
                storage.put(HITS, &hits).await?;
                // Forget the key once its window has passed, so idle limiters hold no data.
                storage.set_alarm(newest + command.rule.window_secs * 1000 + 1000).await?;
            }
        }
        Response::from_json(&verdict)
    }

    async fn alarm(&self) -> Result<Response> {
        self.state.storage().delete_all().await?;
        Response::ok("cleared")
    }
}
