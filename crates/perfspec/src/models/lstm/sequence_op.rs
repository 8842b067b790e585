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

use super::sequence_kernels::{backward, forward, SequenceForward, SequenceShape};
use super::training_backend::{contiguous, flex, primitive, record, values};

/// The node's backward pass.
#[derive(Debug)]
struct SequenceBackward;

/// What the backward pass needs: the inputs as they were and the forward pass's activations.
#[derive(Debug)]
struct Saved {
    shape: SequenceShape,
    x: FlexTensor,
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
        let [x_node, w_node, u_node, b_node] = ops.parents;
        let gradients = backward(
            shape,
            values(&saved.x),
            values(&saved.w),
            values(&saved.u),
            &saved.forward,
            values(&d_outputs),
            x_node.is_some(),
        );
        let gates = 4 * shape.hidden;
        if let (Some(node), Some(input)) = (x_node, gradients.input) {
            grads.register::<Flex>(
                node.id,
                flex(input, [shape.batch, shape.window, shape.input]),
            );
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
    let hidden = u.dims()[0];
    let (x, w, u, b) = (primitive(x)?, primitive(w)?, primitive(u)?, primitive(b)?);
    let (x_values, w_values, u_values, b_values) = (
        contiguous(&x)?,
        contiguous(&w)?,
        contiguous(&u)?,
        contiguous(&b)?,
    );
    let shape = SequenceShape {
        batch,
        window,
        input,
        hidden,
    };
    let computed = forward(
        shape,
        values(&x_values),
        values(&w_values),
        values(&u_values),
        values(&b_values),
    );
    let output = flex(computed.outputs.clone(), [batch, window, hidden]);
    let state = || {
        Arc::new(Saved {
            shape,
            x: x_values,
            w: w_values,
            u: u_values,
            forward: computed,
        })
    };
    Some(record(
        SequenceBackward,
        [x.node(), w.node(), u.node(), b.node()],
        state,
        output,
    ))
}
