//! What the tests of the hand-written training nodes share: deterministic inputs and the 1e-5
//! comparison with burn's own results.

/// `count` values spread over [-scale, scale], varied enough that every gate saturates somewhere.
pub(crate) fn values(count: usize, seed: u32, scale: f32) -> Vec<f32> {
    (0..count as u32)
        .map(|i| {
            let x = (i
                .wrapping_mul(2_654_435_761)
                .wrapping_add(seed.wrapping_mul(40_503)))
                % 10_007;
            (x as f32 / 10_007.0 * 2.0 - 1.0) * scale
        })
        .collect()
}

/// Fails unless `ours` and `burns` have the same length and differ by at most 1e-5 everywhere.
pub(crate) fn close(name: &str, ours: &[f32], burns: &[f32]) {
    assert_eq!(ours.len(), burns.len(), "{name}: sizes");
    for (index, (a, b)) in ours.iter().zip(burns).enumerate() {
        assert!(
            (a - b).abs() <= 1e-5,
            "{name}[{index}]: ours {a}, burn's {b}"
        );
    }
}
