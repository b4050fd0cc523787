//! The curated blueprint built from the user's own answers, used when no model produced a
//! usable one: it shares out the time the user stated and is valid by construction.

use super::document::{Blueprint, Module, MAX_ITEM_CHARS, MAX_MODULE_MINUTES, MAX_OVERVIEW_CHARS, MAX_TIMELINE_CHARS};
use super::duration::format_duration;
use crate::blueprint::static_answers::{Modality, StaticAnswers};
use crate::platform::text::shorten;

/// Each module's length when the stated time cannot be read as hours or minutes.
pub const DEFAULT_MODULE_MINUTES: u32 = 60;
/// One module per goal, up to this many, between the introduction and the wrap-up.
pub const MAX_FALLBACK_TOPICS: usize = 6;
/// How much of one answer (the audience, a goal) the fallback quotes, and of the context: the
/// answers may be longer than a title or a list item may be, and the fallback must stay valid.
const FALLBACK_QUOTE_CHARS: usize = 200;
const FALLBACK_CONTEXT_CHARS: usize = 1_000;

// ---------------------------------------------------------------------------------------------
// Curated fallback

/// How a module is weighed when the stated time is shared out: topics get twice the time of
/// the introduction and the wrap-up.
const INTRO_WEIGHT: u32 = 1;
const TOPIC_WEIGHT: u32 = 2;
const WRAP_UP_WEIGHT: u32 = 1;

