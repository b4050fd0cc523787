//! Executes queue messages: the diagnostics probe and content generation job items
//! (`generate`). No HTTP surface. A message that does not parse is
//! acknowledged and logged (never retried), so a poison message cannot block the queue.

mod generate;

use domain::jobs::messages::QueueMessage;
use domain::AppError;
use edge::clock;
use edge::context::RequestContext;
use edge::db::job_runs;
use serde_json::{json, Value};
use worker::{event, Context, Env, MessageBatch, MessageExt, Result};

const QUEUE_PROBE_JOB: &str = "queue_probe";

#[event(start)]
fn start() {
    console_error_panic_hook::set_once();
}

#[event(queue)]
async fn consume(batch: MessageBatch<Value>, env: Env, _ctx: Context) -> Result<()> {
    let context = RequestContext::new(None);
    // The batch's messages at once: each content item mostly waits on a model, and a job keeps
    // at most three of its items in flight (`curriculum::jobs::MAX_IN_FLIGHT`).
    let handled = batch.messages()?.into_iter().map(|message| {
        let (env, context) = (&env, &context);
        async move {
            let outcome = match QueueMessage::parse(message.body().clone()) {
                Ok(QueueMessage::Probe { probe_id }) => record_probe(env, &probe_id, message.id()).await,
                Ok(QueueMessage::GenerateItem { job_id, item_id }) => generate::run(env, context, &job_id, &item_id).await,
                Err(reason) => {
                    context.log("warn", "queue.unparseable", &json!({ "messageId": message.id(), "reason": reason }));
                    Ok(())
                }
            };
            match outcome {
                Ok(()) => message.ack(),
                // Infrastructure trouble (D1 unreachable): let the queue redeliver.
                Err(_) => message.retry(),
            }
        }
    });
    futures_util::future::join_all(handled).await;
    Ok(())
}

/// A probe leaves a succeeded `queue_probe` run keyed by its id (once, however often delivered).
async fn record_probe(env: &Env, probe_id: &str, message_id: String) -> std::result::Result<(), AppError> {
    let now = clock::now();
    let run_id = edge::random::uuid_v4();
    let started = job_runs::start(
        env,
        &job_runs::Start { id: &run_id, job_name: QUEUE_PROBE_JOB, run_key: probe_id, trigger: "queue", started_at: now },
    )
    .await?;
    if started {
        job_runs::finish(env, &run_id, true, clock::now(), clock::now().millis() - now.millis(), &json!({ "messageId": message_id }), None).await?;
    }
    Ok(())
}
