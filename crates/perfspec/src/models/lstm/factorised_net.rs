//! The factorised output's heads as burn modules (the maths is in [`super::LstmOutput`]'s doc
//! comment): the training loss, and the reference pair distribution the hand-written inference
//! (`FactorisedWeights::pairs`) is tested against.
//!
//! The per-verb biases (`B[v]` of the resource logits, `c[v]` of the copy gate) are embeddings
//! looked up by the verb, so that autodiff only touches the rows of the verbs in a batch.

use burn::module::Module;
use burn::nn::loss::CrossEntropyLoss;
use burn::nn::{Embedding, Linear};
use burn::tensor::activation::{log_softmax, sigmoid, softmax};
use burn::tensor::{Device, Int, Tensor, TensorData};

use super::factorised::FactorisedWeights;
use super::matrix::Matrix;
use super::tensors::{param1, param2, read, read_values};
use crate::dataset::Windows;
use crate::models::factors::Factors;

/// Added to the probability of the actual resource before its log, so that a copy gate near 1
/// with nothing to copy gives a large finite loss, not an infinite one.
const PROBABILITY_FLOOR: f32 = 1e-12;

#[derive(Module, Debug)]
pub(crate) struct FactorisedHeads {
    verb_embedding: Embedding,
    resource_embedding: Embedding,
    verb_output: Linear,
    resource_hidden: Linear,
    /// `Vv × H`, looked up by verb.
    verb_resource_hidden: Embedding,
    resource_output: Linear,
    /// `Vv × Vr`, looked up by verb.
    verb_resource_bias: Embedding,
    copy_attention: Linear,
    copy_gate: Linear,
    /// `Vv × 1`, looked up by verb.
    verb_copy_gate: Embedding,
}

fn linear(weight: &Matrix, bias: &[f32], device: &Device) -> Linear {
    Linear {
        weight: param2(weight, device),
        bias: Some(param1(bias, device)),
    }
}

fn linear_bias(linear: &Linear) -> Vec<f32> {
    match &linear.bias {
        Some(bias) => read_values(bias.val().into_data()),
        None => vec![0.0; linear.weight.dims()[1]],
    }
}

/// The tensors of one batch of windows for the factorised output.
pub(crate) struct FactorisedBatch {
    /// `[batch, window]`.
    pub context_verbs: Tensor<2, Int>,
    pub context_resources: Tensor<2, Int>,
    /// `[batch]`.
    pub target_verbs: Tensor<1, Int>,
    pub target_resources: Tensor<1, Int>,
    /// `[batch, window]`: 1 where the context event's resource is the target's.
    pub copy_match: Tensor<2>,
}

impl FactorisedBatch {
    /// The windows at `indices` of `windows`, split into verbs and resources by `factors`.
    pub(crate) fn new(
        windows: &Windows,
        indices: impl Iterator<Item = usize>,
        factors: &Factors,
        device: &Device,
    ) -> Self {
        let window = windows.window;
        let (mut context_verbs, mut context_resources, mut copy_match) =
            (Vec::new(), Vec::new(), Vec::new());
        let (mut target_verbs, mut target_resources) = (Vec::new(), Vec::new());
        for index in indices {
            let target = windows.target(index) as usize;
            let target_resource = factors.type_resource[target];
            target_verbs.push(i64::from(factors.type_verb[target]));
            target_resources.push(i64::from(target_resource));
            for &event in windows.context(index) {
                let resource = factors.type_resource[event as usize];
                context_verbs.push(i64::from(factors.type_verb[event as usize]));
                context_resources.push(i64::from(resource));
                copy_match.push(if resource == target_resource {
                    1.0f32
                } else {
                    0.0
                });
            }
        }
        let size = target_verbs.len();
        let ints2 = |values: Vec<i64>| {
            Tensor::<2, Int>::from_data(TensorData::new(values, [size, window]), device)
        };
        let ints1 =
            |values: Vec<i64>| Tensor::<1, Int>::from_data(TensorData::new(values, [size]), device);
        Self {
            context_verbs: ints2(context_verbs),
            context_resources: ints2(context_resources),
            target_verbs: ints1(target_verbs),
            target_resources: ints1(target_resources),
            copy_match: Tensor::<2>::from_data(TensorData::new(copy_match, [size, window]), device),
        }
    }
}

impl FactorisedHeads {
    pub(crate) fn from_weights(weights: &FactorisedWeights, device: &Device) -> Self {
        Self {
            verb_embedding: Embedding {
                weight: param2(&weights.verb_embedding, device),
            },
            resource_embedding: Embedding {
                weight: param2(&weights.resource_embedding, device),
            },
            verb_output: linear(&weights.verb_output, &weights.verb_bias, device),
            resource_hidden: linear(
                &weights.resource_hidden,
                &weights.resource_hidden_bias,
                device,
            ),
            verb_resource_hidden: Embedding {
                weight: param2(&weights.verb_resource_hidden, device),
            },
            resource_output: linear(&weights.resource_output, &weights.resource_bias, device),
            verb_resource_bias: Embedding {
                weight: param2(&weights.verb_resource_bias, device),
            },
            copy_attention: linear(
                &weights.copy_attention,
                &weights.copy_attention_bias,
                device,
            ),
            copy_gate: linear(
                &Matrix {
                    rows: weights.copy_gate.len(),
                    cols: 1,
                    data: weights.copy_gate.clone(),
                },
                &[weights.copy_gate_bias],
                device,
            ),
            verb_copy_gate: Embedding {
                weight: param2(
                    &Matrix {
                        rows: weights.verb_copy_gate.len(),
                        cols: 1,
                        data: weights.verb_copy_gate.clone(),
                    },
                    device,
                ),
            },
        }
    }

