//! The plain row-major matrices every LSTM weight is kept in, and their checks when read.

use serde::{Deserialize, Serialize};

/// A row-major matrix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Matrix {
    pub rows: usize,
    pub cols: usize,
    pub data: Vec<f32>,
}

impl Matrix {
    pub fn zeros(rows: usize, cols: usize) -> Self {
        Self {
            rows,
            cols,
            data: vec![0.0; rows * cols],
        }
    }

    pub fn row(&self, row: usize) -> &[f32] {
        &self.data[row * self.cols..(row + 1) * self.cols]
    }

    pub(crate) fn check(&self, name: &str, rows: usize, cols: usize) -> Result<(), String> {
        if self.rows != rows || self.cols != cols {
            return Err(format!(
                "the LSTM's {name} matrix is {}×{}, expected {rows}×{cols}",
                self.rows, self.cols
            ));
        }
        if self.data.len() != rows * cols {
            return Err(format!(
                "the LSTM's {name} matrix holds {} values, expected {}",
                self.data.len(),
                rows * cols
            ));
        }
        check_finite(name, &self.data)
    }
}

/// The sum of each column of a row-major matrix `cols` wide (a bias's gradient from its output's).
pub(crate) fn column_sums(data: &[f32], cols: usize) -> Vec<f32> {
    let mut sums = vec![0.0f32; cols];
    for row in data.chunks_exact(cols) {
        for (sum, value) in sums.iter_mut().zip(row) {
            *sum += value;
        }
    }
    sums
}

pub(crate) fn check_finite(name: &str, values: &[f32]) -> Result<(), String> {
    match values.iter().position(|value| !value.is_finite()) {
        Some(at) => Err(format!("the LSTM's {name} has a non-finite value at {at}")),
        None => Ok(()),
    }
}
