//! One LSTM layer over a whole window, forward and backward (back-propagation through time), on
//! plain row-major slices: the arithmetic behind `sequence_op`, kept free of burn so that it can
//! be read and tested on its own.
//!
//! Layout: batch-major, as burn's tensors are (`x` is `[batch, window, input]`, states are
//! `[batch, window, H]`, gates `[batch, window, 4H]` in `GATE_ORDER`, `ifgo`). The window's input
//! is projected in one product; each step adds one `[H, 4H]` product into its rows. The forward
//! pass keeps the activated gates, the cells and their tanh, which is all the backward pass needs,
//! so no activation is computed twice.
//!
//! A first layer fed by an embedding takes its input as the embedding rows that occur in the
//! batch and which one each step reads ([`SequenceInput::Embedded`]): the input projection is
//! then one product per distinct event type rather than per step, and so are the input side's
//! gradients, after the steps' gate gradients are summed by type: audit logs repeat a few
//! types, so a batch reads far fewer types than it has steps. The first step of such a layer starts from the
//! zero state, so its hidden state is a function of its event type alone: the second step's
//! recurrent product, and both recurrent products of its backward pass, are computed once per
//! distinct first type ([`FirstStep`]), the gradients of the windows that share one summed
//! before (the first step's backward pass is linear in them).

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

/// The layer's input.
#[derive(Debug, Clone, Copy)]
pub(crate) enum SequenceInput<'a> {
    /// `[batch, window, input]`: one row per step.
    Rows(&'a [f32]),
    /// `table` `[used, input]`: the rows of an embedding that the batch reads; `index`
    /// `[batch · window]`: the row of `table` each step reads (each below `used`).
    Embedded { table: &'a [f32], index: &'a [u32] },
}

impl SequenceInput<'_> {
    /// The input's rows (`x`, or the table) and how many there are.
    fn source(&self, shape: &SequenceShape) -> (&[f32], usize) {
        match *self {
            Self::Rows(x) => (x, shape.rows()),
            Self::Embedded { table, .. } => (table, table.len() / shape.input.max(1)),
        }
    }
}

/// The distinct event types at the first step of an embedded input's windows.
#[derive(Debug)]
struct FirstStep {
    /// For each distinct first type, the first window (batch row) that starts with it.
    representatives: Vec<usize>,
    /// For each window, its first type's position in `representatives`.
    start_of: Vec<usize>,
}

impl FirstStep {
    /// `None` for an input of rows, whose first steps share nothing.
    fn of(input: &SequenceInput<'_>, shape: &SequenceShape) -> Option<Self> {
        let SequenceInput::Embedded { table, index } = *input else {
            return None;
        };
        let mut position = vec![usize::MAX; table.len() / shape.input.max(1)];
        let mut representatives = Vec::new();
        let start_of = (0..shape.batch)
            .map(|row| {
                let slot = &mut position[index[row * shape.window] as usize];
                if *slot == usize::MAX {
                    *slot = representatives.len();
                    representatives.push(row);
                }
                *slot
            })
            .collect();
        Some(Self {
            representatives,
            start_of,
        })
    }

    fn distinct(&self) -> usize {
        self.representatives.len()
    }

    /// The rows of `per_step` (`[batch, window, width]`) at the first step of each representative
    /// window: `[distinct, width]`.
    fn gather(&self, per_step: &[f32], shape: &SequenceShape, width: usize) -> Vec<f32> {
        let mut out = Vec::with_capacity(self.distinct() * width);
        for &row in &self.representatives {
            let at = row * shape.window * width;
            out.extend_from_slice(&per_step[at..at + width]);
        }
        out
    }

