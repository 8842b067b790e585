//! Matrix products over strided views of `f32` slices, for the LSTM layer's own forward and
//! backward pass (`sequence_kernels`).
//!
//! Why not burn's `matmul`: a step of the layer adds `h · U` into rows of the window's input
//! projection that lie a window apart, and the backward pass reads the transposes of weights and
//! states in place. burn's product takes whole tensors and returns a new one, so each step would
//! copy in and out. The kernel underneath is the one burn-flex calls (the `gemm` crate, one
//! thread), reached through its raw-pointer entry point; this file is the one place that does so,
//! and every call checks that the views stay inside their slices first.
#![allow(unsafe_code)]

/// An `rows × cols` matrix inside `data`: element `(r, c)` is `data[offset + r·row_stride +
/// c·col_stride]`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct View<'a> {
    pub data: &'a [f32],
    pub offset: usize,
    pub rows: usize,
    pub cols: usize,
    pub row_stride: usize,
    pub col_stride: usize,
}

impl<'a> View<'a> {
    /// The whole of a row-major `rows × cols` matrix.
    pub(crate) fn rows(data: &'a [f32], rows: usize, cols: usize) -> Self {
        Self {
            data,
            offset: 0,
            rows,
            cols,
            row_stride: cols,
            col_stride: 1,
        }
    }

    /// The same elements read as the transpose.
    pub(crate) fn transposed(self) -> Self {
        Self {
            rows: self.cols,
            cols: self.rows,
            row_stride: self.col_stride,
            col_stride: self.row_stride,
            ..self
        }
    }
}

/// The destination of a product: like [`View`], writable.
#[derive(Debug)]
pub(crate) struct ViewMut<'a> {
    pub data: &'a mut [f32],
    pub offset: usize,
    pub rows: usize,
    pub cols: usize,
    pub row_stride: usize,
    pub col_stride: usize,
}

impl<'a> ViewMut<'a> {
    pub(crate) fn rows(data: &'a mut [f32], rows: usize, cols: usize) -> Self {
        Self {
            data,
            offset: 0,
            rows,
            cols,
            row_stride: cols,
            col_stride: 1,
        }
    }
}

/// The index one past the last element a view touches (0 for an empty view).
fn end(offset: usize, rows: usize, cols: usize, row_stride: usize, col_stride: usize) -> usize {
    if rows == 0 || cols == 0 {
        return 0;
    }
    offset + (rows - 1) * row_stride + (cols - 1) * col_stride + 1
}

impl View<'_> {
    fn end(&self) -> usize {
        end(
            self.offset,
            self.rows,
            self.cols,
            self.row_stride,
            self.col_stride,
        )
    }
}

impl ViewMut<'_> {
    fn end(&self) -> usize {
        end(
            self.offset,
            self.rows,
            self.cols,
            self.row_stride,
            self.col_stride,
        )
    }
}

/// `dst = lhs · rhs`, or `dst += lhs · rhs` with `accumulate`.
///
/// # Panics
/// When the shapes do not chain or a view reaches past its slice: a programming error of the
/// caller, never a property of the data.
pub(crate) fn multiply(dst: ViewMut<'_>, accumulate: bool, lhs: View<'_>, rhs: View<'_>) {
    assert!(
        lhs.rows == dst.rows && rhs.cols == dst.cols && lhs.cols == rhs.rows,
        "gemm shapes: {}×{} · {}×{} into {}×{}",
        lhs.rows,
        lhs.cols,
        rhs.rows,
        rhs.cols,
        dst.rows,
        dst.cols
    );
    for (name, view_end, len) in [
        ("lhs", lhs.end(), lhs.data.len()),
        ("rhs", rhs.end(), rhs.data.len()),
        ("dst", dst.end(), dst.data.len()),
    ] {
        assert!(view_end <= len, "gemm {name} reaches {view_end} of {len}");
    }
    if dst.rows == 0 || dst.cols == 0 {
        return;
    }
    if lhs.cols == 0 {
        if !accumulate {
            for r in 0..dst.rows {
                for c in 0..dst.cols {
                    dst.data[dst.offset + r * dst.row_stride + c * dst.col_stride] = 0.0;
                }
            }
        }
        return;
    }
    // SAFETY: every element the three views address lies inside its slice (checked above, with
    // non-negative strides); `dst` is borrowed mutably, so it overlaps neither operand.
    unsafe {
        gemm::gemm(
            dst.rows,
            dst.cols,
            lhs.cols,
            dst.data.as_mut_ptr().add(dst.offset),
            dst.col_stride as isize,
            dst.row_stride as isize,
            accumulate,
            lhs.data.as_ptr().add(lhs.offset),
            lhs.col_stride as isize,
            lhs.row_stride as isize,
            rhs.data.as_ptr().add(rhs.offset),
            rhs.col_stride as isize,
            rhs.row_stride as isize,
            1.0f32,
            1.0f32,
            false,
            false,
            false,
            gemm::Parallelism::None,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(lhs: View<'_>, rhs: View<'_>) -> Vec<f32> {
        let at = |v: &View<'_>, r: usize, c: usize| {
            v.data[v.offset + r * v.row_stride + c * v.col_stride]
        };
        let mut out = vec![0.0; lhs.rows * rhs.cols];
        for r in 0..lhs.rows {
            for c in 0..rhs.cols {
                out[r * rhs.cols + c] =
                    (0..lhs.cols).map(|k| at(&lhs, r, k) * at(&rhs, k, c)).sum();
            }
        }
        out
    }

    #[test]
    fn strided_transposed_and_accumulated_products_match_the_definition() {
        let a: Vec<f32> = (0..60).map(|i| (i as f32 * 0.37).sin()).collect();
        let b: Vec<f32> = (0..48).map(|i| (i as f32 * 0.11).cos()).collect();
        // Rows 1, 4, 7 of a 10 × 6 matrix (a row stride of three rows), columns 0..4.
        let lhs = View {
            data: &a,
            offset: 6,
            rows: 3,
            cols: 4,
            row_stride: 18,
            col_stride: 1,
        };
        // Read column-wise: element (k, c) is b[k + 8c].
        let rhs = View {
            data: &b,
            offset: 0,
            rows: 4,
            cols: 5,
            row_stride: 1,
            col_stride: 8,
        };
        let expected = naive(lhs, rhs);
        let mut out = vec![1.0; 15];
        multiply(ViewMut::rows(&mut out, 3, 5), false, lhs, rhs);
        for (x, y) in out.iter().zip(&expected) {
            assert!((x - y).abs() < 1e-5, "{x} vs {y}");
        }
        multiply(ViewMut::rows(&mut out, 3, 5), true, lhs, rhs);
        for (x, y) in out.iter().zip(&expected) {
            assert!((x - 2.0 * y).abs() < 1e-5, "accumulated {x} vs {}", 2.0 * y);
        }
        let t = View::rows(&a, 6, 10).transposed();
        assert_eq!((t.rows, t.cols, t.row_stride, t.col_stride), (10, 6, 1, 10));
    }

    #[test]
    #[should_panic(expected = "gemm lhs reaches")]
    fn a_view_past_its_slice_is_refused() {
        let a = vec![0.0f32; 10];
        let mut out = vec![0.0f32; 4];
        multiply(
            ViewMut::rows(&mut out, 2, 2),
            false,
            View::rows(&a, 2, 6),
            View::rows(&a, 6, 2),
        );
    }
}
