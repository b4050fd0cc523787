//! One Durable Object per blueprint: the lock (one generation at a time), the hub that fans
//! the same events out to every viewer, and the owner of the result.
//!
//! - `POST /start` joins the running generation, or answers a completed blueprint from what is
//!   saved (no model call, no write), or starts a new run: the blueprint goes to `generating`
//!   and an alarm is set for now. The alarm runs the generation, so it finishes and is saved
//!   even when every client has gone (alarms are retried; a finished run is not run again).
//! - Every event is appended to this object's SQLite log with an increasing id before it is
//!   sent, so `GET /events` with `Last-Event-ID` replays exactly what a client missed, then
//!   follows live. Progress is kept compactly (`domain::blueprint::event_log`): a marker per event and the
//!   newest partial blueprint once, which a replay sends with the newest progress event.

use domain::blueprint::document::{read_blueprint, Blueprint};
use domain::blueprint::fallback::fallback_blueprint;
use domain::blueprint::markdown::render_markdown;
use domain::blueprint::prompts;
use domain::platform::auth::Scope;
use domain::blueprint::generation::{explain_failure, ModelSetup, StartCommand, Status, Transition, Tried};
use domain::platform::ids::{BlueprintId, TenantId, UserId};
use domain::blueprint::event_log::{self, Snapshot};
use domain::contracts::generation::{CompleteEvent, ErrorEvent, GenerationEvent, ProgressEvent, QueuedEvent};
use domain::{AppError, ErrorKind};
use domain::llm::parse_partial;
use domain::blueprint::readiness::{generation_inputs, GenerationInputs};
use domain::platform::sse::{self, SseEvent};
use domain::blueprint::static_answers;
use crate::settings::Settings;
use edge::context::{is_request_id, log_event};
use edge::db::blueprints::{self, Completion, Start};
use edge::db::stored_json;
use edge::gate::{self, Route};
use edge::llm::{self, StreamEvent};
use edge::{clock, random};
use futures_channel::mpsc::{unbounded, UnboundedSender};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;
use worker::{durable_object, wasm_bindgen, DurableObject, Env, Headers, Method, Request, Response, ResponseBuilder, Result, SqlStorage, State};

const RUN: &str = "run";
/// `progress` at most this often, however fast tokens arrive.
const PROGRESS_EVERY_MS: i64 = 250;
/// How long a generation waits for a model slot before it fails (well within the 10 minutes
/// after which a run counts as dead).
const GATE_MAX_WAIT_MS: i64 = 5 * 60 * 1000;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    blueprint_id: BlueprintId,
    user_id: UserId,
    /// Runs stored before tenants were recorded belong to the default one.
    #[serde(default = "TenantId::default_tenant")]
    tenant_id: TenantId,
    finished: bool,
    started_at: i64,
    /// Events of this run have ids above this one.
    events_after: i64,
    #[serde(default)]
    idempotency_key: Option<String>,
    /// The request that started the run: the run's log lines (written after that request may
    /// be gone) carry its id.
    #[serde(default)]
    request_id: String,
}

impl Run {
    fn scope(&self) -> Scope {
        Scope::on_behalf_of(self.tenant_id.clone(), self.user_id.clone())
    }
}

const IDEMPOTENCY_WINDOW_MS: i64 = 10 * 60 * 1000;
/// A run with no live generation in this object for this long is dead (its alarm gave up).
const DEAD_RUN_MS: i64 = domain::jobs::schedule::STALE_GENERATION_SECS * 1000;

#[durable_object]
pub struct BlueprintGeneration {
    state: Rc<State>,
    env: Env,
    sql: SqlStorage,
    viewers: Rc<RefCell<Vec<UnboundedSender<String>>>>,
    running: Rc<Cell<bool>>,
}

#[derive(Deserialize)]
struct LoggedSnapshot {
    id: i64,
    data: String,
}

#[derive(Deserialize)]
struct LoggedEvent {
    id: i64,
    event: String,
    data: String,
}

