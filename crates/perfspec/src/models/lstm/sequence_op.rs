//! The LSTM layer over a window as one operation of burn's autodiff graph, with its own backward
//! pass (`sequence_kernels`).
//!
//! Composed from burn's tensor operations, each step of a window adds a dozen nodes to the
//! graph (products, slices, sigmoids, products of gates), each with its own allocation and its
//! own backward closure, and burn-autodiff's sigmoid recomputes its forward in the backward pass.
//! On the small matrices of this model that bookkeeping, not the arithmetic, was most of an
//! epoch (BENCHMARKS.md, "LSTM training: where an epoch goes"). As one node, the whole window
//! costs one registration, and its backward pass reads the activations the forward pass kept.
//!
//! Only the training device (burn-flex under autodiff) runs this operation; on any other device
//! [`lstm_sequence`] answers `None` and the caller composes burn's operations, which remain the
//! reference the tests hold this one to.

use std::sync::Arc;

use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops};
use burn::backend::flex::FlexTensor;
use burn::backend::Flex;
use burn::tensor::Tensor;

use super::sequence_kernels::{backward, forward, SequenceForward, SequenceInput, SequenceShape};
use super::training_backend::{contiguous, flex, primitive, record, values};

/// The node's backward pass.
#[derive(Debug)]
struct SequenceBackward;

/// The layer's input as the backward pass needs it.
#[derive(Debug)]
enum SavedInput {
    /// `x` itself, `[batch, window, input]`.
    Rows(FlexTensor),
    /// The embedding rows the batch read (`table`, `[used.len(), input]`), which row each step
    /// read (`index`), the embedding ids of those rows (`used`) and the embedding's size.
    Embedded {
        table: Vec<f32>,
        index: Vec<u32>,
        used: Vec<u32>,
        vocabulary: usize,
    },
}

impl SavedInput {
    fn kernel_input(&self) -> SequenceInput<'_> {
        match self {
            Self::Rows(x) => SequenceInput::Rows(values(x)),
            Self::Embedded { table, index, .. } => SequenceInput::Embedded { table, index },
        }
    }
}

/// What the backward pass needs: the inputs as they were and the forward pass's activations.
#[derive(Debug)]
struct Saved {
    shape: SequenceShape,
    input: SavedInput,
    w: FlexTensor,
    u: FlexTensor,
    forward: SequenceForward,
}

impl Backward<Flex, 4> for SequenceBackward {
    type State = Arc<Saved>;

    fn backward(self, ops: Ops<Self::State, 4>, grads: &mut Gradients, _: &mut Checkpointer) {
        let saved = ops.state;
        let shape = saved.shape;
        let d_outputs = grads.consume::<Flex>(&ops.node).to_contiguous();
        let [input_node, w_node, u_node, b_node] = ops.parents;
        let gradients = backward(
            shape,
            saved.input.kernel_input(),
            values(&saved.w),
            values(&saved.u),
            &saved.forward,
            values(&d_outputs),
            input_node.is_some(),
        );
        let gates = 4 * shape.hidden;
        if let (Some(node), Some(input)) = (input_node, gradients.input) {
            let gradient = match &saved.input {
                SavedInput::Rows(_) => flex(input, [shape.batch, shape.window, shape.input]),
                SavedInput::Embedded {
                    used, vocabulary, ..
                } => {
                    // The rows no step read get no gradient.
                    let mut full = vec![0.0f32; vocabulary * shape.input];
                    for (&id, row) in used.iter().zip(input.chunks_exact(shape.input.max(1))) {
                        let at = id as usize * shape.input;
                        full[at..at + shape.input].copy_from_slice(row);
                    }
                    flex(full, [*vocabulary, shape.input])
                }
            };
            grads.register::<Flex>(node.id, gradient);
        }
        if let Some(node) = w_node {
            grads.register::<Flex>(node.id, flex(gradients.input_weights, [shape.input, gates]));
        }
        if let Some(node) = u_node {
            grads.register::<Flex>(node.id, flex(gradients.recurrent, [shape.hidden, gates]));
        }
        if let Some(node) = b_node {
            grads.register::<Flex>(node.id, flex(gradients.bias, [gates]));
        }
    }
}

