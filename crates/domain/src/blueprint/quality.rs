//! A deterministic quality rubric for a blueprint: five checks a course designer would run by
//! hand (measurable objectives, constructive alignment, time budget, no duplicates or empty
//! modules, modality), each with the evidence behind its verdict, a score, and one actionable
//! sentence per failing check. Nothing is guessed: a check that cannot be judged from what the
//! user stated passes with "cannot check: …" and does not count towards the score.

use crate::blueprint::document::{Blueprint, Module};
use crate::blueprint::duration::{available_minutes, format_duration};
use crate::blueprint::static_answers::{Modality, StaticAnswers};
use serde::{Deserialize, Serialize};

pub const MEASURABLE_OBJECTIVES: &str = "measurable_objectives";
pub const CONSTRUCTIVE_ALIGNMENT: &str = "constructive_alignment";
pub const TIME_BUDGET: &str = "time_budget";
pub const NO_DUPLICATES_OR_EMPTIES: &str = "no_duplicates_or_empties";
pub const MODALITY_RESPECTED: &str = "modality_respected";

/// How far the modules' total may stray from the time available, in percent either way:
/// sessions never run to the minute, but a course a quarter too long does not fit.
pub const TIME_TOLERANCE_PERCENT: u64 = 15;

/// Locations named in one `to_fix` sentence; the evidence has more.
const LOCATIONS_IN_FIX: usize = 5;
/// Evidence lines per check; past them one line says how many more there are. The review is
/// stored with every version (`blueprint_versions.quality`), so it must not grow with the
/// blueprint: a line is at most two quotes of `QUOTED_CHARS` and a location, so a review stays
/// under about 60 KB whatever the blueprint (see `document::ROW_BUDGET_BYTES`).
pub const MAX_EVIDENCE_LINES: usize = 20;
/// Characters of user or model text quoted in evidence.
const QUOTED_CHARS: usize = 60;

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct QualityReview {
    /// 0..=100: the share of the checks that could be judged and passed.
    pub score: u8,
    pub checks: Vec<Check>,
    /// One actionable sentence per failing check, in check order.
    pub to_fix: Vec<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
pub struct Check {
    pub id: String,
    pub title: String,
    pub passed: bool,
    pub evidence: Vec<String>,
}

/// The time the user stated, as minutes when the text gives a total.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TimeBudget {
    Minutes(u32),
    /// Why the text gives no total, in words fit to show the user.
    Unknown(String),
}

/// The rubric applied to a blueprint. Without the user's answers the time budget and the
/// modality cannot be checked; the other checks need only the blueprint.
pub fn review(blueprint: &Blueprint, answers: Option<&StaticAnswers>) -> QualityReview {
    review_with(blueprint, answers, &Topics::of(blueprint))
}

/// [`review`] with the blueprint's [`Topics`] read already (the KPIs need them too).
pub fn review_with(blueprint: &Blueprint, answers: Option<&StaticAnswers>, topics: &Topics) -> QualityReview {
    let outcomes = [
        measurable_objectives(blueprint),
        constructive_alignment(blueprint, topics),
        time_budget(blueprint, answers),
        no_duplicates_or_empties(blueprint),
        modality_respected(blueprint, answers),
    ];
    QualityReview {
        score: score(&outcomes),
        to_fix: outcomes.iter().filter(|outcome| !outcome.check.passed).filter_map(|outcome| outcome.fix.clone()).collect(),
        checks: outcomes.into_iter().map(|outcome| outcome.check).collect(),
    }
}

/// One check's verdict, whether it could be judged at all, and what to do when it failed.
struct Outcome {
    check: Check,
    applicable: bool,
    fix: Option<String>,
}

impl Outcome {
    /// A judged check: it passes when nothing was found; the evidence lists the findings first,
    /// then the notes (what was seen when it went well), up to `MAX_EVIDENCE_LINES` of them and
    /// a count of the rest.
    fn judged(id: &str, title: &str, findings: &[Finding], notes: Vec<String>, fix: impl FnOnce(&[Finding]) -> String) -> Outcome {
        let passed = findings.is_empty();
        let lines = findings.len() + notes.len();
        let mut evidence: Vec<String> = findings.iter().map(Finding::to_string).chain(notes).take(MAX_EVIDENCE_LINES).collect();
        if lines > MAX_EVIDENCE_LINES {
            evidence.push(format!("… and {} more", lines - MAX_EVIDENCE_LINES));
        }
        let fix = (!passed).then(|| fix(findings));
        Outcome { check: Check { id: id.to_string(), title: title.to_string(), passed, evidence }, applicable: true, fix }
    }

    /// A check that cannot be judged: it passes, says why, and is left out of the score.
    fn not_judged(id: &str, title: &str, why: String) -> Outcome {
        Outcome { check: Check { id: id.to_string(), title: title.to_string(), passed: true, evidence: vec![why] }, applicable: false, fix: None }
    }
}

/// round(100 × passed / judged), half up; 100 when nothing could be judged (nothing is wrong).
fn score(outcomes: &[Outcome]) -> u8 {
    let judged = outcomes.iter().filter(|outcome| outcome.applicable).count();
    let passed = outcomes.iter().filter(|outcome| outcome.applicable && outcome.check.passed).count();
    if judged == 0 {
        return 100;
    }
    u8::try_from((passed * 200 + judged) / (2 * judged)).unwrap_or(100)
}

/// Something wrong, and where: `module 2 "Pricing" objective 1`.
struct Finding {
    location: String,
    problem: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.location, self.problem)
    }
}

/// The findings' locations for a `to_fix` sentence: the first few, then how many more.
fn locations(findings: &[Finding]) -> String {
    let named: Vec<&str> = findings.iter().take(LOCATIONS_IN_FIX).map(|finding| finding.location.as_str()).collect();
    let more = findings.len().saturating_sub(LOCATIONS_IN_FIX);
    let tail = if more > 0 { format!(" and {more} more") } else { String::new() };
    format!("{}{tail}", named.join(", "))
}

// ---------------------------------------------------------------------------------------------
// Measurable objectives

/// Bloom's taxonomy (revised): verbs whose result can be observed, by level. Each verb is in
/// one level only so an objective's level is never ambiguous; British and American spellings
/// are both listed.
const BLOOM_LEVELS: [(&str, &[&str]); 6] = [
    (
        "remember",
        &["define", "list", "recall", "recognise", "recognize", "identify", "name", "state", "label", "match", "memorise", "memorize", "repeat", "reproduce", "locate", "retrieve"],
    ),
    (
        "understand",
        &[
            "explain", "describe", "summarise", "summarize", "interpret", "classify", "paraphrase", "discuss", "illustrate", "clarify", "restate", "report", "translate", "outline", "exemplify",
            "infer", "categorise", "categorize",
        ],
    ),
    (
        "apply",
        &["apply", "demonstrate", "use", "implement", "execute", "solve", "calculate", "compute", "operate", "perform", "practise", "practice", "complete", "modify", "prepare", "show", "employ", "conduct", "configure"],
    ),
    (
        "analyze",
        &[
            "analyse", "analyze", "compare", "contrast", "differentiate", "distinguish", "examine", "investigate", "organise", "organize", "deconstruct", "diagnose", "attribute", "troubleshoot",
            "debug", "inspect", "relate", "experiment",
        ],
    ),
    (
        "evaluate",
        &[
            "evaluate", "assess", "judge", "justify", "critique", "criticise", "criticize", "appraise", "argue", "defend", "prioritise", "prioritize", "recommend", "select", "rank", "rate", "decide",
            "verify", "validate", "review", "test", "choose",
        ],
    ),
    (
        "create",
        &[
            "create", "design", "plan", "develop", "construct", "compose", "produce", "formulate", "build", "generate", "devise", "write", "author", "invent", "draft", "propose", "assemble",
            "hypothesise", "hypothesize",
        ],
    ),
];

