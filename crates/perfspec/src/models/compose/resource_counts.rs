//! What the compositional model learns about resources: which follow which, which go with
//! which verb, and how far back the next event's resource last appeared.

use serde::{Deserialize, Serialize};

/// A table of counts `rows × columns` with each row's total and number of distinct columns,
/// for Witten-Bell estimates `(c + T·lower) / (N + T)`.
#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct CountTable {
    columns: usize,
    counts: Vec<u32>,
    totals: Vec<u32>,
    distinct: Vec<u32>,
}

impl CountTable {
    pub(crate) fn new(rows: usize, columns: usize) -> Self {
        Self {
            columns,
            counts: vec![0; rows * columns],
            totals: vec![0; rows],
            distinct: vec![0; rows],
        }
    }

    pub(crate) fn add(&mut self, row: usize, column: usize, count: u32) {
        let cell = &mut self.counts[row * self.columns + column];
        if *cell == 0 {
            self.distinct[row] += 1;
        }
        *cell += count;
        self.totals[row] += count;
    }

    pub(crate) fn count(&self, row: usize, column: usize) -> u32 {
        self.counts[row * self.columns + column]
    }

    pub(crate) fn row(&self, row: usize) -> &[u32] {
        &self.counts[row * self.columns..(row + 1) * self.columns]
    }

    pub(crate) fn total(&self, row: usize) -> u32 {
        self.totals[row]
    }

    /// Writes `(c + T·lower) / (N + T)` of row `row` into `out`, in place of the lower-order
    /// estimate it holds; a row never counted keeps `lower`.
    pub(crate) fn witten_bell(&self, row: usize, out: &mut [f64]) {
        let (total, distinct) = (self.totals[row] as f64, self.distinct[row] as f64);
        if total == 0.0 {
            return;
        }
        let scale = 1.0 / (total + distinct);
        for (p, &count) in out.iter_mut().zip(self.row(row)) {
            *p = (count as f64 + distinct * *p) * scale;
        }
    }

    /// Adds `weight` × [`Self::witten_bell`]'s estimate for `row` over `lower` into `out`, in
    /// one pass (the compositional model does this per verb on every prediction).
    pub(crate) fn add_witten_bell(&self, row: usize, lower: &[f64], weight: f64, out: &mut [f64]) {
        let (total, distinct) = (self.totals[row] as f64, self.distinct[row] as f64);
        if total == 0.0 {
            for (slot, &p) in out.iter_mut().zip(lower) {
                *slot += weight * p;
            }
            return;
        }
        let scale = weight / (total + distinct);
        for ((slot, &p), &count) in out.iter_mut().zip(lower).zip(self.row(row)) {
            *slot += (count as f64 + distinct * p) * scale;
        }
    }

    /// The non-zero cells as `(row, column, count)`, for a model file.
    pub(crate) fn saved(&self) -> Vec<(u32, u32, u32)> {
        self.counts
            .iter()
            .enumerate()
            .filter(|(_, &count)| count > 0)
            .map(|(at, &count)| {
                (
                    (at / self.columns) as u32,
                    (at % self.columns) as u32,
                    count,
                )
            })
            .collect()
    }

    /// The table back from [`Self::saved`]; the error names what does not fit.
    pub(crate) fn restored(
        rows: usize,
        columns: usize,
        cells: &[(u32, u32, u32)],
        name: &str,
    ) -> Result<Self, String> {
        let mut table = Self::new(rows, columns);
        for &(row, column, count) in cells {
            let (row, column) = (row as usize, column as usize);
            if row >= rows || column >= columns || count == 0 {
                return Err(format!(
                    "the {name} counts hold a cell ({row}, {column}) = {count} outside {rows} × {columns}"
                ));
            }
            if table.count(row, column) > 0 {
                return Err(format!(
                    "the {name} counts list cell ({row}, {column}) twice"
                ));
            }
            table.add(row, column, count);
        }
        Ok(table)
    }
}

/// The resource side of the compositional model, counted over the training windows.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ResourceCounts {
    /// Row = verb of the next event, column = its resource.
    pub by_verb: CountTable,
    /// Row = resource of the last event, column = the next event's resource.
    pub after: CountTable,
    /// One row: every next event's resource.
    pub overall: CountTable,
    /// Row = verb of the next event, column = how many events back its resource last appeared
    /// (1 = the last event), 0 when not within the reach.
    pub copy: CountTable,
    /// Resources of the types seen in training: the only ones the resource model can name
    /// without seeing them in the history.
    pub known: Vec<bool>,
}

/// The part of a model file that holds [`ResourceCounts`].
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct SavedResourceCounts {
    pub by_verb: Vec<(u32, u32, u32)>,
    pub after: Vec<(u32, u32, u32)>,
    pub overall: Vec<(u32, u32, u32)>,
    pub copy: Vec<(u32, u32, u32)>,
    pub known: Vec<u32>,
}

