//! The curated item of each kind, built from the slot alone when no model answers: deterministic
//! and valid by construction (its own validator accepts it, whatever the slot holds). The
//! lesson copies the slot's objectives and minutes and the project applies the module's
//! lessons, so both pass the quality gate for a well-formed slot (objectives given, 5 to 480
//! minutes, two lessons or more in the module). The quiz is a placeholder: without a model
//! there is no subject knowledge to write distractors from, so it only asks which option is one
//! of the lesson's objectives, against generic distractors. Whether it passes the gate depends
//! on the objectives' wording (a long objective is a long key); either way its key is
//! unverified, and a curated quiz is meant to be stored for a reviewer to replace.

use super::fields::{MAX_ITEM_CHARS, MAX_TITLE_CHARS};
use super::lesson::{
    Concept, Lesson, LessonExplanation, LessonMetadata, Level, Practice, MAX_CONCEPTS, MAX_CONCEPT_EXPLANATION_CHARS, MAX_KEY_TAKEAWAYS, MAX_LESSON_MINUTES, MAX_OBJECTIVES, MAX_OVERVIEW_CHARS,
    MAX_PRACTICE_CHARS, MAX_PREREQUISITES, MIN_LESSON_MINUTES, MIN_LESSON_TITLE_CHARS,
};
use super::project::{Project, RubricCriterion, MAX_APPLIED_LESSONS, MAX_SLOT_ID_CHARS};
use super::quiz::{Quiz, QuizQuestion, MAX_OPTION_CHARS, MAX_STEM_CHARS, MIN_QUESTIONS, OPTIONS_PER_QUESTION};
use super::{ContentDocument, ContentKind, SlotContext};
use crate::platform::text::{model_text, shorten};

/// Characters of the slot's title or an objective quoted inside a longer sentence, so the
/// sentence stays within its cap.
const QUOTE_CHARS: usize = 150;

/// The curated item of `kind` for `slot`.
pub fn curated_content(kind: ContentKind, slot: &SlotContext) -> ContentDocument {
    match kind {
        ContentKind::Lesson => ContentDocument::Lesson(curated_lesson(slot)),
        ContentKind::Quiz => ContentDocument::Quiz(curated_quiz(slot)),
        ContentKind::Project => ContentDocument::Project(curated_project(slot)),
    }
}

/// The slot's text as the validator would keep it: cleaned and within `max_chars`.
fn fit(text: &str, max_chars: usize) -> String {
    shorten(&model_text(text), max_chars)
}

/// The slot's title, or a stand-in when it has none.
fn title(slot: &SlotContext) -> String {
    Some(fit(&slot.title, QUOTE_CHARS)).filter(|title| !title.is_empty()).unwrap_or_else(|| "this lesson".to_string())
}

/// The slot's objectives as a lesson keeps them (cleaned, non-blank, within the caps), or one
/// stand-in objective when the slot states none.
fn objectives(slot: &SlotContext) -> Vec<String> {
    let stated: Vec<String> = slot.objectives.iter().map(|objective| fit(objective, MAX_ITEM_CHARS)).filter(|objective| !objective.is_empty()).take(MAX_OBJECTIVES).collect();
    if stated.is_empty() { vec![format!("Explain the key ideas of {}", title(slot))] } else { stated }
}