impl DurableObject for BlueprintGeneration {
    fn new(state: State, env: Env) -> Self {
        let sql = state.storage().sql();
        // AUTOINCREMENT: ids are never reused, so an id from an earlier run never matches.
        let _ = sql.exec("CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY AUTOINCREMENT, event TEXT NOT NULL, data TEXT NOT NULL)", None);
        let _ = sql.exec("CREATE TABLE IF NOT EXISTS pings (n INTEGER NOT NULL)", None);
        // The run's newest progress event whole (`domain::blueprint::event_log`): its row holds a marker.
        let _ = sql.exec("CREATE TABLE IF NOT EXISTS newest_progress (slot INTEGER PRIMARY KEY CHECK (slot = 1), id INTEGER NOT NULL, data TEXT NOT NULL)", None);
        Self { state: Rc::new(state), env, sql, viewers: Rc::default(), running: Rc::default() }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let path = req.path();
        match (req.method(), path.as_str()) {
            (Method::Post, "/start") => {
                let request_id = req.headers().get("x-request-id")?.filter(|id| is_request_id(id)).unwrap_or_default();
                let blueprint_id = match BlueprintId::parse(&req.headers().get("x-blueprint-id")?.unwrap_or_default()) {
                    Ok(id) => id,
                    Err(missing) => return refuse(missing, &request_id),
                };
                let Ok(command) = req.json::<StartCommand>().await else {
                    return refuse(AppError::bad_request("Invalid start command"), &request_id);
                };
                self.start(blueprint_id, command, request_id).await
            }
            (Method::Get, "/events") => {
                let request_id = req.headers().get("x-request-id")?.filter(|id| is_request_id(id)).unwrap_or_default();
                let last = sse::parse_last_event_id(req.headers().get("last-event-id")?.as_deref());
                let viewer = UserId::parse(&req.headers().get("x-user-id")?.unwrap_or_default()).ok();
                match self.state.storage().get::<Run>(RUN).await? {
                    Some(run) if Some(&run.user_id) == viewer.as_ref() => {
                        let after = last.map_or(run.events_after, |id| (id as i64).max(run.events_after));
                        self.subscribe(after, !run.finished)
                    }
                    _ => refuse(AppError::new(ErrorKind::NotFound, "No generation for this blueprint"), &request_id),
                }
            }
            (Method::Post, "/ping") => self.ping(),
            // The blueprint was deleted: its events (the generated text) go with it, and a
            // viewer token still in someone's hands replays nothing.
            (Method::Post, "/forget") => {
                self.viewers.borrow_mut().clear();
                self.state.storage().delete_alarm().await?;
                self.state.storage().delete_all().await?;
                Response::empty().map(|response| response.with_status(204))
            }
            _ => refuse(AppError::new(ErrorKind::NotFound, "Unknown command"), ""),
        }
    }

    async fn alarm(&self) -> Result<Response> {
        let Some(run) = self.state.storage().get::<Run>(RUN).await? else {
            return Response::ok("nothing to run");
        };
        if run.finished {
            return Response::ok("already finished");
        }
        self.running.set(true);
        let heartbeat = self.keep_viewers_warm();
        let outcome = self.generate(&run).await;
        self.running.set(false);
        drop(heartbeat);
        if let Err(error) = &outcome {
            log_event(&run.request_id, "error", "stream.generation_failed", &json!({ "blueprintId": run.blueprint_id, "error": error.to_string(), "cause": error.cause }));
            let _ = blueprints::fail_generation(&self.env, &run.scope(), &run.blueprint_id).await;
            self.emit(&GenerationEvent::Error(ErrorEvent {
                message: "Generation failed".into(),
                details: Some("An internal error stopped the generation; try again.".into()),
                ..ErrorEvent::default()
            }));
        }
        self.state.storage().put(RUN, Run { finished: true, ..run }).await?;
        // Closing every viewer's channel ends their responses.
        self.viewers.borrow_mut().clear();
        Response::ok("done")
    }
}

