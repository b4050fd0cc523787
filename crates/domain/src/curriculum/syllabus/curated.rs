//! The curated syllabus: built from the blueprint alone, deterministically, when no model is
//! usable. It passes `validate_syllabus` against its blueprint by construction (a property
//! test holds it to that): one lesson per module objective, merged into fewer lessons when
//! there would be more than `MAX_LESSONS` or a lesson would get under `MIN_LESSON_MINUTES`.
//!
//! A module shorter than `MIN_LESSON_MINUTES` (the blueprint allows a single minute) gets one
//! lesson holding all its minutes and teaching all its objectives; the validator's floor there
//! is `MIN_SHORT_LESSON_MINUTES`.

use super::{lesson_id, module_id, Level, Syllabus, SyllabusLesson, SyllabusModule, MAX_ITEM_CHARS, MAX_LESSONS, MAX_LIST_ITEMS, MIN_LESSON_MINUTES};
use crate::blueprint::document::{Blueprint, Module};
use crate::blueprint::quality::bloom_level;
use crate::platform::text::{model_text, shorten};

/// Characters of a lesson title drawn from an objective: a title, not the whole sentence.
const LESSON_TITLE_CHARS: usize = 80;

/// The syllabus of `blueprint` without a model: its title, level `intermediate` (a blueprint
/// states no level), no prerequisites (nor does it state any), and per module the lessons
/// above with minutes shared evenly (the remainder to the first lessons), titled after their
/// first objective, at the Bloom level of their objectives, and the module's assessments as its
/// hooks (or one `Quiz: <module title>` when it has none).
pub fn curated_syllabus(blueprint: &Blueprint) -> Syllabus {
    Syllabus {
        title: blueprint.title.clone(),
        level: Level::Intermediate,
        prerequisites: Vec::new(),
        modules: blueprint.modules.iter().enumerate().map(|(index, module)| curated_module(index, module)).collect(),
    }
}

fn curated_module(index: usize, module: &Module) -> SyllabusModule {
    // A blueprint may repeat an objective (in another case): it is taught once.
    let mut objectives: Vec<&String> = Vec::new();
    for objective in &module.objectives {
        if !objectives.iter().any(|kept| same(kept, objective)) {
            objectives.push(objective);
        }
    }
    let count = lesson_count(objectives.len(), module.duration_minutes);
    let groups = split_evenly(objectives.len() as u64, count);
    let minutes = split_evenly(u64::from(module.duration_minutes), count);
    let mut lessons: Vec<SyllabusLesson> = Vec::new();
    let mut taken = 0;
    for (lesson_index, (size, minutes)) in groups.into_iter().zip(minutes).enumerate() {
        let size = usize::try_from(size).unwrap_or(0);
        let taught: Vec<String> = objectives[taken..taken + size].iter().map(|objective| (*objective).clone()).collect();
        taken += size;
        let title = unique_title(&lessons, taught.first().map_or(module.title.as_str(), String::as_str));
        lessons.push(SyllabusLesson {
            id: lesson_id(index, lesson_index),
            title,
            level: lesson_level(&taught),
            objectives: taught,
            minutes: u32::try_from(minutes).unwrap_or(u32::MAX),
        });
    }
    let mut hooks: Vec<String> = module.assessments.iter().take(MAX_LIST_ITEMS).cloned().collect();
    if hooks.is_empty() {
        hooks.push(shorten(&format!("Quiz: {}", module.title), MAX_ITEM_CHARS));
    }
    SyllabusModule {
        id: module_id(index),
        title: module.title.clone(),
        duration_minutes: module.duration_minutes,
        objectives: module.objectives.clone(),
        lessons,
        assessment_hooks: hooks,
    }
}

/// One lesson per objective, but no more than `MAX_LESSONS` and no more than the minutes allow
/// at `MIN_LESSON_MINUTES` each; always one.
fn lesson_count(objectives: usize, minutes: u32) -> u64 {
    let fit = u64::from(minutes / MIN_LESSON_MINUTES);
    (objectives as u64).min(MAX_LESSONS as u64).min(fit).max(1)
}

/// `total` in `parts` whole shares as even as can be, the remainder one each to the first.
fn split_evenly(total: u64, parts: u64) -> Vec<u64> {
    let parts = parts.max(1);
    (0..parts).map(|part| total / parts + u64::from(part < total % parts)).collect()
}

