//! One LSTM layer as a burn module whose four gates are one matrix product, for training.
//!
//! burn's own `Lstm` keeps a pair of `Linear`s per gate, so each step of a window runs eight
//! small products, and its cell candidate and cell output go through `tanh`, which burn's CPU
//! backend computes one element at a time with the C library's `tanhf` (and again in the
//! backward pass). The profile in BENCHMARKS.md ("LSTM training: where an epoch goes") puts most
//! of an epoch there. This layer keeps the plain weights' shape (`[input, 4H]`, `[H, 4H]`, `[4H]`
//! in `GATE_ORDER`): the input of the whole window is projected in one product, each step adds
//! one `[H, 4H]` product, and one sigmoid serves all four gates, the cell candidate's block
//! scaled by 2 beforehand since `tanh(x) = 2σ(2x) − 1`. Sigmoid costs one `exp` per element and
//! its backward reuses its output. The mathematics is burn's `Lstm`'s; a test holds the outputs
//! and every gradient to burn's within 1e-5.

use burn::module::{Module, Param};
use burn::tensor::activation::sigmoid;
use burn::tensor::{Device, Int, Tensor, TensorData};

use super::sequence_op::{lstm_embedded_sequence, lstm_sequence};
use super::tensors::{param1, param2, read, read_values};
use super::weights::LayerWeights;

/// One layer: `gates = x · input + h · recurrent + bias`, blocks in `GATE_ORDER` (`ifgo`).
#[derive(Module, Debug)]
pub(crate) struct FusedLstmLayer {
    input: Param<Tensor<2>>,
    recurrent: Param<Tensor<2>>,
    bias: Param<Tensor<1>>,
}

/// `tanh(x) = 2σ(2x) − 1`, with the backend's sigmoid (see the module comment).
fn tanh_by_sigmoid(x: Tensor<2>) -> Tensor<2> {
    sigmoid(x.mul_scalar(2.0)).mul_scalar(2.0).sub_scalar(1.0)
}

impl FusedLstmLayer {
    pub(crate) fn from_weights(layer: &LayerWeights, device: &Device) -> Self {
        Self {
            input: param2(&layer.input, device),
            recurrent: param2(&layer.recurrent, device),
            bias: param1(&layer.bias, device),
        }
    }

    pub(crate) fn to_weights(&self) -> LayerWeights {
        LayerWeights {
            input: read(self.input.val()),
            recurrent: read(self.recurrent.val()),
            bias: read_values(self.bias.val().into_data()),
        }
    }

    fn hidden(&self) -> usize {
        self.recurrent.dims()[0]
    }

    /// Runs the layer over `sequence` (`[batch, window, input]`) from a zero state. Returns the
    /// hidden state of every step (`[batch, window, hidden]`) when `outputs` is asked for (a
    /// layer below another), and the last one (`[batch, hidden]`). On the training device the
    /// whole window is one hand-written node (`sequence_op`); elsewhere burn's operations.
    pub(crate) fn forward(
        &self,
        sequence: Tensor<3>,
        outputs: bool,
    ) -> (Option<Tensor<3>>, Tensor<2>) {
        let window = sequence.dims()[1];
        if window > 0 {
            let fused = lstm_sequence(
                &sequence,
                &self.input.val(),
                &self.recurrent.val(),
                &self.bias.val(),
            );
            if let Some(states) = fused {
                return Self::with_last(states, outputs);
            }
        }
        self.composed(sequence, outputs)
    }

    /// [`Self::forward`] over the rows of `embedding` (`[vocabulary, input]`) that `ids` name
    /// (`[batch, window]` row-major): a first layer and the embedding lookup before it. On the
    /// training device one node that projects each distinct id once (`sequence_op`); elsewhere
    /// burn's lookup and operations.
    pub(crate) fn forward_embedded(
        &self,
        embedding: &Tensor<2>,
        ids: &[u32],
        window: usize,
        outputs: bool,
    ) -> (Option<Tensor<3>>, Tensor<2>) {
        let batch = ids.len() / window.max(1);
        if window > 0 {
            let fused = lstm_embedded_sequence(
                embedding,
                ids,
                window,
                &self.input.val(),
                &self.recurrent.val(),
                &self.bias.val(),
            );
            if let Some(states) = fused {
                return Self::with_last(states, outputs);
            }
        }
        let device = embedding.device();
        let ids: Vec<i64> = ids.iter().map(|&id| i64::from(id)).collect();
        let ids = Tensor::<2, Int>::from_data(TensorData::new(ids, [batch, window]), &device);
        let sequence = burn::tensor::module::embedding(embedding.clone(), ids);
        self.composed(sequence, outputs)
    }

