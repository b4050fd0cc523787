//! The runtime's floor: the least a Rust worker can do per request in this runtime (the
//! wasm-bindgen glue, a `Response`, nothing else). `make bench` sends it the same request mix
//! as the api so that the api's cost reads as a ratio over this floor. It reads no body, no
//! headers and no bindings on purpose: anything more would be our cost, not the runtime's.

use worker::{event, Context, Env, Request, Response, Result};

#[event(fetch)]
async fn fetch(_req: Request, _env: Env, _ctx: Context) -> Result<Response> {
    Response::ok("ok")
}