/// Openings that name a state of mind rather than something a learner can be seen doing;
/// longer phrases first so "learn about" is matched whole.
const UNMEASURABLE_PHRASES: [&[&str]; 11] = [
    &["gain", "an", "understanding", "of"],
    &["be", "aware", "of"],
    &["become", "aware", "of"],
    &["be", "familiar", "with"],
    &["become", "familiar", "with"],
    &["learn", "about"],
    &["learn"],
    &["understand"],
    &["know"],
    &["appreciate"],
    &["grasp"],
];

/// Who the objective is about, and the modal before the verb, in "Learners will explain …".
const SUBJECTS: [&str; 12] = ["learners", "learner", "students", "student", "participants", "participant", "trainees", "trainee", "attendees", "you", "they", "we"];
const MODALS: [&str; 5] = ["will", "should", "can", "must", "shall"];

/// The objective's leading verb, read after any "Learners will be able to" preamble.
enum LeadingVerb {
    Bloom { level: &'static str },
    Unmeasurable { phrase: String, words: usize },
    Missing,
}

impl LeadingVerb {
    /// How many of the objective's words the verb takes.
    fn word_count(&self) -> usize {
        match self {
            LeadingVerb::Bloom { .. } => 1,
            LeadingVerb::Unmeasurable { words, .. } => *words,
            LeadingVerb::Missing => 0,
        }
    }
}

/// The Bloom level ("remember", "understand", "apply", "analyze", "evaluate", "create") of an
/// objective's leading verb, read case-insensitively after a "Learners will", "Students will
/// be able to", "Be able to" or "To" preamble; `None` when it does not start with a measurable
/// verb ("understand", "know", "learn about", "appreciate", "be aware of" never are).
pub fn bloom_level(objective: &str) -> Option<&'static str> {
    match leading_verb(&objective_words(objective)) {
        LeadingVerb::Bloom { level } => Some(level),
        LeadingVerb::Unmeasurable { .. } | LeadingVerb::Missing => None,
    }
}

fn leading_verb(words: &[String]) -> LeadingVerb {
    let starts_with = |phrase: &[&str]| phrase.len() <= words.len() && phrase.iter().zip(words).all(|(expected, word)| expected == word);
    if let Some(phrase) = UNMEASURABLE_PHRASES.iter().find(|phrase| starts_with(phrase)) {
        return LeadingVerb::Unmeasurable { phrase: phrase.join(" "), words: phrase.len() };
    }
    match words.first().and_then(|word| bloom_level_of_verb(word)) {
        Some(level) => LeadingVerb::Bloom { level },
        None => LeadingVerb::Missing,
    }
}

/// The level of a verb, also in the third person ("explains", "identifies") because models
/// sometimes write objectives as statements.
fn bloom_level_of_verb(word: &str) -> Option<&'static str> {
    let mut forms = vec![word.to_string()];
    forms.extend(word.strip_suffix('s').map(str::to_string));
    forms.extend(word.strip_suffix("es").map(str::to_string));
    forms.extend(word.strip_suffix("ies").map(|stem| format!("{stem}y")));
    forms.iter().find_map(|form| BLOOM_LEVELS.iter().find(|(_, verbs)| verbs.contains(&form.as_str())).map(|(level, _)| *level))
}

/// The objective's lowercase words after its preamble, so the first one is the verb.
fn objective_words(objective: &str) -> Vec<String> {
    let all = words(without_when_clause(objective));
    let start = preamble_length(&all);
    all[start..].to_vec()
}

/// "By the end of the course, learners will …": the clause before the comma says when, not
/// what, so it is dropped.
fn without_when_clause(objective: &str) -> &str {
    let lower = objective.trim_start().to_lowercase();
    let opens_with_when = ["by the end", "at the end", "upon completion", "on completion", "after this"].iter().any(|opening| lower.starts_with(opening));
    match objective.split_once(',') {
        Some((_, rest)) if opens_with_when => rest,
        _ => objective,
    }
}

/// How many leading words are "Learners will", "Students will be able to", "Be able to", "To".
fn preamble_length(words: &[String]) -> usize {
    let is = |at: usize, options: &[&str]| words.get(at).is_some_and(|word| options.contains(&word.as_str()));
    let mut at = 0;
    if is(0, &["the"]) && is(1, &SUBJECTS) && is(2, &MODALS) {
        at = 1;
    }
    if is(at, &SUBJECTS) && is(at + 1, &MODALS) {
        at += 2;
    } else if is(at, &MODALS) {
        at += 1;
    }
    if is(at, &["be"]) && is(at + 1, &["able"]) && is(at + 2, &["to"]) {
        at += 3;
    } else if is(at, &["able"]) && is(at + 1, &["to"]) {
        at += 2;
    } else if is(at, &["to"]) {
        at += 1;
    }
    at
}

fn measurable_objectives(blueprint: &Blueprint) -> Outcome {
    let mut findings = Vec::new();
    let mut levels = Vec::new();
    for (location, objective) in all_objectives(blueprint) {
        match leading_verb(&objective_words(objective)) {
            LeadingVerb::Bloom { level } => levels.push(format!("{location} {}: {level}", quoted(objective))),
            LeadingVerb::Unmeasurable { phrase, .. } => {
                findings.push(Finding { location, problem: format!("{} starts with \"{phrase}\", which cannot be observed", quoted(objective)) });
            }
            LeadingVerb::Missing => findings.push(Finding { location, problem: format!("{} does not start with a measurable verb", quoted(objective)) }),
        }
    }
    Outcome::judged(MEASURABLE_OBJECTIVES, "Objectives start with measurable verbs", &findings, levels, |findings| {
        format!("Rewrite {} with measurable verbs (such as explain, apply, compare or design): {}.", plural(findings.len(), "objective"), locations(findings))
    })
}

/// Every objective with where it is: course objectives first, then each module's.
fn all_objectives(blueprint: &Blueprint) -> Vec<(String, &str)> {
    let course = blueprint.learning_objectives.iter().enumerate().map(|(index, objective)| (format!("course objective {}", index + 1), objective.as_str()));
    let modules = blueprint.modules.iter().enumerate().flat_map(|(module_index, module)| {
        module.objectives.iter().enumerate().map(move |(index, objective)| (format!("{} objective {}", module_location(module_index, module), index + 1), objective.as_str()))
    });
    course.chain(modules).collect()
}

// ---------------------------------------------------------------------------------------------
// Constructive alignment

