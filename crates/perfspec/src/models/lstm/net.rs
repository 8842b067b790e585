//! The LSTM network as a burn module, for training (and as the reference the hand-written
//! inference is tested against): embedding → LSTM layers → dropout → linear, or with the
//! factorised output (`factorised_net`) verb and resource embeddings → LSTM layers →
//! dropout → the verb, resource and copy heads. Built from and exported to the plain weights of
//! [`LstmWeights`].
//!
//! The layers are [`FusedLstmLayer`]s, which hold the plain weights' `4H`-wide matrices as they
//! are (one product for the four gates) rather than burn's `Lstm` with a pair of `Linear`s per
//! gate.
//!
//! Dropout uses masks the trainer draws from its own seeded generator ([`DropoutMasks`]), not
//! burn's `Dropout`, whose draws come from the backend's process-wide generator (see
//! `init`).

use burn::module::Module;
use burn::nn::loss::CrossEntropyLoss;
use burn::nn::{Embedding, Linear};
use burn::tensor::{Device, Int, Tensor, TensorData};

use super::factorised_net::FactorisedHeads;
use super::fused_layer::FusedLstmLayer;
use super::matrix::Matrix;
use super::output_op::output_cross_entropy;
use super::tensors::{param1, param2, read, read_values, DropoutMasks};
use super::weights::{LayerWeights, LstmWeights, GATE_ORDER};
use crate::models::factors::Factors;

/// Exactly one of (`embedding`, `output`) and `factorised` is present: the type output's or the
/// factorised output's ends around the shared layers.
#[derive(Module, Debug)]
pub(crate) struct LstmNet {
    embedding: Option<Embedding>,
    layers: Vec<FusedLstmLayer>,
    output: Option<Linear>,
    factorised: Option<FactorisedHeads>,
}

impl LstmNet {
    /// The network holding `weights`, on `device` (`Device::flex().autodiff()` to train,
    /// `Device::flex()` to run).
    pub(crate) fn from_weights(weights: &LstmWeights, device: &Device) -> Self {
        let layers = weights
            .layers
            .iter()
            .map(|layer| FusedLstmLayer::from_weights(layer, device))
            .collect();
        match &weights.factorised {
            Some(heads) => Self {
                embedding: None,
                layers,
                output: None,
                factorised: Some(FactorisedHeads::from_weights(heads, device)),
            },
            None => Self {
                embedding: Some(Embedding {
                    weight: param2(&weights.embedding, device),
                }),
                layers,
                output: Some(Linear {
                    weight: param2(&weights.output, device),
                    bias: Some(param1(&weights.output_bias, device)),
                }),
                factorised: None,
            },
        }
    }

    /// The factorised heads, for a network of the factorised output.
    pub(crate) fn factorised(&self) -> Option<&FactorisedHeads> {
        self.factorised.as_ref()
    }

    /// The current parameters as plain weights; `factors` derive the type embedding of the
    /// factorised output.
    pub(crate) fn to_weights(&self, factors: &Factors) -> LstmWeights {
        let layers: Vec<LayerWeights> =
            self.layers.iter().map(FusedLstmLayer::to_weights).collect();
        let hidden = layers
            .first()
            .map_or(0, |layer: &LayerWeights| layer.recurrent.rows);
        if let Some(heads) = &self.factorised {
            let heads = heads.to_weights();
            return LstmWeights {
                gate_order: GATE_ORDER.into(),
                embedding: heads.input_embedding(&factors.type_verb, &factors.type_resource),
                layers,
                output: Matrix::zeros(hidden, 0),
                output_bias: Vec::new(),
                factorised: Some(heads),
            };
        }
        let (embedding, output) = match (&self.embedding, &self.output) {
            (Some(embedding), Some(output)) => (embedding, output),
            _ => unreachable!("a network without factorised heads has the type output"),
        };
        let output_bias = match &output.bias {
            Some(bias) => read_values(bias.val().into_data()),
            None => vec![0.0; output.weight.dims()[1]],
        };
        LstmWeights {
            gate_order: GATE_ORDER.into(),
            embedding: read(embedding.weight.val()),
            layers,
            output: read(output.weight.val()),
            output_bias,
            factorised: None,
        }
    }

    /// Logits `[batch, vocabulary]` for contexts `[batch, window]`; `masks` during training. For
    /// the type output only.
    pub(crate) fn forward(
        &self,
        contexts: Tensor<2, Int>,
        masks: Option<&DropoutMasks>,
    ) -> Tensor<2> {
        let (embedding, output) = match (&self.embedding, &self.output) {
            (Some(embedding), Some(output)) => (embedding, output),
            _ => unreachable!("called on a network of the type output"),
        };
        output.forward(self.last_hidden(embedding.forward(contexts), masks))
    }