    /// Every step's hidden state `states` (`[batch, window, hidden]`, `window` > 0) when
    /// `outputs`, and the last one.
    fn with_last(states: Tensor<3>, outputs: bool) -> (Option<Tensor<3>>, Tensor<2>) {
        let [batch, window, hidden] = states.dims();
        let last = states
            .clone()
            .narrow(1, window - 1, 1)
            .reshape([batch, hidden]);
        (outputs.then_some(states), last)
    }

    /// [`Self::forward`] composed from burn's operations, on any device.
    fn composed(&self, sequence: Tensor<3>, outputs: bool) -> (Option<Tensor<3>>, Tensor<2>) {
        let [batch, window, input] = sequence.dims();
        let hidden = self.hidden();
        let device = sequence.device();
        // The cell candidate's block is doubled before the one sigmoid of all four gates.
        let mut scale = vec![1.0f32; 4 * hidden];
        scale[2 * hidden..3 * hidden].fill(2.0);
        let scale =
            Tensor::<1>::from_data(TensorData::new(scale, [4 * hidden]), &device).unsqueeze::<2>();
        let projected = (sequence
            .reshape([batch * window, input])
            .matmul(self.input.val())
            + self.bias.val().unsqueeze::<2>())
        .reshape([batch, window, 4 * hidden]);
        let mut states = Vec::with_capacity(if outputs { window } else { 0 });
        let mut h: Option<Tensor<2>> = None;
        let mut c: Option<Tensor<2>> = None;
        for step in 0..window {
            let mut gates = projected
                .clone()
                .narrow(1, step, 1)
                .reshape([batch, 4 * hidden]);
            // From the zero state the recurrent product and the forget term are zero.
            if let Some(h) = &h {
                gates = gates + h.clone().matmul(self.recurrent.val());
            }
            let activated = sigmoid(gates * scale.clone());
            let block = |index: usize| activated.clone().narrow(1, index * hidden, hidden);
            let candidate = block(2).mul_scalar(2.0).sub_scalar(1.0);
            let written = block(0) * candidate;
            let cell = match c {
                Some(c) => block(1) * c + written,
                None => written,
            };
            let state = block(3) * tanh_by_sigmoid(cell.clone());
            if outputs {
                states.push(state.clone());
            }
            h = Some(state);
            c = Some(cell);
        }
        let last = h.unwrap_or_else(|| Tensor::zeros([batch, hidden], &device));
        let outputs = outputs.then(|| Tensor::stack::<3>(states, 1));
        (outputs, last)
    }
}

#[cfg(test)]
mod tests {
    use burn::nn::{GateController, Initializer, Linear, Lstm, LstmConfig};
    use burn::tensor::Tensor;

    use super::*;
    use crate::models::lstm::matrix::Matrix;
    use crate::models::lstm::test_values::{close, values};

    /// Columns `block·H .. (block+1)·H` of a `rows × 4H` matrix.
    fn gate_block(matrix: &Matrix, block: usize, hidden: usize) -> Matrix {
        let mut data = Vec::with_capacity(matrix.rows * hidden);
        for row in 0..matrix.rows {
            data.extend_from_slice(&matrix.row(row)[block * hidden..(block + 1) * hidden]);
        }
        Matrix {
            rows: matrix.rows,
            cols: hidden,
            data,
        }
    }

    /// burn's own `Lstm` holding `layer`: the reference.
    fn burn_lstm(layer: &LayerWeights, device: &Device) -> Lstm {
        let hidden = layer.recurrent.rows;
        let mut lstm = LstmConfig::new(layer.input.rows, hidden, true)
            .with_initializer(Initializer::Zeros)
            .init(device);
        let gate = |block: usize| GateController {
            input_transform: Linear {
                weight: param2(&gate_block(&layer.input, block, hidden), device),
                bias: Some(param1(
                    &layer.bias[block * hidden..(block + 1) * hidden],
                    device,
                )),
            },
            hidden_transform: Linear {
                weight: param2(&gate_block(&layer.recurrent, block, hidden), device),
                bias: None,
            },
        };
        lstm.input_gate = gate(0);
        lstm.forget_gate = Some(gate(1));
        lstm.cell_gate = gate(2);
        lstm.output_gate = gate(3);
        lstm
    }

