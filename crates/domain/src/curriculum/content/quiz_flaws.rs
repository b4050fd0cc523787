//! Item-writing flaws in a quiz, after Haladyna, Downing and Rodriguez's guidelines for
//! multiple-choice items: each flaw is its own check id, and its evidence names the question
//! (numbered from 1), the options (A to D) and the words that show it.
//!
//! Severities (see `quality` for the rule):
//! - blocking — cues that let a test-wise learner find the key without knowing the subject: the
//!   key is the longest option in most questions, "all of the above" is the key, two options are
//!   the same, every distractor carries an absolute word the key lacks, an a/an cue, one key
//!   position holding most keys;
//! - advisory — the same cue in a single question (a long key is sometimes just precise), "none
//!   of the above" or "all of the above" as a distractor, an unemphasised negative stem (it trips
//!   up learners who know the answer but gives nothing away), an absolute word in only some
//!   distractors, a stem word repeated in the key (shared technical vocabulary makes this one
//!   noisy), a key position never used.

use super::quality::{quoted, Finding, Severity};
use super::quiz::{Quiz, QuizQuestion, OPTIONS_PER_QUESTION};
use std::collections::BTreeSet;

pub const KEY_LONGEST_OPTION: &str = "key_longest_option";
pub const ALL_OR_NONE_OF_THE_ABOVE: &str = "all_or_none_of_the_above";
pub const DUPLICATE_OPTIONS: &str = "duplicate_options";
pub const NEGATIVE_STEM_UNEMPHASISED: &str = "negative_stem_unemphasised";
pub const ABSOLUTE_WORDS_IN_DISTRACTORS: &str = "absolute_words_in_distractors";
pub const ARTICLE_CUE: &str = "article_cue";
pub const STEM_WORDS_IN_KEY: &str = "stem_words_in_key";
pub const KEY_POSITION_SKEWED: &str = "key_position_skewed";
pub const KEY_POSITION_UNUSED: &str = "key_position_unused";

/// The key is "longest by a wide margin" when it has at least 3/2 the characters of the longest
/// distractor and at least this many more: both, so short options ("&T" against "&mut T") and
/// long ones of similar length are not flagged.
pub const KEY_LENGTH_MARGIN_CHARS: usize = 15;
/// Two options are near-duplicates when their word sets overlap this much (Jaccard, as a
/// fraction: shared words / all words ≥ 4/5).
const NEAR_DUPLICATE_SHARED: usize = 4;
const NEAR_DUPLICATE_OF: usize = 5;
/// Quizzes this long can show a skewed key position, or an unused one.
pub const MIN_QUESTIONS_FOR_SKEW: usize = 4;
pub const MIN_QUESTIONS_FOR_UNUSED: usize = 6;
/// Stem words shorter than this are function words, not content.
const MIN_CONTENT_WORD_CHARS: usize = 4;

const NEGATIVE_WORDS: [&str; 3] = ["not", "except", "never"];
const ABSOLUTE_WORDS: [&str; 5] = ["always", "never", "all", "none", "only"];
const ALL_OF_THE_ABOVE: &str = "all of the above";
const NONE_OF_THE_ABOVE: &str = "none of the above";
/// Words of four letters or more that every stem may use without cueing anything.
const STEM_STOPWORDS: [&str; 40] = [
    "about", "above", "after", "also", "been", "before", "best", "both", "could", "does", "each", "following", "from", "have", "into", "least", "most", "much", "many", "must", "other",
    "should", "some", "statement", "such", "than", "that", "their", "them", "then", "there", "these", "they", "this", "those", "what", "when", "where", "which", "with",
];

/// Every item-writing flaw in `quiz`: per question in order, then the quiz-wide key positions.
pub fn quiz_findings(quiz: &Quiz) -> Vec<Finding> {
    let mut findings = Vec::new();
    let long_keys = long_key_questions(quiz);
    for (index, question) in quiz.questions.iter().enumerate() {
        let number = index + 1;
        if let Some(finding) = long_keys.iter().find(|finding| finding.0 == index) {
            findings.push(finding.1.clone());
        }
        findings.extend(all_or_none_of_the_above(number, question));
        findings.extend(duplicate_options(number, question));
        findings.extend(negative_stem(number, question));
        findings.extend(absolute_words(number, question));
        findings.extend(article_cue(number, question));
        findings.extend(stem_words_in_key(number, question));
    }
    findings.extend(key_positions(quiz));
    findings
}

