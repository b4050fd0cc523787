//! Model answers the tests and the bench script the fake LLM with.

use serde_json::{json, Value};

/// A valid blueprint (as the model would write it) titled `title` with `modules` modules of 45
/// minutes, each with an objective, an activity and an assessment.
pub fn blueprint_document(title: &str, modules: usize) -> Value {
    let modules: Vec<Value> = (1..=modules)
        .map(|i| {
            json!({
                "title": format!("Module {i}: pricing conversations"),
                "durationMinutes": 45,
                "objectives": [format!("Explain pricing tier {i} to a customer")],
                "activities": ["Role-play a discovery call"],
                "assessments": [format!("Quiz on tier {i}")]
            })
        })
        .collect();
    json!({
        "title": title,
        "overview": "A four-week blended onboarding course for frontline sales reps.",
        "learningObjectives": ["Explain the pricing model", "Apply pricing tiers to customer cases"],
        "modules": modules,
        "timeline": "Four weeks, two sessions a week",
        "resources": ["Pricing playbook"]
    })
}