    fn layer(input: usize, hidden: usize) -> LayerWeights {
        let matrix = |rows, cols, seed| Matrix {
            rows,
            cols,
            data: values(rows * cols, seed, 0.6),
        };
        LayerWeights {
            input: matrix(input, 4 * hidden, 1),
            recurrent: matrix(hidden, 4 * hidden, 2),
            bias: values(4 * hidden, 3, 0.4),
        }
    }

    /// A loss that weighs every output and the last state differently, so that each gradient
    /// path is exercised; the same weights for the same shapes.
    fn weighted_loss(outputs: Tensor<3>, last: Tensor<2>) -> Tensor<1> {
        let [batch, window, hidden] = outputs.dims();
        let device = outputs.device();
        let output_weights = Tensor::<3>::from_data(
            TensorData::new(
                values(batch * window * hidden, 11, 1.0),
                [batch, window, hidden],
            ),
            &device,
        );
        let last_weights = Tensor::<2>::from_data(
            TensorData::new(values(batch * hidden, 13, 1.0), [batch, hidden]),
            &device,
        );
        (outputs * output_weights).sum() + (last * last_weights).sum()
    }

    fn as_values<const D: usize>(tensor: Tensor<D>) -> Vec<f32> {
        read_values(tensor.into_data())
    }

    #[test]
    fn outputs_and_gradients_match_burns_lstm() {
        let (batch, window, input, hidden) = (3, 4, 5, 6);
        let weights = layer(input, hidden);
        let device = Device::flex().autodiff();
        let sequence_values = values(batch * window * input, 7, 1.5);
        let sequence = || {
            Tensor::<3>::from_data(
                TensorData::new(sequence_values.clone(), [batch, window, input]),
                &device,
            )
            .require_grad()
        };

        let ours = FusedLstmLayer::from_weights(&weights, &device);
        assert!(
            lstm_sequence(
                &sequence(),
                &ours.input.val(),
                &ours.recurrent.val(),
                &ours.bias.val()
            )
            .is_some(),
            "the training device runs the hand-written node"
        );
        for composed in [false, true] {
            let our_input = sequence();
            let (outputs, last) = if composed {
                ours.composed(our_input.clone(), true)
            } else {
                ours.forward(our_input.clone(), true)
            };
            let outputs = outputs.expect("outputs were asked for");
            let our_outputs = as_values(outputs.clone());
            let our_last = as_values(last.clone());
            let loss = weighted_loss(outputs, last);
            let grads = loss.backward();
            let our_input_grad = as_values(our_input.grad(&grads).expect("input gradient"));
            let our_weights = [
                as_values(
                    ours.input
                        .val()
                        .grad(&grads)
                        .expect("input weights' gradient"),
                ),
                as_values(
                    ours.recurrent
                        .val()
                        .grad(&grads)
                        .expect("recurrent gradient"),
                ),
                as_values(ours.bias.val().grad(&grads).expect("bias gradient")),
            ];

            let reference = burn_lstm(&weights, &device);
            let burn_input = sequence();
            let (outputs, state) = reference.forward(burn_input.clone(), None);
            close("outputs", &our_outputs, &as_values(outputs.clone()));
            close(
                "last hidden state",
                &our_last,
                &as_values(state.hidden.clone()),
            );
            let loss = weighted_loss(outputs, state.hidden);
            let grads = loss.backward();
            close(
                "input gradient",
                &our_input_grad,
                &as_values(burn_input.grad(&grads).expect("input gradient")),
            );
            // burn's gradients per gate, put side by side as the fused layer holds them.
            let gates: [&GateController; 4] = [
                &reference.input_gate,
                reference.forget_gate.as_ref().expect("a forget gate"),
                &reference.cell_gate,
                &reference.output_gate,
            ];
            let joined = |part: fn(&GateController) -> &Linear, rows: usize| {
                let blocks: Vec<Vec<f32>> = gates
                    .iter()
                    .map(|gate| {
                        as_values(part(gate).weight.val().grad(&grads).expect("gate gradient"))
                    })
                    .collect();
                let mut data = Vec::with_capacity(rows * 4 * hidden);
                for row in 0..rows {
                    for block in &blocks {
                        data.extend_from_slice(&block[row * hidden..(row + 1) * hidden]);
                    }
                }
                data
            };
            close(
                "input weights' gradient",
                &our_weights[0],
                &joined(|gate| &gate.input_transform, input),
            );
            close(
                "recurrent weights' gradient",
                &our_weights[1],
                &joined(|gate| &gate.hidden_transform, hidden),
            );
            let bias: Vec<f32> = gates
                .iter()
                .flat_map(|gate| {
                    let bias = gate.input_transform.bias.as_ref().expect("a bias");
                    as_values(bias.val().grad(&grads).expect("bias gradient"))
                })
                .collect();
            close("bias gradient", &our_weights[2], &bias);
        }
    }

