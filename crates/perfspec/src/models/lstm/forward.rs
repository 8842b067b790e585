//! The LSTM's inference, written by hand on the plain weights.
//!
//! Why not burn's forward: one prediction is one context of 1–5 events at batch 1, about 40 k
//! multiply-adds for the default sizes (a 64 × 256 recurrent product per event and a 64 × V output
//! product). burn dispatches every operation through its backend (tensor allocation, shape checks,
//! a kernel call per gate and per bias), which at this size costs far more than the arithmetic:
//! tens of operations per event, and a prediction orders of magnitude slower than with the loops
//! below (figures: BENCHMARKS.md, "Models on the PerfSPEC sample"). The maths is the same (tested
//! to 1e-5 against burn's forward in `tests/lstm.rs`):
//!
//! ```text
//! gates = x·W_x + h·W_h + b            (blocks i, f, g, o)
//! c     = σ(f)·c + σ(i)·tanh(g)
//! h     = σ(o)·tanh(c)
//! P     = softmax(h_last·W_out + b_out)
//! ```
//!
//! Exact rewrites are precomputed as tables over event types: the first layer's input product of
//! an embedding row, `embedding[t]·W_x + b` (`V × 4H`), since an embedding lookup followed by a
//! linear map is a lookup in their product; and, since the first step starts from the zero
//! state, the first layer's state after a first event `t` (`V × 2H`) and the recurrent term it
//! gives the second step, `h₁(t)·W_h` (`V × 4H`). A context of two events then costs no
//! recurrent product. Dropout is off at inference.
//!
//! With the factorised output the LSTM part is the same (its type table is built from the verb
//! and resource embeddings) and the last hidden state goes to the heads of
//! `factorised` instead of `P` (tested to 1e-5 against burn's in `tests/lstm_factorised.rs`).

use super::activations::{exp_clamped, sigmoid_in_place, tanh_in_place};
use super::gemm::{multiply, View, ViewMut};
use super::weights::LstmWeights;

/// The weights and the first layer's tables, ready to predict.
#[derive(Debug, Clone)]
pub(crate) struct Forward {
    weights: LstmWeights,
    /// `V × 4H`: `embedding[t] · layers[0].input + layers[0].bias`.
    first_input: Vec<f32>,
    /// `V × 2H`: the first layer's `h`, then `c`, after a first event `t` from the zero state.
    first_state: Vec<f32>,
    /// `V × 4H`: that `h` times `layers[0].recurrent`, the second step's recurrent term.
    second_recurrent: Vec<f32>,
}

impl Forward {
    /// Takes weights already checked ([`LstmWeights::check`]).
    pub(crate) fn new(weights: LstmWeights) -> Self {
        let hidden = weights.hidden_size();
        let gates = 4 * hidden;
        let vocabulary = weights.vocabulary_size();
        let first = &weights.layers[0];
        let mut first_input = Vec::with_capacity(vocabulary * gates);
        for _ in 0..vocabulary {
            first_input.extend_from_slice(&first.bias);
        }
        multiply(
            ViewMut::rows(&mut first_input, vocabulary, gates),
            true,
            View::rows(&weights.embedding.data, vocabulary, first.input.rows),
            View::rows(&first.input.data, first.input.rows, gates),
        );
        let mut first_state = vec![0.0f32; vocabulary * 2 * hidden];
        let mut scratch = vec![0.0f32; gates];
        for (state, input) in first_state
            .chunks_exact_mut(2 * hidden)
            .zip(first_input.chunks_exact(gates))
        {
            scratch.copy_from_slice(input);
            let (h, c) = state.split_at_mut(hidden);
            cell(&mut scratch, h, c);
        }
        let mut second_recurrent = vec![0.0f32; vocabulary * gates];
        multiply(
            ViewMut::rows(&mut second_recurrent, vocabulary, gates),
            false,
            View {
                data: &first_state,
                offset: 0,
                rows: vocabulary,
                cols: hidden,
                row_stride: 2 * hidden,
                col_stride: 1,
            },
            View::rows(&first.recurrent.data, hidden, gates),
        );
        Self {
            weights,
            first_input,
            first_state,
            second_recurrent,
        }
    }