impl ResourceCounts {
    pub(crate) fn new(verbs: usize, resources: usize, reach: usize) -> Self {
        Self {
            by_verb: CountTable::new(verbs, resources),
            after: CountTable::new(resources, resources),
            overall: CountTable::new(1, resources),
            copy: CountTable::new(verbs, reach + 1),
            known: vec![false; resources],
        }
    }

    /// Counts one next event `(verb, resource)` after `recent`, the resources of the events
    /// before it, the last first.
    pub(crate) fn count(&mut self, verb: u32, resource: u32, recent: impl Iterator<Item = u32>) {
        let (verb, resource) = (verb as usize, resource as usize);
        self.by_verb.add(verb, resource, 1);
        self.overall.add(0, resource, 1);
        let reach = self.copy.columns - 1;
        let mut distance = 0;
        for (back, earlier) in recent.take(reach).enumerate() {
            if back == 0 {
                self.after.add(earlier as usize, resource, 1);
            }
            if earlier as usize == resource {
                distance = back + 1;
                break;
            }
        }
        self.copy.add(verb, distance, 1);
    }

    pub(crate) fn saved(&self) -> SavedResourceCounts {
        SavedResourceCounts {
            by_verb: self.by_verb.saved(),
            after: self.after.saved(),
            overall: self.overall.saved(),
            copy: self.copy.saved(),
            known: (0..self.known.len() as u32)
                .filter(|&r| self.known[r as usize])
                .collect(),
        }
    }

    pub(crate) fn restored(
        saved: &SavedResourceCounts,
        verbs: usize,
        resources: usize,
        reach: usize,
    ) -> Result<Self, String> {
        let mut known = vec![false; resources];
        for &r in &saved.known {
            *known.get_mut(r as usize).ok_or_else(|| {
                format!("known resource {r} is beyond the {resources} resources")
            })? = true;
        }
        Ok(Self {
            by_verb: CountTable::restored(verbs, resources, &saved.by_verb, "verb × resource")?,
            after: CountTable::restored(resources, resources, &saved.after, "resource succession")?,
            overall: CountTable::restored(1, resources, &saved.overall, "resource")?,
            copy: CountTable::restored(verbs, reach + 1, &saved.copy, "copy distance")?,
            known,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn witten_bell_interpolates_with_the_lower_order() {
        let mut table = CountTable::new(2, 3);
        table.add(0, 0, 3);
        table.add(0, 2, 1);
        let mut p = vec![1.0 / 3.0; 3];
        table.witten_bell(0, &mut p);
        // N = 4, T = 2: (3 + 2/3) / 6, (0 + 2/3) / 6, (1 + 2/3) / 6.
        let expected = [11.0 / 18.0, 2.0 / 18.0, 5.0 / 18.0];
        for (a, b) in p.iter().zip(expected) {
            assert!((a - b).abs() < 1e-12, "{p:?}");
        }
        let mut added = vec![1.0; 3];
        table.add_witten_bell(0, &[1.0 / 3.0; 3], 2.0, &mut added);
        for (a, b) in added.iter().zip(expected) {
            assert!((a - (1.0 + 2.0 * b)).abs() < 1e-12, "{added:?}");
        }
        let mut untouched = vec![0.5, 0.25, 0.25];
        table.witten_bell(1, &mut untouched);
        assert_eq!(untouched, [0.5, 0.25, 0.25]);
    }

    #[test]
    fn copy_distance_is_the_nearest_earlier_match() {
        let mut counts = ResourceCounts::new(1, 4, 3);
        // Resources before, last first: 2, 1, 3, 1. The next resource 1 was last seen 2 back.
        counts.count(0, 1, [2, 1, 3, 1].into_iter());
        assert_eq!(counts.copy.count(0, 2), 1);
        // Resource 0 is not within the reach of 3: distance 0.
        counts.count(0, 0, [2, 1, 3, 0].into_iter());
        assert_eq!(counts.copy.count(0, 0), 1);
        assert_eq!(counts.after.count(2, 1), 1);
        assert_eq!(counts.after.count(2, 0), 1);
    }

    #[test]
    fn saved_tables_come_back_equal_and_bad_cells_are_refused() {
        let mut table = CountTable::new(2, 2);
        table.add(1, 0, 4);
        table.add(0, 1, 1);
        let back = CountTable::restored(2, 2, &table.saved(), "test").unwrap();
        assert_eq!(back, table);
        assert!(CountTable::restored(2, 2, &[(2, 0, 1)], "test").is_err());
        assert!(CountTable::restored(2, 2, &[(0, 0, 1), (0, 0, 2)], "test").is_err());
    }
}
