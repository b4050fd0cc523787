//! Numbers that describe a blueprint at a glance: how many objectives and modules, how long,
//! how much of it is assessed. Shares are fractions from 0 to 1 rounded to two decimals, and 0
//! when there is nothing to share out, so the same blueprint always gives the same numbers.

use crate::blueprint::document::{Blueprint, Module};
use crate::blueprint::quality::{self, QualityReview, Topics};
use crate::blueprint::static_answers::StaticAnswers;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct Kpis {
    pub course_objectives: usize,
    pub module_count: usize,
    #[cfg_attr(feature = "contracts", ts(type = "number"))]
    pub total_minutes: u64,
    pub modules: Vec<ModuleKpis>,
    pub assessment_coverage: Coverage,
    /// The mean number of activities per module, to two decimals.
    pub activities_per_module: f64,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct ModuleKpis {
    pub title: String,
    pub minutes: u32,
    pub objectives: usize,
    pub activities: usize,
    pub assessments: usize,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct Coverage {
    pub modules_with_assessment: usize,
    /// `modules_with_assessment` over all modules.
    pub module_share: f64,
    /// Course objectives addressed by at least one module that has an assessment.
    pub course_objectives_assessed: usize,
    /// `course_objectives_assessed` over all course objectives.
    pub course_objective_share: f64,
}

pub fn kpis(blueprint: &Blueprint) -> Kpis {
    kpis_with(blueprint, &Topics::of(blueprint))
}

/// A version's KPIs and review, its texts read once for both (what is saved with each version).
pub fn with_review(blueprint: &Blueprint, answers: Option<&StaticAnswers>) -> (Kpis, QualityReview) {
    let topics = Topics::of(blueprint);
    (kpis_with(blueprint, &topics), quality::review_with(blueprint, answers, &topics))
}

/// [`kpis`] with the blueprint's [`Topics`] read already.
pub fn kpis_with(blueprint: &Blueprint, topics: &Topics) -> Kpis {
    Kpis {
        course_objectives: blueprint.learning_objectives.len(),
        module_count: blueprint.modules.len(),
        total_minutes: blueprint.total_minutes(),
        modules: blueprint.modules.iter().map(module_kpis).collect(),
        assessment_coverage: coverage(blueprint, topics),
        activities_per_module: share(blueprint.modules.iter().map(|module| module.activities.len()).sum(), blueprint.modules.len()),
    }
}

fn module_kpis(module: &Module) -> ModuleKpis {
    ModuleKpis {
        title: module.title.clone(),
        minutes: module.duration_minutes,
        objectives: module.objectives.len(),
        activities: module.activities.len(),
        assessments: module.assessments.len(),
    }
}

fn coverage(blueprint: &Blueprint, topics: &Topics) -> Coverage {
    let assessed_modules: Vec<usize> = blueprint.modules.iter().enumerate().filter(|(_, module)| !module.assessments.is_empty()).map(|(index, _)| index).collect();
    // An objective counts as assessed when some module teaching it checks its learners; which
    // assessment checks which module objective is the quality review's concern.
    let course_objectives_assessed = (0..blueprint.learning_objectives.len()).filter(|objective| assessed_modules.iter().any(|module| topics.module_addresses(*module, *objective))).count();
    Coverage {
        modules_with_assessment: assessed_modules.len(),
        module_share: share(assessed_modules.len(), blueprint.modules.len()),
        course_objectives_assessed,
        course_objective_share: share(course_objectives_assessed, blueprint.learning_objectives.len()),
    }
}

/// `part / whole` to two decimals; 0 when `whole` is 0 rather than a NaN in the JSON.
fn share(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    two_decimals(part as f64 / whole as f64)
}

/// Rounded to two decimals so the numbers read the same in every client.
pub(crate) fn two_decimals(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{module, strings};



    /// Three modules, the last without an assessment; the third course objective is taught
    /// only there, so 2 of 3 course objectives are assessed.
    fn blueprint() -> Blueprint {
        Blueprint {
            title: "Pricing for sales reps".into(),
            overview: "A short course on pricing and quoting.".into(),
            learning_objectives: strings(&["Explain the pricing tiers", "Calculate a multi-year quote", "Plan renewal conversations"]),
            modules: vec![
                module("Pricing tiers", 120, &["Describe each tier", "Compare tiers"], &["Explainer", "Exercise"], &["Quiz on the tiers"]),
                module("Quotes", 240, &["Calculate a quote"], &["Role-play", "Forum"], &["Graded quote", "Peer review"]),
                module("Wrap-up", 30, &["Plan next steps for renewal deals"], &["Reflection"], &[]),
            ],
            timeline: None,
            resources: None,
        }
    }

    #[test]
    fn counts_durations_and_coverage() {
        let kpis = kpis(&blueprint());
        assert_eq!(kpis.course_objectives, 3);
        assert_eq!(kpis.module_count, 3);
        assert_eq!(kpis.total_minutes, 390);
        assert_eq!(kpis.modules[0], ModuleKpis { title: "Pricing tiers".into(), minutes: 120, objectives: 2, activities: 2, assessments: 1 });
        assert_eq!(kpis.modules[2], ModuleKpis { title: "Wrap-up".into(), minutes: 30, objectives: 1, activities: 1, assessments: 0 });
        assert_eq!(kpis.assessment_coverage, Coverage { modules_with_assessment: 2, module_share: 0.67, course_objectives_assessed: 2, course_objective_share: 0.67 });
        assert_eq!(kpis.activities_per_module, 1.67);
    }

    #[test]
    fn full_coverage_once_the_last_module_is_assessed() {
        let mut assessed = blueprint();
        assessed.modules[2].assessments.push("Renewal plan reviewed by a manager".into());
        let coverage = kpis(&assessed).assessment_coverage;
        assert_eq!(coverage, Coverage { modules_with_assessment: 3, module_share: 1.0, course_objectives_assessed: 3, course_objective_share: 1.0 });
    }

    #[test]
    fn an_empty_blueprint_has_zero_shares_not_nan() {
        let empty = Blueprint { title: "Empty".into(), overview: String::new(), learning_objectives: vec![], modules: vec![], timeline: None, resources: None };
        let kpis = kpis(&empty);
        assert_eq!(kpis.total_minutes, 0);
        assert_eq!(kpis.activities_per_module, 0.0);
        assert_eq!(kpis.assessment_coverage, Coverage { modules_with_assessment: 0, module_share: 0.0, course_objectives_assessed: 0, course_objective_share: 0.0 });
    }

    #[test]
    fn serialises_in_camel_case() {
        let value = serde_json::to_value(kpis(&blueprint())).unwrap();
        assert_eq!(value["courseObjectives"], 3);
        assert_eq!(value["totalMinutes"], 390);
        assert_eq!(value["activitiesPerModule"], 1.67);
        assert_eq!(value["assessmentCoverage"]["courseObjectiveShare"], 0.67);
        assert_eq!(value["assessmentCoverage"]["modulesWithAssessment"], 2);
        assert_eq!(value["modules"][1]["minutes"], 240);
        let back: Kpis = serde_json::from_value(value).unwrap();
        assert_eq!(back, kpis(&blueprint()));
    }
}