    /// The first layer's `h` and `c` after a first event `event` from the zero state.
    fn first_state(&self, event: usize) -> (&[f32], &[f32]) {
        let hidden = self.weights.hidden_size();
        self.first_state[event * 2 * hidden..(event + 1) * 2 * hidden].split_at(hidden)
    }

    /// The first layer's gates at the second step, before activation: `event`'s input term and
    /// the recurrent term of a first event `first`.
    fn second_gates(&self, first: usize, event: usize, gates: &mut [f32]) {
        let width = gates.len();
        gates.copy_from_slice(&self.first_input[event * width..(event + 1) * width]);
        for (gate, term) in gates
            .iter_mut()
            .zip(&self.second_recurrent[first * width..(first + 1) * width])
        {
            *gate += term;
        }
    }

    pub(crate) fn weights(&self) -> &LstmWeights {
        &self.weights
    }

    pub(crate) fn vocabulary_size(&self) -> usize {
        self.weights.vocabulary_size()
    }

    /// The probability of every event type after `context` (all of it is read: the caller cuts
    /// it to the window). Ids outside the vocabulary are skipped; an empty context predicts from
    /// the zero state. For the type output only (a factorised network has no type logits: see
    /// [`Self::pairs`]).
    pub(crate) fn distribution(&self, context: &[u32], out: &mut [f64]) {
        let vocabulary = self.vocabulary_size();
        self.with_last_hidden(context, vocabulary, |h_last, logits| {
            logits.copy_from_slice(&self.weights.output_bias);
            add_product(h_last, &self.weights.output.data, logits);
            softmax(logits, out);
        });
    }

    /// [`Self::distribution`] for `out.len() / V` contexts of `window` events each, flat in
    /// `contexts`, row by row into `out`: the same arithmetic, with each step's products done
    /// for all contexts at once (`gemm`) rather than one vector at a time. `false` (nothing
    /// written) when a context holds an id outside the vocabulary, which the one-by-one path
    /// skips, or the sizes do not fit. For the type output only.
    pub(crate) fn distributions(&self, contexts: &[u32], window: usize, out: &mut [f64]) -> bool {
        let vocabulary = self.vocabulary_size();
        let hidden = self.weights.hidden_size();
        let gates = 4 * hidden;
        if window == 0 || vocabulary == 0 || !out.len().is_multiple_of(vocabulary) {
            return false;
        }
        let count = out.len() / vocabulary;
        if contexts.len() != count * window || contexts.iter().any(|&id| id as usize >= vocabulary)
        {
            return false;
        }
        let layers = self.weights.layers.len();
        // Per layer h and c of every context, and the step's gates.
        let mut h = vec![0.0f32; layers * count * hidden];
        let mut c = vec![0.0f32; layers * count * hidden];
        let mut step_gates = vec![0.0f32; count * gates];
        for step in 0..window {
            for (index, layer) in self.weights.layers.iter().enumerate() {
                let (below, state) = h.split_at_mut(index * count * hidden);
                let h_layer = &mut state[..count * hidden];
                let c_layer = &mut c[index * count * hidden..][..count * hidden];
                let event = |row: usize, step: usize| contexts[row * window + step] as usize;
                if index == 0 && step < 2 {
                    // The first layer's first two steps come from its tables.
                    for (row, ((chunk, h_row), c_row)) in step_gates
                        .chunks_exact_mut(gates)
                        .zip(h_layer.chunks_exact_mut(hidden))
                        .zip(c_layer.chunks_exact_mut(hidden))
                        .enumerate()
                    {
                        if step == 0 {
                            let (h_first, c_first) = self.first_state(event(row, 0));
                            h_row.copy_from_slice(h_first);
                            c_row.copy_from_slice(c_first);
                        } else {
                            self.second_gates(event(row, 0), event(row, 1), chunk);
                            cell(chunk, h_row, c_row);
                        }
                    }
                    continue;
                }
                if index == 0 {
                    for (row, chunk) in step_gates.chunks_exact_mut(gates).enumerate() {
                        chunk.copy_from_slice(
                            &self.first_input[event(row, step) * gates..][..gates],
                        );
                    }
                } else {
                    for chunk in step_gates.chunks_exact_mut(gates) {
                        chunk.copy_from_slice(&layer.bias);
                    }
                    multiply(
                        ViewMut::rows(&mut step_gates, count, gates),
                        true,
                        View::rows(&below[(index - 1) * count * hidden..], count, hidden),
                        View::rows(&layer.input.data, hidden, gates),
                    );
                }
                // From the zero state the first step has no recurrent term.
                if step > 0 {
                    multiply(
                        ViewMut::rows(&mut step_gates, count, gates),
                        true,
                        View::rows(h_layer, count, hidden),
                        View::rows(&layer.recurrent.data, hidden, gates),
                    );
                }
                for ((chunk, h_row), c_row) in step_gates
                    .chunks_exact_mut(gates)
                    .zip(h_layer.chunks_exact_mut(hidden))
                    .zip(c_layer.chunks_exact_mut(hidden))
                {
                    cell(chunk, h_row, c_row);
                }
            }
        }
        let h_last = &h[(layers - 1) * count * hidden..];
        let mut logits = Vec::with_capacity(count * vocabulary);
        for _ in 0..count {
            logits.extend_from_slice(&self.weights.output_bias);
        }
        multiply(
            ViewMut::rows(&mut logits, count, vocabulary),
            true,
            View::rows(h_last, count, hidden),
            View::rows(&self.weights.output.data, hidden, vocabulary),
        );
        for (row, probabilities) in logits
            .chunks_exact(vocabulary)
            .zip(out.chunks_exact_mut(vocabulary))
        {
            softmax(row, probabilities);
        }
        true
    }