    /// The rows of `per_window` (`[batch, width]`, or the rows `stride` apart from `offset`)
    /// summed by first type: `[distinct, width]`.
    fn sum(&self, per_window: &[f32], offset: usize, stride: usize, width: usize) -> Vec<f32> {
        let mut sums = vec![0.0f32; self.distinct() * width];
        for (row, &start) in self.start_of.iter().enumerate() {
            let at = offset + row * stride;
            for (sum, value) in sums[start * width..(start + 1) * width]
                .iter_mut()
                .zip(&per_window[at..at + width])
            {
                *sum += value;
            }
        }
        sums
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
    /// Shaped as the input's rows (`[batch, window, input]`, or the table's `[used, input]`),
    /// when asked for.
    pub input: Option<Vec<f32>>,
    /// `[input, 4H]`
    pub input_weights: Vec<f32>,
    /// `[H, 4H]`
    pub recurrent: Vec<f32>,
    /// `[4H]`
    pub bias: Vec<f32>,
}

/// Runs the layer from a zero state: `input` (its rows `input` wide), `w` `[input, 4H]`, `u` `[H,
/// 4H]`, `b` `[4H]`.
pub(crate) fn forward(
    shape: SequenceShape,
    input: SequenceInput<'_>,
    w: &[f32],
    u: &[f32],
    b: &[f32],
) -> SequenceForward {
    let SequenceShape {
        batch,
        window,
        hidden,
        ..
    } = shape;
    let (rows, width) = (shape.rows(), shape.gates());
    // `b + row · w` for every row of the input.
    let (source, count) = input.source(&shape);
    let mut projected = Vec::with_capacity(count * width);
    for _ in 0..count {
        projected.extend_from_slice(b);
    }
    multiply(
        ViewMut::rows(&mut projected, count, width),
        true,
        View::rows(source, count, shape.input),
        View::rows(w, shape.input, width),
    );
    let mut gates = match input {
        SequenceInput::Rows(_) => projected,
        SequenceInput::Embedded { index, .. } => {
            let mut gates = Vec::with_capacity(rows * width);
            for &row in index {
                let row = row as usize;
                gates.extend_from_slice(&projected[row * width..(row + 1) * width]);
            }
            gates
        }
    };
    let first = FirstStep::of(&input, &shape);
    let mut cells = vec![0.0f32; rows * hidden];
    let mut cell_tanh = vec![0.0f32; rows * hidden];
    let mut outputs = vec![0.0f32; rows * hidden];
    for step in 0..window {
        if let (1, Some(first)) = (step, &first) {
            // One product per distinct first type, added to every window that starts with it.
            let h_first = first.gather(&outputs, &shape, hidden);
            let mut recurrent = vec![0.0f32; first.distinct() * width];
            multiply(
                ViewMut::rows(&mut recurrent, first.distinct(), width),
                false,
                View::rows(&h_first, first.distinct(), hidden),
                View::rows(u, hidden, width),
            );
            for (row, &start) in first.start_of.iter().enumerate() {
                let at = (row * window + 1) * width;
                for (gate, value) in gates[at..at + width]
                    .iter_mut()
                    .zip(&recurrent[start * width..(start + 1) * width])
                {
                    *gate += value;
                }
            }
        } else if step > 0 {
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

/// The gradients of a loss with respect to the input's rows, `w`, `u` and `b`, given its gradient
/// with respect to every output state (`d_outputs`, `[batch, window, H]`) and the forward pass
/// `saved` of the same inputs. The input's gradient is computed only when `with_input`.
pub(crate) fn backward(
    shape: SequenceShape,
    input: SequenceInput<'_>,
    w: &[f32],
    u: &[f32],
    saved: &SequenceForward,
    d_outputs: &[f32],
    with_input: bool,
) -> SequenceGradients {
    let SequenceShape {
        batch,
        window,
        hidden,
        ..
    } = shape;
    let (rows, width) = (shape.rows(), shape.gates());
    // The gradient with respect to each step's gate pre-activations.
    let mut d_gates = vec![0.0f32; rows * width];
    // Carried from step t to t − 1: the hidden state's gradient through `U`, the cell's through
    // the forget gate.
    let mut dh_carry = vec![0.0f32; batch * hidden];
    let mut dc_carry = vec![0.0f32; batch * hidden];
    let mut recurrent = vec![0.0f32; hidden * width];
    let first = FirstStep::of(&input, &shape);
    // With an embedded input: the hidden state's gradient at the first step through `U`, and
    // then the first step's gate gradients, per distinct first type (`[distinct, ·]`).
    let mut dh_first = None;
    let mut d_first = None;
    for step in (0..window).rev() {
        if let (0, Some(first)) = (step, &first) {
            let distinct = first.distinct();
            let d_out = first.sum(d_outputs, 0, window * hidden, hidden);
            let dh_in = dh_first
                .take()
                .unwrap_or_else(|| vec![0.0f32; distinct * hidden]);
            let mut dc_in = first.sum(&dc_carry, 0, hidden, hidden);
            let mut d_gate = vec![0.0f32; distinct * width];
            for (start, &row) in first.representatives.iter().enumerate() {
                let at = row * window;
                let span = start * hidden..(start + 1) * hidden;
                step_gradient(
                    &saved.gates[at * width..(at + 1) * width],
                    &saved.cell_tanh[at * hidden..(at + 1) * hidden],
                    None,
                    &d_out[span.clone()],
                    &dh_in[span.clone()],
                    &mut dc_in[span],
                    &mut d_gate[start * width..(start + 1) * width],
                );
            }
            d_first = Some(d_gate);
            continue;
        }
        for row in 0..batch {
            let at = row * window + step;
            step_gradient(
                &saved.gates[at * width..(at + 1) * width],
                &saved.cell_tanh[at * hidden..(at + 1) * hidden],
                (step > 0).then(|| &saved.cells[(at - 1) * hidden..at * hidden]),
                &d_outputs[at * hidden..(at + 1) * hidden],
                &dh_carry[row * hidden..(row + 1) * hidden],
                &mut dc_carry[row * hidden..(row + 1) * hidden],
                &mut d_gates[at * width..(at + 1) * width],
            );
        }
        if let (1, Some(first)) = (step, &first) {
            // The first step's hidden state is one per distinct first type: sum the second
            // step's gate gradients by it, then one product each way.
            let distinct = first.distinct();
            let d_second = first.sum(&d_gates, width, window * width, width);
            let h_first = first.gather(&saved.outputs, &shape, hidden);
            multiply(
                ViewMut::rows(&mut recurrent, hidden, width),
                true,
                View::rows(&h_first, distinct, hidden).transposed(),
                View::rows(&d_second, distinct, width),
            );
            let mut dh = vec![0.0f32; distinct * hidden];
            multiply(
                ViewMut::rows(&mut dh, distinct, hidden),
                false,
                View::rows(&d_second, distinct, width),
                View::rows(u, hidden, width).transposed(),
            );
            dh_first = Some(dh);
        } else if step > 0 {
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
    // The input side sees the gate gradients per row of the input: per step, or summed over
    // the steps that read each embedding row.
    let (source, count) = input.source(&shape);
    let d_rows = match input {
        SequenceInput::Rows(_) => d_gates,
        SequenceInput::Embedded { index, .. } => {
            // The first steps' rows of `d_gates` are zero: their gradients are in `d_first`.
            let mut summed = vec![0.0f32; count * width];
            let mut add = |row: u32, d_gate: &[f32]| {
                let row = row as usize;
                for (sum, value) in summed[row * width..(row + 1) * width]
                    .iter_mut()
                    .zip(d_gate)
                {
                    *sum += value;
                }
            };
            for (d_gate, &row) in d_gates.chunks_exact(width).zip(index) {
                add(row, d_gate);
            }
            if let (Some(first), Some(d_first)) = (&first, &d_first) {
                for (&window_row, d_gate) in first
                    .representatives
                    .iter()
                    .zip(d_first.chunks_exact(width))
                {
                    add(index[window_row * window], d_gate);
                }
            }
            summed
        }
    };
    let mut input_weights = vec![0.0f32; shape.input * width];
    multiply(
        ViewMut::rows(&mut input_weights, shape.input, width),
        false,
        View::rows(source, count, shape.input).transposed(),
        View::rows(&d_rows, count, width),
    );
    let bias = column_sums(&d_rows, width);
    let input_gradient = with_input.then(|| {
        let mut d_input = vec![0.0f32; count * shape.input];
        multiply(
            ViewMut::rows(&mut d_input, count, shape.input),
            false,
            View::rows(&d_rows, count, width),
            View::rows(w, shape.input, width).transposed(),
        );
        d_input
    });
    SequenceGradients {
        input: input_gradient,
        input_weights,
        recurrent,
        bias,
    }
}

/// One step of one window (or of the windows that share a first type, their gradients summed):
/// the gradient of its gate pre-activations (`d_gate`, `4H`) from its activated `gate`, its
/// `squashed` cell, the `previous` cell (none at the first step), the gradients reaching its
/// hidden state from the output (`d_out`) and from the next step (`dh_in`), and its cell's
/// (`dc_in`, replaced by the part the previous cell receives through the forget gate).
fn step_gradient(
    gate: &[f32],
    squashed: &[f32],
    previous: Option<&[f32]>,
    d_out: &[f32],
    dh_in: &[f32],
    dc_in: &mut [f32],
    d_gate: &mut [f32],
) {
    let hidden = squashed.len();
    let (i, rest) = gate.split_at(hidden);
    let (f, rest) = rest.split_at(hidden);
    let (g, o) = rest.split_at(hidden);
    let (di, rest) = d_gate.split_at_mut(hidden);
    let (df, rest) = rest.split_at_mut(hidden);
    let (dg, d_o) = rest.split_at_mut(hidden);
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
