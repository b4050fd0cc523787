//! Builders the unit tests share (compiled for tests only).

use crate::course::Module;

pub fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|item| item.to_string()).collect()
}

pub fn module(title: &str, minutes: u32, objectives: &[&str], activities: &[&str], assessments: &[&str]) -> Module {
    Module { title: title.into(), duration_minutes: minutes, objectives: strings(objectives), activities: strings(activities), assessments: strings(assessments) }
}