/// The hidden state of every step (`[batch, window, hidden]`) of an LSTM layer run from a zero
/// state over `x` (`[batch, window, input]`) with input weights `w` (`[input, 4H]`), recurrent
/// weights `u` (`[H, 4H]`) and bias `b` (`[4H]`), gates in `GATE_ORDER`. `None` when the tensors
/// are not on the training device (or not f32): nothing was computed then.
pub(crate) fn lstm_sequence(
    x: &Tensor<3>,
    w: &Tensor<2>,
    u: &Tensor<2>,
    b: &Tensor<1>,
) -> Option<Tensor<3>> {
    let [batch, window, input] = x.dims();
    let x = primitive(x)?;
    let x_values = contiguous(&x)?;
    let shape = SequenceShape {
        batch,
        window,
        input,
        hidden: u.dims()[0],
    };
    run(shape, x.node(), SavedInput::Rows(x_values), w, u, b)
}

/// [`lstm_sequence`] over the rows of `embedding` (`[vocabulary, input]`) that `ids` name
/// (`[batch, window]` row-major, each below `vocabulary`): the layer and the embedding lookup in
/// front of it as one node, whose input projection and input-side gradients go through the
/// distinct ids only (`sequence_kernels`).
pub(crate) fn lstm_embedded_sequence(
    embedding: &Tensor<2>,
    ids: &[u32],
    window: usize,
    w: &Tensor<2>,
    u: &Tensor<2>,
    b: &Tensor<1>,
) -> Option<Tensor<3>> {
    let [vocabulary, input] = embedding.dims();
    let embedding = primitive(embedding)?;
    let embedding_values = contiguous(&embedding)?;
    let rows = values(&embedding_values);
    // Each id's row in the table, in order of first appearance.
    let mut row_of = vec![u32::MAX; vocabulary];
    let mut used = Vec::new();
    let mut table = Vec::new();
    let index = ids
        .iter()
        .map(|&id| {
            let slot = &mut row_of[id as usize];
            if *slot == u32::MAX {
                *slot = used.len() as u32;
                used.push(id);
                let at = id as usize * input;
                table.extend_from_slice(&rows[at..at + input]);
            }
            *slot
        })
        .collect();
    let shape = SequenceShape {
        batch: ids.len() / window.max(1),
        window,
        input,
        hidden: u.dims()[0],
    };
    let saved = SavedInput::Embedded {
        table,
        index,
        used,
        vocabulary,
    };
    run(shape, embedding.node(), saved, w, u, b)
}

/// The forward pass over `input` (whose autodiff node is `input_node`), recorded as one node.
fn run(
    shape: SequenceShape,
    input_node: burn::backend::autodiff::ops::NodeGuard,
    input: SavedInput,
    w: &Tensor<2>,
    u: &Tensor<2>,
    b: &Tensor<1>,
) -> Option<Tensor<3>> {
    let (w, u, b) = (primitive(w)?, primitive(u)?, primitive(b)?);
    let (w_values, u_values, b_values) = (contiguous(&w)?, contiguous(&u)?, contiguous(&b)?);
    let computed = forward(
        shape,
        input.kernel_input(),
        values(&w_values),
        values(&u_values),
        values(&b_values),
    );
    let output = flex(
        computed.outputs.clone(),
        [shape.batch, shape.window, shape.hidden],
    );
    let state = || {
        Arc::new(Saved {
            shape,
            input,
            w: w_values,
            u: u_values,
            forward: computed,
        })
    };
    Some(record(
        SequenceBackward,
        [input_node, w.node(), u.node(), b.node()],
        state,
        output,
    ))
}
