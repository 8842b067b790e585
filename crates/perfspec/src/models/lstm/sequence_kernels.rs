//! One LSTM layer over a whole window, forward and backward (back-propagation through time), on
//! plain row-major slices: the arithmetic behind `sequence_op`, kept free of burn so that it can
//! be read and tested on its own.
//!
//! Layout: batch-major, as burn's tensors are (`x` is `[batch, window, input]`, states are
//! `[batch, window, H]`, gates `[batch, window, 4H]` in `GATE_ORDER`, `ifgo`). The window's input
//! is projected in one product; each step adds one `[H, 4H]` product into its rows. The forward
//! pass keeps the activated gates, the cells and their tanh, which is all the backward pass needs,
//! so no activation is computed twice.

use super::activations::{sigmoid_in_place, tanh_in_place};
use super::gemm::{multiply, View, ViewMut};
use super::matrix::column_sums;

/// The sizes of one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SequenceShape {
    pub batch: usize,
    pub window: usize,
    pub input: usize,
    pub hidden: usize,
}

impl SequenceShape {
    fn rows(&self) -> usize {
        self.batch * self.window
    }

    fn gates(&self) -> usize {
        4 * self.hidden
    }

    /// Rows `(b, step)` for every `b` of a `[batch, window, width]` buffer.
    fn step<'a>(&self, data: &'a [f32], step: usize, width: usize) -> View<'a> {
        View {
            data,
            offset: step * width,
            rows: self.batch,
            cols: width,
            row_stride: self.window * width,
            col_stride: 1,
        }
    }
}

/// What the forward pass computed: the layer's output and what its backward pass reads.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SequenceForward {
    /// `[batch, window, 4H]`: σ(i), σ(f), tanh(g), σ(o) of every step.
    pub gates: Vec<f32>,
    /// `[batch, window, H]`: the cell state of every step.
    pub cells: Vec<f32>,
    /// `[batch, window, H]`: tanh of the cell state.
    pub cell_tanh: Vec<f32>,
    /// `[batch, window, H]`: the hidden state of every step (the layer's output).
    pub outputs: Vec<f32>,
}

/// The gradients of one backward pass, shaped as the inputs they belong to.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SequenceGradients {
    /// `[batch, window, input]`, when asked for.
    pub input: Option<Vec<f32>>,
    /// `[input, 4H]`
    pub input_weights: Vec<f32>,
    /// `[H, 4H]`
    pub recurrent: Vec<f32>,
    /// `[4H]`
    pub bias: Vec<f32>,
}

/// Runs the layer from a zero state: `x` `[batch, window, input]`, `w` `[input, 4H]`, `u` `[H,
/// 4H]`, `b` `[4H]`.
pub(crate) fn forward(
    shape: SequenceShape,
    x: &[f32],
    w: &[f32],
    u: &[f32],
    b: &[f32],
) -> SequenceForward {
    let SequenceShape {
        batch,
        window,
        input,
        hidden,
    } = shape;
    let (rows, width) = (shape.rows(), shape.gates());
    let mut gates = Vec::with_capacity(rows * width);
    for _ in 0..rows {
        gates.extend_from_slice(b);
    }
    multiply(
        ViewMut::rows(&mut gates, rows, width),
        true,
        View::rows(x, rows, input),
        View::rows(w, input, width),
    );
    let mut cells = vec![0.0f32; rows * hidden];
    let mut cell_tanh = vec![0.0f32; rows * hidden];
    let mut outputs = vec![0.0f32; rows * hidden];
    for step in 0..window {
        if step > 0 {
            // From the zero state the first step has no recurrent term.
            multiply(
                ViewMut {
                    data: &mut gates,
                    offset: step * width,
                    rows: batch,
                    cols: width,
                    row_stride: window * width,
                    col_stride: 1,
                },
                true,
                shape.step(&outputs, step - 1, hidden),
                View::rows(u, hidden, width),
            );
        }
        for row in 0..batch {
            let at = row * window + step;
            let gate = &mut gates[at * width..(at + 1) * width];
            sigmoid_in_place(&mut gate[..2 * hidden]);
            tanh_in_place(&mut gate[2 * hidden..3 * hidden]);
            sigmoid_in_place(&mut gate[3 * hidden..]);
            let (i, rest) = gate.split_at(hidden);
            let (f, rest) = rest.split_at(hidden);
            let (g, o) = rest.split_at(hidden);
            let (before, current) = cells.split_at_mut(at * hidden);
            let cell = &mut current[..hidden];
            if step > 0 {
                let previous = &before[(at - 1) * hidden..];
                for j in 0..hidden {
                    cell[j] = f[j] * previous[j] + i[j] * g[j];
                }
            } else {
                for j in 0..hidden {
                    cell[j] = i[j] * g[j];
                }
            }
            let squashed = &mut cell_tanh[at * hidden..(at + 1) * hidden];
            squashed.copy_from_slice(cell);
            tanh_in_place(squashed);
            let out = &mut outputs[at * hidden..(at + 1) * hidden];
            for j in 0..hidden {
                out[j] = o[j] * squashed[j];
            }
        }
    }
    SequenceForward {
        gates,
        cells,
        cell_tanh,
        outputs,
    }
}

