//! Numbers as people read them: a count with a thousands separator, a share as a whole percentage. Plain
//! text rules with no language and no records, so the core (`domain::demo`), the translation layer
//! (`i18n::number`, `i18n::percent`) and the charts all write a number the same way. The separator is the
//! caller's: `i18n::Lang::thousands` gives each language's.

/// `n` with `separator` between groups of three digits: `grouped(2226, '.')` is "2.226".
pub fn grouped(n: u64, separator: char) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(c);
    }
    out
}

/// A fraction 0–1 as a whole percentage: 0.725 is "73%"; a fraction that is not a number is "—".
pub fn percent(fraction: f64) -> String {
    if fraction.is_finite() {
        format!("{}%", (fraction * 100.0).round() as i64)
    } else {
        "—".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_grouped_by_three() {
        assert_eq!(grouped(2226, '.'), "2.226");
        assert_eq!(grouped(1_807_000, ','), "1,807,000");
        assert_eq!(grouped(37, '.'), "37");
        assert_eq!(grouped(0, '.'), "0");
        assert_eq!(grouped(u64::MAX, ','), "18,446,744,073,709,551,615");
    }

    #[test]
    fn shares_are_whole_percentages() {
        assert_eq!(percent(0.725), "73%");
        assert_eq!(percent(0.0), "0%");
        assert_eq!(percent(1.0), "100%");
        assert_eq!(percent(f64::NAN), "—");
        assert_eq!(percent(f64::INFINITY), "—");
    }
}
