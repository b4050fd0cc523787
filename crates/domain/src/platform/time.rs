//! Instants as milliseconds since the Unix epoch, rendered as ISO-8601 UTC text whose text order
//! is time order (what the database stores). The clock itself lives at the edge.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    pub const fn from_millis(millis: i64) -> Self {
        Timestamp(millis)
    }

    pub const fn millis(self) -> i64 {
        self.0
    }

    pub const fn seconds(self) -> i64 {
        self.0.div_euclid(1000)
    }

    pub const fn plus_seconds(self, seconds: i64) -> Self {
        Timestamp(self.0 + seconds * 1000)
    }

    pub const fn minus_seconds(self, seconds: i64) -> Self {
        Timestamp(self.0 - seconds * 1000)
    }

    /// `2026-11-22T18:40:58.123Z`, the format SQLite's `strftime('%Y-%m-%dT%H:%M:%fZ')` writes.
    pub fn to_iso8601(self) -> String {
        let (year, month, day, seconds_of_day) = self.civil();
        format!(
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
            seconds_of_day / 3600,
            seconds_of_day % 3600 / 60,
            seconds_of_day % 60,
            self.0.rem_euclid(1000)
        )
    }

    /// `2026-11-22`.
    pub fn date(self) -> String {
        let (year, month, day, _) = self.civil();
        format!("{year:04}-{month:02}-{day:02}")
    }

    /// `20261122T184058Z`, for file names.
    pub fn compact(self) -> String {
        let (year, month, day, s) = self.civil();
        format!("{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z", s / 3600, s % 3600 / 60, s % 60)
    }

    /// The start of the `window_seconds` slot this instant falls in.
    pub fn floor_to(self, window_seconds: i64) -> Self {
        let window = window_seconds.max(1) * 1000;
        Timestamp(self.0.div_euclid(window) * window)
    }

    /// Parses the format `to_iso8601` writes (milliseconds optional).
    pub fn parse_iso8601(text: &str) -> Option<Self> {
        let bytes = text.as_bytes();
        if bytes.len() < 20 || bytes[4] != b'-' || bytes[7] != b'-' || bytes[10] != b'T' || !text.ends_with('Z') {
            return None;
        }
        let number = |range: std::ops::Range<usize>| text.get(range)?.parse::<i64>().ok();
        let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
        let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
        let millis = match &text[19..text.len() - 1] {
            "" => 0,
            fraction => {
                let digits = fraction.strip_prefix('.')?;
                if digits.is_empty() || digits.len() > 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                digits.parse::<i64>().ok()? * 10_i64.pow(3 - digits.len() as u32)
            }
        };
        if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
            return None;
        }
        let days = days_from_civil(year, month, day);
        Some(Timestamp(((days * 86_400) + hour * 3600 + minute * 60 + second) * 1000 + millis))
    }

    fn civil(self) -> (i64, i64, i64, i64) {
        let seconds = self.0.div_euclid(1000);
        let days = seconds.div_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        (year, month, day, seconds.rem_euclid(86_400))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_iso8601())
    }
}

// Howard Hinnant's days-from-civil algorithms (proleptic Gregorian calendar).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(Timestamp::from_millis(0).to_iso8601(), "1970-01-01T00:00:00.000Z");
        // 2024-02-29T12:34:56.789Z, a leap day.
        let t = Timestamp::from_millis(1_709_210_096_789);
        assert_eq!(t.to_iso8601(), "2024-02-29T12:34:56.789Z");
        assert_eq!(t.date(), "2024-02-29");
        assert_eq!(t.compact(), "20240229T123456Z");
    }

    #[test]
    fn parse_round_trips() {
        for millis in [0, 1, 999, 1_709_210_096_789, 1_795_000_000_000, 4_102_444_800_000] {
            let t = Timestamp::from_millis(millis);
            assert_eq!(Timestamp::parse_iso8601(&t.to_iso8601()), Some(t));
        }
        assert_eq!(
            Timestamp::parse_iso8601("2024-02-29T12:34:56Z"),
            Some(Timestamp::from_millis(1_709_210_096_000))
        );
        assert_eq!(Timestamp::parse_iso8601("2024-02-29T12:34:56.5Z").map(|t| t.millis() % 1000), Some(500));
        for bad in ["", "2024-02-29", "2024-13-01T00:00:00Z", "2024-02-29T12:34:56.Z", "2024-02-29 12:34:56Z"] {
            assert_eq!(Timestamp::parse_iso8601(bad), None, "{bad}");
        }
    }

    #[test]
    fn text_order_is_time_order() {
        let a = Timestamp::from_millis(1_700_000_000_000);
        let b = a.plus_seconds(1);
        assert!(a.to_iso8601() < b.to_iso8601());
    }

    #[test]
    fn floors_to_slots() {
        let t = Timestamp::parse_iso8601("2026-11-22T18:43:10.500Z").unwrap();
        assert_eq!(t.floor_to(300).to_iso8601(), "2026-11-22T18:40:00.000Z");
        assert_eq!(t.floor_to(86_400).to_iso8601(), "2026-11-22T00:00:00.000Z");
    }
}
