//! The LSTM learner: a network over the last events' embeddings, trained with burn's autodiff in
//! an explicit loop ([`LstmTrainer`]) and answered by a hand-written forward pass ([`LstmModel`]).
//!
//! - [`params`]: its hyper-parameters;
//! - `fused_layer`, `net` and `factorised_net`: the burn modules that train (one LSTM layer with
//!   its four gates in one product; the whole network), over whole types or over verb and
//!   resource (the factorised output);
//! - `matrix`, `weights`, `factorised` and `init`: the weights as plain matrices, and where they
//!   start;
//! - `tensors`: between those matrices and burn's tensors;
//! - `trainer` and `schedule`: the training loop, one mini-batch per step, and its learning-rate
//!   schedule and early stopping;
//! - `forward` and `model`: inference without burn, and the fitted model behind
//!   [`crate::models::NextEventModel`];
//! - `learner`: the trainer driven to a model, and a model restored from its file.

mod activations;
mod factorised;
mod factorised_net;
mod forward;
mod fused_layer;
mod gemm;
mod init;
mod learner;
mod matrix;
mod model;
mod net;
mod output_kernels;
mod output_op;
pub(crate) mod params;
mod schedule;
mod sequence_kernels;
mod sequence_op;
mod tensors;
#[cfg(test)]
mod test_values;
mod trainer;
mod training_backend;
mod weights;

pub use factorised::{FactorisedWeights, LstmOutput};
pub use learner::lstm_step_detail;
pub use model::{LstmModel, TrainingSummary};
pub use params::LstmParams;
pub use schedule::StopReason;
pub use trainer::{BatchReport, LstmTrainer, StepOutcome};
pub use weights::LstmWeights;
