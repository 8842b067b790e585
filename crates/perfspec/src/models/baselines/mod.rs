//! The two baselines every learner has to beat (see ARCHITECTURE.md, Learners): the most
//! frequent event, and the last event again.
//!
//! Both answer with a full distribution rather than one type, so that top-k, log-loss and k95
//! mean something for them too: event frequencies in the training windows with an additive
//! (Laplace) pseudo-count, so that a type never seen in training keeps a small probability and the
//! log-loss stays finite. "Repeat" puts a fixed share of the mass on the last event, at least
//! half, so that its top-1 is always the last event, and spreads the rest by frequency.

mod frequencies;
mod most_frequent;
mod repeat_last;

pub use frequencies::BaselineParams;
pub use most_frequent::MostFrequentModel;
pub use repeat_last::RepeatLastModel;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::Windows;
    use crate::models::learner::FitData;
    use crate::models::learner::{Learner, NextEventModel};
    use crate::models::ranking::top_k;
    use crate::prepare::vocabulary::Vocabulary;

    fn setup() -> (Windows, Vocabulary) {
        let mut vocabulary = Vocabulary::default();
        for resource in ["a", "b", "c"] {
            vocabulary.intern("create", resource);
        }
        let mut windows = Windows::new(1);
        // Next events: 0 three times, 1 once.
        for (context, target) in [(1, 0), (0, 0), (0, 0), (2, 1)] {
            windows.push(&[context], target);
        }
        (windows, vocabulary)
    }

    #[test]
    fn most_frequent_is_laplace_smoothed_frequency() {
        let (windows, vocabulary) = setup();
        let data = FitData {
            train: &windows,
            validation: &windows,
            vocabulary: &vocabulary,
            seed: 1,
            measure: crate::evaluate::validation_scores,
        };
        let model =
            MostFrequentModel::learn(&data, &BaselineParams::default(), &mut |_| true).unwrap();
        let mut out = vec![0.0; 3];
        model.distribution(&[2], &mut out);
        // (3 + 1) / (4 + 3), (1 + 1) / 7, (0 + 1) / 7
        assert_eq!(out, vec![4.0 / 7.0, 2.0 / 7.0, 1.0 / 7.0]);
    }

    #[test]
    fn repeat_ranks_the_last_event_first_then_by_frequency() {
        let (windows, vocabulary) = setup();
        let data = FitData {
            train: &windows,
            validation: &windows,
            vocabulary: &vocabulary,
            seed: 1,
            measure: crate::evaluate::validation_scores,
        };
        let model =
            RepeatLastModel::learn(&data, &BaselineParams::default(), &mut |_| true).unwrap();
        let mut out = vec![0.0; 3];
        model.distribution(&[0, 2], &mut out);
        let ranked: Vec<u32> = top_k(&out, 3).into_iter().map(|(id, _)| id).collect();
        assert_eq!(ranked, vec![2, 0, 1]);
        assert!((out.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!((out[2] - (0.5 + 0.5 / 7.0)).abs() < 1e-12);
    }
}