    /// For the factorised output: P(v, r) of every verb × resource pair after `context` (see
    /// `FactorisedWeights::pairs`); `type_resource` maps an event type to its resource id.
    /// Writes nothing for a network of the type output.
    pub(crate) fn pairs(&self, context: &[u32], type_resource: &[u32], out: &mut [f64]) {
        let Some(heads) = &self.weights.factorised else {
            return;
        };
        self.with_last_hidden(context, 0, |h_last, _| {
            let resources: Vec<Option<u32>> = context
                .iter()
                .map(|&event| type_resource.get(event as usize).copied())
                .collect();
            heads.pairs(h_last, &resources, out);
        });
    }

    /// Runs the LSTM over `context` and hands `then` the last layer's final hidden state and
    /// `extra` zeroed floats of scratch.
    fn with_last_hidden<R>(
        &self,
        context: &[u32],
        extra: usize,
        then: impl FnOnce(&[f32], &mut [f32]) -> R,
    ) -> R {
        let hidden = self.weights.hidden_size();
        let layers = self.weights.layers.len();
        let vocabulary = self.vocabulary_size();
        // One allocation: per layer h and c, the gates, the caller's scratch.
        let mut scratch = vec![0.0f32; 2 * layers * hidden + 4 * hidden + extra];
        let (states, rest) = scratch.split_at_mut(2 * layers * hidden);
        let (gates, extra) = rest.split_at_mut(4 * hidden);
        // The events read so far (those inside the vocabulary), the first of them.
        let mut read = 0usize;
        let mut first = 0usize;
        for &event in context {
            let event = event as usize;
            if event >= vocabulary {
                continue;
            }
            read += 1;
            for (index, layer) in self.weights.layers.iter().enumerate() {
                let (below, state) = states.split_at_mut(2 * index * hidden);
                let (h, c) = state[..2 * hidden].split_at_mut(hidden);
                if index == 0 && read <= 2 {
                    // The first layer's first two steps come from its tables.
                    if read == 1 {
                        first = event;
                        let (h_first, c_first) = self.first_state(event);
                        h.copy_from_slice(h_first);
                        c.copy_from_slice(c_first);
                    } else {
                        self.second_gates(first, event, gates);
                        cell(gates, h, c);
                    }
                    continue;
                }
                if index == 0 {
                    gates.copy_from_slice(&self.first_input[event * 4 * hidden..][..4 * hidden]);
                } else {
                    // The input is the hidden state of the layer below, updated this step.
                    let h_below = &below[2 * (index - 1) * hidden..][..hidden];
                    gates.copy_from_slice(&layer.bias);
                    add_product(h_below, &layer.input.data, gates);
                }
                add_product(h, &layer.recurrent.data, gates);
                cell(gates, h, c);
            }
        }
        let h_last = &states[2 * (layers - 1) * hidden..][..hidden];
        then(h_last, extra)
    }
}

