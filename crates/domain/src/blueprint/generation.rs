//! A blueprint's generation lifecycle, and what a generation that produced nothing usable tells
//! its user.
//!
//! The lifecycle: `draft → generating → completed | error`, and back to `generating` for a new
//! run. A failed generation leaves a curated draft built from the user's own answers; keeping
//! it (`error → completed`) saves it as a version marked `source: "fallback"`, so the product can
//! be walked end to end without any model.

use crate::platform::auth::Scope;
use crate::platform::ids::{TenantId, UserId};
use crate::AppError;
use serde::{Deserialize, Serialize};

/// Where a blueprint stands. Stored as its lower-case name (the migration's CHECK lists them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub enum Status {
    Draft,
    Generating,
    Completed,
    Error,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Generating => "generating",
            Status::Completed => "completed",
            Status::Error => "error",
        }
    }

    /// A stored status; anything else means the row is corrupt.
    pub fn parse(stored: &str) -> Result<Status, AppError> {
        match stored {
            "draft" => Ok(Status::Draft),
            "generating" => Ok(Status::Generating),
            "completed" => Ok(Status::Completed),
            "error" => Ok(Status::Error),
            other => Err(AppError::internal().caused_by("blueprint.status", format!("unknown stored status {other:?}"))),
        }
    }
}

impl Status {
    /// Answers and questions stay as they are while a generation reads them: the version it
    /// saves must record the inputs the model saw.
    pub fn edit_refusal(self) -> Option<AppError> {
        (self == Status::Generating).then(|| AppError::conflict("A generation is running for this blueprint; try again when it finishes"))
    }
}

/// A change of status, each allowed from some statuses only. The D1 layer writes each as one
/// guarded `UPDATE … WHERE status IN (from)`, so a transition that lost a race changes nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// A run begins (from any status: a `generating` left by a dead run is taken over).
    Start,
    /// A run saved its blueprint.
    Complete,
    /// A run ended without a usable blueprint.
    Fail,
    /// The cron job gives up a run that stopped making progress.
    GiveUp,
    /// The user keeps the curated draft of a failed generation as a version.
    KeepDraft,
    /// New dynamic questions replace the old ones (and their answers): the blueprint is a
    /// draft again.
    NewQuestions,
}

/// Every status, for transitions allowed from anywhere.
const ALL: [Status; 4] = [Status::Draft, Status::Generating, Status::Completed, Status::Error];
/// Every status but `generating`: what may change while no run reads the inputs.
const AT_REST: [Status; 3] = [Status::Draft, Status::Completed, Status::Error];

impl Transition {
    pub fn from(self) -> &'static [Status] {
        match self {
            Transition::Start => &ALL,
            Transition::Complete | Transition::Fail | Transition::GiveUp => &[Status::Generating],
            Transition::KeepDraft => &[Status::Error],
            Transition::NewQuestions => &AT_REST,
        }
    }

    pub fn to(self) -> Status {
        match self {
            Transition::Start => Status::Generating,
            Transition::Complete | Transition::KeepDraft => Status::Completed,
            Transition::Fail | Transition::GiveUp => Status::Error,
            Transition::NewQuestions => Status::Draft,
        }
    }

    /// The statuses a guarded `UPDATE` accepts, as SQL: `status IN ('draft', 'error')`. Built
    /// from the enum's own names (never from input), so it is safe to splice into a statement.
    pub fn sql_guard(self) -> String {
        let names: Vec<String> = self.from().iter().map(|status| format!("'{}'", status.as_str())).collect();
        format!("status IN ({})", names.join(", "))
    }

    /// Whether the transition may start from `found`, or the 409 it answers.
    pub fn allowed_from(self, found: Status) -> Result<(), AppError> {
        if self.from().contains(&found) {
            Ok(())
        } else {
            Err(self.refusal(found))
        }
    }

    /// The 409 a refused transition answers, given the status found.
    pub fn refusal(self, found: Status) -> AppError {
        let message = match (self, found) {
            (Transition::KeepDraft, Status::Generating) => "A generation is running; its result replaces the draft",
            (Transition::KeepDraft, Status::Completed) => "The blueprint already has a saved result; regenerate it instead",
            (Transition::KeepDraft, _) => "Only a blueprint whose last generation failed has a draft to keep",
            (Transition::Complete | Transition::Fail | Transition::GiveUp, _) => "The blueprint changed while it was being generated",
            (Transition::NewQuestions | Transition::Start, _) => "A generation is running for this blueprint; try again when it finishes",
        };
        AppError::conflict(message)
    }
}