/// Common words that say nothing about a topic, including the words every course uses.
const STOPWORDS: [&str; 72] = [
    "about", "above", "across", "after", "again", "against", "also", "among", "around", "because", "been", "before", "being", "below", "between", "both", "could", "does", "doing", "down",
    "during", "each", "every", "from", "further", "have", "having", "here", "into", "itself", "just", "more", "most", "much", "must", "need", "only", "other", "over", "same", "shall", "should",
    "some", "such", "than", "that", "their", "them", "then", "there", "these", "they", "this", "those", "through", "under", "until", "upon", "very", "were", "what", "when", "where", "which",
    "while", "will", "with", "within", "without", "would", "your", "able",
];
/// Words that name the course itself or its pedagogy rather than its subject: "in a realistic
/// task" or "progress on the goals" would otherwise tie every module to every objective.
const COURSE_WORDS: [&str; 19] = [
    "learner", "learners", "student", "students", "participant", "participants", "course", "module", "modules", "session", "using", "goal", "goals", "progress", "realistic", "task", "tasks",
    "concept", "concepts",
];

/// Whether a module addresses a course objective: its title or one of its objectives shares a
/// significant word with the objective once the objective's leading verb is dropped.
pub fn module_addresses(module: &Module, course_objective: &str) -> bool {
    let topic = objective_topic(course_objective);
    shares_a_word(&topic, &text_topic(&module.title)) || module.objectives.iter().any(|objective| shares_a_word(&topic, &objective_topic(objective)))
}

/// Whether an assessment checks a module objective, by the same word-overlap rule.
#[cfg(test)]
fn assesses(assessment: &str, module_objective: &str) -> bool {
    shares_a_word(&objective_topic(module_objective), &text_topic(assessment))
}

/// Every text of a blueprint the alignment rule compares, read into topic stems once. The rule
/// compares each course objective with every module and each module objective with every
/// assessment, and used to split, lowercase and stem both texts again for every pair (issue 17,
/// finding 5); the review and the KPIs of one version share one reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topics {
    course: Vec<Vec<String>>,
    modules: Vec<ModuleTopics>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct ModuleTopics {
    title: Vec<String>,
    objectives: Vec<Vec<String>>,
    assessments: Vec<Vec<String>>,
}

impl Topics {
    pub fn of(blueprint: &Blueprint) -> Topics {
        Topics {
            course: blueprint.learning_objectives.iter().map(|objective| objective_topic(objective)).collect(),
            modules: blueprint
                .modules
                .iter()
                .map(|module| ModuleTopics {
                    title: text_topic(&module.title),
                    objectives: module.objectives.iter().map(|objective| objective_topic(objective)).collect(),
                    assessments: module.assessments.iter().map(|assessment| text_topic(assessment)).collect(),
                })
                .collect(),
        }
    }

    /// [`module_addresses`] for module `module` and course objective `objective` (indices into
    /// the blueprint these topics were read from; out of range is `false`).
    pub fn module_addresses(&self, module: usize, objective: usize) -> bool {
        let (Some(topic), Some(module)) = (self.course.get(objective), self.modules.get(module)) else { return false };
        shares_a_word(topic, &module.title) || module.objectives.iter().any(|objective| shares_a_word(topic, objective))
    }

    /// Whether assessment `assessment` of module `module` checks that module's objective
    /// `objective`.
    fn assesses(&self, module: usize, assessment: usize, objective: usize) -> bool {
        let Some(module) = self.modules.get(module) else { return false };
        matches!((module.assessments.get(assessment), module.objectives.get(objective)), (Some(assessment), Some(objective)) if shares_a_word(objective, assessment))
    }
}

fn shares_a_word(a: &[String], b: &[String]) -> bool {
    a.iter().any(|word| b.contains(word))
}

/// The stems of an objective's significant words, its verb and preamble left out: the verb
/// says how the topic is learned, not what it is.
fn objective_topic(objective: &str) -> Vec<String> {
    let words = objective_words(objective);
    let verb = leading_verb(&words).word_count();
    stems(&words[verb..])
}

fn text_topic(text: &str) -> Vec<String> {
    stems(&words(text))
}

fn stems(words: &[String]) -> Vec<String> {
    words.iter().filter(|word| is_significant(word)).map(|word| stem(word)).collect()
}

/// At least four letters and not a stopword: short and common words match everything.
fn is_significant(word: &str) -> bool {
    word.chars().filter(|c| c.is_alphabetic()).count() >= 4 && !STOPWORDS.contains(&word) && !COURSE_WORDS.contains(&word)
}

/// A crude stem so "price", "prices", "priced" and "pricing" meet: one of -ing, -ed, -es, -s
/// dropped (not the s of "-ss"), then a final e, each only when three letters remain.
fn stem(word: &str) -> String {
    let long_enough = |rest: &&str| rest.chars().count() >= 3;
    let base = ["ing", "ed", "es", "s"]
        .iter()
        .find_map(|suffix| word.strip_suffix(suffix).filter(long_enough).filter(|rest| !(*suffix == "s" && rest.ends_with('s'))))
        .unwrap_or(word);
    base.strip_suffix('e').filter(long_enough).unwrap_or(base).to_string()
}

fn constructive_alignment(blueprint: &Blueprint, topics: &Topics) -> Outcome {
    let mut findings = Vec::new();
    let mut notes = Vec::new();
    for (index, objective) in blueprint.learning_objectives.iter().enumerate() {
        let location = format!("course objective {}", index + 1);
        let addressing: Vec<String> = (0..blueprint.modules.len()).filter(|module| topics.module_addresses(*module, index)).map(|i| (i + 1).to_string()).collect();
        if addressing.is_empty() {
            findings.push(Finding { location, problem: format!("{} is addressed by no module", quoted(objective)) });
        } else {
            let modules = if addressing.len() == 1 { "module" } else { "modules" };
            notes.push(format!("{location} {}: addressed by {modules} {}", quoted(objective), addressing.join(", ")));
        }
    }
    for (module_index, module) in blueprint.modules.iter().enumerate() {
        for (index, objective) in module.objectives.iter().enumerate() {
            if !(0..module.assessments.len()).any(|assessment| topics.assesses(module_index, assessment, index)) {
                let location = format!("{} objective {}", module_location(module_index, module), index + 1);
                findings.push(Finding { location, problem: format!("{} is assessed by none of the module's assessments", quoted(objective)) });
            }
        }
    }
    Outcome::judged(CONSTRUCTIVE_ALIGNMENT, "Objectives, modules and assessments align", &findings, notes, alignment_fix)
}

fn alignment_fix(findings: &[Finding]) -> String {
    let unaddressed = findings.iter().filter(|finding| finding.location.starts_with("course objective")).count();
    let unassessed = findings.len() - unaddressed;
    let mut actions = Vec::new();
    if unaddressed > 0 {
        actions.push(format!("cover {} with a module or module objective on the same topic", plural(unaddressed, "course objective")));
    }
    if unassessed > 0 {
        actions.push(format!("add an assessment that checks {}", if unassessed == 1 { "1 module objective".to_string() } else { format!("each of {unassessed} module objectives") }));
    }
    format!("{}: {}.", capitalised(&actions.join(" and ")), locations(findings))
}

// ---------------------------------------------------------------------------------------------
// Time budget

