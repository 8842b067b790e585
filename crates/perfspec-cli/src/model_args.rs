//! The model options that `train` and `replay` share: the split, each learner's controls, the
//! model list.

use clap::ValueEnum;
use perfspec::models::{ComposeParams, LstmOutput, LstmParams, ModelKind};

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum Split {
    /// Each sequence's windows in time order, 70% train / 15% validation / 15% test
    Chrono,
    /// All windows shuffled (--seed), then 70/15/15; test windows recur in training (the
    /// leakage share is shown)
    Random,
    /// Evaluate on the training windows, as the paper did (optimistic)
    Paper,
}

/// The compositional model's controls; the defaults are [`ComposeParams::default`]'s.
#[derive(clap::Args)]
#[command(next_help_heading = "Compositional model options")]
pub(crate) struct ComposeArgs {
    /// How many earlier events the resource copy looks back over
    #[arg(long, value_name = "N", default_value_t = ComposeParams::default().copy_reach)]
    pub(crate) copy_reach: usize,
    /// Share of the probability given to the whole-type n-gram, in [0, 1)
    #[arg(long, value_name = "W", default_value_t = ComposeParams::default().type_weight)]
    pub(crate) type_weight: f64,
    /// Pseudo-count tying each verb's copy distances to those of all verbs
    #[arg(long, value_name = "C", default_value_t = ComposeParams::default().copy_prior)]
    pub(crate) copy_prior: f64,
    /// How many of the latest events the cache part counts
    #[arg(long, value_name = "N", default_value_t = ComposeParams::default().cache_reach)]
    pub(crate) cache_reach: usize,
    /// Weight of the recent-history cache against the learned counts (which weigh 1)
    #[arg(long, value_name = "W", default_value_t = ComposeParams::default().cache_weight)]
    pub(crate) cache_weight: f64,
    /// Longest context, in events, of the recent-history cache's own n-gram
    #[arg(long, value_name = "N", default_value_t = ComposeParams::default().cache_order)]
    pub(crate) cache_order: usize,
    /// Evidence gate of the whole-type n-gram (0: none): its share shrinks where the last
    /// event's type was rarely a context in training
    #[arg(long, value_name = "N", default_value_t = ComposeParams::default().type_gate)]
    pub(crate) type_gate: f64,
}

impl ComposeArgs {
    pub(crate) fn params(&self) -> ComposeParams {
        ComposeParams {
            copy_reach: self.copy_reach,
            type_weight: self.type_weight,
            copy_prior: self.copy_prior,
            cache_reach: self.cache_reach,
            cache_weight: self.cache_weight,
            cache_order: self.cache_order,
            type_gate: self.type_gate,
        }
    }
}

/// The LSTM's controls; the defaults are [`LstmParams::default`]'s.
#[derive(clap::Args)]
#[command(next_help_heading = "LSTM options")]
pub(crate) struct LstmArgs {
    /// Most epochs to train (early stopping usually ends sooner)
    #[arg(long, value_name = "N", default_value_t = LstmParams::default().epochs)]
    pub(crate) epochs: usize,
    /// Hidden size of each LSTM layer
    #[arg(long, value_name = "H", default_value_t = LstmParams::default().hidden)]
    pub(crate) hidden: usize,
    /// Size of the event-type embedding
    #[arg(long, value_name = "E", default_value_t = LstmParams::default().embedding)]
    pub(crate) embedding: usize,
    /// LSTM layers (1 or 2)
    #[arg(long, value_name = "N", default_value_t = LstmParams::default().layers)]
    pub(crate) layers: usize,
    /// Dropout after the LSTM (and between layers), in [0, 1)
    #[arg(long, value_name = "P", default_value_t = LstmParams::default().dropout)]
    pub(crate) dropout: f64,
    /// Adam's initial learning rate
    #[arg(long, value_name = "RATE", default_value_t = LstmParams::default().learning_rate)]
    pub(crate) lr: f64,
    /// Windows per mini-batch
    #[arg(long, value_name = "N", default_value_t = LstmParams::default().batch)]
    pub(crate) batch: usize,
    /// Epochs without a better validation loss before training stops (the best epoch's
    /// weights are kept)
    #[arg(long, value_name = "N", default_value_t = LstmParams::default().patience)]
    pub(crate) patience: usize,
    /// Reduce-on-plateau: the factor applied to the learning rate after --lr-patience epochs
    /// without a better validation loss
    #[arg(long, value_name = "F", default_value_t = LstmParams::default().lr_factor)]
    pub(crate) lr_factor: f64,
    /// Reduce-on-plateau: epochs without a better validation loss before the rate falls
    #[arg(long, value_name = "N", default_value_t = LstmParams::default().lr_patience)]
    pub(crate) lr_patience: usize,
    /// Reduce-on-plateau: the lowest learning rate
    #[arg(long, value_name = "RATE", default_value_t = LstmParams::default().min_learning_rate)]
    pub(crate) min_lr: f64,
    /// An epoch counts as better for --patience and --lr-patience only when its validation loss
    /// beats the last better one by this share of it (the best weights are kept all the same)
    #[arg(long, value_name = "SHARE", default_value_t = LstmParams::default().min_improvement)]
    pub(crate) min_improvement: f64,
    /// What the output layer predicts: `types` (one softmax over the event types) or
    /// `factorised` (verb, then resource with a copy from the context: ranks every verb ×
    /// resource pair, including pairs never seen in training)
    #[arg(long, value_name = "OUTPUT", default_value = "types", value_parser = parse_lstm_output)]
    pub(crate) lstm_output: LstmOutput,
}

pub(crate) fn parse_lstm_output(name: &str) -> Result<LstmOutput, String> {
    LstmOutput::parse(name)
        .ok_or_else(|| format!("unknown LSTM output \"{name}\" (types, factorised)"))
}

impl LstmArgs {
    pub(crate) fn params(&self) -> LstmParams {
        LstmParams {
            epochs: self.epochs,
            embedding: self.embedding,
            hidden: self.hidden,
            layers: self.layers,
            dropout: self.dropout,
            learning_rate: self.lr,
            batch: self.batch,
            patience: self.patience,
            lr_factor: self.lr_factor,
            lr_patience: self.lr_patience,
            min_learning_rate: self.min_lr,
            min_improvement: self.min_improvement,
            output: self.lstm_output,
            ..LstmParams::default()
        }
    }
}

pub(crate) type Windows = Vec<usize>;

pub(crate) fn parse_model(name: &str) -> Result<ModelKind, String> {
    ModelKind::parse(name).ok_or_else(|| {
        let known: Vec<&str> = ModelKind::ALL.iter().map(|kind| kind.name()).collect();
        format!("unknown model \"{name}\" (known: {})", known.join(", "))
    })
}