impl Status {
    /// The statuses in which answers may be edited (no run is reading them), as SQL like
    /// [`Transition::sql_guard`].
    pub fn editable_sql_guard() -> String {
        let names: Vec<String> = AT_REST.iter().map(|status| format!("'{}'", status.as_str())).collect();
        format!("status IN ({})", names.join(", "))
    }
}

/// What the api asks the stream worker to do with one blueprint (the body of the internal
/// `POST /generations/:id/start`): start, join or replay its generation for this caller. The
/// ids are typed on both sides of the hop; the stream worker parses them again on arrival.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StartCommand {
    pub tenant_id: TenantId,
    pub user_id: UserId,
    #[serde(default)]
    pub regenerate: bool,
    /// The client's `Idempotency-Key`: a repeat within 10 minutes replays that run's events.
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

impl StartCommand {
    /// Whom the generation runs for: the caller's tenant and user (no role crosses the hop;
    /// the api checked what the caller may do).
    pub fn scope(&self) -> Scope {
        Scope::on_behalf_of(self.tenant_id.clone(), self.user_id.clone())
    }
}

/// Where a version came from: a model, or the curated draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub enum Source {
    Model,
    Fallback,
}

/// The provider and model recorded for a kept curated draft.
pub const FALLBACK_PROVIDER: &str = "fallback";
pub const FALLBACK_MODEL: &str = "curated";

impl Source {
    pub fn of_provider(provider: &str) -> Source {
        if provider == FALLBACK_PROVIDER {
            Source::Fallback
        } else {
            Source::Model
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Source::Model => "model",
            Source::Fallback => "fallback",
        }
    }
}

/// One tried model, as the chain reports it.
pub struct Tried<'a> {
    pub provider: &'a str,
    pub model: &'a str,
    pub error: Option<&'a str>,
    /// Whether the model produced any text at all.
    pub answered: bool,
}

/// Where the models are, for the words of the message.
pub struct ModelSetup<'a> {
    pub ollama_base_url: &'a str,
    pub primary_model: &'a str,
    pub fallback_model: &'a str,
    pub openrouter_configured: bool,
}

/// What the `error` event of a failed generation says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct Failure {
    /// `no_model` (nothing answered) or `unusable_answer` (answers that could not be used).
    pub reason: &'static str,
    pub message: String,
    /// What was tried and how it failed.
    pub details: String,
    /// What the user can do next.
    pub hint: String,
}

