//! The LSTM's factorised output: the next event as a verb and a resource, so that the network can
//! rank `verb_resource` pairs it never saw in training. Its plain weights and the hand-written
//! inference live here; the burn modules that train it are in `lstm_factorised_net`.

use serde::{Deserialize, Serialize};

use super::matrix::Matrix;

/// What the LSTM's output layer predicts.
///
/// - `Types` (the default, the paper's network): one softmax over the vocabulary's event types.
///   It cannot rank a type absent from training, and its input embedding of such a type is the
///   untrained initial vector.
/// - `Factorised`: the event type is split into verb and resource ([`super::Factors`]) at both
///   ends of the network. In: the embedding of an event is `verb_embedding[v] +
///   resource_embedding[r]`, so that a type never seen in training still enters the LSTM with the
///   meaning of its verb (and of its resource, when that was seen with another verb); adding a
///   type's own vector (zero at the start, so unseen types keep their factors alone) measured no
///   better on validation. Out, from the last hidden state `h`:
///
///   ```text
///   P(v)     = softmax(h·W_v + b_v)
///   z(v)     = tanh(h·A + b_z + C[v])               C: a vector per verb
///   gen(r|v) = softmax(z(v)·W_r + b_r + B[v])       B: a bias per verb and resource
///   a        = softmax(h·W_a + b_a)                 one weight per context position
///   copy(r)  = Σ_j a_j · [resource of context event j = r]
///   g(v)     = σ(h·w_g + b_g + c[v])                the share copied, per verb
///   P(r|v)   = g(v)·copy(r) + (1 − g(v))·gen(r|v)
///   P(v, r)  = P(v)·P(r|v)
///   ```
///
///   The verb conditions the resource through a hidden layer: `C[v]` is what concatenating a
///   verb embedding to `h` adds (`[h; e_v]·[A; U] = h·A + e_v·U`), with the product `e_v·U`
///   learned directly; the tanh lets the verb change which directions of `h` matter. A per-verb
///   bias alone (`B`, kept as the pair's own prior) measured worse on the dev data at window 1
///   and no different elsewhere (figures: BENCHMARKS.md, "LSTM factorised output"). The copy
///   attends over the window's positions (the event at distance j), not over their contents:
///   "delete what was created just before" is a distance rule, and it carries to resources the
///   resource softmax never learned. Training minimises −log P(v) − log P(r|v) of the actual event (burn autodiff, the
///   actual verb fed to the resource head). The model is then ranked among every verb ×
///   resource pair ([`super::NextEventModel::composes_pairs`]); its distribution over the
///   vocabulary's types is the pairs that are types, renormalised.
///
/// Decided on the VALIDATION part of the chronological split, default hyper-parameters, seeds 1
/// and 2 (`cargo run --release -p perfspec --example lstm_validation`; dev =
/// `events-dataset-dev.txt` without deletecollection; figures: BENCHMARKS.md, "LSTM factorised
/// output"). It does not help on validation, which holds almost no type unseen in training: on
/// par with the type output at three of the four points (within the seeds' spread), worse in
/// top-9 and log-loss on dev at window 2. Ranking among all pairs accounts for only a small part
/// of that log-loss (the types-only log-loss tells it apart), and dropping the copy moves
/// nothing beyond the seeds' spread there (nothing on validation needs copying). So `Types`
/// stays the default and `Factorised` is an option for logs that meet new software, where it is
/// the only LSTM that can name a new type (a hand-made create/delete sequence in
/// `tests/lstm_factorised.rs`; the one-time test figures are in the same section). Its inference
/// costs more than the type output's (a resource layer per verb).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LstmOutput {
    #[default]
    Types,
    Factorised,
}

impl LstmOutput {
    pub const ALL: [LstmOutput; 2] = [LstmOutput::Types, LstmOutput::Factorised];

