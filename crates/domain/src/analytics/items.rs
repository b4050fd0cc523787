//! Quiz item analysis (issue 19): how each question of a quiz behaves across learners' attempts
//! — difficulty (the share answering it right), discrimination (the corrected point-biserial
//! correlation of answering it right with the score on the rest of the quiz: whether the
//! learners who know the rest also get this one), each option's share, and each option's own
//! point-biserial (a distractor that discriminates better than the key suggests a miskeyed
//! question). The flags fire only above a minimum number of responses.

use serde::{Deserialize, Serialize};

/// Fewer responses than this say nothing about a question.
pub const MIN_RESPONSES: usize = 30;
pub const TOO_EASY_ABOVE: f64 = 0.9;
pub const TOO_HARD_BELOW: f64 = 0.3;
pub const LOW_DISCRIMINATION_BELOW: f64 = 0.1;
pub const DEAD_DISTRACTOR_BELOW: f64 = 0.05;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ItemFlag {
    TooEasy,
    TooHard,
    LowDiscrimination,
    SuspectedMiskey,
    DeadDistractor,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemStats {
    pub question: usize,
    pub responses: usize,
    /// Share of responses that chose the key.
    pub difficulty: f64,
    /// Corrected point-biserial of the item against the rest of the quiz; `None` when either
    /// side has no variance (everyone right, or everyone with the same rest score).
    pub discrimination: Option<f64>,
    /// Share of responses choosing each option.
    pub option_shares: Vec<f64>,
    /// Each option's point-biserial (chose it or not, against the rest score).
    pub option_discrimination: Vec<Option<f64>>,
    pub flags: Vec<ItemFlag>,
}

/// Pearson correlation of `xs` with `ys`; `None` when either has no variance.
fn correlation(xs: &[f64], ys: &[f64]) -> Option<f64> {
    let n = xs.len() as f64;
    if xs.len() != ys.len() || xs.len() < 2 {
        return None;
    }
    let (mx, my) = (xs.iter().sum::<f64>() / n, ys.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in xs.iter().zip(ys) {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx) * (x - mx);
        syy += (y - my) * (y - my);
    }
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}

/// The analysis of a quiz with answer key `keys` over `attempts` (each one answer per question,
/// from attempts at the same version of the quiz; others are skipped).
pub fn analyse(keys: &[u8], attempts: &[Vec<u8>], options: usize) -> Vec<ItemStats> {
    let attempts: Vec<&Vec<u8>> = attempts.iter().filter(|a| a.len() == keys.len()).collect();
    let right = |attempt: &[u8], question: usize| f64::from(u8::from(attempt[question] == keys[question]));
    let totals: Vec<f64> = attempts.iter().map(|a| (0..keys.len()).map(|q| right(a, q)).sum()).collect();
    (0..keys.len())
        .map(|question| {
            let responses = attempts.len();
            let item: Vec<f64> = attempts.iter().map(|a| right(a, question)).collect();
            let rest: Vec<f64> = item.iter().zip(&totals).map(|(i, t)| t - i).collect();
            let difficulty = if responses == 0 { 0.0 } else { item.iter().sum::<f64>() / responses as f64 };
            let discrimination = correlation(&item, &rest);
            let chose = |option: usize| -> Vec<f64> { attempts.iter().map(|a| f64::from(u8::from(usize::from(a[question]) == option))).collect() };
            let option_shares: Vec<f64> = (0..options).map(|o| if responses == 0 { 0.0 } else { chose(o).iter().sum::<f64>() / responses as f64 }).collect();
            let option_discrimination: Vec<Option<f64>> = (0..options).map(|o| correlation(&chose(o), &rest)).collect();
            let key = usize::from(keys[question]);
            let mut flags = Vec::new();
            if responses >= MIN_RESPONSES {
                if difficulty > TOO_EASY_ABOVE {
                    flags.push(ItemFlag::TooEasy);
                }
                if difficulty < TOO_HARD_BELOW {
                    flags.push(ItemFlag::TooHard);
                }
                if discrimination.is_none_or(|d| d < LOW_DISCRIMINATION_BELOW) {
                    flags.push(ItemFlag::LowDiscrimination);
                }
                let key_r = option_discrimination.get(key).copied().flatten().unwrap_or(f64::MIN);
                if option_discrimination.iter().enumerate().any(|(o, r)| o != key && r.is_some_and(|r| r > 0.0 && r > key_r)) {
                    flags.push(ItemFlag::SuspectedMiskey);
                }
                if option_shares.iter().enumerate().any(|(o, share)| o != key && *share < DEAD_DISTRACTOR_BELOW) {
                    flags.push(ItemFlag::DeadDistractor);
                }
            }
            ItemStats { question, responses, difficulty, discrimination, option_shares, option_discrimination, flags }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn statistics_match_a_hand_computation() {
        // Two questions, keys [0, 1]; four learners.
        //   A: [0, 1] → item1 right, rest 1     B: [0, 0] → right, rest 0
        //   C: [1, 1] → wrong, rest 1           D: [2, 0] → wrong, rest 0
        let stats = analyse(&[0, 1], &[vec![0, 1], vec![0, 0], vec![1, 1], vec![2, 0]], 4);
        let first = &stats[0];
        assert!(close(first.difficulty, 0.5));
        // item = [1,1,0,0], rest = [1,0,1,0]: means 0.5 and 0.5, covariance 0 → r = 0.
        assert!(close(first.discrimination.unwrap(), 0.0));
        assert_eq!(first.option_shares, vec![0.5, 0.25, 0.25, 0.0]);
        // Second question: item = [1,0,1,0], rest (question 1) = [1,1,0,0] → r = 0 as well.
        assert!(close(stats[1].discrimination.unwrap(), 0.0));
        // A perfectly discriminating item: right exactly when the rest is high.
        let stats = analyse(&[0, 0], &[vec![0, 0], vec![0, 0], vec![1, 1], vec![1, 1]], 4);
        assert!(close(stats[0].discrimination.unwrap(), 1.0), "{stats:?}");
        // Nobody answered: nothing to divide by.
        assert_eq!(analyse(&[0], &[], 4)[0].responses, 0);
    }

    /// 40 learners: the strong ones (rest of the quiz right) choose option 1 on question 0,
    /// keyed 0; the weak ones choose 0. Option 3 is chosen by nobody.
    #[test]
    fn a_miskeyed_question_and_a_dead_distractor_are_flagged() {
        let keys = [0, 1, 2, 3];
        let mut attempts = Vec::new();
        for learner in 0..40 {
            let strong = learner < 20;
            let first = if strong { 1 } else if learner % 2 == 0 { 0 } else { 2 };
            let rest = |key: u8| if strong || learner % 3 == 0 { key } else { (key + 1) % 4 };
            attempts.push(vec![first, rest(1), rest(2), rest(3)]);
        }
        let stats = analyse(&keys, &attempts, 4);
        let first = &stats[0];
        assert!(first.flags.contains(&ItemFlag::SuspectedMiskey), "{first:?}");
        assert!(first.flags.contains(&ItemFlag::TooHard), "{first:?}");
        assert!(first.flags.contains(&ItemFlag::DeadDistractor), "option 3 unchosen: {first:?}");
        assert!(first.option_discrimination[1].unwrap() > 0.5);
        assert!(!stats[1].flags.contains(&ItemFlag::SuspectedMiskey), "{:?}", stats[1]);
    }

    #[test]
    fn flags_need_enough_responses() {
        let attempts: Vec<Vec<u8>> = (0..MIN_RESPONSES - 1).map(|_| vec![0]).collect();
        assert!(analyse(&[0], &attempts, 4)[0].flags.is_empty());
        let attempts: Vec<Vec<u8>> = (0..MIN_RESPONSES).map(|_| vec![0]).collect();
        let stats = analyse(&[0], &attempts, 4);
        assert!(stats[0].flags.contains(&ItemFlag::TooEasy) && stats[0].flags.contains(&ItemFlag::LowDiscrimination), "{stats:?}");
        // Attempts of another shape (another version of the quiz) are not counted.
        assert_eq!(analyse(&[0, 1], &[vec![0], vec![0, 1]], 4)[0].responses, 1);
    }
}
