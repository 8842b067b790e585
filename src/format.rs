//! Numbers as the page shows them.

/// `2163` → `2,163`.
pub fn count(value: impl Into<u64>) -> String {
    let digits = value.into().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

pub fn percent(fraction: f64) -> String {
    format!("{:.1}%", fraction * 100.0)
}

/// Seconds in the paper's style, with microseconds for small values.
pub fn seconds(value: f64) -> String {
    if value >= 0.01 {
        format!("{value:.2} s")
    } else {
        format!("{value:.0e} s · {:.2} µs", value * 1e6)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(count(0u64), "0");
        assert_eq!(count(999u64), "999");
        assert_eq!(count(2163u64), "2,163");
        assert_eq!(count(1234567u64), "1,234,567");
    }
}