/// A title from an objective: shortened, capitalised, without a closing full stop, and
/// numbered when an earlier lesson of the module already has it.
fn unique_title(earlier: &[SyllabusLesson], objective: &str) -> String {
    let cleaned = model_text(objective);
    let cut = shorten(cleaned.trim_end_matches('.'), LESSON_TITLE_CHARS);
    let mut chars = cut.chars();
    let base = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect::<String>(),
        None => "Lesson".to_string(),
    };
    let mut title = base.clone();
    let mut number = 2;
    while earlier.iter().any(|lesson| same(&lesson.title, &title)) {
        title = format!("{base} ({number})");
        number += 1;
    }
    title
}

/// The highest Bloom level of the objectives' verbs: remembering and understanding are a
/// beginner's, applying and analysing intermediate, evaluating and creating advanced; no
/// measurable verb says nothing, so intermediate.
fn lesson_level(objectives: &[String]) -> Level {
    let levels = objectives.iter().filter_map(|objective| bloom_level(objective)).map(|level| match level {
        "remember" | "understand" => Level::Beginner,
        "evaluate" | "create" => Level::Advanced,
        _ => Level::Intermediate,
    });
    let rank = |level: &Level| Level::ALL.iter().position(|known| known == level).unwrap_or(1);
    levels.max_by_key(rank).unwrap_or(Level::Intermediate)
}

