//! The gates' sigmoid and tanh over slices, written so that the compiler vectorises them: SSE or
//! AVX natively, `simd128` in the browser.
//!
//! Why by hand: burn-flex evaluates `exp` and `tanh` one element at a time through the C
//! library, the largest share of an epoch in the profile (BENCHMARKS.md, "LSTM training: where
//! an epoch goes"). The `wide` crate's lane-wise `exp` and `tanh` were tried first: they handle
//! NaN, infinities and subnormals lane by lane, and still took an eighth of an epoch. A gate's
//! input is a finite sum of products, and clamping it to ±87 changes no sigmoid or tanh by more
//! than 1e-37, so the exponential below needs no special cases: a round-to-nearest by the
//! 1.5·2²³ trick, a degree-6 polynomial on |r| ≤ ln2/2 (relative error below 2e-7) and the
//! exponent written into the bits.

/// `e^x` for `x` clamped to [−87, 87], within 2e-7 relative.
#[inline(always)]
pub(crate) fn exp_clamped(x: f32) -> f32 {
    const ROUND: f32 = 12_582_912.0; // 1.5 · 2^23
    const LN2_HI: f32 = 0.693_359_4;
    const LN2_LO: f32 = -2.121_944_4e-4;
    let x = x.clamp(-87.0, 87.0);
    let shifted = x * std::f32::consts::LOG2_E + ROUND;
    let n = shifted - ROUND;
    let r = x - n * LN2_HI - n * LN2_LO;
    let p = 1.0
        + r * (1.0
            + r * (0.5
                + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0 + r * (1.0 / 720.0))))));
    // The low mantissa bits of `shifted` hold n + 2^22; n + 127 is the biased exponent of 2^n.
    let exponent = shifted
        .to_bits()
        .wrapping_sub(ROUND.to_bits())
        .wrapping_add(127);
    p * f32::from_bits(exponent << 23)
}

/// `σ(x) = 1 / (1 + e^(−x))` in place.
pub(crate) fn sigmoid_in_place(values: &mut [f32]) {
    for value in values {
        *value = 1.0 / (1.0 + exp_clamped(-*value));
    }
}

/// `tanh(x) = 1 − 2 / (1 + e^(2x))` in place.
pub(crate) fn tanh_in_place(values: &mut [f32]) {
    for value in values {
        *value = 1.0 - 2.0 / (1.0 + exp_clamped(2.0 * *value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn match_the_c_library_over_the_range_gates_see() {
        // From deep saturation on both sides through zero.
        let inputs: Vec<f32> = (0..4003).map(|i| (i as f32 - 2001.0) * 0.02).collect();
        let mut sigmoid = inputs.clone();
        sigmoid_in_place(&mut sigmoid);
        let mut tanh = inputs.clone();
        tanh_in_place(&mut tanh);
        for ((x, s), t) in inputs.iter().zip(&sigmoid).zip(&tanh) {
            let expected = 1.0 / (1.0 + (-x).exp());
            assert!(
                (s - expected).abs() <= 1e-6,
                "σ({x}) = {s}, expected {expected}"
            );
            assert!(
                (t - x.tanh()).abs() <= 1e-6,
                "tanh({x}) = {t}, expected {}",
                x.tanh()
            );
        }
        for x in [-20.0f32, -3.3, -0.7, 0.0, 0.4, 2.9, 19.0] {
            let ours = exp_clamped(x);
            assert!(
                (ours / x.exp() - 1.0).abs() < 5e-7,
                "e^{x}: {ours} vs {}",
                x.exp()
            );
        }
        let mut extremes = vec![-1e30f32, -100.0, 100.0, 1e30];
        sigmoid_in_place(&mut extremes);
        assert!(
            extremes[..2].iter().all(|s| (0.0..1e-30).contains(s)),
            "{extremes:?}"
        );
        assert_eq!(&extremes[2..], &[1.0, 1.0]);
        let mut extremes = vec![-1e30f32, 1e30];
        tanh_in_place(&mut extremes);
        assert_eq!(extremes, vec![-1.0, 1.0]);
    }
}
