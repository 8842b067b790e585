//! Between the plain matrices and burn's tensors: parameters made from matrices, matrices read
//! back from tensors, and the dropout masks of a batch.

use burn::module::Param;
use burn::tensor::{Device, Tensor, TensorData};

use super::matrix::Matrix;

/// Multipliers of inverted dropout for one batch: 0 for a dropped unit, `1 / (1 - p)` for a kept
/// one.
pub(crate) struct DropoutMasks {
    /// `[batch, window, hidden]`, applied to each layer's output sequence but the last's.
    pub between: Vec<Tensor<3>>,
    /// `[batch, hidden]`, applied to the last layer's final hidden state.
    pub output: Tensor<2>,
}

pub(crate) fn param2(matrix: &Matrix, device: &Device) -> Param<Tensor<2>> {
    Param::from_data(
        TensorData::new(matrix.data.clone(), [matrix.rows, matrix.cols]),
        device,
    )
}

pub(crate) fn param1(values: &[f32], device: &Device) -> Param<Tensor<1>> {
    Param::from_data(TensorData::new(values.to_vec(), [values.len()]), device)
}

pub(crate) fn read(tensor: Tensor<2>) -> Matrix {
    let [rows, cols] = tensor.dims();
    Matrix {
        rows,
        cols,
        data: read_values(tensor.into_data()),
    }
}

pub(crate) fn read_values(data: TensorData) -> Vec<f32> {
    // The tensors are created as f32 and stay f32; converting is a no-op then.
    data.try_into_vec_as::<f32>()
        .unwrap_or_else(|error| unreachable!("a float tensor reads as f32: {error:?}"))
}
