//! The LSTM's initial weights, drawn from the fit's seed alone.
//!
//! burn's initialisers draw from one random generator per backend, shared by the whole process
//! (`Device::seed` reseeds it for everyone), so two fits running at once — parallel tests, or the
//! CLI and a library caller — would interleave their draws. Drawing the initial weights here from
//! a generator the fit owns makes a seed reproduce a model whatever else runs.
//!
//! The distributions are Keras's defaults for the same layers, the reference the project
//! compares against: embedding uniform in ±0.05; LSTM input kernels Glorot-uniform over the four
//! gates together, recurrent kernels orthogonal, biases zero except the forget gate's at 1;
//! the output layer Glorot-uniform with a zero bias.

use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

use super::factorised::FactorisedWeights;
use super::matrix::Matrix;
use super::weights::{LayerWeights, LstmWeights, GATE_ORDER};
use crate::models::factors::Factors;

/// Keeps the factorised heads' draws apart from the trunk's (same seed), so that the trunk
/// starts as the type output's does.
const FACTORISED_STREAM: u64 = 0xD1B5_4A32_D192_ED03;

/// Sizes of the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Shape {
    pub vocabulary: usize,
    pub embedding: usize,
    pub hidden: usize,
    pub layers: usize,
}

/// Initial weights for `shape`, the same for the same seed.
pub(crate) fn initial_weights(shape: Shape, seed: u64) -> LstmWeights {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let Shape {
        vocabulary,
        embedding,
        hidden,
        layers,
    } = shape;
    let embedding = uniform(&mut rng, vocabulary, embedding, 0.05);
    let layers = (0..layers)
        .map(|index| {
            let d_input = if index == 0 { embedding.cols } else { hidden };
            let input = glorot(&mut rng, d_input, 4 * hidden);
            let recurrent = orthogonal_rows(&mut rng, hidden, 4 * hidden);
            let mut bias = vec![0.0; 4 * hidden];
            bias[hidden..2 * hidden].fill(1.0);
            LayerWeights {
                input,
                recurrent,
                bias,
            }
        })
        .collect();
    LstmWeights {
        gate_order: GATE_ORDER.into(),
        embedding,
        layers,
        output: glorot(&mut rng, hidden, vocabulary),
        output_bias: vec![0.0; vocabulary],
        factorised: None,
    }
}

/// Initial weights of the factorised output ([`super::LstmOutput::Factorised`]) for `factors`
/// and a context of `window` events: the type output's trunk, no type logits, and heads drawn
/// like the layers they resemble (embeddings uniform in ±0.05, output layers Glorot-uniform,
/// biases zero).
pub(crate) fn initial_factorised(
    shape: Shape,
    factors: &Factors,
    window: usize,
    seed: u64,
) -> LstmWeights {
    let mut weights = initial_weights(shape, seed);
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ FACTORISED_STREAM);
    let (verbs, resources) = (factors.verbs.len(), factors.resources.len());
    let hidden = shape.hidden;
    let heads = FactorisedWeights {
        verb_embedding: uniform(&mut rng, verbs, shape.embedding, 0.05),
        resource_embedding: uniform(&mut rng, resources, shape.embedding, 0.05),
        verb_output: glorot(&mut rng, hidden, verbs),
        verb_bias: vec![0.0; verbs],
        resource_hidden: glorot(&mut rng, hidden, hidden),
        resource_hidden_bias: vec![0.0; hidden],
        verb_resource_hidden: uniform(&mut rng, verbs, hidden, 0.05),
        resource_output: glorot(&mut rng, hidden, resources),
        resource_bias: vec![0.0; resources],
        verb_resource_bias: Matrix::zeros(verbs, resources),
        copy_attention: glorot(&mut rng, hidden, window),
        copy_attention_bias: vec![0.0; window],
        copy_gate: glorot(&mut rng, hidden, 1).data,
        copy_gate_bias: 0.0,
        verb_copy_gate: vec![0.0; verbs],
    };
    weights.embedding = heads.input_embedding(&factors.type_verb, &factors.type_resource);
    weights.output = Matrix::zeros(hidden, 0);
    weights.output_bias = Vec::new();
    weights.factorised = Some(heads);
    weights
}

fn uniform(rng: &mut ChaCha8Rng, rows: usize, cols: usize, limit: f64) -> Matrix {
    let data = (0..rows * cols)
        .map(|_| ((rng.random::<f64>() * 2.0 - 1.0) * limit) as f32)
        .collect();
    Matrix { rows, cols, data }
}

/// Glorot (Xavier) uniform: ±sqrt(6 / (fan_in + fan_out)).
fn glorot(rng: &mut ChaCha8Rng, rows: usize, cols: usize) -> Matrix {
    uniform(rng, rows, cols, (6.0 / (rows + cols) as f64).sqrt())
}

/// A standard normal draw (Box–Muller).
fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1 = 1.0 - rng.random::<f64>();
    let u2 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// A `rows × cols` matrix (`rows ≤ cols`) with orthonormal rows: Gram–Schmidt on normal draws,
/// as Keras's orthogonal initialiser gives for a recurrent kernel.
fn orthogonal_rows(rng: &mut ChaCha8Rng, rows: usize, cols: usize) -> Matrix {
    let mut basis: Vec<Vec<f64>> = Vec::with_capacity(rows);
    while basis.len() < rows {
        let mut v: Vec<f64> = (0..cols).map(|_| normal(rng)).collect();
        // Twice, for numerical orthogonality.
        for _ in 0..2 {
            for b in &basis {
                let dot: f64 = v.iter().zip(b).map(|(x, y)| x * y).sum();
                for (x, y) in v.iter_mut().zip(b) {
                    *x -= dot * y;
                }
            }
        }
        let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
        if norm > 1e-6 {
            basis.push(v.into_iter().map(|x| x / norm).collect());
        }
    }
    Matrix {
        rows,
        cols,
        data: basis.into_iter().flatten().map(|x| x as f32).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_weights_and_orthonormal_recurrence() {
        let shape = Shape {
            vocabulary: 7,
            embedding: 3,
            hidden: 5,
            layers: 2,
        };
        let a = initial_weights(shape, 11);
        assert_eq!(a, initial_weights(shape, 11));
        assert_ne!(a, initial_weights(shape, 12));
        a.check(7, 3, 5, 2).unwrap();
        let recurrent = &a.layers[1].recurrent;
        for i in 0..5 {
            for j in 0..5 {
                let dot: f32 = recurrent
                    .row(i)
                    .iter()
                    .zip(recurrent.row(j))
                    .map(|(x, y)| x * y)
                    .sum();
                let expected = if i == j { 1.0 } else { 0.0 };
                assert!((dot - expected).abs() < 1e-5, "{i} {j} {dot}");
            }
        }
        assert!(a.layers[0].bias[5..10].iter().all(|&b| b == 1.0));
    }
}
