//! Calendar days, enough for end-of-support dates: parse and print
//! `YYYY-MM-DD`, add months (deadlines), years and quarters (timelines),
//! and today's date, which tests and demos can pin with `SIXR_TODAY`.

use std::fmt;

/// A day of the proleptic Gregorian calendar, as days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(i32);

/// Days from 1970-01-01 to a civil date (H. Hinnant's algorithm).
fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m as i32 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl Date {
    pub fn from_ymd(y: i32, m: u32, d: u32) -> Option<Date> {
        ((1..=9999).contains(&y) && (1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m)).then(|| Date(days_from_civil(y, m, d)))
    }

    /// `2024-06-30` (nothing else: dates in data files are ISO).
    pub fn parse(text: &str) -> Option<Date> {
        let t = text.trim();
        let mut parts = t.splitn(3, '-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        Date::from_ymd(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
    }

    pub fn ymd(self) -> (i32, u32, u32) {
        let z = self.0 + 719_468;
        let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        (yoe + era * 400 + i32::from(m <= 2), m, d)
    }

    pub fn year(self) -> i32 {
        self.ymd().0
    }

    /// 1..=4.
    pub fn quarter(self) -> u32 {
        (self.ymd().1 - 1) / 3 + 1
    }

    /// The same day `months` later (the month's last day when it is shorter).
    pub fn add_months(self, months: i32) -> Date {
        let (y, m, d) = self.ymd();
        let index = y * 12 + m as i32 - 1 + months;
        let (y, m) = (index.div_euclid(12), index.rem_euclid(12) as u32 + 1);
        let y = y.clamp(1, 9999);
        Date(days_from_civil(y, m, d.min(days_in_month(y, m))))
    }

    /// The first day of a year's quarter.
    pub fn quarter_start(year: i32, quarter: u32) -> Date {
        Date(days_from_civil(year, (quarter.clamp(1, 4) - 1) * 3 + 1, 1))
    }

    /// Today in UTC, or the day `SIXR_TODAY` names (`YYYY-MM-DD`): the
    /// browser tests and demos pin it so that dated sentences do not move.
    pub fn today() -> Date {
        if let Some(pinned) = std::env::var("SIXR_TODAY").ok().and_then(|v| Date::parse(&v)) {
            return pinned;
        }
        let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        Date((secs / 86_400) as i32)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_print_and_add_months() {
        let d = Date::parse("2024-06-30").unwrap();
        assert_eq!(d.to_string(), "2024-06-30");
        assert_eq!(Date::parse("1970-01-01").unwrap(), Date(0));
        assert_eq!(d.add_months(18).to_string(), "2025-12-30");
        assert_eq!(Date::parse("2026-01-31").unwrap().add_months(1).to_string(), "2026-02-28");
        assert_eq!(Date::parse("2024-02-29").unwrap().add_months(-12).to_string(), "2023-02-28");
        assert_eq!((d.year(), d.quarter()), (2024, 2));
        assert_eq!(Date::quarter_start(2027, 3).to_string(), "2027-07-01");
        for bad in ["2024-02-30", "2024-6-30", "30/06/2024", "", "2024-13-01"] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
        assert!(Date::parse("2021-12-31").unwrap() < Date::parse("2022-01-01").unwrap());
    }
}
