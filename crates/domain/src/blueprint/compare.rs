//! Two blueprints side by side (two versions, or two providers' answers to the same input):
//! both sets of KPIs, their differences (b − a), and which modules were added, removed or
//! changed. Modules are matched by title ignoring case and spacing, because a regenerated
//! blueprint reorders and reworks modules but rarely renames them.

use crate::blueprint::document::{Blueprint, Module};
use crate::blueprint::kpis::{kpis, two_decimals, Kpis};
use crate::blueprint::quality::normalised;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct Comparison {
    pub a: Kpis,
    pub b: Kpis,
    pub differences: KpiDifferences,
    /// Titles of b's modules with no match in a, in b's order.
    pub added_modules: Vec<String>,
    /// Titles of a's modules with no match in b, in a's order.
    pub removed_modules: Vec<String>,
    /// Modules in both that differ, in b's order, under b's title.
    pub changed_modules: Vec<ModuleChange>,
}

/// b − a for each headline number; shares to two decimals.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct KpiDifferences {
    #[cfg_attr(feature = "contracts", ts(type = "number"))]
    pub course_objectives: i64,
    #[cfg_attr(feature = "contracts", ts(type = "number"))]
    pub module_count: i64,
    #[cfg_attr(feature = "contracts", ts(type = "number"))]
    pub total_minutes: i64,
    pub module_share: f64,
    pub course_objective_share: f64,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct ModuleChange {
    pub title: String,
    /// One phrase per change: `duration 45 → 60 min`, `objectives 2 → 3`, `assessments changed`.
    pub changes: Vec<String>,
}

pub fn compare(a: &Blueprint, b: &Blueprint) -> Comparison {
    let (a_kpis, b_kpis) = (kpis(a), kpis(b));
    let pairs = matched_modules(&a.modules, &b.modules);
    let matched_in_a: Vec<usize> = pairs.iter().filter_map(|(_, a_index)| *a_index).collect();
    Comparison {
        differences: differences(&a_kpis, &b_kpis),
        added_modules: pairs.iter().filter(|(_, a_index)| a_index.is_none()).map(|(b_index, _)| b.modules[*b_index].title.clone()).collect(),
        removed_modules: a.modules.iter().enumerate().filter(|(index, _)| !matched_in_a.contains(index)).map(|(_, module)| module.title.clone()).collect(),
        changed_modules: pairs.iter().filter_map(|(b_index, a_index)| a_index.and_then(|a_index| module_change(&a.modules[a_index], &b.modules[*b_index]))).collect(),
        a: a_kpis,
        b: b_kpis,
    }
}

/// Each of b's modules (by index) with the index of its match in a, if any. Titles repeated
/// within one blueprint are paired in order: the first with the first, and so on.
fn matched_modules(a: &[Module], b: &[Module]) -> Vec<(usize, Option<usize>)> {
    let a_keys: Vec<String> = a.iter().map(|module| normalised(&module.title)).collect();
    let mut taken = vec![false; a.len()];
    let mut pairs = Vec::with_capacity(b.len());
    for (b_index, module) in b.iter().enumerate() {
        let key = normalised(&module.title);
        let a_index = a_keys.iter().enumerate().position(|(index, a_key)| !taken[index] && *a_key == key);
        if let Some(index) = a_index {
            taken[index] = true;
        }
        pairs.push((b_index, a_index));
    }
    pairs
}

fn differences(a: &Kpis, b: &Kpis) -> KpiDifferences {
    KpiDifferences {
        course_objectives: signed(b.course_objectives as u64) - signed(a.course_objectives as u64),
        module_count: signed(b.module_count as u64) - signed(a.module_count as u64),
        total_minutes: signed(b.total_minutes) - signed(a.total_minutes),
        module_share: two_decimals(b.assessment_coverage.module_share - a.assessment_coverage.module_share),
        course_objective_share: two_decimals(b.assessment_coverage.course_objective_share - a.assessment_coverage.course_objective_share),
    }
}

/// A count as i64; counts beyond i64 cannot come from a real blueprint, so they saturate.
fn signed(count: u64) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}

/// What differs between two matched modules, or `None` when nothing does.
fn module_change(a: &Module, b: &Module) -> Option<ModuleChange> {
    let mut changes = Vec::new();
    if a.title.trim() != b.title.trim() {
        changes.push(format!("title \"{}\" → \"{}\"", a.title.trim(), b.title.trim()));
    }
    if a.duration_minutes != b.duration_minutes {
        changes.push(format!("duration {} → {} min", a.duration_minutes, b.duration_minutes));
    }
    changes.extend(list_change("objectives", &a.objectives, &b.objectives));
    changes.extend(list_change("activities", &a.activities, &b.activities));
    changes.extend(list_change("assessments", &a.assessments, &b.assessments));
    (!changes.is_empty()).then(|| ModuleChange { title: b.title.clone(), changes })
}

/// `objectives 2 → 3` when the count changed, `objectives changed` when only the wording did.
/// Order, case and spacing are not changes: a reordered list teaches the same thing.
fn list_change(name: &str, a: &[String], b: &[String]) -> Option<String> {
    if a.len() != b.len() {
        return Some(format!("{name} {} → {}", a.len(), b.len()));
    }
    (sorted_keys(a) != sorted_keys(b)).then(|| format!("{name} changed"))
}