    /// The embedded node (the lookup and the layer in one, projecting each distinct id once and
    /// sharing the first step of windows that start alike) against burn's embedding lookup
    /// followed by the composed layer: outputs, and the gradients of the embedding (zero on the
    /// rows no step reads), weights and bias, for windows of 1, 2 and 4.
    #[test]
    fn the_embedded_node_matches_burns_lookup_then_the_layer() {
        let (vocabulary, input, hidden) = (7, 5, 6);
        // Ids repeat within and across windows, and windows start alike at every length; 3 and
        // 4 are never read.
        let ids: [u32; 12] = [0, 2, 2, 5, 0, 0, 6, 6, 2, 5, 5, 1];
        let weights = layer(input, hidden);
        let device = Device::flex().autodiff();
        let table = Matrix {
            rows: vocabulary,
            cols: input,
            data: values(vocabulary * input, 17, 1.5),
        };
        for window in [1, 2, 4] {
            let batch = ids.len() / window;
            // Outputs, last state, then the gradients of the embedding, the input and recurrent
            // weights and the bias.
            let run = |embedded: bool| -> Vec<Vec<f32>> {
                let layer = FusedLstmLayer::from_weights(&weights, &device);
                let embedding = param2(&table, &device).val();
                let (outputs, last) = if embedded {
                    assert!(
                        lstm_embedded_sequence(
                            &embedding,
                            &ids,
                            window,
                            &layer.input.val(),
                            &layer.recurrent.val(),
                            &layer.bias.val()
                        )
                        .is_some(),
                        "the training device runs the embedded node"
                    );
                    layer.forward_embedded(&embedding, &ids, window, true)
                } else {
                    let ids: Vec<i64> = ids.iter().map(|&id| i64::from(id)).collect();
                    let ids =
                        Tensor::<2, Int>::from_data(TensorData::new(ids, [batch, window]), &device);
                    layer.composed(
                        burn::tensor::module::embedding(embedding.clone(), ids),
                        true,
                    )
                };
                let outputs = outputs.expect("outputs were asked for");
                let mut found = vec![as_values(outputs.clone()), as_values(last.clone())];
                let loss = weighted_loss(outputs, last);
                let grads = loss.backward();
                found.push(as_values(embedding.grad(&grads).expect("embedding")));
                found.push(as_values(layer.input.val().grad(&grads).expect("weights")));
                // A window of 1 has no recurrent product: no gradient is zero.
                found.push(
                    layer
                        .recurrent
                        .val()
                        .grad(&grads)
                        .map_or_else(|| vec![0.0; hidden * 4 * hidden], as_values),
                );
                found.push(as_values(layer.bias.val().grad(&grads).expect("bias")));
                found
            };
            let (ours, reference) = (run(true), run(false));
            let names = [
                "outputs",
                "last state",
                "embedding",
                "input weights",
                "recurrent",
                "bias",
            ];
            for ((name, ours), reference) in names.iter().zip(&ours).zip(&reference) {
                close(&format!("window {window}: {name}"), ours, reference);
            }
            for unread in [3, 4] {
                assert!(
                    ours[2][unread * input..(unread + 1) * input]
                        .iter()
                        .all(|&g| g == 0.0),
                    "embedding row {unread} is read by no step"
                );
            }
        }
    }

    #[test]
    fn a_window_of_one_needs_no_recurrent_product_and_still_matches() {
        let weights = layer(3, 4);
        let device = Device::flex();
        let sequence =
            Tensor::<3>::from_data(TensorData::new(values(2 * 3, 5, 1.0), [2, 1, 3]), &device);
        let (_, ours) =
            FusedLstmLayer::from_weights(&weights, &device).forward(sequence.clone(), false);
        let (_, state) = burn_lstm(&weights, &device).forward(sequence, None);
        close(
            "last hidden state",
            &as_values(ours),
            &as_values(state.hidden),
        );
        assert_eq!(
            FusedLstmLayer::from_weights(&weights, &device).to_weights(),
            weights,
            "the weights go in and come out unchanged"
        );
    }
}