impl BlueprintGeneration {
    async fn start(&self, blueprint_id: BlueprintId, command: StartCommand, request_id: String) -> Result<Response> {
        let scope = command.scope();
        let existing = self.state.storage().get::<Run>(RUN).await?;
        let now = clock::now().millis();
        if let Some(run) = existing.as_ref() {
            if run.user_id != command.user_id {
                return refuse(AppError::not_found("Blueprint"), &request_id);
            }
            let alive = !run.finished && (self.running.get() || now - run.started_at < DEAD_RUN_MS);
            let repeated = command.idempotency_key.is_some() && command.idempotency_key == run.idempotency_key && now - run.started_at < IDEMPOTENCY_WINDOW_MS;
            if alive || repeated {
                // Join (or repeat): everything of that run so far, then live while it runs.
                return self.subscribe(run.events_after, alive);
            }
        }
        let Some(blueprint) = blueprints::find(&self.env, &scope, &blueprint_id).await.map_err(to_worker)? else {
            return refuse(AppError::not_found("Blueprint"), &request_id);
        };
        if blueprint.status == Status::Completed && !command.regenerate {
            // Idempotent: what is saved, no write, no model call.
            let saved = blueprint.to_record().map_err(to_worker)?;
            let complete = CompleteEvent { blueprint: saved.blueprint_json, markdown: saved.blueprint_markdown, saved_blueprint_id: saved.id, version: saved.version, quality: None };
            let events = [GenerationEvent::warning("Already completed; returning existing"), GenerationEvent::Complete(complete)];
            let frames = events.iter().map(|event| sse::encode(&SseEvent { id: None, event: event.name().into(), data: event.data() })).collect::<Vec<_>>();
            return Ok(sse_response(futures_util::stream::iter(frames)));
        }
        match readiness(&blueprint) {
            Ok(Ok(_)) => {}
            Ok(Err(missing)) => return refuse(AppError::bad_request("The blueprint's answers are incomplete").with_details(json!(missing)), &request_id),
            Err(corrupt) => return refuse(corrupt, &request_id),
        }
        // The model gate's line is full, or this user already has too many requests waiting:
        // refused now (429/503 with Retry-After) rather than started and left waiting.
        if let Err(refusal) = gate::admit(&self.env, Route::Object, &command.user_id).await {
            return refuse(refusal, &request_id);
        }
        let stale_before = clock::now().minus_seconds(domain::jobs::schedule::STALE_GENERATION_SECS);
        match blueprints::start_generation(&self.env, &scope, &blueprint_id, stale_before).await.map_err(to_worker)? {
            Start::Started => {}
            Start::Missing => return refuse(AppError::not_found("Blueprint"), &request_id),
            Start::Busy => return refuse(AppError::conflict("Another of your blueprints is being generated; this one can start when it finishes"), &request_id),
        }
        let events_after = self.last_event_id();
        // Only the current run's events are kept: an earlier run can no longer be joined or
        // replayed (this run replaces its record), and each progress event carries a whole
        // partial blueprint, so keeping every run's grew without bound.
        let _ = self.sql.exec("DELETE FROM events WHERE id <= ?", vec![events_after.into()]);
        let _ = self.sql.exec("DELETE FROM newest_progress", None);
        let run = Run { blueprint_id, user_id: command.user_id, tenant_id: command.tenant_id, finished: false, started_at: now, events_after, idempotency_key: command.idempotency_key, request_id };
        self.state.storage().put(RUN, &run).await?;
        self.state.storage().set_alarm(Duration::from_millis(0)).await?;
        self.subscribe(events_after, true)
    }