    /// The name on the command line and in configurations.
    pub fn name(self) -> &'static str {
        match self {
            LstmOutput::Types => "types",
            LstmOutput::Factorised => "factorised",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|output| output.name() == name)
    }
}

/// The factorised output's learned parameters (`E` embedding, `H` hidden, `Vv` verbs, `Vr`
/// resources, `w` window), row-major like every [`Matrix`] of the LSTM.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactorisedWeights {
    /// `Vv × E`.
    pub verb_embedding: Matrix,
    /// `Vr × E`.
    pub resource_embedding: Matrix,
    /// `H × Vv` and `Vv`.
    pub verb_output: Matrix,
    pub verb_bias: Vec<f32>,
    /// `H × H`, `H` and `Vv × H`: the resource head's hidden layer `tanh(h·A + b_z + C[v])`.
    pub resource_hidden: Matrix,
    pub resource_hidden_bias: Vec<f32>,
    pub verb_resource_hidden: Matrix,
    /// `H × Vr` and `Vr`: from the resource head's hidden layer to the resource logits.
    pub resource_output: Matrix,
    pub resource_bias: Vec<f32>,
    /// `Vv × Vr`: `B[v]`, added to the resource logits under verb `v`.
    pub verb_resource_bias: Matrix,
    /// `H × w` and `w`: the copy's attention over context positions, oldest first.
    pub copy_attention: Matrix,
    pub copy_attention_bias: Vec<f32>,
    /// `H`, and one bias: the copy gate's input weights.
    pub copy_gate: Vec<f32>,
    pub copy_gate_bias: f32,
    /// `Vv`: the copy gate's bias per verb.
    pub verb_copy_gate: Vec<f32>,
}

impl FactorisedWeights {
    pub fn verbs(&self) -> usize {
        self.verb_embedding.rows
    }

    pub fn resources(&self) -> usize {
        self.resource_embedding.rows
    }

    /// The context length the copy attends over.
    pub fn window(&self) -> usize {
        self.copy_attention.cols
    }

    /// Checks every shape and that every value is finite, so that inference indexes without
    /// checks.
    pub fn check(
        &self,
        verbs: usize,
        resources: usize,
        embedding: usize,
        hidden: usize,
        window: usize,
    ) -> Result<(), String> {
        self.verb_embedding
            .check("verb embedding", verbs, embedding)?;
        self.resource_embedding
            .check("resource embedding", resources, embedding)?;
        self.verb_output.check("verb output", hidden, verbs)?;
        self.resource_hidden
            .check("resource hidden layer", hidden, hidden)?;
        self.verb_resource_hidden
            .check("verb-resource hidden layer", verbs, hidden)?;
        self.resource_output
            .check("resource output", hidden, resources)?;
        self.verb_resource_bias
            .check("verb-resource bias", verbs, resources)?;
        self.copy_attention
            .check("copy attention", hidden, window)?;
        let vectors = [
            ("verb bias", &self.verb_bias, verbs),
            ("resource bias", &self.resource_bias, resources),
            (
                "resource hidden layer bias",
                &self.resource_hidden_bias,
                hidden,
            ),
            ("copy attention bias", &self.copy_attention_bias, window),
            ("copy gate", &self.copy_gate, hidden),
            ("verb copy gate", &self.verb_copy_gate, verbs),
        ];
        for (name, values, expected) in vectors {
            if values.len() != expected {
                return Err(format!(
                    "the LSTM's {name} has {} values, expected {expected}",
                    values.len()
                ));
            }
            super::matrix::check_finite(name, values)?;
        }
        super::matrix::check_finite("copy gate bias", &[self.copy_gate_bias])
    }

