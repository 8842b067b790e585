//! Parent sets as bit masks over the variables: their members, and whether arcs connect two
//! variables.

/// The set bits of a mask, lowest first.
pub(super) fn bits(mask: u64) -> impl Iterator<Item = usize> {
    (0..64).filter(move |bit| mask & (1u64 << bit) != 0)
}

/// Whether a directed path leads from `from` to `to`; `parents[v]` is v's parent mask.
pub(super) fn reaches(parents: &[u64], from: usize, to: usize) -> bool {
    let mut seen = 1u64 << from;
    let mut frontier = seen;
    while frontier != 0 {
        let mut next = 0u64;
        for (child, &mask) in parents.iter().enumerate() {
            if mask & frontier != 0 && seen & (1 << child) == 0 {
                next |= 1 << child;
            }
        }
        if next & (1 << to) != 0 {
            return true;
        }
        seen |= next;
        frontier = next;
    }
    false
}
