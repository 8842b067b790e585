//! Next-event predictors behind one interface.

mod ngram;

pub use ngram::NgramModel;

/// A model that gives a probability for every event type of the vocabulary after a context.
pub trait NextEventModel {
    /// Short machine name (`ngram`).
    fn kind(&self) -> &'static str;

    /// How many previous events the model reads; shorter contexts are accepted.
    fn window(&self) -> usize;

    /// Number of event types scored.
    fn vocabulary_size(&self) -> usize;

    /// Writes the probability of each event type after `context` (oldest first) into `out`,
    /// whose length is [`Self::vocabulary_size`]. The values sum to 1.
    fn distribution(&self, context: &[u32], out: &mut [f64]);
}

/// The `k` most probable event types, most probable first; ties go to the lower id.
pub fn top_k(distribution: &[f64], k: usize) -> Vec<(u32, f64)> {
    let mut ranked: Vec<(u32, f64)> = distribution
        .iter()
        .enumerate()
        .map(|(id, &p)| (id as u32, p))
        .collect();
    let k = k.min(ranked.len());
    let order = |a: &(u32, f64), b: &(u32, f64)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
    if k > 0 && k < ranked.len() {
        ranked.select_nth_unstable_by(k - 1, order);
    }
    ranked.truncate(k);
    ranked.sort_unstable_by(order);
    ranked
}

/// How many event types rank ahead of `target` (0 = it is the top prediction), with the same
/// tie rule as [`top_k`].
pub fn rank_of(distribution: &[f64], target: u32) -> usize {
    let p = distribution[target as usize];
    distribution
        .iter()
        .enumerate()
        .filter(|&(id, &q)| q > p || (q == p && (id as u32) < target))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_k_and_rank_agree() {
        let distribution = [0.1, 0.3, 0.3, 0.05, 0.25];
        let top = top_k(&distribution, 3);
        assert_eq!(top.iter().map(|p| p.0).collect::<Vec<_>>(), vec![1, 2, 4]);
        for (position, (id, _)) in top.iter().enumerate() {
            assert_eq!(rank_of(&distribution, *id), position);
        }
        assert_eq!(rank_of(&distribution, 3), 4);
        assert_eq!(top_k(&distribution, 10).len(), 5);
    }
}