    pub(crate) fn to_weights(&self) -> FactorisedWeights {
        FactorisedWeights {
            verb_embedding: read(self.verb_embedding.weight.val()),
            resource_embedding: read(self.resource_embedding.weight.val()),
            verb_output: read(self.verb_output.weight.val()),
            verb_bias: linear_bias(&self.verb_output),
            resource_hidden: read(self.resource_hidden.weight.val()),
            resource_hidden_bias: linear_bias(&self.resource_hidden),
            verb_resource_hidden: read(self.verb_resource_hidden.weight.val()),
            resource_output: read(self.resource_output.weight.val()),
            resource_bias: linear_bias(&self.resource_output),
            verb_resource_bias: read(self.verb_resource_bias.weight.val()),
            copy_attention: read(self.copy_attention.weight.val()),
            copy_attention_bias: linear_bias(&self.copy_attention),
            copy_gate: read(self.copy_gate.weight.val()).data,
            copy_gate_bias: linear_bias(&self.copy_gate)[0],
            verb_copy_gate: read(self.verb_copy_gate.weight.val()).data,
        }
    }

    /// The LSTM's input `[batch, window, embedding]`: verb embedding plus resource embedding.
    pub(crate) fn embed(&self, verbs: Tensor<2, Int>, resources: Tensor<2, Int>) -> Tensor<3> {
        self.verb_embedding.forward(verbs) + self.resource_embedding.forward(resources)
    }

    /// Mean over the batch of −log P(v) − log P(r | v) of the actual events, from the last
    /// hidden states `h` `[batch, hidden]`.
    pub(crate) fn loss(
        &self,
        h: Tensor<2>,
        batch: &FactorisedBatch,
        cross_entropy: &CrossEntropyLoss,
    ) -> Tensor<1> {
        let [size, _] = h.dims();
        let resources = self.resource_embedding.weight.dims()[0];
        let verb_loss = cross_entropy.forward(
            self.verb_output.forward(h.clone()),
            batch.target_verbs.clone(),
        );
        let verbs = batch.target_verbs.clone().reshape([size, 1]);
        let hidden = h.dims()[1];
        let layer = (self.resource_hidden.forward(h.clone())
            + self
                .verb_resource_hidden
                .forward(verbs.clone())
                .reshape([size, hidden]))
        .tanh();
        let generated = log_softmax(
            self.resource_output.forward(layer)
                + self
                    .verb_resource_bias
                    .forward(verbs.clone())
                    .reshape([size, resources]),
            1,
        )
        .gather(1, batch.target_resources.clone().reshape([size, 1]))
        .exp();
        let attention = softmax(self.copy_attention.forward(h.clone()), 1);
        let copied = (attention * batch.copy_match.clone()).sum_dim(1);
        let gate = sigmoid(
            self.copy_gate.forward(h) + self.verb_copy_gate.forward(verbs).reshape([size, 1]),
        );
        let probability = gate.clone() * copied + (gate.neg() + 1.0) * generated;
        let resource_loss = (probability + PROBABILITY_FLOOR).log().mean().neg();
        verb_loss + resource_loss
    }

    /// P(v, r) `[batch, verbs, resources]` from `h` `[batch, hidden]` and the context's
    /// resources one-hot `[batch, window, resources]`.
    pub(crate) fn pairs(&self, h: Tensor<2>, context_one_hot: Tensor<3>) -> Tensor<3> {
        let [size, _] = h.dims();
        let [verbs, resources] = self.verb_resource_bias.weight.dims();
        let window = self.copy_attention.weight.dims()[1];
        let hidden = h.dims()[1];
        let verb = softmax(self.verb_output.forward(h.clone()), 1).reshape([size, verbs, 1]);
        let layer = (self
            .resource_hidden
            .forward(h.clone())
            .reshape([size, 1, hidden])
            + self
                .verb_resource_hidden
                .weight
                .val()
                .reshape([1, verbs, hidden]))
        .tanh()
        .reshape([size * verbs, hidden]);
        let generated = softmax(
            self.resource_output
                .forward(layer)
                .reshape([size, verbs, resources])
                + self
                    .verb_resource_bias
                    .weight
                    .val()
                    .reshape([1, verbs, resources]),
            2,
        );
        let attention =
            softmax(self.copy_attention.forward(h.clone()), 1).reshape([size, 1, window]);
        let copied = attention.matmul(context_one_hot);
        let gate = sigmoid(
            self.copy_gate.forward(h) + self.verb_copy_gate.weight.val().reshape([1, verbs]),
        )
        .reshape([size, verbs, 1]);
        verb * (gate.clone() * copied + (gate.neg() + 1.0) * generated)
    }
}
