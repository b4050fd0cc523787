//! Lengths of time: the course length a user's stated time gives (when it plainly gives one),
//! and minutes written as hours and minutes.

/// `6 h 30 min`, `6 h`, or `45 min` under an hour.
pub fn format_duration(minutes: u64) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// The course length in minutes when the stated time gives one plainly: hours and minutes
/// such as "6 hours", "90 minutes", "1.5 h", "2h30". Anything that is not a total ("2 hours a
/// week", "3 days", "4 weeks", a number without a unit) is `None`: a wrong guess would be worse
/// than the default.
pub fn available_minutes(time: &str) -> Option<u32> {
    let tokens = time_tokens(&time.to_lowercase());
    let mut total = 0.0;
    let mut after_hours = false;
    let mut index = 0;
    while index < tokens.len() {
        match &tokens[index] {
            TimeToken::Word(word) if is_rate_or_long_unit(word) => return None,
            TimeToken::Word(_) => after_hours = false,
            TimeToken::Number(number) => {
                let unit = match tokens.get(index + 1) {
                    Some(TimeToken::Word(word)) => unit_minutes(word),
                    _ => None,
                };
                match unit {
                    Some(per_unit) => {
                        total += number * per_unit;
                        after_hours = per_unit == 60.0;
                        index += 1;
                    }
                    // "2h30": a bare number right after hours is minutes.
                    None if after_hours => {
                        total += number;
                        after_hours = false;
                    }
                    None => return None,
                }
            }
        }
        index += 1;
    }
    let minutes = total.round();
    (minutes.is_finite() && minutes >= 1.0).then(|| minutes.min(f64::from(u32::MAX)) as u32)
}

#[derive(Debug, PartialEq)]
enum TimeToken {
    Number(f64),
    Word(String),
}

/// Numbers (with an optional decimal point) and words; everything else separates them. A `/`
/// is kept as a word because it means "per".
fn time_tokens(text: &str) -> Vec<TimeToken> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_ascii_digit() {
            let mut number = String::new();
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit() || (**d == '.' && !number.contains('.'))) {
                number.push(d);
                chars.next();
            }
            tokens.push(TimeToken::Number(number.trim_end_matches('.').parse().unwrap_or(0.0)));
        } else if c.is_alphabetic() {
            let mut word = String::new();
            while let Some(&w) = chars.peek().filter(|w| w.is_alphabetic()) {
                word.push(w);
                chars.next();
            }
            tokens.push(TimeToken::Word(word));
        } else {
            if c == '/' {
                tokens.push(TimeToken::Word("/".to_string()));
            }
            chars.next();
        }
    }
    tokens
}

fn unit_minutes(word: &str) -> Option<f64> {
    match word {
        "h" | "hr" | "hrs" | "hour" | "hours" => Some(60.0),
        "m" | "min" | "mins" | "minute" | "minutes" => Some(1.0),
        _ => None,
    }
}

/// Words that make hours a rate or a part of something longer.
fn is_rate_or_long_unit(word: &str) -> bool {
    const STEMS: [&str; 14] = ["day", "week", "month", "year", "session", "semester", "term", "lesson", "class", "sprint", "daily", "weekly", "monthly", "quarter"];
    matches!(word, "/" | "per" | "each" | "every" | "times") || STEMS.iter().any(|stem| word.starts_with(stem))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_written_in_hours_and_minutes() {
        assert_eq!(format_duration(45), "45 min");
        assert_eq!(format_duration(0), "0 min");
        assert_eq!(format_duration(60), "1 h");
        assert_eq!(format_duration(390), "6 h 30 min");
    }

    #[test]
    fn stated_time_is_read_only_when_it_is_plain() {
        for (text, minutes) in [("6 hours", 360), ("90 minutes", 90), ("1.5 h", 90), ("2h30", 150), ("2 hrs 15 mins", 135), ("about 3 hours in total", 180), ("90-minute", 90)] {
            assert_eq!(available_minutes(text), Some(minutes), "{text}");
        }
        for text in ["4 weeks", "2 hours a week", "3 days", "6 hours per day", "2 h/week", "6", "two hours", "", "0 minutes", "1,5 hours", "3 sessions of 2 hours"] {
            assert_eq!(available_minutes(text), None, "{text}");
        }
        assert_eq!(available_minutes("99999999999999999999 hours"), Some(u32::MAX));
    }
}