/// "A" for the first option.
fn letter(index: usize) -> char {
    char::from(b'A' + u8::try_from(index.min(25)).unwrap_or(25))
}

/// `B "It is moved"`.
fn option(question: &QuizQuestion, index: usize) -> String {
    format!("{} {}", letter(index), quoted(question.options.get(index).map_or("", String::as_str)))
}

/// Questions whose key is the longest option by a wide margin, with their findings: blocking
/// for all of them when they are most of the quiz (a pattern the learner learns), advisory
/// otherwise.
fn long_key_questions(quiz: &Quiz) -> Vec<(usize, Finding)> {
    let flagged: Vec<(usize, usize, usize)> = quiz
        .questions
        .iter()
        .enumerate()
        .filter_map(|(index, question)| {
            let key = question.key().chars().count();
            let longest = question.distractors().map(|(_, distractor)| distractor.chars().count()).max()?;
            (key * 2 >= longest * 3 && key >= longest + KEY_LENGTH_MARGIN_CHARS).then_some((index, key, longest))
        })
        .collect();
    let most = flagged.len() * 2 > quiz.questions.len();
    let severity = if most { Severity::Blocking } else { Severity::Advisory };
    let pattern = if most { format!("; the key is the longest option in {} of {} questions", flagged.len(), quiz.questions.len()) } else { String::new() };
    flagged
        .into_iter()
        .map(|(index, key, longest)| {
            let question = &quiz.questions[index];
            let evidence = format!("question {}: the key {} has {key} characters, the longest distractor {longest}{pattern}", index + 1, option(question, usize::from(question.correct_index)));
            (index, Finding::new(KEY_LONGEST_OPTION, severity, evidence))
        })
        .collect()
}

/// Lowercase words, split on anything that is not a letter or digit.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|word| !word.is_empty()).map(str::to_lowercase).collect()
}

/// Lowercase tokens split on whitespace, sentence punctuation trimmed but code punctuation kept
/// (`&T` and `&mut T` stay different).
fn tokens(text: &str) -> Vec<String> {
    text.split_whitespace().map(|token| token.trim_matches(|c: char| ".,;:!?\"'()".contains(c)).to_lowercase()).filter(|token| !token.is_empty()).collect()
}

fn all_or_none_of_the_above(number: usize, question: &QuizQuestion) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (index, text) in question.options.iter().enumerate() {
        let phrase = words(text).join(" ");
        let is_key = index == usize::from(question.correct_index);
        for (wording, blocks_as_key) in [(ALL_OF_THE_ABOVE, true), (NONE_OF_THE_ABOVE, false)] {
            if phrase.contains(wording) {
                // "All of the above" as the key is found by spotting two right options; as a
                // distractor, or "none of the above" anywhere, it only weakens the item.
                let severity = if is_key && blocks_as_key { Severity::Blocking } else { Severity::Advisory };
                let role = if is_key { "the key" } else { "a distractor" };
                findings.push(Finding::new(ALL_OR_NONE_OF_THE_ABOVE, severity, format!("question {number}: option {} says \"{wording}\" ({role})", option(question, index))));
            }
        }
    }
    findings
}

fn duplicate_options(number: usize, question: &QuizQuestion) -> Vec<Finding> {
    let mut findings = Vec::new();
    let token_sets: Vec<BTreeSet<String>> = question.options.iter().map(|text| tokens(text).into_iter().collect()).collect();
    for first in 0..token_sets.len() {
        for second in first + 1..token_sets.len() {
            let (a, b) = (&token_sets[first], &token_sets[second]);
            let shared = a.intersection(b).count();
            let all = a.union(b).count();
            let why = if tokens(&question.options[first]) == tokens(&question.options[second]) {
                "are the same once case and punctuation are ignored".to_string()
            } else if all > 0 && shared * NEAR_DUPLICATE_OF >= all * NEAR_DUPLICATE_SHARED {
                format!("share {shared} of their {all} words")
            } else {
                continue;
            };
            findings.push(Finding::blocking(DUPLICATE_OPTIONS, format!("question {number}: options {} and {} {why}", option(question, first), option(question, second))));
        }
    }
    findings
}

