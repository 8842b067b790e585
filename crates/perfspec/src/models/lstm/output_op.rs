//! The type output's dense layer and its cross-entropy as one operation of burn's autodiff
//! graph, with its own backward pass (`output_kernels`).
//!
//! Composed from burn's operations the same loss is a product, a broadcast bias, a log-softmax
//! (one scalar `exp` per logit through the C library), a gather and a mean, each a node with its
//! allocations; after the LSTM layer itself (`sequence_op`) that was the largest share of an
//! epoch left. Only the training device runs this operation; elsewhere [`output_cross_entropy`]
//! answers `None` and the caller composes burn's `Linear` and `CrossEntropyLoss`, the reference
//! the tests hold this one to.

use std::sync::Arc;

use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops};
use burn::backend::flex::FlexTensor;
use burn::backend::Flex;
use burn::tensor::Tensor;

use super::output_kernels::{backward, forward, OutputForward, OutputShape};
use super::training_backend::{contiguous, flex, primitive, record, values};

#[derive(Debug)]
struct OutputBackward;

#[derive(Debug)]
struct Saved {
    shape: OutputShape,
    h: FlexTensor,
    w: FlexTensor,
    targets: Vec<u32>,
    forward: OutputForward,
}

impl Backward<Flex, 3> for OutputBackward {
    type State = Arc<Saved>;

    fn backward(self, ops: Ops<Self::State, 3>, grads: &mut Gradients, _: &mut Checkpointer) {
        let saved = ops.state;
        let shape = saved.shape;
        let upstream = grads.consume::<Flex>(&ops.node).to_contiguous();
        let upstream = values(&upstream).first().copied().unwrap_or(1.0);
        let [h_node, w_node, b_node] = ops.parents;
        let gradients = backward(
            shape,
            values(&saved.h),
            values(&saved.w),
            &saved.forward,
            &saved.targets,
            upstream,
            h_node.is_some(),
        );
        if let (Some(node), Some(hidden)) = (h_node, gradients.hidden) {
            grads.register::<Flex>(node.id, flex(hidden, [shape.batch, shape.hidden]));
        }
        if let Some(node) = w_node {
            grads.register::<Flex>(
                node.id,
                flex(gradients.weight, [shape.hidden, shape.classes]),
            );
        }
        if let Some(node) = b_node {
            grads.register::<Flex>(node.id, flex(gradients.bias, [shape.classes]));
        }
    }
}

/// The mean cross-entropy (`[1]`) of the logits `h · w + b` (`h` `[batch, hidden]`, `w` `[hidden,
/// classes]`, `b` `[classes]`) against `targets`, one per row. `None` when the tensors are not on
/// the training device, not f32, or a target is not a class: nothing was computed then.
pub(crate) fn output_cross_entropy(
    h: &Tensor<2>,
    w: &Tensor<2>,
    b: &Tensor<1>,
    targets: &[u32],
) -> Option<Tensor<1>> {
    let [batch, hidden] = h.dims();
    let classes = w.dims()[1];
    if targets.len() != batch || targets.iter().any(|&target| target as usize >= classes) {
        return None;
    }
    let (h, w, b) = (primitive(h)?, primitive(w)?, primitive(b)?);
    let (h_values, w_values, b_values) = (contiguous(&h)?, contiguous(&w)?, contiguous(&b)?);
    let shape = OutputShape {
        batch,
        hidden,
        classes,
    };
    let computed = forward(
        shape,
        values(&h_values),
        values(&w_values),
        values(&b_values),
        targets,
    );
    let output = flex(vec![computed.loss], [1]);
    let state = || {
        Arc::new(Saved {
            shape,
            h: h_values,
            w: w_values,
            targets: targets.to_vec(),
            forward: computed,
        })
    };
    Some(record(
        OutputBackward,
        [h.node(), w.node(), b.node()],
        state,
        output,
    ))
}

#[cfg(test)]
mod tests {
    use burn::nn::loss::CrossEntropyLossConfig;
    use burn::nn::Linear;
    use burn::tensor::{Device, Int, TensorData};

    use super::*;
    use crate::models::lstm::matrix::Matrix;
    use crate::models::lstm::tensors::{param1, param2, read_values};
    use crate::models::lstm::test_values::{close, values};

    #[test]
    fn loss_and_gradients_match_burns_linear_and_cross_entropy() {
        let (batch, hidden, classes) = (5, 7, 11);
        let device = Device::flex().autodiff();
        let weight = Matrix {
            rows: hidden,
            cols: classes,
            data: values(hidden * classes, 1, 1.5),
        };
        let bias = values(classes, 2, 0.5);
        let h_values = values(batch * hidden, 3, 2.0);
        let targets: Vec<u32> = vec![0, 10, 3, 3, 7];
        let h = || {
            Tensor::<2>::from_data(TensorData::new(h_values.clone(), [batch, hidden]), &device)
                .require_grad()
        };
        let linear = || Linear {
            weight: param2(&weight, &device),
            bias: Some(param1(&bias, &device)),
        };
        // The loss is scaled before backward, so that the upstream gradient is not 1.
        let grads_of = |loss: Tensor<1>, h: &Tensor<2>, linear: &Linear| {
            let grads = loss.mul_scalar(3.0).backward();
            let read = |tensor: Tensor<2>| {
                read_values(tensor.grad(&grads).expect("a gradient").into_data())
            };
            (
                read(h.clone()),
                read(linear.weight.val()),
                read_values(
                    linear
                        .bias
                        .as_ref()
                        .expect("a bias")
                        .val()
                        .grad(&grads)
                        .expect("a gradient")
                        .into_data(),
                ),
            )
        };

        let (our_h, our_linear) = (h(), linear());
        let bias_tensor = our_linear.bias.as_ref().expect("a bias").val();
        let ours = output_cross_entropy(&our_h, &our_linear.weight.val(), &bias_tensor, &targets)
            .expect("the training device runs the hand-written node");
        let our_loss = read_values(ours.clone().into_data());
        let our_grads = grads_of(ours, &our_h, &our_linear);

        let (burn_h, burn_linear) = (h(), linear());
        let ids: Vec<i64> = targets.iter().map(|&t| i64::from(t)).collect();
        let burns = CrossEntropyLossConfig::new().init(&device).forward(
            burn_linear.forward(burn_h.clone()),
            Tensor::<1, Int>::from_data(TensorData::new(ids, [batch]), &device),
        );
        close("loss", &our_loss, &read_values(burns.clone().into_data()));
        let burn_grads = grads_of(burns, &burn_h, &burn_linear);
        close("hidden gradient", &our_grads.0, &burn_grads.0);
        close("weight gradient", &our_grads.1, &burn_grads.1);
        close("bias gradient", &our_grads.2, &burn_grads.2);
    }

    #[test]
    fn other_devices_and_foreign_targets_are_left_to_burn() {
        let device = Device::flex();
        let h = Tensor::<2>::zeros([2, 3], &device);
        let w = Tensor::<2>::zeros([3, 4], &device);
        let b = Tensor::<1>::zeros([4], &device);
        assert!(output_cross_entropy(&h, &w, &b, &[0, 1]).is_none());
        let device = Device::flex().autodiff();
        let h = Tensor::<2>::zeros([2, 3], &device);
        let w = Tensor::<2>::zeros([3, 4], &device);
        let b = Tensor::<1>::zeros([4], &device);
        assert!(output_cross_entropy(&h, &w, &b, &[0, 4]).is_none());
        assert!(output_cross_entropy(&h, &w, &b, &[0, 3]).is_some());
    }
}