fn same(a: &str, b: &str) -> bool {
    model_text(a).to_lowercase() == model_text(b).to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blueprint::document::{validate_blueprint, MAX_BLUEPRINT_CHARS, MAX_MODULES, MAX_MODULE_MINUTES};
    use crate::curriculum::syllabus::{validate_syllabus, MAX_SYLLABUS_CHARS};
    use crate::testing::{module, sales_onboarding};
    use proptest::prelude::*;

    fn blueprint_of(modules: Vec<Module>) -> Blueprint {
        Blueprint { title: "A course".into(), overview: "Ten chars!".into(), learning_objectives: vec!["Explain it".into()], modules, timeline: None, resources: None }
    }

    #[test]
    fn one_lesson_per_objective_with_the_minutes_shared_evenly() {
        let blueprint = blueprint_of(vec![module("Pricing", 62, &["Explain the tiers.", "apply the discount rules", "Evaluate a deal"], &[], &["Quiz on tiers"])]);
        let syllabus = curated_syllabus(&blueprint);
        let lessons = &syllabus.modules[0].lessons;
        assert_eq!(lessons.iter().map(|l| l.minutes).collect::<Vec<_>>(), [21, 21, 20]);
        assert_eq!(lessons.iter().map(|l| l.title.as_str()).collect::<Vec<_>>(), ["Explain the tiers", "Apply the discount rules", "Evaluate a deal"]);
        assert_eq!(lessons.iter().map(|l| l.level).collect::<Vec<_>>(), [Level::Beginner, Level::Intermediate, Level::Advanced]);
        assert_eq!(lessons.iter().map(|l| l.id.as_str()).collect::<Vec<_>>(), ["m1.l1", "m1.l2", "m1.l3"]);
        assert_eq!(syllabus.modules[0].assessment_hooks, ["Quiz on tiers"]);
        assert_eq!(syllabus.level, Level::Intermediate);
        assert!(syllabus.prerequisites.is_empty());
        assert_eq!(validate_syllabus(&serde_json::to_value(&syllabus).unwrap(), &blueprint).unwrap(), syllabus);
    }

    #[test]
    fn objectives_are_merged_when_minutes_or_the_lesson_cap_run_out() {
        let objectives: Vec<String> = (1..=20).map(|i| format!("Explain topic {i}")).collect();
        let refs: Vec<&str> = objectives.iter().map(String::as_str).collect();
        let short = curated_syllabus(&blueprint_of(vec![module("Short", 12, &refs[..3], &[], &[])]));
        assert_eq!(short.modules[0].lessons.iter().map(|l| (l.objectives.len(), l.minutes)).collect::<Vec<_>>(), [(2, 6), (1, 6)], "two lessons of at least 5 minutes");
        let long = curated_syllabus(&blueprint_of(vec![module("Long", 600, &refs, &[], &[])]));
        assert_eq!(long.modules[0].lessons.len(), MAX_LESSONS);
        assert_eq!(long.modules[0].lessons.iter().map(|l| l.objectives.len()).sum::<usize>(), 20);
        let tiny = curated_syllabus(&blueprint_of(vec![module("Tiny", 3, &refs[..4], &[], &[])]));
        assert_eq!(tiny.modules[0].lessons.len(), 1, "a module under 5 minutes is one lesson");
        assert_eq!(tiny.modules[0].lessons[0].minutes, 3);
        assert_eq!(tiny.modules[0].assessment_hooks, ["Quiz: Tiny"]);
    }

    #[test]
    fn repeated_objectives_are_taught_once_and_titles_stay_unique() {
        let long_a = format!("Explain {}", "a".repeat(100));
        let long_b = format!("Explain {}b", "a".repeat(100));
        let blueprint = blueprint_of(vec![module("Twice", 60, &["Explain tiers", "explain TIERS ", &long_a, &long_b], &[], &[])]);
        let syllabus = curated_syllabus(&blueprint);
        let titles: Vec<&str> = syllabus.modules[0].lessons.iter().map(|l| l.title.as_str()).collect();
        assert_eq!(titles.len(), 3);
        assert!(titles[2].ends_with(" (2)"), "{titles:?}");
        assert!(validate_syllabus(&serde_json::to_value(&syllabus).unwrap(), &blueprint).is_ok());
    }

    #[test]
    fn the_largest_blueprint_fits_the_syllabus_total() {
        // Every module full of objectives at the item cap, up to the blueprint's total.
        let per_module = MAX_BLUEPRINT_CHARS / MAX_MODULES;
        let modules: Vec<Module> = (0..MAX_MODULES)
            .map(|i| {
                let objectives: Vec<String> = (0..per_module / 250).map(|k| format!("Explain {i}-{k} {}", "x".repeat(240))).collect();
                Module { title: format!("Module {i}"), duration_minutes: 600, objectives, activities: vec![], assessments: vec![] }
            })
            .collect();
        let blueprint = validate_blueprint(&serde_json::to_value(blueprint_of(modules)).unwrap()).unwrap();
        let syllabus = curated_syllabus(&blueprint);
        assert!(super::super::validate::text_chars(&syllabus) < MAX_SYLLABUS_CHARS);
        assert!(validate_syllabus(&serde_json::to_value(&syllabus).unwrap(), &blueprint).is_ok());
    }

    fn objective() -> impl Strategy<Value = String> {
        prop_oneof![
            proptest::sample::select(vec!["Explain the tiers", "explain the tiers", "Create a plan", "Know things", "List the steps.", "x"]).prop_map(str::to_string),
            "[A-Za-z][a-z ]{0,30}",
            "[a-z]{1,3}".prop_map(|word| format!("Explain {}", word.repeat(100))),
        ]
    }

    fn any_module() -> impl Strategy<Value = Module> {
        let minutes = prop_oneof![1u32..=4, 5u32..=9, 10u32..=200, Just(MAX_MODULE_MINUTES)];
        (minutes, proptest::collection::vec(objective(), 1..=MAX_LIST_ITEMS), proptest::collection::vec(objective(), 0..3), "[A-Za-z ]{1,40}").prop_map(|(minutes, objectives, assessments, title)| Module {
            title: format!("M {title}"),
            duration_minutes: minutes,
            objectives,
            activities: vec![],
            assessments,
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { failure_persistence: None, cases: 200, ..ProptestConfig::default() })]

        /// Whatever the blueprint, its curated syllabus is valid for it, and passes the schema
        /// written for that blueprint.
        #[test]
        fn the_curated_syllabus_is_always_valid(modules in proptest::collection::vec(any_module(), 1..6)) {
            // The blueprint as validated (so its text is as stored).
            let blueprint = validate_blueprint(&serde_json::to_value(blueprint_of(modules)).unwrap()).unwrap();
            let syllabus = curated_syllabus(&blueprint);
            let value = serde_json::to_value(&syllabus).unwrap();
            prop_assert_eq!(validate_syllabus(&value, &blueprint), Ok(syllabus.clone()));
            prop_assert_eq!(crate::llm::schema::check(&crate::curriculum::syllabus::syllabus_json_schema_for(&blueprint), &value), Ok(()));
            prop_assert_eq!(crate::llm::schema::check(&crate::curriculum::syllabus::syllabus_json_schema(), &value), Ok(()));
            prop_assert_eq!(curated_syllabus(&blueprint), syllabus, "deterministic");
        }
    }

    #[test]
    fn the_sales_onboarding_syllabus() {
        let syllabus = curated_syllabus(&sales_onboarding());
        assert_eq!(syllabus.title, "Sales onboarding");
        assert_eq!(syllabus.modules[1].assessment_hooks, ["Quiz: Quoting"]);
        assert_eq!(syllabus.modules[1].lessons[0].minutes, 60);
    }
}
