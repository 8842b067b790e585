//! Between burn's tensors on the training device (burn-flex under burn-autodiff, as
//! `Device::flex().autodiff()` gives) and the plain slices the hand-written operations
//! (`sequence_op`, `output_op`) compute on.

use burn::backend::autodiff::checkpoint::strategy::NoCheckpointing;
use burn::backend::autodiff::ops::{Backward, NodeGuard, OpsKind};
use burn::backend::flex::FlexTensor;
use burn::backend::tensor::FloatTensor;
use burn::backend::{Autodiff, Flex};
use burn::tensor::{Tensor, TensorData};

/// The training backend.
pub(crate) type Training = Autodiff<Flex>;

/// The tensor as the training backend holds it, or `None` on another device.
pub(crate) fn primitive<const D: usize>(tensor: &Tensor<D>) -> Option<FloatTensor<Training>> {
    tensor.clone().try_into_primitive::<Training>().ok()
}

/// Its values made contiguous, or `None` when they are not f32.
pub(crate) fn contiguous(tensor: &FloatTensor<Training>) -> Option<FlexTensor> {
    let tensor = tensor.primitive().to_contiguous();
    tensor.as_slice::<f32>().is_some().then_some(tensor)
}

/// The values of a contiguous f32 tensor (what [`contiguous`] returns, and every gradient the
/// hand-written operations receive, once made contiguous).
pub(crate) fn values(tensor: &FlexTensor) -> &[f32] {
    tensor
        .as_slice::<f32>()
        .unwrap_or_else(|| unreachable!("the LSTM's tensors are contiguous f32"))
}

pub(crate) fn flex<const D: usize>(values: Vec<f32>, shape: [usize; D]) -> FlexTensor {
    FlexTensor::from_data(TensorData::new(values, shape))
}

/// Puts `output`, computed by hand from the tensors whose `nodes` are given, into the autodiff
/// graph as one node whose backward pass is `backward`, which gets `state()` when some input
/// needs a gradient (the state is not built otherwise).
pub(crate) fn record<O, const N: usize, const D: usize>(
    backward: O,
    nodes: [NodeGuard; N],
    state: impl FnOnce() -> O::State,
    output: FlexTensor,
) -> Tensor<D>
where
    O: Backward<Flex, N>,
{
    let prepared = backward
        .prepare::<NoCheckpointing>(nodes)
        .compute_bound()
        .stateful();
    let output = match prepared {
        OpsKind::Tracked(prep) => prep.finish(state(), output),
        OpsKind::UnTracked(prep) => prep.finish(output),
    };
    Tensor::from_primitive::<Training>(output)
}