    /// The input embedding of every event type, `verb_embedding[v] + resource_embedding[r]`
    /// (`V × E`): what the shared LSTM inference looks types up in.
    pub fn input_embedding(&self, type_verb: &[u32], type_resource: &[u32]) -> Matrix {
        let columns = self.verb_embedding.cols;
        let mut data = Vec::with_capacity(type_verb.len() * columns);
        for (&verb, &resource) in type_verb.iter().zip(type_resource) {
            let verb = self.verb_embedding.row(verb as usize);
            let resource = self.resource_embedding.row(resource as usize);
            data.extend(verb.iter().zip(resource).map(|(a, b)| a + b));
        }
        Matrix {
            rows: type_verb.len(),
            cols: columns,
            data,
        }
    }

    /// Writes P(v, r) for every pair into `out` (`Vv × Vr`, verb-major as
    /// [`super::Factors::pair_index`] lays them out) from the last hidden state `h` and the
    /// resources of the context's events (oldest first, at most the window; `None` for an event
    /// the copy cannot name). A context shorter than the window is aligned to its end, and the
    /// attention is renormalised over the positions it fills.
    pub fn pairs(&self, h: &[f32], context_resources: &[Option<u32>], out: &mut [f64]) {
        let (verbs, resources, window) = (self.verbs(), self.resources(), self.window());
        let context_resources =
            &context_resources[context_resources.len().saturating_sub(window)..];
        let offset = window - context_resources.len();
        let hidden = h.len();
        // Scratch: verb logits, one verb's resource logits, the resource layer's input before
        // and after its verb, attention logits.
        let mut scratch = vec![0.0f32; verbs + resources + 2 * hidden + window];
        let (verb_logits, rest) = scratch.split_at_mut(verbs);
        let (resource_logits, rest) = rest.split_at_mut(resources);
        let (shared, rest) = rest.split_at_mut(hidden);
        let (layer, attention) = rest.split_at_mut(hidden);
        verb_logits.copy_from_slice(&self.verb_bias);
        add_product(h, &self.verb_output.data, verb_logits);
        shared.copy_from_slice(&self.resource_hidden_bias);
        add_product(h, &self.resource_hidden.data, shared);
        attention.copy_from_slice(&self.copy_attention_bias);
        add_product(h, &self.copy_attention.data, attention);

        let mut copy = vec![0.0f64; resources];
        let filled = &attention[offset..];
        let max = filled.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let total: f64 = filled
            .iter()
            .map(|&a| (f64::from(a) - f64::from(max)).exp())
            .sum();
        for (&a, resource) in filled.iter().zip(context_resources) {
            if let Some(resource) = resource {
                copy[*resource as usize] += (f64::from(a) - f64::from(max)).exp() / total;
            }
        }
        let gate_input = f64::from(self.copy_gate_bias)
            + h.iter()
                .zip(&self.copy_gate)
                .map(|(&x, &w)| f64::from(x) * f64::from(w))
                .sum::<f64>();

        let mut verb_probabilities = vec![0.0f64; verbs];
        softmax(verb_logits, &[], &mut verb_probabilities);
        for (verb, &p_verb) in verb_probabilities.iter().enumerate() {
            let row = &mut out[verb * resources..(verb + 1) * resources];
            for ((z, &s), &c) in layer
                .iter_mut()
                .zip(shared.iter())
                .zip(self.verb_resource_hidden.row(verb))
            {
                *z = (s + c).tanh();
            }
            resource_logits.copy_from_slice(&self.resource_bias);
            add_product(layer, &self.resource_output.data, resource_logits);
            softmax(resource_logits, self.verb_resource_bias.row(verb), row);
            let gate = sigmoid(gate_input + f64::from(self.verb_copy_gate[verb]));
            for (p, &c) in row.iter_mut().zip(&copy) {
                *p = p_verb * (gate * c + (1.0 - gate) * *p);
            }
        }
    }
}

