//! Figures as people read them, shared by the CLI's tables and the page.

/// Seconds in the paper's style (`0.07 s`, `2e-4 s`), with microseconds beside small values so
/// that figures far below the paper's precision can still be compared.
pub fn seconds(value: f64) -> String {
    if !value.is_finite() || value <= 0.0 {
        return "0 s".into();
    }
    if value >= 0.01 {
        return format!("{value:.2} s");
    }
    let micros = value * 1e6;
    let micros = if micros >= 100.0 {
        format!("{micros:.0}")
    } else if micros >= 10.0 {
        format!("{micros:.1}")
    } else {
        format!("{micros:.2}")
    };
    format!("{value:.0e} s ({micros} µs)")
}

/// A share in [0, 1] as a percentage with one decimal.
pub fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_read_like_the_paper() {
        assert_eq!(seconds(24.01), "24.01 s");
        assert_eq!(seconds(0.0002), "2e-4 s (200 µs)");
        assert_eq!(seconds(7.3e-7), "7e-7 s (0.73 µs)");
        assert_eq!(seconds(1.25e-5), "1e-5 s (12.5 µs)");
        assert_eq!(seconds(0.0), "0 s");
        assert_eq!(percent(0.823), "82.3%");
    }
}