/// A negative word in the stem that is neither in capitals (`NOT`) nor inside `*…*` or
/// `**…**`: learners who read fast answer the positive question.
fn negative_stem(number: usize, question: &QuizQuestion) -> Vec<Finding> {
    let stem = question.question.replace("**", "*");
    let mut unemphasised = Vec::new();
    for (part, segment) in stem.split('*').enumerate() {
        let emphasised = part % 2 == 1;
        for word in segment.split(|c: char| !c.is_alphanumeric()).filter(|word| !word.is_empty()) {
            let lower = word.to_lowercase();
            let in_capitals = word.chars().all(|c| !c.is_lowercase());
            if NEGATIVE_WORDS.contains(&lower.as_str()) && !emphasised && !in_capitals {
                unemphasised.push(format!("\"{word}\""));
            }
        }
    }
    if unemphasised.is_empty() {
        return Vec::new();
    }
    vec![Finding::advisory(NEGATIVE_STEM_UNEMPHASISED, format!("question {number}: the stem says {} without emphasis; write it in capitals or **bold**", unemphasised.join(", ")))]
}

/// The absolute words of an option, "all/none of the above" aside (that is its own check).
fn absolutes(text: &str) -> Vec<String> {
    let phrase = words(text).join(" ").replace(ALL_OF_THE_ABOVE, " ").replace(NONE_OF_THE_ABOVE, " ");
    let mut found: Vec<String> = Vec::new();
    for word in phrase.split(' ').filter(|word| ABSOLUTE_WORDS.contains(word)) {
        if !found.iter().any(|seen| seen == word) {
            found.push(word.to_string());
        }
    }
    found
}

fn absolute_words(number: usize, question: &QuizQuestion) -> Vec<Finding> {
    if !absolutes(question.key()).is_empty() {
        return Vec::new();
    }
    let marked: Vec<(usize, Vec<String>)> = question.distractors().map(|(index, text)| (index, absolutes(text))).filter(|(_, found)| !found.is_empty()).collect();
    if marked.is_empty() {
        return Vec::new();
    }
    // Every distractor marked leaves the key as the only option a test-wise learner keeps.
    let every = marked.len() == question.distractors().count();
    let severity = if every { Severity::Blocking } else { Severity::Advisory };
    let listed: Vec<String> = marked.iter().map(|(index, found)| format!("\"{}\" in {}", found.join("\", \""), letter(*index))).collect();
    let evidence = format!("question {number}: {}; the key {} has none", listed.join(", "), letter(usize::from(question.correct_index)));
    vec![Finding::new(ABSOLUTE_WORDS_IN_DISTRACTORS, severity, evidence)]
}

/// A stem ending in "a" or "an" whose article only the key agrees with ("an" before a vowel
/// letter; by spelling, which is what a learner sees). Options that start with a digit or a
/// symbol agree with either.
fn article_cue(number: usize, question: &QuizQuestion) -> Vec<Finding> {
    let stem = question.question.trim_end_matches(|c: char| !c.is_alphanumeric());
    let article = stem.rsplit(|c: char| !c.is_alphanumeric()).next().unwrap_or("").to_lowercase();
    if article != "a" && article != "an" {
        return Vec::new();
    }
    let agrees = |text: &str| match text.trim_start().chars().next() {
        Some(first) if first.is_alphabetic() => ("aeiou".contains(first.to_ascii_lowercase())) == (article == "an"),
        _ => true,
    };
    if !agrees(question.key()) || question.distractors().any(|(_, text)| agrees(text)) {
        return Vec::new();
    }
    vec![Finding::blocking(ARTICLE_CUE, format!("question {number}: the stem ends with \"{article}\" and only the key {} agrees with it", option(question, usize::from(question.correct_index))))]
}

/// A word's crude stem, so "borrows" matches "borrow".
fn word_stem(word: &str) -> String {
    match word.strip_suffix('s') {
        Some(stem) if stem.chars().count() >= MIN_CONTENT_WORD_CHARS => stem.to_string(),
        _ => word.to_string(),
    }
}