/// The gradients of a loss with respect to `x`, `w`, `u` and `b`, given its gradient with respect
/// to every output state (`d_outputs`, `[batch, window, H]`) and the forward pass `saved` of the
/// same inputs. The input's gradient is computed only when `with_input`.
pub(crate) fn backward(
    shape: SequenceShape,
    x: &[f32],
    w: &[f32],
    u: &[f32],
    saved: &SequenceForward,
    d_outputs: &[f32],
    with_input: bool,
) -> SequenceGradients {
    let SequenceShape {
        batch,
        window,
        input,
        hidden,
    } = shape;
    let (rows, width) = (shape.rows(), shape.gates());
    // The gradient with respect to each step's gate pre-activations.
    let mut d_gates = vec![0.0f32; rows * width];
    // Carried from step t to t − 1: the hidden state's gradient through `U`, the cell's through
    // the forget gate.
    let mut dh_carry = vec![0.0f32; batch * hidden];
    let mut dc_carry = vec![0.0f32; batch * hidden];
    let mut recurrent = vec![0.0f32; hidden * width];
    for step in (0..window).rev() {
        for row in 0..batch {
            let at = row * window + step;
            let gate = &saved.gates[at * width..(at + 1) * width];
            let (i, rest) = gate.split_at(hidden);
            let (f, rest) = rest.split_at(hidden);
            let (g, o) = rest.split_at(hidden);
            let squashed = &saved.cell_tanh[at * hidden..(at + 1) * hidden];
            let d_out = &d_outputs[at * hidden..(at + 1) * hidden];
            let dh_in = &dh_carry[row * hidden..(row + 1) * hidden];
            let dc_in = &mut dc_carry[row * hidden..(row + 1) * hidden];
            let d_gate = &mut d_gates[at * width..(at + 1) * width];
            let (di, rest) = d_gate.split_at_mut(hidden);
            let (df, rest) = rest.split_at_mut(hidden);
            let (dg, d_o) = rest.split_at_mut(hidden);
            let previous = (step > 0).then(|| &saved.cells[(at - 1) * hidden..at * hidden]);
            for j in 0..hidden {
                let dh = d_out[j] + dh_in[j];
                let dc = dc_in[j] + dh * o[j] * (1.0 - squashed[j] * squashed[j]);
                d_o[j] = dh * squashed[j] * o[j] * (1.0 - o[j]);
                di[j] = dc * g[j] * i[j] * (1.0 - i[j]);
                dg[j] = dc * i[j] * (1.0 - g[j] * g[j]);
                df[j] = match previous {
                    Some(previous) => dc * previous[j] * f[j] * (1.0 - f[j]),
                    None => 0.0,
                };
                dc_in[j] = dc * f[j];
            }
        }
        if step > 0 {
            let d_step = shape.step(&d_gates, step, width);
            multiply(
                ViewMut::rows(&mut dh_carry, batch, hidden),
                false,
                d_step,
                View::rows(u, hidden, width).transposed(),
            );
            multiply(
                ViewMut::rows(&mut recurrent, hidden, width),
                true,
                shape.step(&saved.outputs, step - 1, hidden).transposed(),
                d_step,
            );
        }
    }
    let mut input_weights = vec![0.0f32; input * width];
    multiply(
        ViewMut::rows(&mut input_weights, input, width),
        false,
        View::rows(x, rows, input).transposed(),
        View::rows(&d_gates, rows, width),
    );
    let bias = column_sums(&d_gates, width);
    let input_gradient = with_input.then(|| {
        let mut dx = vec![0.0f32; rows * input];
        multiply(
            ViewMut::rows(&mut dx, rows, input),
            false,
            View::rows(&d_gates, rows, width),
            View::rows(w, input, width).transposed(),
        );
        dx
    });
    SequenceGradients {
        input: input_gradient,
        input_weights,
        recurrent,
        bias,
    }
}