    /// Replays logged events with id > `after`, then (while the run is not finished) registers
    /// the viewer for live events. The object is single-threaded and the replay synchronous, so
    /// no event slips in between.
    fn subscribe(&self, after: i64, live: bool) -> Result<Response> {
        let (sender, receiver) = unbounded::<String>();
        let logged: Vec<LoggedEvent> = self.sql.exec("SELECT id, event, data FROM events WHERE id > ? ORDER BY id", vec![after.into()])?.to_array()?;
        let newest: Option<Snapshot> = self.sql.exec("SELECT id, data FROM newest_progress WHERE slot = 1", None)?.to_array::<LoggedSnapshot>()?.into_iter().next().map(|row| Snapshot { id: row.id, data: row.data });
        for event in logged {
            let data = event_log::replayed(event.id, &event.event, event.data, newest.as_ref());
            let _ = sender.unbounded_send(sse::encode(&SseEvent { id: Some(event.id as u64), event: event.event, data }));
        }
        if live {
            self.viewers.borrow_mut().push(sender);
        }
        Ok(sse_response(receiver))
    }

    fn last_event_id(&self) -> i64 {
        #[derive(Deserialize)]
        struct Seq {
            seq: i64,
        }
        self.sql
            .exec("SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0) AS seq", None)
            .and_then(|c| c.to_array::<Seq>())
            .ok()
            .and_then(|rows| rows.first().map(|r| r.seq))
            .unwrap_or(0)
    }

    /// Logs the event (compactly: `domain::blueprint::event_log`), then sends it to every viewer still
    /// listening.
    fn emit(&self, event: &GenerationEvent) {
        let (name, data) = (event.name(), event.data());
        let kept = event_log::keep(name, &data);
        let id = match self.sql.exec("INSERT INTO events (event, data) VALUES (?, ?) RETURNING id", vec![name.into(), kept.row.into()]) {
            Ok(cursor) => {
                #[derive(Deserialize)]
                struct Id {
                    id: i64,
                }
                cursor.to_array::<Id>().ok().and_then(|rows| rows.first().map(|r| r.id))
            }
            Err(_) => None,
        };
        if let (Some(id), Some(snapshot)) = (id, kept.snapshot) {
            let _ = self.sql.exec("INSERT INTO newest_progress (slot, id, data) VALUES (1, ?, ?) ON CONFLICT (slot) DO UPDATE SET id = excluded.id, data = excluded.data", vec![id.into(), snapshot.into()]);
        }
        let frame = sse::encode(&SseEvent { id: id.map(|i| i as u64), event: name.to_string(), data });
        self.viewers.borrow_mut().retain(|viewer| viewer.unbounded_send(frame.clone()).is_ok());
    }

    /// Heartbeat comments to every viewer while the run lasts (not logged: they carry nothing).
    fn keep_viewers_warm(&self) -> HeartbeatGuard {
        let every = Settings::of(&self.env).heartbeat_ms;
        let (viewers, running) = (Rc::clone(&self.viewers), Rc::clone(&self.running));
        let stop = Rc::new(Cell::new(false));
        let stopped = Rc::clone(&stop);
        worker::wasm_bindgen_futures::spawn_local(async move {
            loop {
                worker::Delay::from(Duration::from_millis(every)).await;
                if stopped.get() || !running.get() {
                    break;
                }
                viewers.borrow_mut().retain(|viewer| viewer.unbounded_send(sse::heartbeat().to_string()).is_ok());
            }
        });
        HeartbeatGuard(stop)
    }