fn stem_words_in_key(number: usize, question: &QuizQuestion) -> Vec<Finding> {
    let content: BTreeSet<String> =
        words(&question.question).into_iter().filter(|word| word.chars().count() >= MIN_CONTENT_WORD_CHARS && !STEM_STOPWORDS.contains(&word.as_str())).map(|word| word_stem(&word)).collect();
    let key: BTreeSet<String> = words(question.key()).iter().map(|word| word_stem(word)).collect();
    let distractors: BTreeSet<String> = question.distractors().flat_map(|(_, text)| words(text)).map(|word| word_stem(&word)).collect();
    let repeated: Vec<String> = content.iter().filter(|word| key.contains(*word) && !distractors.contains(*word)).map(|word| format!("\"{word}\"")).collect();
    if repeated.is_empty() {
        return Vec::new();
    }
    vec![Finding::advisory(
        STEM_WORDS_IN_KEY,
        format!("question {number}: {} from the stem appear in the key {} and in no distractor", repeated.join(", "), option(question, usize::from(question.correct_index))),
    )]
}

fn key_positions(quiz: &Quiz) -> Vec<Finding> {
    let total = quiz.questions.len();
    let mut keys = [0usize; OPTIONS_PER_QUESTION];
    for question in &quiz.questions {
        if let Some(slot) = keys.get_mut(usize::from(question.correct_index)) {
            *slot += 1;
        }
    }
    let mut findings = Vec::new();
    if total >= MIN_QUESTIONS_FOR_SKEW {
        for (index, held) in keys.iter().enumerate().filter(|(_, held)| **held * 2 > total) {
            findings.push(Finding::blocking(KEY_POSITION_SKEWED, format!("option {} is the key in {held} of {total} questions", letter(index))));
        }
    }
    if total >= MIN_QUESTIONS_FOR_UNUSED {
        let unused: Vec<String> = keys.iter().enumerate().filter(|(_, held)| **held == 0).map(|(index, _)| letter(index).to_string()).collect();
        if !unused.is_empty() {
            findings.push(Finding::advisory(KEY_POSITION_UNUSED, format!("option {} is never the key in {total} questions", unused.join(", "))));
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::curriculum::content::quiz::tests::good_quiz;
    use crate::curriculum::content::quiz::validate_quiz;
    use proptest::prelude::*;

    fn item(stem: &str, options: [&str; 4], key: u8) -> QuizQuestion {
        QuizQuestion { question: stem.into(), options: options.map(String::from).to_vec(), correct_index: key, explanation: "Because.".into() }
    }

    /// The findings on one question, the quiz-wide checks left out.
    fn on(question: QuizQuestion) -> Vec<Finding> {
        quiz_findings(&Quiz { questions: vec![question] })
    }

    fn ids(findings: &[Finding]) -> Vec<(&str, Severity)> {
        findings.iter().map(|finding| (finding.check.as_str(), finding.severity)).collect()
    }

    #[test]
    fn a_well_written_quiz_has_no_flaws() {
        let quiz = validate_quiz(&good_quiz()).unwrap();
        assert_eq!(quiz_findings(&quiz), []);
    }

    #[test]
    fn a_key_longest_by_far_is_advisory_alone_and_blocking_when_most_keys_are() {
        let long = item("Which describes a move?", ["Copying", "The value's ownership passes to the new binding", "Cloning", "Dropping"], 1);
        let findings = on(long.clone());
        assert_eq!(ids(&findings), [(KEY_LONGEST_OPTION, Severity::Blocking)], "one of one is most");
        let fair = item("Which describes a move?", ["A deep copy of the value", "Ownership passes to the new binding", "A new reference", "A dropped value"], 1);
        assert_eq!(on(fair.clone()), []);
        let quiz = Quiz { questions: vec![long.clone(), fair.clone(), item("Which is a borrow?", ["&x", "x", "*x", "x.clone()"], 2)] };
        let findings = quiz_findings(&quiz);
        assert_eq!(ids(&findings), [(KEY_LONGEST_OPTION, Severity::Advisory)]);
        assert_eq!(findings[0].evidence, "question 1: the key B \"The value's ownership passes to the new binding\" has 47 characters, the longest distractor 8");
        let quiz = Quiz { questions: vec![long.clone(), long, fair] };
        let findings = quiz_findings(&quiz);
        assert_eq!(ids(&findings), [(KEY_LONGEST_OPTION, Severity::Blocking), (KEY_LONGEST_OPTION, Severity::Blocking)]);
        assert!(findings[1].evidence.ends_with("; the key is the longest option in 2 of 3 questions"), "{}", findings[1].evidence);
        // Long but not by the margin: 1.5× without 15 more characters.
        assert_eq!(on(item("Which is the mutable borrow here?", ["&x", "&mut x", "*x", "x"], 1)), []);
    }

    #[test]
    fn all_of_the_above_blocks_as_the_key_and_advises_elsewhere() {
        let key = on(item("Which are Rust integer types?", ["u8", "i32", "usize", "All of the above."], 3));
        assert_eq!(ids(&key), [(ALL_OR_NONE_OF_THE_ABOVE, Severity::Blocking)]);
        assert_eq!(key[0].evidence, "question 1: option D \"All of the above.\" says \"all of the above\" (the key)");
        let distractor = on(item("Which is a Rust integer type?", ["u8", "float", "real", "None of the above"], 0));
        assert_eq!(ids(&distractor), [(ALL_OR_NONE_OF_THE_ABOVE, Severity::Advisory)]);
        assert_eq!(distractor[0].evidence, "question 1: option D \"None of the above\" says \"none of the above\" (a distractor)");
        assert_eq!(on(item("Which is a Rust integer type?", ["u8", "float", "real", "char"], 0)), []);
    }

    #[test]
    fn duplicate_and_near_duplicate_options_block() {
        let same = on(item("Which trait allows implicit copies?", ["Copy", "Clone", "copy.", "Send"], 0));
        assert_eq!(ids(&same), [(DUPLICATE_OPTIONS, Severity::Blocking)]);
        assert_eq!(same[0].evidence, "question 1: options A \"Copy\" and C \"copy.\" are the same once case and punctuation are ignored");
        let near = on(item("What does the borrow checker enforce?", ["one mutable reference at a time is allowed", "one mutable reference at a time is allowed here", "no references", "garbage collection"], 0));
        assert_eq!(ids(&near), [(DUPLICATE_OPTIONS, Severity::Blocking)]);
        assert!(near[0].evidence.ends_with("share 8 of their 9 words"), "{}", near[0].evidence);
        assert_eq!(on(item("Which reference type is this?", ["&T", "&mut T", "Box<T>", "Rc<T>"], 1)), [], "code punctuation keeps options apart");
    }

    #[test]
    fn a_negative_stem_must_be_emphasised() {
        let plain = on(item("Which of these is not a scalar type?", ["u8", "bool", "char", "Vec"], 3));
        assert_eq!(ids(&plain), [(NEGATIVE_STEM_UNEMPHASISED, Severity::Advisory)]);
        assert_eq!(plain[0].evidence, "question 1: the stem says \"not\" without emphasis; write it in capitals or **bold**");
        for emphasised in ["Which of these is NOT a scalar type?", "Which of these is **not** a scalar type?", "Which of these is *not* a scalar type?"] {
            assert_eq!(on(item(emphasised, ["u8", "bool", "char", "Vec"], 3)), [], "{emphasised}");
        }
        let except = on(item("All of these are scalar types except which one?", ["u8", "bool", "char", "Vec"], 3));
        assert_eq!(except[0].evidence, "question 1: the stem says \"except\" without emphasis; write it in capitals or **bold**");
    }

    #[test]
    fn absolute_words_only_in_distractors_are_a_cue() {
        let some = on(item("When is a value dropped?", ["Always at the end of main", "When its owner goes out of scope", "At a garbage collection", "When the heap is full"], 1));
        assert_eq!(ids(&some), [(ABSOLUTE_WORDS_IN_DISTRACTORS, Severity::Advisory)]);
        assert_eq!(some[0].evidence, "question 1: \"always\" in A; the key B has none");
        let every = on(item("When is a value dropped?", ["Always at exit", "When its owner leaves scope", "Never at all", "Only by free()"], 1));
        assert_eq!(ids(&every), [(ABSOLUTE_WORDS_IN_DISTRACTORS, Severity::Blocking)]);
        assert_eq!(every[0].evidence, "question 1: \"always\" in A, \"never\", \"all\" in C, \"only\" in D; the key B has none");
        assert_eq!(on(item("When is a value dropped?", ["Always at exit", "Only at scope end", "At a collection", "On free()"], 1)), [], "the key has one too");
    }

    #[test]
    fn an_article_that_only_the_key_agrees_with_blocks() {
        let cue = on(item("The trait that yields items one by one is an", ["Iterator", "Display", "Clone", "Default"], 0));
        assert_eq!(ids(&cue), [(ARTICLE_CUE, Severity::Blocking)]);
        assert_eq!(cue[0].evidence, "question 1: the stem ends with \"an\" and only the key A \"Iterator\" agrees with it");
        assert_eq!(on(item("The trait that yields items one by one is an", ["Iterator", "Into", "Clone", "Default"], 0)), [], "a distractor agrees too");
        assert_eq!(on(item("The trait that yields items one by one is a:", ["Display", "Iterator", "Into", "Ord"], 1)), [], "the key disagrees");
        assert_eq!(on(item("Which trait yields items one by one?", ["Iterator", "Display", "Clone", "Default"], 0)), [], "no article");
    }

    #[test]
    fn stem_words_repeated_only_in_the_key_are_advised() {
        let clang = on(item("Which keyword makes a binding mutable?", ["mutable binding", "const", "static", "ref"], 0));
        assert_eq!(ids(&clang), [(STEM_WORDS_IN_KEY, Severity::Advisory)]);
        assert_eq!(clang[0].evidence, "question 1: \"binding\", \"mutable\" from the stem appear in the key A \"mutable binding\" and in no distractor");
        assert_eq!(on(item("Which keyword makes a binding mutable?", ["mutable binding", "constant binding", "static", "ref"], 0)).len(), 1, "binding is shared; mutable is not");
        assert_eq!(on(item("Which keyword makes a binding mutable?", ["mut", "const", "static", "ref"], 0)), []);
    }

    #[test]
    fn each_absolute_word_is_named_once() {
        assert_eq!(absolutes("never, not all, never"), ["never", "all"]);
        assert_eq!(absolutes("All of the above"), Vec::<String>::new());
    }

    #[test]
    fn key_positions_must_be_spread() {
        let at = |keys: &[u8]| Quiz { questions: keys.iter().map(|key| item("Which reference type is this?", ["&T", "&mut T", "Box<T>", "Rc<T>"], *key)).collect() };
        let skewed = quiz_findings(&at(&[1, 1, 1, 0]));
        assert_eq!(ids(&skewed), [(KEY_POSITION_SKEWED, Severity::Blocking)]);
        assert_eq!(skewed[0].evidence, "option B is the key in 3 of 4 questions");
        assert_eq!(quiz_findings(&at(&[1, 1, 1])), [], "too short to judge");
        assert_eq!(quiz_findings(&at(&[1, 1, 0, 2])), [], "half is not most");
        let unused = quiz_findings(&at(&[0, 1, 2, 0, 1, 2]));
        assert_eq!(ids(&unused), [(KEY_POSITION_UNUSED, Severity::Advisory)]);
        assert_eq!(unused[0].evidence, "option D is never the key in 6 questions");
        assert_eq!(quiz_findings(&at(&[0, 1, 2, 3, 0, 1])), []);
    }

    /// Questions as a hand-built document may hold them: any number of options, a key past
    /// them, text with the words and marks the lints look for.
    fn any_question() -> impl Strategy<Value = QuizQuestion> {
        let text = "(all of the above|none of the above|NOT|not|never|only|an|a|\\*\\*|[ a-zA-Z&<>*.,!?é]{0,12}){0,6}";
        (text, proptest::collection::vec(text, 0..7), 0u8..8).prop_map(|(question, options, correct_index)| QuizQuestion { question, options, correct_index, explanation: String::new() })
    }

    proptest! {
        #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn the_lints_never_panic(questions in proptest::collection::vec(any_question(), 0..12), blind in proptest::collection::vec(0u8..8, 0..12)) {
            let quiz = Quiz { questions };
            let _ = quiz_findings(&quiz);
            let _ = crate::curriculum::content::answer_key::answer_key_findings(&quiz, Some(&blind));
            let document = crate::curriculum::content::ContentDocument::Quiz(quiz);
            let _ = crate::curriculum::content::quality::review_content(&document, &crate::curriculum::content::tests::testing_slot());
        }
    }
}
