//! The LSTM's learned parameters as plain row-major `f32` matrices: what a model file stores,
//! what the hand-written inference reads, and what the burn network is built from and exported
//! to. Nothing here depends on burn, so loading a model needs neither burn nor autodiff.
//!
//! Layout (`H` = hidden size, `V` = vocabulary size, `E` = embedding size):
//! - `embedding`: `V × E`, row `t` is the vector of event type `t`;
//! - per layer, `input`: `d_in × 4H` (`d_in` = `E` for the first layer, `H` after it),
//!   `recurrent`: `H × 4H`, `bias`: `4H`; the four gate blocks of `4H` are in the order input,
//!   forget, cell candidate, output (`i f g o`, as Keras stores them);
//! - `output`: `H × V` and `output_bias`: `V`, giving the logits of the next event; with the
//!   factorised output they are `H × 0` and empty, `factorised` holds the heads instead, and
//!   `embedding` is derived from its verb and resource embeddings
//!   ([`FactorisedWeights::input_embedding`]).

use serde::{Deserialize, Serialize};

use super::factorised::FactorisedWeights;
use super::matrix::{check_finite, Matrix};

/// The order of the four gate blocks in every `4H`-wide matrix and bias.
pub(crate) const GATE_ORDER: &str = "ifgo";

/// One LSTM layer: `gates = x · input + h · recurrent + bias`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerWeights {
    pub input: Matrix,
    pub recurrent: Matrix,
    pub bias: Vec<f32>,
}

/// Every learned parameter of the network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LstmWeights {
    /// Always [`GATE_ORDER`]; written so that a reader of the file knows the layout.
    pub gate_order: String,
    pub embedding: Matrix,
    pub layers: Vec<LayerWeights>,
    pub output: Matrix,
    pub output_bias: Vec<f32>,
    /// The factorised output's heads ([`super::LstmOutput::Factorised`]); absent in files of
    /// the type output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub factorised: Option<FactorisedWeights>,
}

impl LstmWeights {
    pub fn vocabulary_size(&self) -> usize {
        self.embedding.rows
    }

    pub fn embedding_size(&self) -> usize {
        self.embedding.cols
    }

    pub fn hidden_size(&self) -> usize {
        self.output.rows
    }

    /// Checks every shape against the expected sizes and that every value is finite, so that
    /// inference can index without checks.
    pub fn check(
        &self,
        vocabulary: usize,
        embedding: usize,
        hidden: usize,
        layers: usize,
    ) -> Result<(), String> {
        if self.gate_order != GATE_ORDER {
            return Err(format!(
                "the LSTM's gate order is \"{}\", this build reads \"{GATE_ORDER}\"",
                self.gate_order
            ));
        }
        self.embedding.check("embedding", vocabulary, embedding)?;
        if self.layers.len() != layers {
            return Err(format!(
                "the LSTM has {} layers in its weights and {layers} in its hyper-parameters",
                self.layers.len()
            ));
        }
        for (index, layer) in self.layers.iter().enumerate() {
            let d_input = if index == 0 { embedding } else { hidden };
            let name = |part: &str| format!("layer {} {part}", index + 1);
            layer.input.check(&name("input"), d_input, 4 * hidden)?;
            layer
                .recurrent
                .check(&name("recurrent"), hidden, 4 * hidden)?;
            if layer.bias.len() != 4 * hidden {
                return Err(format!(
                    "the LSTM's {} has {} values, expected {}",
                    name("bias"),
                    layer.bias.len(),
                    4 * hidden
                ));
            }
            check_finite(&name("bias"), &layer.bias)?;
        }
        // The factorised heads are checked by their owner, which knows the factors.
        let outputs = if self.factorised.is_some() {
            0
        } else {
            vocabulary
        };
        self.output.check("output", hidden, outputs)?;
        if self.output_bias.len() != outputs {
            return Err(format!(
                "the LSTM's output bias has {} values, expected {outputs}",
                self.output_bias.len()
            ));
        }
        check_finite("output bias", &self.output_bias)
    }
}