/// `out += x · m`, with `m` row-major `x.len() × out.len()`.
fn add_product(x: &[f32], m: &[f32], out: &mut [f32]) {
    let cols = out.len();
    if cols == 0 {
        return;
    }
    for (&xk, row) in x.iter().zip(m.chunks_exact(cols)) {
        for (o, &w) in out.iter_mut().zip(row) {
            *o += xk * w;
        }
    }
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Softmax of `logits + bias` (no bias when `bias` is empty) into `out`, in f64.
fn softmax(logits: &[f32], bias: &[f32], out: &mut [f64]) {
    let value = |i: usize| f64::from(logits[i]) + bias.get(i).map_or(0.0, |&b| f64::from(b));
    let max = (0..logits.len())
        .map(value)
        .fold(f64::NEG_INFINITY, f64::max);
    let mut total = 0.0;
    for (i, p) in out.iter_mut().enumerate() {
        *p = (value(i) - max).exp();
        total += *p;
    }
    for p in out.iter_mut() {
        *p /= total;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matrix(rows: usize, cols: usize, data: Vec<f32>) -> Matrix {
        Matrix { rows, cols, data }
    }

    /// Two verbs, two resources, hidden size 1, window 2: the formula by hand.
    #[test]
    fn pairs_by_hand() {
        let weights = FactorisedWeights {
            verb_embedding: Matrix::zeros(2, 1),
            resource_embedding: Matrix::zeros(2, 1),
            verb_output: matrix(1, 2, vec![1.0, -1.0]),
            verb_bias: vec![0.0, 0.5],
            resource_hidden: matrix(1, 1, vec![1.0]),
            resource_hidden_bias: vec![0.0],
            verb_resource_hidden: matrix(2, 1, vec![0.0, 0.3]),
            resource_output: matrix(1, 2, vec![0.5, 0.0]),
            resource_bias: vec![0.0, 0.0],
            verb_resource_bias: matrix(2, 2, vec![0.0, 1.0, -1.0, 0.0]),
            copy_attention: matrix(1, 2, vec![0.0, 2.0]),
            copy_attention_bias: vec![0.0, 0.0],
            copy_gate: vec![1.0],
            copy_gate_bias: -0.5,
            verb_copy_gate: vec![0.0, 1.0],
        };
        weights.check(2, 2, 1, 1, 2).unwrap();
        let h = [0.8f32];
        let mut out = [0.0; 4];
        weights.pairs(&h, &[Some(1), Some(0)], &mut out);
        let x = 0.8f64;
        let soft = |a: f64, b: f64| (1.0 / (1.0 + (b - a).exp()), 1.0 / (1.0 + (a - b).exp()));
        let (pv0, pv1) = soft(x, -x + 0.5);
        let (a0, a1) = soft(0.0, 2.0 * x);
        // Position 0 holds resource 1, position 1 resource 0.
        let copy = [a1, a0];
        let s = |z: f64| 1.0 / (1.0 + (-z).exp());
        let expected = |pv: f64, c: f64, bias: [f64; 2], gate: f64| {
            let (g0, g1) = soft(0.5 * (x + c).tanh() + bias[0], bias[1]);
            [
                pv * (gate * copy[0] + (1.0 - gate) * g0),
                pv * (gate * copy[1] + (1.0 - gate) * g1),
            ]
        };
        let v0 = expected(pv0, 0.0, [0.0, 1.0], s(x - 0.5));
        let v1 = expected(pv1, 0.3, [-1.0, 0.0], s(x - 0.5 + 1.0));
        for (got, want) in out.iter().zip(v0.iter().chain(&v1)) {
            assert!((got - want).abs() < 1e-6, "{out:?} {v0:?} {v1:?}");
        }
        assert!((out.iter().sum::<f64>() - 1.0).abs() < 1e-12);

        // One event of a window of two: the copy is all on it.
        weights.pairs(&h, &[Some(1)], &mut out);
        let gate = s(x - 0.5);
        let (g0, g1) = soft(0.5 * x.tanh(), 1.0);
        assert!((out[1] - pv0 * (gate + (1.0 - gate) * g1)).abs() < 1e-6);
        assert!((out[0] - pv0 * (1.0 - gate) * g0).abs() < 1e-6);
    }
}