/// The time the user stated, read as minutes when it gives a total: "6 hours", "90 minutes",
/// "1.5 h", "2h30", repeated sessions such as "3 days × 2 h", "3 days x 2 hours", "3 sessions
/// of 90 minutes", and a rate over a span: "2 weeks, 3 hours a week", "3 hours per week for 4
/// weeks". A span alone ("4 weeks"), a rate alone ("2 hours a week") or anything else is
/// `Unknown` with the reason: a guess would make the check wrong.
pub fn parse_time_budget(text: &str) -> TimeBudget {
    let text = text.trim();
    if text.is_empty() {
        return TimeBudget::Unknown("no time was stated".to_string());
    }
    match available_minutes(text).or_else(|| repeated_sessions(text)).or_else(|| rate_over_span(text)) {
        Some(minutes) => TimeBudget::Minutes(minutes),
        None => TimeBudget::Unknown(why_no_total(text)),
    }
}

/// Separators between a number of sessions and the length of one.
const TIMES: [&str; 4] = ["×", " x ", "*", " of "];
/// Words that name a session: "3 days", "4 evenings".
const PERIODS: [&str; 20] = [
    "day", "days", "session", "sessions", "week", "weeks", "evening", "evenings", "morning", "mornings", "afternoon", "afternoons", "lesson", "lessons", "class", "classes", "meeting", "meetings",
    "workshop", "workshops",
];

/// "3 days × 2 h" or "2 h × 3 days": a whole number of sessions times the length of one.
fn repeated_sessions(text: &str) -> Option<u32> {
    let lower = text.to_lowercase();
    let (left, right) = TIMES.iter().find_map(|separator| lower.split_once(separator))?;
    let (count, length) = session_count(left).zip(session_length(right)).or_else(|| session_count(right).zip(session_length(left)))?;
    Some(u32::try_from(u64::from(count) * u64::from(length)).unwrap_or(u32::MAX))
}

/// Where a span and a rate are joined: "2 weeks, 3 hours a week", "3 hours a week for 2 weeks".
const SPAN_JOINS: [&str; 6] = [",", ";", " for ", " over ", " across ", " during "];
/// What makes a length a rate: "3 hours a week", "2 h per session".
const RATE_WORDS: [&str; 5] = ["a", "an", "per", "each", "every"];

/// "2 weeks, 3 hours a week" or "3 hours per week for 2 weeks": a whole number of periods
/// times a length stated per period. The length must say it is per period (a bare "3 hours"
/// beside "2 weeks" may be the whole course's time, so it is not multiplied).
fn rate_over_span(text: &str) -> Option<u32> {
    let lower = text.to_lowercase();
    let (left, right) = SPAN_JOINS.iter().find_map(|join| lower.split_once(join))?;
    let is_rate = |part: &str| part.split_whitespace().rev().nth(1).is_some_and(|word| RATE_WORDS.contains(&word));
    let (count, length) = [(left, right), (right, left)].into_iter().find_map(|(span, rate)| Some((session_count(span.trim())?, is_rate(rate).then(|| session_length(rate.trim()))??)))?;
    Some(u32::try_from(u64::from(count) * u64::from(length)).unwrap_or(u32::MAX))
}

/// "3", "3 days", "4 sessions": a whole number, optionally naming what is counted.
fn session_count(text: &str) -> Option<u32> {
    let mut parts = text.split_whitespace();
    let count: u32 = parts.next()?.parse().ok().filter(|count| *count > 0)?;
    let rest: Vec<&str> = parts.collect();
    match rest.as_slice() {
        [] => Some(count),
        [period] if PERIODS.contains(period) => Some(count),
        _ => None,
    }
}

/// "2 h", "90 minutes each", "2 hours per day": one session's length, what it is per dropped.
fn session_length(text: &str) -> Option<u32> {
    let mut parts: Vec<&str> = text.split_whitespace().collect();
    while parts.last().is_some_and(|word| ["each", "per", "a", "an", "every"].contains(word) || PERIODS.contains(word)) {
        parts.pop();
    }
    available_minutes(&parts.join(" "))
}

fn why_no_total(text: &str) -> String {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphabetic()).filter(|word| !word.is_empty()).collect();
    let has_clock_unit = words.iter().any(|word| ["h", "hr", "hrs", "hour", "hours", "min", "mins", "minute", "minutes"].contains(word));
    let calendar = ["day", "week", "month", "year", "semester", "term", "sprint", "quarter"];
    let has_calendar_unit = words.iter().any(|word| calendar.iter().any(|unit| word.starts_with(unit)));
    let quoted_text = quoted(text);
    if !lower.chars().any(|c| c.is_ascii_digit()) {
        format!("{quoted_text} gives no number of hours or minutes")
    } else if has_clock_unit && has_calendar_unit {
        format!("{quoted_text} gives hours or minutes per period but not a total")
    } else if has_calendar_unit {
        format!("{quoted_text} is a span of days, weeks or months, not a number of teaching hours")
    } else {
        format!("{quoted_text} is not a number of hours or minutes")
    }
}

fn time_budget(blueprint: &Blueprint, answers: Option<&StaticAnswers>) -> Outcome {
    let title = "Module durations fit the time available";
    let Some(answers) = answers else {
        return Outcome::not_judged(TIME_BUDGET, title, "cannot check: the time available is unknown without the answers".to_string());
    };
    let available = match parse_time_budget(&answers.constraints.time) {
        TimeBudget::Minutes(minutes) => u64::from(minutes),
        TimeBudget::Unknown(why) => return Outcome::not_judged(TIME_BUDGET, title, format!("cannot check: {why}")),
    };
    let total = blueprint.total_minutes();
    // The bounds are whole minutes inside the tolerance: the lowest rounded up, the highest down.
    let lowest = (available * (100 - TIME_TOLERANCE_PERCENT)).div_ceil(100);
    let highest = available * (100 + TIME_TOLERANCE_PERCENT) / 100;
    let range = format!("{} available, {} to {} within ±{TIME_TOLERANCE_PERCENT}%", format_duration(available), format_duration(lowest), format_duration(highest));
    let summary = format!("the modules add up to {}; {range}", format_duration(total));
    if (lowest..=highest).contains(&total) {
        return Outcome::judged(TIME_BUDGET, title, &[], vec![summary], |_| String::new());
    }
    let direction = if total > highest { "too long" } else { "too short" };
    let finding = Finding { location: "modules".to_string(), problem: format!("{summary}: {direction}") };
    Outcome::judged(TIME_BUDGET, title, &[finding], Vec::new(), |_| {
        format!("Adjust the module durations: they add up to {} but {} is available (aim for {} to {}).", format_duration(total), format_duration(available), format_duration(lowest), format_duration(highest))
    })
}

// ---------------------------------------------------------------------------------------------
// Duplicates and empty modules

fn no_duplicates_or_empties(blueprint: &Blueprint) -> Outcome {
    let titles: Vec<String> = blueprint.modules.iter().map(|module| module.title.clone()).collect();
    let mut findings: Vec<Finding> = repeats(&titles)
        .into_iter()
        .map(|(title, positions)| Finding { location: format!("modules {}", positions.join(", ")), problem: format!("share the title {}", quoted(title)) })
        .collect();
    for (index, module) in blueprint.modules.iter().enumerate() {
        findings.extend(module_repeats_and_gaps(index, module));
    }
    Outcome::judged(NO_DUPLICATES_OR_EMPTIES, "No duplicates or empty modules", &findings, Vec::new(), |findings| {
        format!("Merge or remove the repeats and give every module objectives and activities: {}.", locations(findings))
    })
}