    async fn generate(&self, run: &Run) -> std::result::Result<(), domain::AppError> {
        let blueprint = blueprints::get(&self.env, &run.scope(), &run.blueprint_id).await?;
        let GenerationInputs { answers, questions, dynamic_answers } = readiness(&blueprint)?.map_err(domain::AppError::invalid_fields)?;
        let prompt = prompts::blueprint(&answers, &questions, &dynamic_answers);
        // A slot at the global model gate; while waiting, viewers hear their place in line.
        let slot = match gate::acquire(&self.env, Route::Object, &run.user_id, GATE_MAX_WAIT_MS, |position| self.emit(&GenerationEvent::Queued(QueuedEvent { position: u32::try_from(position).unwrap_or(u32::MAX) }))).await {
            Ok(slot) => slot,
            Err(refusal) if matches!(refusal.status(), 429 | 503) => {
                blueprints::fail_generation(&self.env, &run.scope(), &run.blueprint_id).await?;
                self.emit(&GenerationEvent::Error(ErrorEvent {
                    message: refusal.message,
                    details: Some("The AI model was busy with other requests; try again in a moment.".into()),
                    retry_after_secs: refusal.retry_after,
                    ..ErrorEvent::default()
                }));
                return Ok(());
            }
            Err(error) => return Err(error),
        };
        let last_emit = Cell::new(0i64);
        let last_partial = RefCell::new(Value::Null);
        let attempts_started = Cell::new(0u32);
        let generated = llm::generate_streaming(&self.env, &run.request_id, &prompt, read_blueprint, |event| match event {
            StreamEvent::Attempt { provider, model } => {
                attempts_started.set(attempts_started.get() + 1);
                if attempts_started.get() > 1 {
                    self.emit(&GenerationEvent::warning(format!("Retrying with {provider} ({model}); the blueprint restarts")));
                    *last_partial.borrow_mut() = Value::Null;
                }
            }
            // Said at once, so a designer watching a runaway knows why it restarts.
            StreamEvent::OverBudget { provider, model, budget_ms } => {
                self.emit(&GenerationEvent::warning(format!("{provider} ({model}) was still writing after {} s, its time budget; trying the next model", budget_ms / 1000)));
            }
            StreamEvent::Text(text) => {
                let now = clock::now().millis();
                if now - last_emit.get() < PROGRESS_EVERY_MS {
                    return;
                }
                if let Some(partial) = parse_partial(text).filter(|p| p.is_object() && *p != *last_partial.borrow()) {
                    last_emit.set(now);
                    self.emit(&GenerationEvent::Progress(ProgressEvent { partial_blueprint: Some(partial.clone()), ..ProgressEvent::default() }));
                    *last_partial.borrow_mut() = partial;
                }
            }
        })
        .await;
        // Given back before the result is saved: the model is done with it.
        slot.release().await;
        match generated {
            Ok(generated) => self.save(run, &answers, generated.value, generated.provider, &generated.model, generated.ms, &generated.attempts).await,
            Err(attempts) => {
                let fallback = fallback_blueprint(&answers);
                let markdown = render_markdown(&fallback);
                blueprints::fail_generation(&self.env, &run.scope(), &run.blueprint_id).await?;
                let settings = Settings::of(&self.env);
                let config = &settings.llm;
                let tried: Vec<Tried> = attempts.iter().map(|a| Tried { provider: &a.provider, model: &a.model, error: a.error.as_deref(), answered: a.raw.is_some() }).collect();
                let setup = ModelSetup {
                    ollama_base_url: &config.ollama_base_url,
                    primary_model: &config.primary_model,
                    fallback_model: &config.fallback_model,
                    openrouter_configured: config.openrouter_key.is_some(),
                };
                let failure = explain_failure(&tried, &setup);
                // The draft can be kept as a version (`POST /api/blueprints/:id/keep-draft`).
                self.emit(&GenerationEvent::Error(ErrorEvent {
                    message: failure.message,
                    reason: Some(failure.reason.to_string()),
                    details: Some(failure.details),
                    hint: Some(failure.hint),
                    blueprint: Some(fallback),
                    markdown: Some(markdown),
                    can_keep_draft: Some(true),
                    retry_after_secs: None,
                }));
                Ok(())
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn save(&self, run: &Run, answers: &static_answers::StaticAnswers, blueprint: Blueprint, provider: &str, model: &str, ms: i64, attempts: &[llm::Attempt]) -> std::result::Result<(), domain::AppError> {
        let markdown = render_markdown(&blueprint);
        // The version's figures and review, its texts read once for both.
        let (kpis, review) = domain::blueprint::kpis::with_review(&blueprint, Some(answers));
        let quality = serde_json::to_value(&review).map_err(|_| domain::AppError::internal())?;
        let json = serde_json::to_value(&blueprint).map_err(|_| domain::AppError::internal())?;
        let timings = json!({ "totalMs": clock::now().millis() - run.started_at, "modelMs": ms, "attempts": attempts.iter().map(|a| json!({ "provider": a.provider, "model": a.model, "ms": a.ms, "error": a.error })).collect::<Vec<_>>() });
        let kpis = serde_json::to_value(kpis).map_err(|_| domain::AppError::internal())?;
        let completion = Completion { blueprint_json: &json, markdown: &markdown, version_id: &random::uuid_v4(), provider, model, timings: &timings, quality: &quality, kpis: &kpis };
        let Some(version) = blueprints::complete_generation(&self.env, &run.scope(), &run.blueprint_id, Transition::Complete, &completion).await? else {
            // The run was given up meanwhile (recovered as stale): its result is not saved over
            // whatever happened since.
            let refusal = Transition::Complete.refusal(Status::Error);
            self.emit(&GenerationEvent::Error(ErrorEvent { message: refusal.message, details: Some("Start the generation again.".into()), ..ErrorEvent::default() }));
            return Ok(());
        };
        self.emit(&GenerationEvent::Complete(CompleteEvent { blueprint: json, markdown: Some(markdown), saved_blueprint_id: run.blueprint_id.clone(), version, quality: Some(review) }));
        Ok(())
    }

    fn ping(&self) -> Result<Response> {
        self.sql.exec("INSERT INTO pings (n) VALUES (1)", None)?;
        #[derive(Deserialize)]
        struct Count {
            n: i64,
        }
        let rows: Vec<Count> = self.sql.exec("SELECT COUNT(*) AS n FROM pings", None)?.to_array()?;
        Response::from_json(&json!({ "class": "BlueprintGeneration", "pings": rows.first().map_or(0, |r| r.n) }))
    }
}

struct HeartbeatGuard(Rc<Cell<bool>>);

impl Drop for HeartbeatGuard {
    fn drop(&mut self) {
        self.0.set(true);
    }
}

/// The generation's inputs from the stored columns, or every missing piece, named (the outer
/// error: a stored column that does not parse, which is corruption).
#[allow(clippy::type_complexity)]
fn readiness(blueprint: &blueprints::Blueprint) -> std::result::Result<std::result::Result<GenerationInputs, Vec<domain::FieldError>>, AppError> {
    let static_answers = stored_json(&blueprint.static_answers, "static_answers")?;
    let questions = stored_json(&blueprint.dynamic_questions, "dynamic_questions")?;
    let dynamic_answers = stored_json(&blueprint.dynamic_answers, "dynamic_answers")?;
    Ok(generation_inputs(&static_answers, &questions, &dynamic_answers))
}

fn sse_response<S>(frames: S) -> Response
where
    S: futures_util::Stream<Item = String> + 'static,
{
    let headers = Headers::new();
    let _ = headers.set("content-type", "text/event-stream; charset=utf-8");
    let _ = headers.set("cache-control", "no-cache");
    let _ = headers.set("x-accel-buffering", "no");
    let body = frames.map(|frame| Ok::<Vec<u8>, worker::Error>(frame.into_bytes()));
    match ResponseBuilder::new().with_status(200).with_headers(headers.clone()).from_stream(body) {
        Ok(response) => response,
        Err(_) => ResponseBuilder::new().with_status(500).with_headers(headers).empty(),
    }
}

/// A refusal in the one error shape every worker speaks (`{error, details?, requestId}`, with
/// the id of the api request that reached us), which the api relays untouched.
fn refuse(error: AppError, request_id: &str) -> Result<Response> {
    Ok(edge::respond::error(&error, request_id))
}

fn to_worker(error: domain::AppError) -> worker::Error {
    worker::Error::RustError(error.message)
}
