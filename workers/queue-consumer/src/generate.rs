//! Writes one item of a content generation job (issue 18; seed 003's pipeline): claim it (a
//! redelivered message finds it taken or done and does nothing), ask the model chain through the
//! model gate, read and validate the answer, run the quality gate — a quiz also gets a second
//! model's blind answers — and retry with the findings fed back up to `MAX_GATE_RETRIES` times;
//! then store a new draft version (once per item, whatever the redeliveries) and end the item:
//! `completed`, `needs_review` (blocking findings left, or the curated item when no model
//! answered usably) or `failed` (infrastructure). Then the job's next items are queued, and the
//! job completes when every item is final.

use domain::curriculum::content::{blind_answer_request, curated_content, read_blind_answers, read_content, content_request, review_content_with_blind_answers, ContentDocument, Finding, SlotContext};
use domain::curriculum::jobs::{feedback_with_instructions, gate_decision, slot_context, GateDecision, ItemStatus};
use domain::platform::auth::Scope;
use domain::platform::ids::{GenerationJobId, JobItemId};
use domain::AppError;
use edge::context::RequestContext;
use edge::db::content::{self, NewVersion};
use edge::db::content_jobs::{self, Claim, Outcome};
use edge::db::{audit, syllabi};
use edge::gate::{self, Route};
use edge::{clock, content_queue, llm};
use serde_json::json;
use worker::Env;

/// How long an item waits for a model slot before trying again later (its message is retried).
const MAX_GATE_WAIT_MS: i64 = 120_000;

/// Handles one `GenerateItem` message. `Err`: the message should be retried (D1 or the gate
/// unreachable before anything was claimed or decided).
pub async fn run(env: &Env, context: &RequestContext, job: &GenerationJobId, item: &JobItemId) -> Result<(), AppError> {
    let Some(claim) = content_jobs::claim(env, item, clock::now()).await? else {
        context.log("info", "content.item_not_claimable", &json!({ "jobId": job.as_str(), "itemId": item.as_str() }));
        return Ok(());
    };
    let outcome = write(env, context, &claim).await;
    let (status, content_item, findings, error) = match outcome {
        Ok((status, id, findings)) => (status, Some(id), findings, None),
        Err(error) => {
            context.log("warn", "content.item_failed", &json!({ "jobId": job.as_str(), "itemId": item.as_str(), "slot": claim.slot, "cause": error.cause }));
            (ItemStatus::Failed, None, Vec::new(), Some(error.message.clone()))
        }
    };
    let now = clock::now();
    content_jobs::finish(env, item, &Outcome { status, content_item: content_item.as_ref(), findings: &findings, error: error.as_deref() }, now).await?;
    content_queue::pump(env, &claim.job_id, now).await?;
    if content_jobs::complete_if_done(env, &claim.job_id, now).await? {
        let scope = Scope::on_behalf_of(claim.tenant_id.clone(), claim.requested_by.clone());
        let entry = audit::Entry::by(&scope, &context.request_id, "GENERATION_JOB_COMPLETED", "generation_job", Some(claim.job_id.as_str()));
        audit::record(env, entry, now).await;
    }
    Ok(())
}

/// Writes the item and stores it: its final status, the version written and its findings.
async fn write(env: &Env, context: &RequestContext, claim: &Claim) -> Result<(ItemStatus, domain::platform::ids::ContentItemId, Vec<Finding>), AppError> {
    let scope = Scope::on_behalf_of(claim.tenant_id.clone(), claim.requested_by.clone());
    let syllabus = syllabi::find(env, &scope, &claim.syllabus_id).await?.ok_or_else(|| AppError::not_found("Syllabus"))?.syllabus()?;
    let slot = syllabus
        .find_slot(&claim.slot)
        .and_then(|slot| slot_context(&syllabus, &slot))
        .ok_or_else(|| AppError::internal().caused_by("content.slot", &claim.slot))?;
    let (document, findings, status, source) = match written_by_model(env, context, claim, &slot).await? {
        Some((document, findings, status)) => (document, findings, status, "model"),
        None => {
            // No tier answered usably: the curated item, for a person to look at.
            let document = curated_content(claim.kind, &slot);
            let findings = review_content_with_blind_answers(&document, &slot, None);
            (document, findings, ItemStatus::NeedsReview, "fallback")
        }
    };
    let value = document.to_value();
    let new = NewVersion {
        tenant: &claim.tenant_id,
        syllabus: &claim.syllabus_id,
        slot: &claim.slot,
        kind: claim.kind,
        source,
        document: &value,
        findings: &findings,
        author: &claim.requested_by,
        job_item: Some(&claim.id),
    };
    let id = content::insert_version(env, &new, clock::now()).await?;
    let entry = audit::Entry::by(&scope, &context.request_id, "CONTENT_CREATED", "content_item", Some(id.as_str())).with_metadata(json!({ "slot": claim.slot, "source": source, "status": status.as_str() }));
    audit::record(env, entry, clock::now()).await;
    Ok((status, id, findings))
}

/// The model's item after the quality gate and its retries, or `None` when no tier answered
/// anything usable.
async fn written_by_model(env: &Env, context: &RequestContext, claim: &Claim, slot: &SlotContext) -> Result<Option<(ContentDocument, Vec<Finding>, ItemStatus)>, AppError> {
    let mut feedback: Vec<Finding> = Vec::new();
    let mut retries = 0;
    loop {
        let prompt = content_request(claim.kind, slot, &feedback_with_instructions(claim.instructions.as_deref(), &feedback));
        let kind = claim.kind;
        let Some(document) = ask(env, context, claim, &prompt, move |raw| read_content(kind, raw)).await? else {
            return Ok(None);
        };
        let blind = match &document {
            ContentDocument::Quiz(quiz) => {
                let count = quiz.questions.len();
                ask(env, context, claim, &blind_answer_request(quiz), move |raw| read_blind_answers(raw, count)).await?
            }
            _ => None,
        };
        let findings = review_content_with_blind_answers(&document, slot, blind.as_deref());
        match gate_decision(&findings, retries) {
            GateDecision::Keep => return Ok(Some((document, findings, ItemStatus::Completed))),
            GateDecision::NeedsReview => return Ok(Some((document, findings, ItemStatus::NeedsReview))),
            GateDecision::Retry => {
                context.log("info", "content.gate_retry", &json!({ "jobId": claim.job_id.as_str(), "slot": claim.slot, "retry": retries + 1, "blocking": findings.iter().filter(|f| f.severity == domain::curriculum::content::Severity::Blocking).map(|f| f.check.as_str()).collect::<Vec<_>>() }));
                feedback = findings;
                retries += 1;
            }
        }
    }
}

/// One chain call holding a model slot: the parsed answer, or `None` when no tier's answer
/// parsed.
async fn ask<T>(env: &Env, context: &RequestContext, claim: &Claim, prompt: &domain::llm::providers::Prompt, parse: impl Fn(&str) -> Result<T, String>) -> Result<Option<T>, AppError> {
    let slot = gate::acquire(env, Route::Service, &claim.requested_by, MAX_GATE_WAIT_MS, |_| {}).await?;
    let outcome = llm::generate_in_background(env, &context.request_id, prompt, parse).await;
    slot.release().await;
    Ok(outcome.ok().map(|generated| generated.value))
}