    /// The mean cross-entropy (`[1]`) of the type output for contexts `ids` (`[batch, window]`
    /// row-major) against `targets` (one per context), `masks` during training. On the training
    /// device the embedding lookup and the first layer are one hand-written node
    /// ([`FusedLstmLayer::forward_embedded`]), and so are the output layer and its loss
    /// (`output_op`); burn's operations elsewhere. For the type output only.
    pub(crate) fn type_loss(
        &self,
        ids: &[u32],
        window: usize,
        targets: &[u32],
        masks: Option<&DropoutMasks>,
        cross_entropy: &CrossEntropyLoss,
    ) -> Tensor<1> {
        let (embedding, output) = match (&self.embedding, &self.output) {
            (Some(embedding), Some(output)) => (embedding, output),
            _ => unreachable!("called on a network of the type output"),
        };
        let device = embedding.weight.device();
        let first = self.first_layer().forward_embedded(
            &embedding.weight.val(),
            ids,
            window,
            self.layers.len() > 1,
        );
        let h = self.above_first(first, masks);
        if let Some(bias) = &output.bias {
            if let Some(loss) = output_cross_entropy(&h, &output.weight.val(), &bias.val(), targets)
            {
                return loss;
            }
        }
        let targets: Vec<i64> = targets.iter().map(|&id| i64::from(id)).collect();
        let size = targets.len();
        let targets = Tensor::<1, Int>::from_data(TensorData::new(targets, [size]), &device);
        cross_entropy.forward(output.forward(h), targets)
    }

    /// The last layer's final hidden state `[batch, hidden]` for an input sequence `[batch,
    /// window, embedding]`, dropped out by `masks` during training.
    pub(crate) fn last_hidden(
        &self,
        sequence: Tensor<3>,
        masks: Option<&DropoutMasks>,
    ) -> Tensor<2> {
        let first = self.first_layer().forward(sequence, self.layers.len() > 1);
        self.above_first(first, masks)
    }

    fn first_layer(&self) -> &FusedLstmLayer {
        self.layers
            .first()
            .unwrap_or_else(|| unreachable!("at least one layer"))
    }

    /// The last layer's final hidden state from the first layer's result (its every state when
    /// there are more layers, and its last), dropped out by `masks` during training.
    fn above_first(
        &self,
        first: (Option<Tensor<3>>, Tensor<2>),
        masks: Option<&DropoutMasks>,
    ) -> Tensor<2> {
        let last = self.layers.len() - 1;
        let (mut outputs, mut hidden) = first;
        for (index, layer) in self.layers.iter().enumerate().skip(1) {
            let below = outputs
                .take()
                .unwrap_or_else(|| unreachable!("every layer below the last gives its states"));
            let below = match masks {
                Some(masks) => below * masks.between[index - 1].clone(),
                None => below,
            };
            (outputs, hidden) = layer.forward(below, index != last);
        }
        match masks {
            Some(masks) => hidden * masks.output.clone(),
            None => hidden,
        }
    }
}

/// The distribution burn's own forward gives for each context (all of one length), on the plain
/// CPU device: the reference the hand-written inference is tested against. Slow; not for
/// serving.
pub(crate) fn reference_distributions(
    weights: &LstmWeights,
    contexts: &[Vec<u32>],
) -> Vec<Vec<f64>> {
    let device = Device::flex();
    let net = LstmNet::from_weights(weights, &device);
    let window = contexts.first().map_or(0, Vec::len);
    if contexts.is_empty() || window == 0 {
        return Vec::new();
    }
    let ids: Vec<i64> = contexts
        .iter()
        .flat_map(|context| context.iter().map(|&id| i64::from(id)))
        .collect();
    let input =
        Tensor::<2, Int>::from_data(TensorData::new(ids, [contexts.len(), window]), &device);
    let probabilities = burn::tensor::activation::softmax(net.forward(input, None), 1);
    let vocabulary = weights.vocabulary_size();
    read_values(probabilities.into_data())
        .chunks(vocabulary)
        .map(|row| row.iter().map(|&p| f64::from(p)).collect())
        .collect()
}

/// The pair distribution (at [`Factors::pair_index`]) burn's own forward gives for each context
/// (all of the window's length) of a network of the factorised output: the reference the
/// hand-written inference is tested against. Slow; not for serving.
pub(crate) fn reference_pair_distributions(
    weights: &LstmWeights,
    factors: &Factors,
    contexts: &[Vec<u32>],
) -> Vec<Vec<f64>> {
    let device = Device::flex();
    let net = LstmNet::from_weights(weights, &device);
    let Some(heads) = net.factorised() else {
        return Vec::new();
    };
    let window = contexts.first().map_or(0, Vec::len);
    if contexts.is_empty() || window == 0 {
        return Vec::new();
    }
    let size = contexts.len();
    let resources = factors.resources.len();
    let events = contexts.iter().flatten().map(|&id| id as usize);
    let verbs: Vec<i64> = events
        .clone()
        .map(|id| i64::from(factors.type_verb[id]))
        .collect();
    let resource_ids: Vec<i64> = events
        .clone()
        .map(|id| i64::from(factors.type_resource[id]))
        .collect();
    let mut one_hot = vec![0.0f32; size * window * resources];
    for (position, id) in events.enumerate() {
        one_hot[position * resources + factors.type_resource[id] as usize] = 1.0;
    }
    let ints = |values: Vec<i64>| {
        Tensor::<2, Int>::from_data(TensorData::new(values, [size, window]), &device)
    };
    let input = heads.embed(ints(verbs), ints(resource_ids));
    let h = net.last_hidden(input, None::<&DropoutMasks>);
    let one_hot =
        Tensor::<3>::from_data(TensorData::new(one_hot, [size, window, resources]), &device);
    let pairs = heads.pairs(h, one_hot);
    read_values(pairs.into_data())
        .chunks(factors.pairs())
        .map(|row| row.iter().map(|&p| f64::from(p)).collect())
        .collect()
}