/// One module's repeated objectives or activities, and whether it lacks either.
fn module_repeats_and_gaps(index: usize, module: &Module) -> Vec<Finding> {
    let location = module_location(index, module);
    let mut findings = Vec::new();
    for (kind, items) in [("objective", &module.objectives), ("activity", &module.activities)] {
        for (text, positions) in repeats(items) {
            findings.push(Finding { location: location.clone(), problem: format!("{kind} {} appears {} times", quoted(text), positions.len()) });
        }
    }
    for (kinds, items) in [("objectives", &module.objectives), ("activities", &module.activities)] {
        if items.iter().all(|item| item.trim().is_empty()) {
            findings.push(Finding { location: location.clone(), problem: format!("has no {kinds}") });
        }
    }
    findings
}

/// Items that appear more than once ignoring case and spacing, with their 1-based positions,
/// in order of first appearance; blank items are not repeats, they are missing.
fn repeats(items: &[String]) -> Vec<(&str, Vec<String>)> {
    let keys: Vec<String> = items.iter().map(|item| normalised(item)).collect();
    let mut found = Vec::new();
    for (first, key) in keys.iter().enumerate() {
        let seen_before = keys[..first].contains(key);
        if key.is_empty() || seen_before {
            continue;
        }
        let positions: Vec<String> = keys.iter().enumerate().filter(|(_, other)| *other == key).map(|(index, _)| (index + 1).to_string()).collect();
        if positions.len() > 1 {
            found.push((items[first].as_str(), positions));
        }
    }
    found
}

/// Text compared ignoring case and spacing: "Pricing  Tiers " and "pricing tiers" are one.
pub(crate) fn normalised(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

// ---------------------------------------------------------------------------------------------
// Modality

/// Things only found in a room: an online course that needs them cannot be run as stated.
/// "Room" alone is left out because online courses have breakout rooms.
const IN_PERSON_TERMS: [&str; 18] = [
    "in person", "in-person", "classroom", "face-to-face", "face to face", "on site", "on-site", "onsite", "workshop room", "training room", "meeting room", "lecture hall", "printed", "paper handout",
    "flip chart", "flipchart", "sticky note", "post-it",
];

fn modality_respected(blueprint: &Blueprint, answers: Option<&StaticAnswers>) -> Outcome {
    let title = "Activities and assessments suit the modality";
    match answers.map(|answers| answers.constraints.modality) {
        None => Outcome::not_judged(MODALITY_RESPECTED, title, "cannot check: the modality is unknown without the answers".to_string()),
        Some(None) => Outcome::not_judged(MODALITY_RESPECTED, title, "cannot check: no modality was stated".to_string()),
        // Rooms and online tools both suit blended courses, and an in-person course may use
        // online tools, so only online courses have something that must not be there.
        Some(Some(modality @ (Modality::InPerson | Modality::Blended))) => {
            Outcome::not_judged(MODALITY_RESPECTED, title, format!("nothing to check: only online courses are checked, this one is {}", modality.as_str()))
        }
        Some(Some(Modality::Online)) => online_course_checked(blueprint, title),
    }
}

fn online_course_checked(blueprint: &Blueprint, title: &str) -> Outcome {
    let mut findings = Vec::new();
    for (module_index, module) in blueprint.modules.iter().enumerate() {
        for (kind, items) in [("activity", &module.activities), ("assessment", &module.assessments)] {
            for (index, item) in items.iter().enumerate() {
                if let Some(term) = in_person_term(item) {
                    let location = format!("{} {kind} {}", module_location(module_index, module), index + 1);
                    findings.push(Finding { location, problem: format!("{} mentions \"{term}\"", quoted(item)) });
                }
            }
        }
    }
    let notes = if findings.is_empty() { vec!["no activity or assessment needs a room".to_string()] } else { Vec::new() };
    Outcome::judged(MODALITY_RESPECTED, title, &findings, notes, |findings| {
        format!("Replace the in-person parts of this online course with online equivalents: {}.", locations(findings))
    })
}

/// The first in-person term the text mentions as a whole word (a plural s allowed).
fn in_person_term(text: &str) -> Option<&'static str> {
    let lower = text.to_lowercase();
    IN_PERSON_TERMS.iter().copied().find(|term| {
        lower.match_indices(term).any(|(start, _)| {
            let before = lower[..start].chars().next_back();
            let after = lower[start + term.len()..].trim_start_matches('s').chars().next();
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        })
    })
}

// ---------------------------------------------------------------------------------------------
// Text

/// Lowercase words, split at anything that is not a letter or digit.
fn words(text: &str) -> Vec<String> {
    #[cfg(test)]
    tests::WORDS_CALLS.with(|calls| calls.set(calls.get() + 1));
    text.split(|c: char| !c.is_alphanumeric()).filter(|word| !word.is_empty()).map(str::to_lowercase).collect()
}

/// `module 2 "Pricing tiers"`.
fn module_location(index: usize, module: &Module) -> String {
    format!("module {} {}", index + 1, quoted(&module.title))
}