fn curated_lesson(slot: &SlotContext) -> Lesson {
    let title = title(slot);
    let objectives = objectives(slot);
    let lesson_title = if title.chars().count() >= MIN_LESSON_TITLE_CHARS { title.clone() } else { format!("Lesson: {title}") };
    let module = Some(fit(&slot.module_title, QUOTE_CHARS)).filter(|module| !module.is_empty()).unwrap_or_else(|| "this course".to_string());
    let overview = format!(
        "This lesson of \"{module}\" covers {title}. It explains each idea in turn, works through an example with the group and ends with a practice task. \
By its end, learners can: {}.",
        objectives.iter().map(|objective| shorten(objective, QUOTE_CHARS)).collect::<Vec<_>>().join("; ")
    );
    let concepts = objectives
        .iter()
        .take(MAX_CONCEPTS)
        .map(|objective| Concept {
            title: shorten(objective, MAX_TITLE_CHARS),
            explanation: shorten(
                &format!("This part works towards the objective \"{objective}\": the facilitator introduces the idea, shows it at work on an example and checks understanding with questions."),
                MAX_CONCEPT_EXPLANATION_CHARS,
            ),
            example: None,
        })
        .collect();
    let mut key_takeaways: Vec<String> = objectives.iter().take(MAX_KEY_TAKEAWAYS - 1).cloned().collect();
    key_takeaways.push("Practise each idea on a realistic task before moving on.".to_string());
    let earlier_lessons: Vec<String> = slot
        .module_lessons
        .iter()
        .take_while(|lesson| lesson.slot_id != slot.slot_id)
        .map(|lesson| fit(&lesson.title, MAX_ITEM_CHARS))
        .filter(|title| !title.is_empty())
        .take(MAX_PREREQUISITES)
        .collect();
    Lesson {
        title: lesson_title,
        duration_minutes: slot.minutes.clamp(MIN_LESSON_MINUTES, MAX_LESSON_MINUTES),
        explanation: LessonExplanation { overview: shorten(&overview, MAX_OVERVIEW_CHARS), concepts },
        key_takeaways,
        practice: Practice {
            prompt: shorten(&format!("Complete a short task that puts {title} to work, then explain each step: {}.", shorten(&objectives[0], QUOTE_CHARS)), MAX_PRACTICE_CHARS),
            expected_outcome: "A worked answer that meets each objective of the lesson, with one sentence explaining every step.".to_string(),
        },
        metadata: LessonMetadata { level: Level::parse(&slot.level).unwrap_or(Level::Intermediate), prerequisites: Some(earlier_lessons).filter(|earlier| !earlier.is_empty()) },
        objectives,
    }
}

/// Generic wrong answers to "which of these is an objective of …": plain, and plainly not it.
const PLACEHOLDER_DISTRACTORS: [&str; 3] = ["Memorise the slide titles", "Skip the practice task", "Read ahead to the next module"];

/// One question per objective (cycled to reach `MIN_QUESTIONS`), the key moving through the
/// four positions so no position is favoured.
fn curated_quiz(slot: &SlotContext) -> Quiz {
    let title = title(slot);
    let objectives = objectives(slot);
    let count = objectives.len().max(MIN_QUESTIONS);
    let questions = (0..count)
        .map(|number| {
            let key = shorten(&objectives[number % objectives.len()], MAX_OPTION_CHARS);
            let position = number % OPTIONS_PER_QUESTION;
            let mut options: Vec<String> = PLACEHOLDER_DISTRACTORS.iter().map(|text| text.to_string()).collect();
            options.insert(position, key);
            QuizQuestion {
                question: shorten(&format!("Question {}: which of these is an objective of the lesson \"{title}\"?", number + 1), MAX_STEM_CHARS),
                options,
                correct_index: u8::try_from(position).unwrap_or(0),
                explanation: format!("It is one of the objectives the lesson \"{title}\" states; the other options are not."),
            }
        })
        .collect();
    Quiz { questions }
}