fn sorted_keys(items: &[String]) -> Vec<String> {
    let mut keys: Vec<String> = items.iter().map(|item| normalised(item)).collect();
    keys.sort();
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|item| item.to_string()).collect()
    }

    fn module(title: &str, minutes: u32, objectives: &[&str], assessments: &[&str]) -> Module {
        Module { title: title.into(), duration_minutes: minutes, objectives: strings(objectives), activities: strings(&["Practice"]), assessments: strings(assessments) }
    }

    fn blueprint(objectives: &[&str], modules: Vec<Module>) -> Blueprint {
        Blueprint { title: "Pricing".into(), overview: "A course on pricing.".into(), learning_objectives: strings(objectives), modules, timeline: None, resources: None }
    }

    fn before() -> Blueprint {
        blueprint(
            &["Explain the pricing tiers", "Calculate a quote"],
            vec![
                module("Pricing tiers", 45, &["Describe each tier", "Compare tiers"], &["Quiz on tiers"]),
                module("Quotes", 60, &["Calculate a quote"], &[]),
                module("Legacy plans", 30, &["List the legacy plans"], &["Quiz"]),
            ],
        )
    }

    fn after() -> Blueprint {
        blueprint(
            &["Explain the pricing tiers", "Calculate a quote", "Justify a discount"],
            vec![
                module("Discounts", 30, &["Justify a discount"], &["Discount case review"]),
                module("pricing   TIERS", 60, &["Describe each tier", "Compare tiers", "Recommend a tier"], &["Quiz on tiers"]),
                module("Quotes", 60, &["calculate a  QUOTE"], &["Graded quote"]),
            ],
        )
    }

    #[test]
    fn differences_are_b_minus_a() {
        let comparison = compare(&before(), &after());
        assert_eq!(comparison.a, kpis(&before()));
        assert_eq!(comparison.b, kpis(&after()));
        // a: 2 of 3 modules assessed (0.67), objective 1 assessed, objective 2 only in the
        // unassessed "Quotes" (0.5). b: all 3 modules and all 3 objectives assessed.
        assert_eq!(comparison.differences, KpiDifferences { course_objectives: 1, module_count: 0, total_minutes: 15, module_share: 0.33, course_objective_share: 0.5 });
    }

    #[test]
    fn modules_are_matched_by_normalised_title() {
        let comparison = compare(&before(), &after());
        assert_eq!(comparison.added_modules, ["Discounts"]);
        assert_eq!(comparison.removed_modules, ["Legacy plans"]);
        assert_eq!(
            comparison.changed_modules,
            [
                ModuleChange { title: "pricing   TIERS".into(), changes: strings(&["title \"Pricing tiers\" → \"pricing   TIERS\"", "duration 45 → 60 min", "objectives 2 → 3"]) },
                ModuleChange { title: "Quotes".into(), changes: strings(&["assessments 0 → 1"]) },
            ]
        );
    }

    #[test]
    fn rewording_is_a_change_and_reordering_is_not() {
        let a = blueprint(&["Explain tiers"], vec![module("Tiers", 30, &["Describe tiers", "Compare tiers"], &["Quiz"])]);
        let mut b = a.clone();
        b.modules[0].objectives.reverse();
        assert!(compare(&a, &b).changed_modules.is_empty());
        b.modules[0].assessments = strings(&["Oral check"]);
        assert_eq!(compare(&a, &b).changed_modules, [ModuleChange { title: "Tiers".into(), changes: strings(&["assessments changed"]) }]);
        let same = compare(&a, &a);
        assert!(same.added_modules.is_empty() && same.removed_modules.is_empty() && same.changed_modules.is_empty());
        assert_eq!(same.differences, KpiDifferences { course_objectives: 0, module_count: 0, total_minutes: 0, module_share: 0.0, course_objective_share: 0.0 });
    }

    #[test]
    fn repeated_titles_pair_in_order() {
        let a = blueprint(&["Explain tiers"], vec![module("Practice", 30, &["Apply tiers"], &["Quiz"]), module("Practice", 30, &["Apply tiers"], &["Quiz"])]);
        let b = blueprint(&["Explain tiers"], vec![module("practice", 30, &["Apply tiers"], &["Quiz"])]);
        let comparison = compare(&a, &b);
        assert_eq!(comparison.removed_modules, ["Practice"]);
        assert!(comparison.added_modules.is_empty());
        assert_eq!(comparison.changed_modules[0].changes, ["title \"Practice\" → \"practice\""]);
        assert_eq!(compare(&b, &a).added_modules, ["Practice"]);
    }

    #[test]
    fn serialises_in_camel_case() {
        let value = serde_json::to_value(compare(&before(), &after())).unwrap();
        assert_eq!(value["differences"]["totalMinutes"], 15);
        assert_eq!(value["differences"]["courseObjectiveShare"], 0.5);
        assert_eq!(value["addedModules"][0], "Discounts");
        assert_eq!(value["changedModules"][1]["changes"][0], "assessments 0 → 1");
        assert_eq!(value["a"]["moduleCount"], 3);
    }
}
