//! What a blueprint needs before its generation can start: complete static answers, dynamic
//! questions, and an answer to every required one.

use crate::blueprint::answers::missing_required;
use crate::platform::error::FieldError;
use crate::blueprint::questions::DynamicQuestion;
use crate::blueprint::static_answers::{complete, StaticAnswers};
use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct GenerationInputs {
    pub answers: StaticAnswers,
    pub questions: Vec<DynamicQuestion>,
    pub dynamic_answers: Map<String, Value>,
}

/// The stored columns as read from the database; every missing piece is named
/// (`static_answers.<field>`, `dynamic_questions`, `dynamic_answers.<id>`).
pub fn generation_inputs(static_answers: &Value, questions: &Value, dynamic_answers: &Value) -> Result<GenerationInputs, Vec<FieldError>> {
    let mut missing = Vec::new();
    let answers = complete(static_answers)
        .map_err(|errors| missing.extend(errors.into_iter().map(|e| FieldError::new(format!("static_answers.{}", e.field), e.message))))
        .ok();
    let questions: Vec<DynamicQuestion> = serde_json::from_value(questions.clone()).unwrap_or_default();
    if questions.is_empty() {
        missing.push(FieldError::new("dynamic_questions", "generate the dynamic questions first"));
    }
    let dynamic_answers = dynamic_answers.as_object().cloned().unwrap_or_default();
    for id in missing_required(&questions, &dynamic_answers) {
        missing.push(FieldError::new(format!("dynamic_answers.{id}"), "is required"));
    }
    match answers {
        Some(answers) if missing.is_empty() => Ok(GenerationInputs { answers, questions, dynamic_answers }),
        _ => Err(missing),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn static_answers() -> Value {
        json!({ "audience": "Nurses", "goals": ["Triage patients"], "constraints": { "time": "6 hours" }, "context": "Rural clinics" })
    }

    fn questions() -> Value {
        json!([{ "id": "dq_001", "section": "S", "type": "short_text", "label": "Which unit?", "required": true },
               { "id": "dq_002", "section": "S", "type": "short_text", "label": "Anything else?", "required": false }])
    }

    #[test]
    fn ready_when_everything_required_is_there() {
        let inputs = generation_inputs(&static_answers(), &questions(), &json!({ "dq_001": "ER" })).unwrap();
        assert_eq!(inputs.questions.len(), 2);
        assert_eq!(inputs.answers.languages, ["en-US"]);
    }

    #[test]
    fn names_everything_missing() {
        let fields = |result: Result<GenerationInputs, Vec<FieldError>>| result.unwrap_err().into_iter().map(|e| e.field).collect::<Vec<_>>();
        assert_eq!(fields(generation_inputs(&json!({}), &json!([]), &json!({}))), ["static_answers.audience", "static_answers.goals", "static_answers.constraints", "static_answers.context", "dynamic_questions"]);
        assert_eq!(fields(generation_inputs(&static_answers(), &questions(), &json!({ "dq_001": "  " }))), ["dynamic_answers.dq_001"]);
    }
}
