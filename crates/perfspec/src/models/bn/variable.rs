//! The network's variables (each lag's type, verb and resource, and the next verb and resource)
//! and their values over the training windows, column by column.

use crate::models::factors::Factors;
use crate::models::learner::FitData;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Feature {
    Event,
    Verb,
    Resource,
}

/// A variable of the network: one feature of the event `lag` steps back (0 = the next event).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Variable {
    pub(super) feature: Feature,
    pub(super) lag: usize,
}

impl Variable {
    pub(super) fn name(self) -> String {
        let feature = match self.feature {
            Feature::Event => "event",
            Feature::Verb => "verb",
            Feature::Resource => "resource",
        };
        match self.lag {
            0 => format!("{feature}(t)"),
            lag => format!("{feature}(t-{lag})"),
        }
    }

    pub(super) fn cardinality(self, factors: &Factors) -> usize {
        match self.feature {
            Feature::Event => factors.type_verb.len(),
            Feature::Verb => factors.verbs.len(),
            Feature::Resource => factors.resources.len(),
        }
    }

    /// The variable's value for event type `id`.
    pub(super) fn of_type(self, factors: &Factors, id: u32) -> Option<u32> {
        match self.feature {
            Feature::Event => ((id as usize) < factors.type_verb.len()).then_some(id),
            Feature::Verb => factors.type_verb.get(id as usize).copied(),
            Feature::Resource => factors.type_resource.get(id as usize).copied(),
        }
    }

    /// Whether an arc `self → child` is allowed: never from a later event to an earlier one.
    pub(super) fn may_precede(self, child: Variable) -> bool {
        self != child && self.lag >= child.lag
    }
}

/// The variables for a window, most recent event first, the next event's verb and resource last.
pub(super) fn variables(window: usize, event_variables: bool) -> Vec<Variable> {
    let mut variables = Vec::with_capacity(3 * window + 2);
    for lag in 1..=window {
        if event_variables {
            variables.push(Variable {
                feature: Feature::Event,
                lag,
            });
        }
        for feature in [Feature::Verb, Feature::Resource] {
            variables.push(Variable { feature, lag });
        }
    }
    for feature in [Feature::Verb, Feature::Resource] {
        variables.push(Variable { feature, lag: 0 });
    }
    variables
}

/// Training windows as one column of values per variable.
pub(super) struct Columns {
    pub(super) values: Vec<Vec<u32>>,
    pub(super) cardinalities: Vec<u64>,
    pub(super) rows: usize,
}

impl Columns {
    pub(super) fn new(data: &FitData<'_>, variables: &[Variable], factors: &Factors) -> Self {
        let window = data.train.window;
        let mut values: Vec<Vec<u32>> = variables
            .iter()
            .map(|_| Vec::with_capacity(data.train.len()))
            .collect();
        for (context, target) in data.train.iter() {
            // A window whose ids fall outside the vocabulary cannot be placed; skip it whole.
            let row: Option<Vec<u32>> = variables
                .iter()
                .map(|variable| {
                    let id = match variable.lag {
                        0 => target,
                        lag => context[window - lag],
                    };
                    variable.of_type(factors, id)
                })
                .collect();
            if let Some(row) = row {
                for (column, value) in values.iter_mut().zip(row) {
                    column.push(value);
                }
            }
        }
        let rows = values.first().map_or(0, Vec::len);
        Self {
            values,
            cardinalities: variables
                .iter()
                .map(|variable| variable.cardinality(factors).max(1) as u64)
                .collect(),
            rows,
        }
    }
}
