//! The gates' sigmoid and tanh over slices, eight lanes at a time.
//!
//! burn-flex evaluates `exp` and `tanh` one element at a time through the C library, which was
//! the largest share of an epoch in the profile (BENCHMARKS.md, "LSTM training: where an epoch
//! goes"). The `wide` crate's `f32x8::exp` and `tanh` are polynomial approximations that compile
//! to SSE/AVX natively and to `simd128` in the browser; both stay within a few units in the last
//! place of the C library's (the layer's tests hold the result to burn's within 1e-5).

use wide::f32x8;

const LANES: usize = 8;

/// Applies `lanes` to `values` eight at a time; the tail goes through the same function on a
/// padded chunk, so every element sees the same arithmetic.
#[inline]
fn map_in_place(values: &mut [f32], lanes: impl Fn(f32x8) -> f32x8) {
    let mut chunks = values.chunks_exact_mut(LANES);
    for chunk in &mut chunks {
        let mut array = [0.0f32; LANES];
        array.copy_from_slice(chunk);
        chunk.copy_from_slice(&lanes(f32x8::new(array)).to_array());
    }
    let tail = chunks.into_remainder();
    if !tail.is_empty() {
        let mut array = [0.0f32; LANES];
        array[..tail.len()].copy_from_slice(tail);
        let out = lanes(f32x8::new(array)).to_array();
        tail.copy_from_slice(&out[..tail.len()]);
    }
}

/// `σ(x) = 1 / (1 + e^(−x))` in place.
pub(crate) fn sigmoid_in_place(values: &mut [f32]) {
    let one = f32x8::splat(1.0);
    map_in_place(values, |x| one / (one + (-x).exp()));
}

/// `tanh(x)` in place.
pub(crate) fn tanh_in_place(values: &mut [f32]) {
    map_in_place(values, f32x8::tanh);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn match_the_c_library_over_the_range_gates_see() {
        // From deep saturation on both sides through zero, with a length that leaves a tail.
        let inputs: Vec<f32> = (0..4003).map(|i| (i as f32 - 2001.0) * 0.02).collect();
        let mut sigmoid = inputs.clone();
        sigmoid_in_place(&mut sigmoid);
        let mut tanh = inputs.clone();
        tanh_in_place(&mut tanh);
        for ((x, s), t) in inputs.iter().zip(&sigmoid).zip(&tanh) {
            let expected = 1.0 / (1.0 + (-x).exp());
            assert!((s - expected).abs() <= 1e-6, "σ({x}) = {s}, expected {expected}");
            assert!((t - x.tanh()).abs() <= 1e-6, "tanh({x}) = {t}, expected {}", x.tanh());
        }
        let mut extremes = vec![-1e30f32, -100.0, 100.0, 1e30];
        sigmoid_in_place(&mut extremes);
        assert!(extremes[..2].iter().all(|s| (0.0..1e-30).contains(s)), "{extremes:?}");
        assert_eq!(&extremes[2..], &[1.0, 1.0]);
    }
}