/// `out += x · m`, with `m` row-major `x.len() × out.len()`. Row by row (`out += x[k]·m[k]`),
/// which compilers vectorise without reassociating a sum.
#[inline]
fn add_product(x: &[f32], m: &[f32], out: &mut [f32]) {
    let cols = out.len();
    for (&xk, row) in x.iter().zip(m.chunks_exact(cols)) {
        if xk == 0.0 {
            continue;
        }
        for (o, &w) in out.iter_mut().zip(row) {
            *o += xk * w;
        }
    }
}

/// One LSTM cell update from the pre-activation `gates` (blocks i, f, g, o), which it uses as
/// scratch. The activations go through `activations`, eight lanes at a time.
#[inline]
fn cell(gates: &mut [f32], h: &mut [f32], c: &mut [f32]) {
    let hidden = h.len();
    sigmoid_in_place(&mut gates[..2 * hidden]);
    tanh_in_place(&mut gates[2 * hidden..3 * hidden]);
    sigmoid_in_place(&mut gates[3 * hidden..]);
    let (i, rest) = gates.split_at_mut(hidden);
    let (f, rest) = rest.split_at_mut(hidden);
    let (g, o) = rest.split_at_mut(hidden);
    for j in 0..hidden {
        c[j] = f[j] * c[j] + i[j] * g[j];
    }
    // The candidate's block is spent: it takes tanh(c).
    g.copy_from_slice(c);
    tanh_in_place(g);
    for j in 0..hidden {
        h[j] = o[j] * g[j];
    }
}

/// Softmax of `logits` into `out`, summed in f64 so that the probabilities sum to 1 closely.
fn softmax(logits: &[f32], out: &mut [f64]) {
    // A comparison, not `f32::max`: that is a call to `fmaxf` in WebAssembly.
    let max = logits.iter().fold(
        f32::NEG_INFINITY,
        |max, &logit| if logit > max { logit } else { max },
    );
    let mut total = 0.0f64;
    for (p, &logit) in out.iter_mut().zip(logits) {
        *p = f64::from(exp_clamped(logit - max));
        total += *p;
    }
    for p in out.iter_mut() {
        *p /= total;
    }
}

#[cfg(test)]
mod tests {
    use super::super::matrix::Matrix;
    use super::super::weights::{LayerWeights, GATE_ORDER};
    use super::*;

    /// One event type, hidden size 1, no embedding effect: the cell maths by hand.
    #[test]
    fn one_cell_by_hand() {
        let weights = LstmWeights {
            gate_order: GATE_ORDER.into(),
            embedding: Matrix {
                rows: 2,
                cols: 1,
                data: vec![1.0, -1.0],
            },
            layers: vec![LayerWeights {
                input: Matrix {
                    rows: 1,
                    cols: 4,
                    data: vec![0.5, -0.5, 1.0, 0.25],
                },
                recurrent: Matrix {
                    rows: 1,
                    cols: 4,
                    data: vec![0.1, 0.2, 0.3, 0.4],
                },
                bias: vec![0.0, 1.0, 0.0, 0.0],
            }],
            output: Matrix {
                rows: 1,
                cols: 2,
                data: vec![2.0, -2.0],
            },
            output_bias: vec![0.0, 0.5],
            factorised: None,
        };
        weights.check(2, 1, 1, 1).unwrap();
        let forward = Forward::new(weights);
        let mut out = [0.0; 2];
        forward.distribution(&[0, 1], &mut out);
        let s = |x: f64| 1.0 / (1.0 + (-x).exp());
        let step = |x: f64, h: f64, c: f64| {
            let i = s(0.5 * x + 0.1 * h);
            let f = s(-0.5 * x + 0.2 * h + 1.0);
            let g = (1.0 * x + 0.3 * h).tanh();
            let o = s(0.25 * x + 0.4 * h);
            let c = f * c + i * g;
            (o * c.tanh(), c)
        };
        let (h, c) = step(1.0, 0.0, 0.0);
        let (h, _) = step(-1.0, h, c);
        let (a, b) = (2.0 * h, -2.0 * h + 0.5);
        let expected = [1.0 / (1.0 + (b - a).exp()), 1.0 / (1.0 + (a - b).exp())];
        assert!((out[0] - expected[0]).abs() < 1e-6, "{out:?} {expected:?}");
        assert!((out[0] + out[1] - 1.0).abs() < 1e-12);
    }
}
