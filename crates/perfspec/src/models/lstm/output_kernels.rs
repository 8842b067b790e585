//! The type output's dense layer with its softmax cross-entropy, forward and backward, on plain
//! row-major slices: the arithmetic behind `output_op`.
//!
//! `logits = h · W + b`; the loss is the mean over the batch of `−log softmax(logits)[target]`,
//! as burn's `CrossEntropyLoss` computes it from logits. The forward pass keeps the softmax,
//! from which the backward pass reads the logits' gradient, `(softmax − one-hot) / batch`.

use super::activations::exp_clamped;
use super::gemm::{multiply, View, ViewMut};
use super::matrix::column_sums;

/// The sizes of one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct OutputShape {
    pub batch: usize,
    pub hidden: usize,
    pub classes: usize,
}

/// What the forward pass computed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct OutputForward {
    /// `[batch, classes]`: the softmax of every row's logits.
    pub probabilities: Vec<f32>,
    /// The mean cross-entropy of the batch.
    pub loss: f32,
}

/// The gradients of one backward pass.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct OutputGradients {
    /// `[batch, hidden]`, when asked for.
    pub hidden: Option<Vec<f32>>,
    /// `[hidden, classes]`
    pub weight: Vec<f32>,
    /// `[classes]`
    pub bias: Vec<f32>,
}

/// Overwrites `row` with its softmax and returns `log Σ exp(row − max)` and the max, so that
/// `log softmax(row)[t] = row[t] − max − log Σ`.
pub(crate) fn softmax_in_place(row: &mut [f32]) -> (f32, f32) {
    // A comparison, not `f32::max`: that is a call to `fmaxf` in WebAssembly.
    let max = row.iter().fold(
        f32::NEG_INFINITY,
        |max, &value| if value > max { value } else { max },
    );
    let mut total = 0.0f32;
    for value in row.iter_mut() {
        *value = exp_clamped(*value - max);
        total += *value;
    }
    let scale = 1.0 / total;
    for value in row.iter_mut() {
        *value *= scale;
    }
    (total.ln(), max)
}

/// `h` `[batch, hidden]`, `w` `[hidden, classes]`, `b` `[classes]`, one target class per row
/// (each below `classes`).
pub(crate) fn forward(
    shape: OutputShape,
    h: &[f32],
    w: &[f32],
    b: &[f32],
    targets: &[u32],
) -> OutputForward {
    let OutputShape {
        batch,
        hidden,
        classes,
    } = shape;
    let mut probabilities = Vec::with_capacity(batch * classes);
    for _ in 0..batch {
        probabilities.extend_from_slice(b);
    }
    multiply(
        ViewMut::rows(&mut probabilities, batch, classes),
        true,
        View::rows(h, batch, hidden),
        View::rows(w, hidden, classes),
    );
    let mut total = 0.0f64;
    for (row, &target) in probabilities.chunks_exact_mut(classes).zip(targets) {
        let logit = row[target as usize];
        let (log_sum, max) = softmax_in_place(row);
        total += f64::from(log_sum - (logit - max));
    }
    OutputForward {
        probabilities,
        loss: (total / batch.max(1) as f64) as f32,
    }
}

/// The gradients of `upstream · loss` with respect to `h`, `w` and `b`; `h`'s only when
/// `with_hidden`.
pub(crate) fn backward(
    shape: OutputShape,
    h: &[f32],
    w: &[f32],
    saved: &OutputForward,
    targets: &[u32],
    upstream: f32,
    with_hidden: bool,
) -> OutputGradients {
    let OutputShape {
        batch,
        hidden,
        classes,
    } = shape;
    let scale = upstream / batch.max(1) as f32;
    let mut d_logits: Vec<f32> = saved.probabilities.iter().map(|p| p * scale).collect();
    for (row, &target) in d_logits.chunks_exact_mut(classes).zip(targets) {
        row[target as usize] -= scale;
    }
    let mut weight = vec![0.0f32; hidden * classes];
    multiply(
        ViewMut::rows(&mut weight, hidden, classes),
        false,
        View::rows(h, batch, hidden).transposed(),
        View::rows(&d_logits, batch, classes),
    );
    let bias = column_sums(&d_logits, classes);
    let hidden_gradient = with_hidden.then(|| {
        let mut dh = vec![0.0f32; batch * hidden];
        multiply(
            ViewMut::rows(&mut dh, batch, hidden),
            false,
            View::rows(&d_logits, batch, classes),
            View::rows(w, hidden, classes).transposed(),
        );
        dh
    });
    OutputGradients {
        hidden: hidden_gradient,
        weight,
        bias,
    }
}