/// User or model text in quotes, cut to `QUOTED_CHARS` so evidence stays readable.
fn quoted(text: &str) -> String {
    let text = text.trim();
    if text.chars().count() <= QUOTED_CHARS {
        return format!("\"{text}\"");
    }
    let cut: String = text.chars().take(QUOTED_CHARS - 1).collect();
    format!("\"{}…\"", cut.trim_end())
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 { format!("1 {noun}") } else { format!("{count} {noun}s") }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{module, strings};
    use crate::blueprint::static_answers::Constraints;
    use proptest::prelude::*;

    thread_local! {
        /// How many texts were split into words on this thread (each test runs on its own).
        pub(super) static WORDS_CALLS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    }

    /// The largest blueprint the validators accept in counts — 30 modules of 20 objectives,
    /// activities and assessments, 20 course objectives — where no two texts share a topic
    /// word, so every pair is compared (the review's worst case: nothing aligns).
    fn largest() -> Blueprint {
        let topic = |kind: &str, m: usize, i: usize| format!("{kind}topic{}x{}", m + 1, i + 1);
        let items = |kind: &str, m: usize| (0..20).map(|i| format!("Explain the {}", topic(kind, m, i))).collect::<Vec<_>>();
        Blueprint {
            title: "Pricing".into(),
            overview: "Pricing.".into(),
            learning_objectives: (0..20).map(|i| format!("Learners will be able to compare the {}", topic("course", 0, i))).collect(),
            modules: (0..30).map(|m| crate::blueprint::document::Module { title: format!("The {}", topic("title", m, 0)), duration_minutes: 60, objectives: items("objective", m), activities: items("activity", m), assessments: items("assessment", m) }).collect(),
            timeline: None,
            resources: None,
        }
    }

    fn words_calls(work: impl FnOnce()) -> usize {
        WORDS_CALLS.with(|calls| calls.set(0));
        work();
        WORDS_CALLS.with(std::cell::Cell::get)
    }

    /// Issue 17, finding 5: a version's review and KPIs split the same texts into words once
    /// per pair they compared: 51 020 splits for this blueprint. Now 1 870: each text once for
    /// the alignment rule, plus once per objective for the measurable-verb check.
    #[test]
    fn a_versions_texts_are_split_into_words_a_bounded_number_of_times() {
        let blueprint = largest();
        let texts = blueprint.learning_objectives.len() + blueprint.modules.iter().map(|m| 1 + m.objectives.len() + m.assessments.len()).sum::<usize>();
        let objectives = blueprint.learning_objectives.len() + blueprint.modules.iter().map(|m| m.objectives.len()).sum::<usize>();
        let calls = words_calls(|| {
            let _ = crate::blueprint::kpis::with_review(&blueprint, None);
        });
        assert!(calls <= texts + objectives, "{calls} splits for {texts} texts");
        // What the texts cost read per pair, as the review and KPIs did: the measurable check,
        // the alignment's module × course objective and assessment × module objective pairs,
        // the KPIs' assessed module × course objective pairs.
        let per_pair = words_calls(|| {
            for objective in all_objectives(&blueprint) {
                let _ = leading_verb(&objective_words(objective.1));
            }
            for objective in &blueprint.learning_objectives {
                let _ = blueprint.modules.iter().filter(|module| module_addresses(module, objective)).count();
            }
            for module in &blueprint.modules {
                for objective in &module.objectives {
                    let _ = module.assessments.iter().any(|assessment| assesses(assessment, objective));
                }
            }
            for objective in &blueprint.learning_objectives {
                let _ = blueprint.modules.iter().filter(|module| !module.assessments.is_empty()).any(|module| module_addresses(module, objective));
            }
        });
        assert!(per_pair > 10 * calls, "read per pair: {per_pair} splits; read once: {calls}");
    }

    /// The arbitrary blueprints the equivalence property compares: texts drawn from a small
    /// vocabulary (with verbs, preambles, stopwords and inflections), so that topics overlap.
    fn arbitrary_blueprint() -> impl Strategy<Value = Blueprint> {
        const VOCABULARY: [&str; 24] = [
            "Explain", "learners", "will", "be", "able", "to", "compare", "pricing", "prices", "priced", "tiers", "quote", "quotes", "discount", "customer", "deal", "with", "the",
            "understand", "objections", "By the end,", "Students will", "course", "task",
        ];
        let text = proptest::collection::vec(proptest::sample::select(&VOCABULARY[..]), 0..7).prop_map(|words| words.join(" "));
        let texts = move |max: usize| proptest::collection::vec(text.clone(), 0..max);
        let module = (texts(2).prop_map(|t| t.join(" ")), texts(4), texts(4)).prop_map(|(title, objectives, assessments)| crate::blueprint::document::Module { title, duration_minutes: 30, objectives, activities: Vec::new(), assessments });
        (texts(4), proptest::collection::vec(module, 0..5)).prop_map(|(learning_objectives, modules)| Blueprint { title: "T".into(), overview: "O".into(), learning_objectives, modules, timeline: None, resources: None })
    }

    proptest! {
        /// Read once or read per pair, the answers are the same: every (module, course
        /// objective) and (assessment, module objective) pair, and so the review and KPIs.
        #[test]
        fn topics_read_once_answer_as_the_texts_read_per_pair(blueprint in arbitrary_blueprint()) {
            let topics = Topics::of(&blueprint);
            for (m, module) in blueprint.modules.iter().enumerate() {
                for (c, objective) in blueprint.learning_objectives.iter().enumerate() {
                    prop_assert_eq!(topics.module_addresses(m, c), module_addresses(module, objective));
                }
                for (a, assessment) in module.assessments.iter().enumerate() {
                    for (o, objective) in module.objectives.iter().enumerate() {
                        prop_assert_eq!(topics.assesses(m, a, o), assesses(assessment, objective));
                    }
                }
            }
            let (kpis, review) = crate::blueprint::kpis::with_review(&blueprint, None);
            prop_assert_eq!(review, super::review(&blueprint, None));
            prop_assert_eq!(kpis, crate::blueprint::kpis::kpis(&blueprint));
        }
    }



    /// A small online course that passes every check: 2 + 4 hours of modules for "6 hours".
    fn good() -> Blueprint {
        Blueprint {
            title: "Pricing for sales reps".into(),
            overview: "A short online course on pricing and quoting.".into(),
            learning_objectives: strings(&["Explain the pricing tiers to a customer", "Learners will be able to calculate a discounted quote for a multi-year deal"]),
            modules: vec![
                module(
                    "Pricing tiers",
                    120,
                    &["Describe each pricing tier and its limits", "Compare the tiers for a given customer need"],
                    &["Recorded explainer on the tiers", "Breakout-room comparison exercise"],
                    &["Quiz on each tier and its limits", "Short written comparison of tiers for a customer need"],
                ),
                module(
                    "Quoting multi-year deals",
                    240,
                    &["Calculate a discounted quote for a multi-year deal", "Justify a discount to a sales manager"],
                    &["Live online role-play of a quote call", "Discussion in the course forum"],
                    &["Graded quote for a three-year deal", "Peer review of each discount justification"],
                ),
            ],
            timeline: None,
            resources: None,
        }
    }

    fn answers(time: &str, modality: Option<Modality>) -> StaticAnswers {
        StaticAnswers {
            audience: "Sales reps".into(),
            goals: strings(&["Quote faster"]),
            constraints: Constraints { time: time.into(), budget: None, modality },
            context: "B2B SaaS".into(),
            languages: strings(&["en-US"]),
        }
    }

    fn online() -> StaticAnswers {
        answers("6 hours", Some(Modality::Online))
    }

    fn check<'a>(review: &'a QualityReview, id: &str) -> &'a Check {
        review.checks.iter().find(|check| check.id == id).unwrap()
    }

    fn failing(review: &QualityReview) -> Vec<&str> {
        review.checks.iter().filter(|check| !check.passed).map(|check| check.id.as_str()).collect()
    }

    #[test]
    fn a_good_blueprint_scores_100() {
        let review = review(&good(), Some(&online()));
        assert_eq!(failing(&review), Vec::<&str>::new());
        assert_eq!(review.score, 100);
        assert!(review.to_fix.is_empty());
        let ids: Vec<&str> = review.checks.iter().map(|check| check.id.as_str()).collect();
        assert_eq!(ids, [MEASURABLE_OBJECTIVES, CONSTRUCTIVE_ALIGNMENT, TIME_BUDGET, NO_DUPLICATES_OR_EMPTIES, MODALITY_RESPECTED]);
        let levels = &check(&review, MEASURABLE_OBJECTIVES).evidence;
        assert_eq!(levels.len(), 6);
        assert_eq!(levels[0], "course objective 1 \"Explain the pricing tiers to a customer\": understand");
        assert!(levels[1].ends_with(": apply"));
        assert!(check(&review, CONSTRUCTIVE_ALIGNMENT).evidence[0].ends_with("addressed by module 1"));
        assert_eq!(check(&review, TIME_BUDGET).evidence, ["the modules add up to 6 h; 6 h available, 5 h 6 min to 6 h 54 min within ±15%"]);
    }

    /// Issue 17 #12: the review is stored with each version, so its size must not grow with
    /// the blueprint. The evidence names the first findings and counts the rest.
    #[test]
    fn evidence_is_capped_and_counts_what_it_leaves_out() {
        let vague: Vec<String> = (0..30).map(|i| format!("Understand topic {i}")).collect();
        let mut blueprint = good();
        blueprint.learning_objectives = vague.clone();
        blueprint.modules[0].objectives = vague;
        let review = review(&blueprint, Some(&online()));
        let evidence = &check(&review, MEASURABLE_OBJECTIVES).evidence;
        assert_eq!(evidence.len(), MAX_EVIDENCE_LINES + 1);
        assert_eq!(evidence[0], "course objective 1: \"Understand topic 0\" starts with \"understand\", which cannot be observed");
        assert_eq!(evidence[MAX_EVIDENCE_LINES], format!("… and {} more", 30 + 30 + 2 - MAX_EVIDENCE_LINES));
        assert!(review.to_fix[0].starts_with("Rewrite 60 objectives"), "the counts stay whole: {}", review.to_fix[0]);
    }

    #[test]
    fn the_review_is_camel_case_json() {
        let value = serde_json::to_value(review(&good(), None)).unwrap();
        assert!(value["toFix"].is_array());
        assert_eq!(value["checks"][0]["id"], "measurable_objectives");
        assert_eq!(value["checks"][0]["passed"], true);
    }

    #[test]
    fn vague_objectives_fail_only_the_measurable_check() {
        let mut blueprint = good();
        blueprint.learning_objectives[0] = "Understand the pricing tiers".into();
        blueprint.modules[0].objectives[0] = "Learners will know each pricing tier and its limits".into();
        blueprint.modules[1].objectives[1] = "Discount justification for a sales manager".into();
        let review = review(&blueprint, Some(&online()));
        assert_eq!(failing(&review), [MEASURABLE_OBJECTIVES]);
        assert_eq!(review.score, 80);
        let evidence = &check(&review, MEASURABLE_OBJECTIVES).evidence;
        assert_eq!(evidence[0], "course objective 1: \"Understand the pricing tiers\" starts with \"understand\", which cannot be observed");
        assert_eq!(evidence[1], "module 1 \"Pricing tiers\" objective 1: \"Learners will know each pricing tier and its limits\" starts with \"know\", which cannot be observed");
        assert_eq!(evidence[2], "module 2 \"Quoting multi-year deals\" objective 2: \"Discount justification for a sales manager\" does not start with a measurable verb");
        assert_eq!(
            review.to_fix,
            ["Rewrite 3 objectives with measurable verbs (such as explain, apply, compare or design): course objective 1, module 1 \"Pricing tiers\" objective 1, module 2 \"Quoting multi-year deals\" objective 2."]
        );
    }

    #[test]
    fn bloom_levels_are_read_after_the_preamble() {
        for (objective, level) in [
            ("Define the three tiers", Some("remember")),
            ("list the tiers", Some("remember")),
            ("Summarise the policy", Some("understand")),
            ("summarize the policy", Some("understand")),
            ("Students will be able to apply the rules", Some("apply")),
            ("Be able to use the calculator", Some("apply")),
            ("To analyse a deal", Some("analyze")),
            ("Learners will ANALYZE a deal", Some("analyze")),
            ("The learners will justify a discount", Some("evaluate")),
            ("By the end of the course, participants will be able to design a campaign", Some("create")),
            ("Identifies the tiers", Some("remember")),
            ("Plan a launch", Some("create")),
            ("Understand pricing", None),
            ("Know the tiers", None),
            ("Learn about discounts", None),
            ("Appreciate the customer's view", None),
            ("Be aware of the rules", None),
            ("Learners will be aware of the rules", None),
            ("Pricing tiers", None),
            ("", None),
        ] {
            assert_eq!(bloom_level(objective), level, "{objective}");
        }
    }

    #[test]
    fn unaddressed_and_unassessed_objectives_fail_only_alignment() {
        let mut blueprint = good();
        blueprint.learning_objectives.push("Design a renewal campaign".into());
        blueprint.modules[0].objectives.push("Identify upsell signals".into());
        let review = review(&blueprint, Some(&online()));
        assert_eq!(failing(&review), [CONSTRUCTIVE_ALIGNMENT]);
        let evidence = &check(&review, CONSTRUCTIVE_ALIGNMENT).evidence;
        assert_eq!(evidence[0], "course objective 3: \"Design a renewal campaign\" is addressed by no module");
        assert_eq!(evidence[1], "module 1 \"Pricing tiers\" objective 3: \"Identify upsell signals\" is assessed by none of the module's assessments");
        assert_eq!(
            review.to_fix,
            ["Cover 1 course objective with a module or module objective on the same topic and add an assessment that checks 1 module objective: course objective 3, module 1 \"Pricing tiers\" objective 3."]
        );
    }

    #[test]
    fn alignment_matches_word_stems_not_stopwords() {
        let pricing = module("Pricing", 60, &["Quote prices"], &["Practice"], &["Priced quote"]);
        assert!(module_addresses(&pricing, "Explain how prices are set"));
        assert!(module_addresses(&pricing, "Prepare quotes"));
        assert!(!module_addresses(&pricing, "Explain this course with their learners"));
        let generic = module("Practice", 60, &["Apply the key concepts in a realistic task"], &["Practice"], &["Task"]);
        assert!(!module_addresses(&generic, "Demonstrate progress on the goals in realistic tasks"), "pedagogy words are no topic");
        assert!(!module_addresses(&pricing, "Explain"), "the verb alone is no topic");
        assert_eq!(stem("processes"), stem("process"));
        assert_eq!(stem("pricing"), stem("price"));
        assert_eq!(stem("tiers"), "tier");
        assert_eq!(stem("classes"), "class");
    }

    #[test]
    fn a_course_that_does_not_fit_fails_only_the_time_budget() {
        let review = review(&good(), Some(&answers("3 hours", Some(Modality::Online))));
        assert_eq!(failing(&review), [TIME_BUDGET]);
        assert_eq!(check(&review, TIME_BUDGET).evidence, ["modules: the modules add up to 6 h; 3 h available, 2 h 33 min to 3 h 27 min within ±15%: too long"]);
        assert_eq!(review.to_fix, ["Adjust the module durations: they add up to 6 h but 3 h is available (aim for 2 h 33 min to 3 h 27 min)."]);
        // 15% either way still fits: 6 h is within 357 to 483 minutes of 7 hours, not 408 to 552 of 8.
        assert!(review_passes(&good(), "7 hours"));
        assert!(!review_passes(&good(), "8 hours"), "360 is below 408");
        assert!(review_passes(&good(), "3 days x 2 hours"));
    }

    fn review_passes(blueprint: &Blueprint, time: &str) -> bool {
        check(&review(blueprint, Some(&answers(time, Some(Modality::Online)))), TIME_BUDGET).passed
    }

    #[test]
    fn an_unknown_time_is_not_guessed_and_not_scored() {
        let reviewed = review(&good(), Some(&answers("4 weeks", Some(Modality::Online))));
        let time = check(&reviewed, TIME_BUDGET);
        assert!(time.passed);
        assert_eq!(time.evidence, ["cannot check: \"4 weeks\" is a span of days, weeks or months, not a number of teaching hours"]);
        let mut vague = good();
        vague.learning_objectives[0] = "Understand the pricing tiers".into();
        // 3 of 4 judged checks pass: the unknown time counts neither way.
        assert_eq!(review_score(&vague, Some(&answers("4 weeks", Some(Modality::Online)))), 75);
        // Without the answers, neither time nor modality is judged: 2 of 3.
        let without = review(&vague, None);
        assert_eq!(without.score, 67);
        assert!(check(&without, TIME_BUDGET).evidence[0].starts_with("cannot check:"));
        assert!(check(&without, MODALITY_RESPECTED).evidence[0].starts_with("cannot check:"));
    }

    fn review_score(blueprint: &Blueprint, answers: Option<&StaticAnswers>) -> u8 {
        review(blueprint, answers).score
    }

    #[test]
    fn repeats_and_empty_modules_fail_only_their_check() {
        let mut blueprint = good();
        blueprint.modules[1].activities.push("  discussion in the   COURSE forum ".into());
        blueprint.modules[1].title = "pricing  TIERS".into();
        blueprint.modules[0].objectives.push("describe each pricing tier and its limits".into());
        let review = review(&blueprint, Some(&online()));
        assert_eq!(failing(&review), [NO_DUPLICATES_OR_EMPTIES]);
        assert_eq!(
            check(&review, NO_DUPLICATES_OR_EMPTIES).evidence,
            [
                "modules 1, 2: share the title \"Pricing tiers\"",
                "module 1 \"Pricing tiers\": objective \"Describe each pricing tier and its limits\" appears 2 times",
                "module 2 \"pricing  TIERS\": activity \"Discussion in the course forum\" appears 2 times",
            ]
        );
        assert!(review.to_fix[0].starts_with("Merge or remove the repeats and give every module objectives and activities: modules 1, 2, module 1"));

        let mut empty = good();
        empty.modules[1].activities.clear();
        let review = review_of(&empty);
        assert_eq!(failing(&review), [NO_DUPLICATES_OR_EMPTIES]);
        assert_eq!(check(&review, NO_DUPLICATES_OR_EMPTIES).evidence, ["module 2 \"Quoting multi-year deals\": has no activities"]);
    }

    fn review_of(blueprint: &Blueprint) -> QualityReview {
        review(blueprint, Some(&online()))
    }

    #[test]
    fn a_module_without_objectives_is_reported_as_empty() {
        let mut blueprint = good();
        blueprint.modules.push(module("Extras", 1, &[], &["Reading"], &[]));
        blueprint.modules[1].duration_minutes = 239;
        let review = review_of(&blueprint);
        assert_eq!(failing(&review), [NO_DUPLICATES_OR_EMPTIES]);
        assert_eq!(check(&review, NO_DUPLICATES_OR_EMPTIES).evidence, ["module 3 \"Extras\": has no objectives"]);
    }

    #[test]
    fn an_online_course_with_a_classroom_fails_only_the_modality_check() {
        let mut blueprint = good();
        blueprint.modules[0].activities.push("Classroom role-play on the tiers".into());
        blueprint.modules[1].assessments.push("Face-to-face quote review".into());
        let review = review_of(&blueprint);
        assert_eq!(failing(&review), [MODALITY_RESPECTED]);
        assert_eq!(
            check(&review, MODALITY_RESPECTED).evidence,
            [
                "module 1 \"Pricing tiers\" activity 3: \"Classroom role-play on the tiers\" mentions \"classroom\"",
                "module 2 \"Quoting multi-year deals\" assessment 3: \"Face-to-face quote review\" mentions \"face-to-face\"",
            ]
        );
        assert_eq!(review.to_fix, ["Replace the in-person parts of this online course with online equivalents: module 1 \"Pricing tiers\" activity 3, module 2 \"Quoting multi-year deals\" assessment 3."]);
        for modality in [Some(Modality::InPerson), Some(Modality::Blended), None] {
            let other = review_score(&blueprint, Some(&answers("6 hours", modality)));
            assert_eq!(other, 100, "{modality:?}");
        }
    }

    #[test]
    fn in_person_terms_match_whole_words() {
        assert_eq!(in_person_term("Printed handouts"), Some("printed"));
        assert_eq!(in_person_term("Visit the classrooms"), Some("classroom"));
        assert_eq!(in_person_term("Meet on-site"), Some("on-site"));
        assert_eq!(in_person_term("Breakout rooms online"), None);
        assert_eq!(in_person_term("Blueprinted plan, in personal time"), None);
    }

    #[test]
    fn every_stated_time_form_is_read_or_explained() {
        for (text, minutes) in [
            ("6 hours", 360),
            ("90 minutes", 90),
            ("1.5 h", 90),
            ("2h30", 150),
            ("3 days × 2 h", 360),
            ("3 days x 2 hours", 360),
            ("3 Days X 2 Hours", 360),
            ("3 sessions of 90 minutes", 270),
            ("3 sessions of 90 minutes each", 270),
            ("4 evenings * 1.5 h", 360),
            ("2 h × 3 days", 360),
            ("3 days × 2 hours per day", 360),
            ("5 × 1h30", 450),
        ] {
            assert_eq!(parse_time_budget(text), TimeBudget::Minutes(minutes), "{text}");
        }
        let unknown = |text: &str| match parse_time_budget(text) {
            TimeBudget::Unknown(why) => why,
            TimeBudget::Minutes(minutes) => panic!("{text} read as {minutes}"),
        };
        assert_eq!(unknown("4 weeks"), "\"4 weeks\" is a span of days, weeks or months, not a number of teaching hours");
        assert_eq!(unknown("3 days"), "\"3 days\" is a span of days, weeks or months, not a number of teaching hours");
        assert_eq!(unknown("2 hours a week"), "\"2 hours a week\" gives hours or minutes per period but not a total");
        assert_eq!(unknown("plenty"), "\"plenty\" gives no number of hours or minutes");
        assert_eq!(unknown("  "), "no time was stated");
        assert_eq!(unknown("42"), "\"42\" is not a number of hours or minutes");
        for garbage in ["1.5 days × 2 h", "x × y", "0 sessions of 2 hours", "3 apples of 2 hours", "×", "of of of", "3 days × lots"] {
            assert!(matches!(parse_time_budget(garbage), TimeBudget::Unknown(_)), "{garbage}");
        }
        assert_eq!(parse_time_budget("4294967295 sessions of 2 hours"), TimeBudget::Minutes(u32::MAX));
    }

    #[test]
    fn long_text_is_quoted_short() {
        let long = "Explain ".to_string() + &"very ".repeat(40);
        assert_eq!(quoted(&long).chars().count(), QUOTED_CHARS + 2);
        assert!(quoted(&long).ends_with("…\""));
    }

    #[test]
    fn the_score_rounds_half_up() {
        let outcome = |passed: bool| Outcome::judged("x", "x", &if passed { vec![] } else { vec![Finding { location: "l".into(), problem: "p".into() }] }, vec![], |_| String::new());
        assert_eq!(score(&[outcome(true), outcome(false)]), 50);
        assert_eq!(score(&[outcome(true), outcome(true), outcome(false)]), 67);
        assert_eq!(score(&[outcome(false), outcome(false), outcome(true)]), 33);
        assert_eq!(score(&[]), 100);
    }
}
