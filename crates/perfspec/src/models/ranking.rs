//! Ranking a distribution: the top k, a type's rank, the most probable type. The evaluation,
//! the predictions and the models rank the same way.

/// The top-k curve runs to this k.
pub const CURVE_MAX_K: usize = 20;

/// The `k` most probable event types, most probable first; ties go to the lower id.
pub fn top_k(distribution: &[f64], k: usize) -> Vec<(u32, f64)> {
    if k <= SMALL_K {
        let mut ranked = Vec::with_capacity(k.min(distribution.len()));
        small_top_k(distribution, k, &mut ranked);
        return ranked;
    }
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

/// Up to this k, [`top_k`] keeps a sorted list of the best so far instead of selecting among
/// every type: a prediction's top 9 (and a replay's plans, k up to 20, many per event) then
/// cost one pass with a compare per type.
const SMALL_K: usize = 32;

/// [`top_k`] for small k into `ranked`, the same order: one pass over the ids in increasing
/// order, so that a later type never ranks ahead of an earlier one of equal probability.
fn small_top_k(distribution: &[f64], k: usize, ranked: &mut Vec<(u32, f64)>) {
    use std::cmp::Ordering;
    ranked.clear();
    if k == 0 {
        return;
    }
    for (id, &p) in distribution.iter().enumerate() {
        if ranked.len() == k {
            let &(_, last) = ranked.last().expect("k > 0");
            if p.total_cmp(&last) != Ordering::Greater {
                continue;
            }
            ranked.pop();
        }
        let at = ranked.partition_point(|&(_, q)| q.total_cmp(&p) != Ordering::Less);
        ranked.insert(at, (id as u32, p));
    }
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

/// The id of the most probable type, ties to the lower id (what [`top_k`] ranks first).
pub fn argmax(distribution: &[f64]) -> u32 {
    let mut best = 0;
    for (id, &p) in distribution.iter().enumerate() {
        if p > distribution[best] {
            best = id;
        }
    }
    best as u32
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
        assert_eq!(argmax(&distribution), 1);
    }

    #[test]
    fn small_and_large_k_rank_alike() {
        // Ties, zeros, a NaN and repeated values, ranked by both paths of `top_k`.
        let distribution: Vec<f64> = (0..300u32)
            .map(|i| match i % 7 {
                0 => 0.0,
                1 => f64::from(i % 5) / 10.0,
                2 => f64::NAN,
                _ => f64::from((i * 37) % 101) / 1000.0,
            })
            .collect();
        let mut all: Vec<(u32, f64)> = distribution
            .iter()
            .enumerate()
            .map(|(id, &p)| (id as u32, p))
            .collect();
        all.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        for k in [0, 1, 2, 9, 20, SMALL_K, SMALL_K + 1, 300, 400] {
            let top = top_k(&distribution, k);
            let expected = &all[..k.min(all.len())];
            assert_eq!(top.len(), expected.len(), "k {k}");
            for (got, want) in top.iter().zip(expected) {
                assert_eq!(got.0, want.0, "k {k}");
            }
        }
    }
}
