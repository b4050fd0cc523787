//! Builders the unit tests share: compiled for this crate's tests, and for other crates' tests
//! with the `testing` feature.

use crate::blueprint::document::{Blueprint, Module};
use crate::blueprint::static_answers::{Constraints, Modality, StaticAnswers};

pub fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|item| item.to_string()).collect()
}

pub fn module(title: &str, minutes: u32, objectives: &[&str], activities: &[&str], assessments: &[&str]) -> Module {
    Module { title: title.into(), duration_minutes: minutes, objectives: strings(objectives), activities: strings(activities), assessments: strings(assessments) }
}

/// A small valid blueprint: two modules, every section present.
pub fn sales_onboarding() -> Blueprint {
    Blueprint {
        title: "Sales onboarding".into(),
        overview: "Get new reps quoting confidently.".into(),
        learning_objectives: strings(&["Explain the pricing tiers", "Build a quote"]),
        modules: vec![module("Pricing basics", 90, &["Explain the pricing tiers"], &["Walkthrough"], &["Quiz"]), module("Quoting", 60, &["Build a quote"], &[], &[])],
        timeline: Some("Two half-days.".into()),
        resources: Some(strings(&["Price list"])),
    }
}

/// Complete static answers with these goals, stated time and modality.
pub fn static_answers(goals: &[&str], time: &str, modality: Option<Modality>) -> StaticAnswers {
    StaticAnswers {
        audience: "Frontline sales reps".into(),
        goals: strings(goals),
        constraints: Constraints { time: time.into(), budget: Some("low".into()), modality },
        context: "B2B SaaS with complex pricing".into(),
        languages: strings(&["en-US"]),
    }
}