/// Wording of activities and resources for one delivery modality.
struct Delivery {
    phrase: &'static str,
    intro: [&'static str; 2],
    topic: [&'static str; 3],
    wrap_up: [&'static str; 2],
    setting: &'static str,
}

/// Online courses mention no room and no in-person session; in-person ones no online tool.
fn delivery(modality: Option<Modality>) -> Delivery {
    match modality {
        Some(Modality::Online) => Delivery {
            phrase: "online ",
            intro: ["Live video welcome session and introductions", "Self-paced pre-course questionnaire"],
            topic: ["Short recorded explainer with worked examples", "Live online practice in breakout groups", "Discussion in the course forum"],
            wrap_up: ["Case study completed online, individually", "Live video debrief and questions"],
            setting: "Video-conferencing tool, course forum and a shared online whiteboard",
        },
        Some(Modality::InPerson) => Delivery {
            phrase: "in-person ",
            intro: ["Welcome session and introductions", "Paper pre-course questionnaire"],
            topic: ["Facilitator-led demonstration with worked examples", "Hands-on practice in small groups", "Group discussion and debrief"],
            wrap_up: ["Case study worked through in small groups", "Whole-group debrief and questions"],
            setting: "A room with space for small-group work, flip charts and printed handouts",
        },
        Some(Modality::Blended) => Delivery {
            phrase: "blended ",
            intro: ["Self-paced online orientation before the first session", "In-person welcome session and introductions"],
            topic: ["Self-paced online explainer with worked examples", "In-person hands-on practice in small groups", "Online discussion to share results"],
            wrap_up: ["Case study prepared online", "In-person debrief and questions"],
            setting: "A learning platform for the online parts and a room for the in-person sessions",
        },
        None => Delivery {
            phrase: "",
            intro: ["Welcome session and introductions", "Pre-course questionnaire"],
            topic: ["Facilitator-led explanation with worked examples", "Hands-on practice in small groups", "Group discussion and debrief"],
            wrap_up: ["Case study worked through individually or in groups", "Debrief and questions"],
            setting: "Slides and handouts for each session",
        },
    }
}

/// A curated blueprint built from the user's own answers, used when no model produced a usable
/// one: an introduction, one module per goal (up to `MAX_FALLBACK_TOPICS`), and a wrap-up with
/// the final assessment. The stated time is shared out when it reads as hours or minutes;
/// otherwise each module gets `DEFAULT_MODULE_MINUTES`. Deterministic, and already valid.
pub fn fallback_blueprint(answers: &StaticAnswers) -> Blueprint {
    let audience = Some(answers.audience.trim()).filter(|a| !a.is_empty()).map(|a| shorten(a, FALLBACK_QUOTE_CHARS)).unwrap_or_else(|| "the learners".to_string());
    let audience = audience.as_str();
    let goals = distinct_goals(&answers.goals);
    let delivery = delivery(answers.constraints.modality);

    let mut modules = vec![intro_module(&delivery)];
    if goals.is_empty() {
        modules.push(topic_module("Core concepts and practice", "the core concepts of the course", &delivery));
    }
    modules.extend(goals.iter().map(|goal| topic_module(&shorten(goal, 120), &format!("\"{goal}\""), &delivery)));
    modules.push(wrap_up_module(&delivery));
    // The rubric's own reading of the time, so the draft fits the budget it is judged by.
    let budget = match crate::blueprint::quality::parse_time_budget(&answers.constraints.time) {
        crate::blueprint::quality::TimeBudget::Minutes(minutes) => Some(minutes),
        crate::blueprint::quality::TimeBudget::Unknown(_) => None,
    };
    share_out_time(&mut modules, budget);

    Blueprint {
        title: fallback_title(audience, &goals),
        // The caps hold whatever the answers are (they are validated, but this must never fail).
        overview: shorten(&fallback_overview(answers, audience, &goals, &delivery, modules.len()), MAX_OVERVIEW_CHARS),
        learning_objectives: course_objectives(&goals),
        timeline: Some(shorten(&fallback_timeline(&answers.constraints.time, &modules), MAX_TIMELINE_CHARS)),
        resources: Some(fallback_resources(&delivery, &answers.languages).iter().map(|resource| shorten(resource, MAX_ITEM_CHARS)).collect()),
        modules,
    }
}

/// Trimmed goals (shortened to `FALLBACK_QUOTE_CHARS`) without blanks or case-only repeats,
/// at most `MAX_FALLBACK_TOPICS`.
fn distinct_goals(raw: &[String]) -> Vec<String> {
    let mut goals: Vec<String> = Vec::new();
    for goal in raw.iter().map(|g| shorten(g, FALLBACK_QUOTE_CHARS)).filter(|g| !g.is_empty()) {
        if goals.len() == MAX_FALLBACK_TOPICS {
            break;
        }
        if !goals.iter().any(|kept| kept.to_lowercase() == goal.to_lowercase()) {
            goals.push(goal);
        }
    }
    goals
}

fn fallback_title(audience: &str, goals: &[String]) -> String {
    match goals.first() {
        Some(goal) => format!("{}: a course for {}", shorten(goal, 80), shorten(audience, 80)),
        None => format!("A course for {}", shorten(audience, 80)),
    }
}

fn fallback_overview(answers: &StaticAnswers, audience: &str, goals: &[String], delivery: &Delivery, module_count: usize) -> String {
    let mut sentences = vec![format!("A {module_count}-module {}course for {audience}.", delivery.phrase)];
    if !goals.is_empty() {
        sentences.push(format!("It is built around {}: {}.", plural(goals.len(), "goal"), goals.join("; ")));
    }
    if let Some(time) = Some(answers.constraints.time.trim()).filter(|t| !t.is_empty()) {
        sentences.push(format!("Time available: {time}."));
    }
    if let Some(context) = Some(shorten(&answers.context, FALLBACK_CONTEXT_CHARS)).filter(|c| !c.is_empty()) {
        let stop = if context.ends_with(['.', '!', '?']) { "" } else { "." };
        sentences.push(format!("Context: {context}{stop}"));
    }
    sentences.join(" ")
}

fn course_objectives(goals: &[String]) -> Vec<String> {
    if goals.is_empty() {
        return vec!["Explain the core concepts of the course in their own words".to_string(), "Apply the core concepts in a realistic task".to_string()];
    }
    goals.iter().map(|goal| format!("Demonstrate progress on \"{goal}\" in a realistic task")).collect()
}

fn intro_module(delivery: &Delivery) -> Module {
    Module {
        title: "Introduction and orientation".to_string(),
        duration_minutes: INTRO_WEIGHT,
        objectives: strings(&["Describe the course goals and how progress will be assessed", "Identify their current knowledge and the gaps to close"]),
        activities: strings(&delivery.intro),
        // Each assessment names what its objective is about, so the rubric sees them aligned.
        assessments: strings(&["Short reflection on personal goals and how they will be assessed", "Diagnostic quiz on prior knowledge"]),
    }
}

/// One goal's module; `subject` is how objectives name it (quoted when it is the user's text).
fn topic_module(title: &str, subject: &str, delivery: &Delivery) -> Module {
    Module {
        title: title.to_string(),
        duration_minutes: TOPIC_WEIGHT,
        objectives: vec![format!("Explain the key ideas behind {subject}"), format!("Apply {subject} in a realistic task from their own work")],
        activities: strings(&delivery.topic),
        assessments: vec![format!("Short quiz on the key ideas behind {subject}"), format!("Practical task applying {subject} to their own work, assessed with a short rubric")],
    }
}

fn wrap_up_module(delivery: &Delivery) -> Module {
    Module {
        title: "Wrap-up and final assessment".to_string(),
        duration_minutes: WRAP_UP_WEIGHT,
        objectives: strings(&["Demonstrate every course goal in an integrated final task", "Plan how to apply what they learned in their own work"]),
        activities: strings(&delivery.wrap_up),
        assessments: strings(&["Final assessment covering every course objective", "Personal action plan for applying what they learned at work, reviewed with feedback"]),
    }
}

fn fallback_timeline(time: &str, modules: &[Module]) -> String {
    let order = "introduction first, then one module per topic, ending with the wrap-up and final assessment";
    let total = format_duration(modules.iter().map(|m| u64::from(m.duration_minutes)).sum());
    match Some(time.trim()).filter(|t| !t.is_empty()) {
        Some(time) => format!("Within {time} ({total} of sessions): {order}."),
        None => format!("{total} of sessions: {order}."),
    }
}

fn fallback_resources(delivery: &Delivery, languages: &[String]) -> Vec<String> {
    let mut resources = strings(&["Facilitator guide with a session plan for every module", "Learner workbook with the exercises and the final task", delivery.setting]);
    let languages: Vec<&str> = languages.iter().map(|l| l.trim()).filter(|l| !l.is_empty()).collect();
    if !languages.is_empty() {
        resources.push(format!("Materials in {}", languages.join(", ")));
    }
    resources
}

/// Gives each module its minutes. The modules arrive holding their weight in
/// `duration_minutes`; with a known total, it is shared out by weight (in 5-minute steps when
/// the total allows, every module at least one step, the remainder to the largest fractions
/// so the sum is exact); without one, every module gets `DEFAULT_MODULE_MINUTES`.
fn share_out_time(modules: &mut [Module], total_minutes: Option<u32>) {
    let count = modules.len() as u64;
    let Some(total) = total_minutes.map(u64::from) else {
        modules.iter_mut().for_each(|m| m.duration_minutes = DEFAULT_MODULE_MINUTES);
        return;
    };
    let total = total.clamp(count, count * u64::from(MAX_MODULE_MINUTES));
    let step = if total % 5 == 0 && total / 5 >= count { 5 } else { 1 };
    let weights: Vec<u64> = modules.iter().map(|m| u64::from(m.duration_minutes.max(1))).collect();
    let steps = largest_remainder(total / step - count, &weights);
    for (module, extra) in modules.iter_mut().zip(steps) {
        let minutes = (1 + extra) * step;
        module.duration_minutes = u32::try_from(minutes).unwrap_or(MAX_MODULE_MINUTES).min(MAX_MODULE_MINUTES);
    }
}

/// `units` split in proportion to `weights`, in whole units that add up to `units` exactly:
/// each gets its floor, and the units left go to the largest remainders (earlier first on ties).
fn largest_remainder(units: u64, weights: &[u64]) -> Vec<u64> {
    let weight_sum: u64 = weights.iter().sum::<u64>().max(1);
    let mut shares: Vec<u64> = weights.iter().map(|w| units * w / weight_sum).collect();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(units * weights[i] % weight_sum));
    let left = units - shares.iter().sum::<u64>();
    for &i in order.iter().cycle().take(left as usize) {
        shares[i] += 1;
    }
    shares
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|item| item.to_string()).collect()
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 { format!("1 {noun}") } else { format!("{count} {noun}s") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blueprint::document::validate_blueprint;
    use crate::blueprint::markdown::render_markdown;
    use crate::blueprint::static_answers::Constraints;
    use crate::testing::static_answers as answers;

    #[test]
    fn shares_add_up_exactly() {
        assert_eq!(largest_remainder(10, &[1, 2, 1]), [3, 5, 2]);
        assert_eq!(largest_remainder(0, &[1, 2]), [0, 0]);
        assert_eq!(largest_remainder(7, &[0, 0]), [4, 3]);
        for units in 0..50 {
            assert_eq!(largest_remainder(units, &[1, 2, 2, 2, 1]).iter().sum::<u64>(), units);
        }
    }

    #[test]
    fn fallback_shares_out_the_stated_time() {
        let minutes = |time: &str, goals: &[&str]| fallback_blueprint(&answers(goals, time, None)).modules.iter().map(|m| m.duration_minutes).collect::<Vec<_>>();
        assert_eq!(minutes("6 hours", &["Know the tiers", "Quote faster"]), [60, 120, 120, 60]);
        assert_eq!(minutes("90 minutes", &["Know the tiers"]), [25, 40, 25]);
        assert_eq!(minutes("7 minutes", &["a", "b"]), [2, 2, 2, 1], "too little for 5-minute steps");
        assert_eq!(minutes("2 minutes", &["a", "b"]), [1, 1, 1, 1], "never below a minute each");
        assert_eq!(minutes("4 weeks", &["a", "b"]), [60, 60, 60, 60]);
        let huge = minutes("99999999 hours", &["a"]);
        assert_eq!(huge, [75_000, MAX_MODULE_MINUTES, 75_000], "capped, never past the limit");
    }

    /// The curated draft is judged by the same rubric as a model's blueprint: on the answers it
    /// was built from it must pass every check, whatever way the time was written.
    #[test]
    fn the_fallback_passes_the_rubric_on_its_own_answers() {
        let phrasings = [
            ("6 hours", Some(360)),
            ("90 minutes", Some(90)),
            ("1.5 h", Some(90)),
            ("2h30", Some(150)),
            ("3 days × 2 h", Some(360)),
            ("3 sessions of 90 minutes", Some(270)),
            ("2 weeks, 3 hours a week", Some(360)),
            ("3 hours per week for 4 weeks", Some(720)),
            ("4 weeks; 2 h each week", Some(480)),
            ("40 hours", Some(2400)),
            ("4 weeks", None),
            ("2 hours a week", None),
            ("2 weeks, 3 hours", None),
            ("whenever they can", None),
            ("", None),
        ];
        for (time, minutes) in phrasings {
            for modality in [None, Some(Modality::Online), Some(Modality::InPerson), Some(Modality::Blended)] {
                let many = ["Greet customers warmly", "Explain the return policy", "Handle complaints", "Process refunds", "Upsell warranties", "Close the till", "Report incidents"];
                for goals in [&["Know the tiers", "Quote faster"][..], &[], &many] {
                    let answers = answers(goals, time, modality);
                    let draft = fallback_blueprint(&answers);
                    let review = crate::blueprint::quality::review(&draft, Some(&answers));
                    let failing: Vec<&crate::blueprint::quality::Check> = review.checks.iter().filter(|check| !check.passed).collect();
                    assert!(failing.is_empty(), "{time:?} {modality:?} {goals:?}: {failing:#?}");
                    match minutes {
                        Some(minutes) => assert_eq!(draft.total_minutes(), minutes, "{time:?}: the draft uses the stated time"),
                        None => assert!(draft.modules.iter().all(|m| m.duration_minutes == DEFAULT_MODULE_MINUTES), "{time:?}: no total is guessed"),
                    }
                }
            }
        }
        let draft = fallback_blueprint(&answers(&["Know the tiers"], "2 weeks, 3 hours a week", None));
        assert!(draft.timeline.as_deref().unwrap().starts_with("Within 2 weeks, 3 hours a week (6 h of sessions)"), "{:?}", draft.timeline);
    }

    #[test]
    fn fallback_follows_the_answers_and_is_already_valid() {
        for case in [
            answers(&["Know the tiers", "Quote faster", " quote faster "], "6 hours", Some(Modality::Online)),
            answers(&["Know the tiers"], "4 weeks", Some(Modality::InPerson)),
            answers(&["a", "b", "c", "d", "e", "f", "g", "h"], "90 minutes", Some(Modality::Blended)),
            answers(&[], "", None),
            StaticAnswers {
                audience: " ".into(),
                goals: strings(&["  ", "#1 goal\nwith a break", &"x".repeat(500)]),
                constraints: Constraints { time: " ".into(), budget: None, modality: None },
                context: "".into(),
                languages: vec![],
            },
        ] {
            let blueprint = fallback_blueprint(&case);
            let again = validate_blueprint(&serde_json::to_value(&blueprint).unwrap()).unwrap();
            assert_eq!(again, blueprint);
            assert_eq!(fallback_blueprint(&case), blueprint, "deterministic");
            let topics = blueprint.modules.len() - 2;
            assert!((1..=MAX_FALLBACK_TOPICS).contains(&topics));
            assert!(blueprint.modules[0].title.starts_with("Introduction"));
            assert!(blueprint.modules.last().unwrap().title.contains("assessment"));
            let _ = render_markdown(&blueprint);
        }
        let sales = fallback_blueprint(&answers(&["Know the tiers", "Quote faster", " quote faster "], "6 hours", Some(Modality::Online)));
        assert_eq!(sales.title, "Know the tiers: a course for Frontline sales reps");
        assert_eq!(sales.modules.len(), 4, "case-only repeats are one goal");
        assert_eq!(sales.modules[1].title, "Know the tiers");
        assert_eq!(sales.total_minutes(), 360);
        assert!(sales.overview.contains("online course for Frontline sales reps"));
        assert!(sales.overview.ends_with("Context: B2B SaaS with complex pricing."));
        assert!(sales.timeline.as_deref().unwrap().starts_with("Within 6 hours (6 h of sessions)"));
        assert_eq!(fallback_blueprint(&answers(&["a", "b", "c", "d", "e", "f", "g", "h"], "", None)).modules.len(), 2 + MAX_FALLBACK_TOPICS);
        assert_eq!(fallback_blueprint(&answers(&[], "", None)).title, "A course for Frontline sales reps");
    }

    #[test]
    fn fallback_for_the_longest_answers_stays_valid() {
        let longest = |chars: usize| StaticAnswers {
            audience: "a".repeat(chars),
            goals: (0..20).map(|i| format!("{i:02} {}", "g".repeat(chars))).collect(),
            constraints: Constraints { time: format!("6 hours {}", "t".repeat(chars)), budget: Some("b".repeat(chars)), modality: Some(Modality::Blended) },
            context: "c".repeat(chars * 10),
            languages: (0..chars).map(|i| format!("en-{i:04}")).collect(),
        };
        // The static answers' own caps (audience 500, goals 300, context 5000, …), and beyond.
        for chars in [300, 500, 10_000] {
            let blueprint = fallback_blueprint(&longest(chars));
            assert_eq!(validate_blueprint(&serde_json::to_value(&blueprint).unwrap()).unwrap(), blueprint, "{chars}");
        }
    }

    #[test]
    fn fallback_wording_follows_the_modality() {
        let text = |modality| {
            let blueprint = fallback_blueprint(&answers(&["Know the tiers"], "6 hours", modality));
            let mut all: Vec<String> = blueprint.modules.iter().flat_map(|m| m.activities.clone()).collect();
            all.extend(blueprint.resources.unwrap_or_default());
            all.join("\n").to_lowercase()
        };
        let online = text(Some(Modality::Online));
        for in_person in ["in-person", "in person", "room", "printed", "paper", "flip chart", "face-to-face"] {
            assert!(!online.contains(in_person), "{in_person}");
        }
        assert!(online.contains("live video"));
        let in_person = text(Some(Modality::InPerson));
        assert!(!in_person.contains("online") && !in_person.contains("video"));
        let blended = text(Some(Modality::Blended));
        assert!(blended.contains("online") && blended.contains("in-person"));
    }
}