fn curated_project(slot: &SlotContext) -> Project {
    let module = Some(fit(&slot.module_title, QUOTE_CHARS)).filter(|module| !module.is_empty()).unwrap_or_else(|| title(slot));
    let mut applies_lessons: Vec<String> = Vec::new();
    for lesson in &slot.module_lessons {
        let id = model_text(&lesson.slot_id);
        if !id.is_empty() && id.chars().count() <= MAX_SLOT_ID_CHARS && !applies_lessons.contains(&id) && applies_lessons.len() < MAX_APPLIED_LESSONS {
            applies_lessons.push(id);
        }
    }
    let lessons: Vec<String> = slot.module_lessons.iter().map(|lesson| fit(&lesson.title, 60)).filter(|title| !title.is_empty()).take(5).collect();
    let uses = if lessons.is_empty() { "the module's lessons".to_string() } else { format!("what the lessons taught ({})", lessons.join("; ")) };
    let mut constraints = vec!["Use only the techniques covered in the module's lessons".to_string()];
    if slot.minutes > 0 {
        constraints.push(format!("Fit the work within {} minutes", slot.minutes));
    }
    Project {
        title: shorten(&format!("Project: {module}"), MAX_TITLE_CHARS),
        problem_statement: format!(
            "Apply \"{module}\" to a realistic case: plan, carry out and present a piece of work that uses {uses}. \
Choose a case from your own context, or one your facilitator provides."
        ),
        constraints,
        deliverables: vec!["The finished piece of work".to_string(), "A short note saying which lesson each part applies, and why".to_string()],
        rubric: vec![
            RubricCriterion { criterion: "Application of the lessons".into(), description: "Each part of the work correctly uses a technique from a named lesson.".into(), points: 40 },
            RubricCriterion { criterion: "Quality of the result".into(), description: "The work solves the stated case within its constraints.".into(), points: 40 },
            RubricCriterion { criterion: "Explanation".into(), description: "The note justifies each choice in the learner's own words.".into(), points: 20 },
        ],
        applies_lessons,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::curriculum::content::quality::review_content;
    use crate::curriculum::content::tests::testing_slot;
    use crate::curriculum::content::{validate_content, ModuleLesson};
    use proptest::prelude::*;

    fn valid(document: &ContentDocument) -> bool {
        validate_content(document.kind(), &document.to_value()).as_ref() == Ok(document)
    }

    #[test]
    fn curated_items_are_valid_and_deterministic() {
        for kind in ContentKind::ALL {
            let document = curated_content(kind, &testing_slot());
            assert!(valid(&document), "{kind:?}: {:?}", validate_content(kind, &document.to_value()).err());
            assert_eq!(curated_content(kind, &testing_slot()), document);
        }
    }

    #[test]
    fn the_curated_lesson_and_project_pass_the_gate() {
        for kind in [ContentKind::Lesson, ContentKind::Project] {
            let findings = review_content(&curated_content(kind, &testing_slot()), &testing_slot());
            assert_eq!(findings, [], "{kind:?}");
        }
        let ContentDocument::Lesson(lesson) = curated_content(ContentKind::Lesson, &testing_slot()) else { unreachable!() };
        assert_eq!(lesson.objectives, testing_slot().objectives);
        assert_eq!(lesson.duration_minutes, 45);
        assert_eq!(lesson.metadata.level, Level::Beginner);
        assert_eq!(lesson.metadata.prerequisites, Some(vec!["Stack and heap".to_string()]));
        let ContentDocument::Project(project) = curated_content(ContentKind::Project, &testing_slot()) else { unreachable!() };
        assert_eq!(project.applies_lessons, ["m1.l1", "m1.l2", "m1.l3"]);
    }

    #[test]
    fn the_curated_quiz_is_a_placeholder_for_review() {
        let document = curated_content(ContentKind::Quiz, &testing_slot());
        let ContentDocument::Quiz(quiz) = &document else { unreachable!() };
        assert_eq!(quiz.questions.len(), MIN_QUESTIONS);
        assert_eq!(quiz.questions.iter().map(|question| question.correct_index).collect::<Vec<_>>(), [0, 1, 2]);
        assert_eq!(quiz.questions[1].key(), "Apply borrowing rules to fix a compile error");
        let findings = review_content(&document, &testing_slot());
        assert!(findings.iter().any(|finding| finding.check == crate::curriculum::content::answer_key::ANSWER_KEY_UNVERIFIED), "{findings:?}");
        assert!(findings.iter().any(|finding| finding.check == crate::curriculum::content::quiz_flaws::KEY_LONGEST_OPTION), "{findings:?}");
    }

    #[test]
    fn an_empty_slot_still_gets_valid_items() {
        let empty = SlotContext { module_lessons: vec![ModuleLesson::default()], ..SlotContext::default() };
        for kind in ContentKind::ALL {
            assert!(valid(&curated_content(kind, &empty)), "{kind:?}");
        }
    }

    fn slot_strategy() -> impl Strategy<Value = SlotContext> {
        let text = "[ a-zA-Z0-9.é\u{200B}\n]{0,300}";
        (text, proptest::collection::vec(text, 0..14), any::<u32>(), text, text, proptest::collection::vec(("[ a-z0-9.]{0,50}", text), 0..25)).prop_map(
            |(title, objectives, minutes, level, module_title, lessons)| SlotContext {
                slot_id: "m1.l2".into(),
                title,
                objectives,
                minutes,
                level,
                module_title,
                module_lessons: lessons.into_iter().map(|(slot_id, title)| ModuleLesson { slot_id, title }).collect(),
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig { failure_persistence: None, cases: 64, ..ProptestConfig::default() })]

        #[test]
        fn curated_items_pass_their_validator_and_are_reviewed_whatever_the_slot(slot in slot_strategy()) {
            for kind in ContentKind::ALL {
                let document = curated_content(kind, &slot);
                prop_assert!(valid(&document), "{:?}: {:?}", kind, validate_content(kind, &document.to_value()).err());
                let _ = review_content(&document, &slot);
            }
        }
    }
}