/// Explains a generation where every tier failed. "No model reachable" when no model produced a
/// single token (the common first run: nothing listens at the Ollama address); otherwise the
/// answers were unusable.
pub fn explain_failure(tried: &[Tried<'_>], setup: &ModelSetup<'_>) -> Failure {
    let keep = "or keep this draft, built from your answers, as a version now (you can regenerate with a model later)";
    let details = if tried.is_empty() {
        format!("Ollama did not answer at {}{}.", setup.ollama_base_url, if setup.openrouter_configured { "" } else { "; OpenRouter is not configured" })
    } else {
        tried.iter().map(|t| format!("{} {}: {}", t.provider, t.model, t.error.unwrap_or("no usable answer"))).collect::<Vec<_>>().join("; ")
    };
    if tried.iter().any(|t| t.answered) {
        return Failure {
            reason: "unusable_answer",
            message: "The model's answers could not be used".to_string(),
            details,
            hint: format!("Try again (models vary from run to run), {keep}."),
        };
    }
    Failure {
        reason: "no_model",
        message: format!("No model reachable at {}", setup.ollama_base_url),
        details,
        hint: format!(
            "To generate with a model, start Ollama at {} and pull the models (`ollama pull {}` and `ollama pull {}`), then try again; {keep}.",
            setup.ollama_base_url, setup.primary_model, setup.fallback_model
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> ModelSetup<'static> {
        ModelSetup { ollama_base_url: "http://127.0.0.1:11434", primary_model: "qwen3:30b-a3b", fallback_model: "qwen2:7b", openrouter_configured: false }
    }

    #[test]
    fn nothing_reachable_names_the_address_and_how_to_start_a_model() {
        let failure = explain_failure(&[], &setup());
        assert_eq!(failure.reason, "no_model");
        assert_eq!(failure.message, "No model reachable at http://127.0.0.1:11434");
        assert!(failure.hint.contains("ollama pull qwen3:30b-a3b") && failure.hint.contains("ollama pull qwen2:7b"), "{}", failure.hint);
        assert!(failure.hint.contains("keep this draft"));
        assert!(failure.details.contains("OpenRouter is not configured"));
        assert!(!failure.message.contains("Validation"), "nothing failed validation");
    }

    #[test]
    fn calls_that_never_got_text_are_no_model_and_answers_that_were_bad_are_not() {
        let refused = [Tried { provider: "openrouter", model: "m", error: Some("connection refused"), answered: false }];
        assert_eq!(explain_failure(&refused, &setup()).reason, "no_model");
        let bad = [refused[0].clone_answered()];
        let failure = explain_failure(&bad, &setup());
        assert_eq!(failure.reason, "unusable_answer");
        assert!(failure.details.contains("openrouter m: connection refused"));
    }

    impl Tried<'_> {
        fn clone_answered(&self) -> Tried<'_> {
            Tried { provider: self.provider, model: self.model, error: self.error, answered: true }
        }
    }

    #[test]
    fn keeping_a_draft_is_only_from_a_failed_generation() {
        assert_eq!(Transition::KeepDraft.from(), [Status::Error]);
        assert!(Transition::KeepDraft.allowed_from(Status::Error).is_ok());
        assert_eq!(Transition::KeepDraft.allowed_from(Status::Draft).unwrap_err().status(), 409);
        assert_eq!(Transition::Complete.from(), [Status::Generating]);
        for status in [Status::Draft, Status::Generating, Status::Completed, Status::Error] {
            assert_eq!(Status::parse(status.as_str()).unwrap(), status);
            assert_eq!(Transition::KeepDraft.refusal(status).status(), 409);
        }
        assert_eq!(Status::parse("done").unwrap_err().status(), 500);
        assert_eq!(Transition::Fail.sql_guard(), "status IN ('generating')");
        assert_eq!(Transition::NewQuestions.sql_guard(), "status IN ('draft', 'completed', 'error')");
        assert_eq!(Status::editable_sql_guard(), "status IN ('draft', 'completed', 'error')");
        for transition in [Transition::Start, Transition::Complete, Transition::Fail, Transition::GiveUp, Transition::KeepDraft, Transition::NewQuestions] {
            assert!(!transition.from().is_empty());
            // Answers frozen while generating: only a run's own transitions leave `generating`.
            let leaves_a_run = transition.from().contains(&Status::Generating) && transition.to() != Status::Generating;
            assert_eq!(leaves_a_run, matches!(transition, Transition::Complete | Transition::Fail | Transition::GiveUp), "{transition:?}");
        }
        assert_eq!(Status::Generating.edit_refusal().map(|e| e.status()), Some(409));
        assert!(Status::Error.edit_refusal().is_none() && Status::Completed.edit_refusal().is_none());
        assert_eq!(Source::of_provider(FALLBACK_PROVIDER), Source::Fallback);
        assert_eq!(Source::of_provider("ollama"), Source::Model);
    }
}
