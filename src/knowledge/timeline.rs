//! The end-of-support timeline of a portfolio: how many workloads reach end
//! of support per period, the periods already past marked. The dashboard
//! draws it; the report can draw the same buckets.

use super::date::Date;

/// One period of the timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucket {
    /// `2024`, or `2027 Q1` near today.
    pub label: String,
    pub start: Date,
    /// Workloads whose end of support falls in the period and is past.
    pub past: usize,
    /// Those whose end of support falls in the period, still to come.
    pub coming: usize,
}

impl Bucket {
    pub fn total(&self) -> usize {
        self.past + self.coming
    }
}

/// Buckets per year, except this year and the next, which are per quarter
/// (what a migration plan acts on). Years before the earliest date and after
/// the latest are left out; a year with nothing in it between two that have
/// something is kept (the gap is information). Empty without dates.
/// `dates`: each date with how many workloads reach it.
pub fn timeline(dates: &[(Date, usize)], today: Date) -> Vec<Bucket> {
    let (Some(first), Some(last)) = (dates.iter().map(|d| d.0).min(), dates.iter().map(|d| d.0).max()) else { return Vec::new() };
    let this_year = today.year();
    let mut buckets: Vec<Bucket> = Vec::new();
    for year in first.year()..=last.year() {
        if year == this_year || year == this_year + 1 {
            for q in 1..=4 {
                buckets.push(Bucket { label: format!("{year} Q{q}"), start: Date::quarter_start(year, q), past: 0, coming: 0 });
            }
        } else {
            buckets.push(Bucket { label: year.to_string(), start: Date::quarter_start(year, 1), past: 0, coming: 0 });
        }
    }
    for &(d, n) in dates {
        // The last bucket starting on or before the date holds it.
        let i = buckets.partition_point(|b| b.start <= d).saturating_sub(1);
        if d < today {
            buckets[i].past += n;
        } else {
            buckets[i].coming += n;
        }
    }
    // Quarters of this year and the next with nothing in them at either end are noise.
    while buckets.last().is_some_and(|b| b.total() == 0) {
        buckets.pop();
    }
    let leading = buckets.iter().take_while(|b| b.total() == 0).count();
    buckets.drain(..leading);
    buckets
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn past_years_and_coming_quarters() {
        let d = |s: &str| Date::parse(s).unwrap();
        let today = d("2026-11-30");
        let dates = [(d("2021-12-31"), 1), (d("2024-06-30"), 2), (d("2026-07-14"), 1), (d("2027-01-12"), 1), (d("2029-05-31"), 1)];
        let t = timeline(&dates, today);
        let labels: Vec<&str> = t.iter().map(|b| b.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "2021", "2022", "2023", "2024", "2025", "2026 Q1", "2026 Q2", "2026 Q3", "2026 Q4", "2027 Q1", "2027 Q2", "2027 Q3",
                "2027 Q4", "2028", "2029"
            ]
        );
        let of = |l: &str| t.iter().find(|b| b.label == l).unwrap();
        assert_eq!((of("2024").past, of("2024").coming), (2, 0));
        assert_eq!((of("2026 Q3").past, of("2027 Q1").coming), (1, 1));
        assert_eq!(of("2029").coming, 1);
        assert_eq!(t.iter().map(Bucket::total).sum::<usize>(), 6);
        assert!(timeline(&[], today).is_empty());
    }
}
