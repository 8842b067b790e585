//! Event types (`verb_resource`) and their ids.
//!
//! Every type keeps its verb and resource, so that a later model can score a verb and a resource
//! separately (the compositional predictor, `models::compose`).

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// One event type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventType {
    /// `verb + "_" + resource`.
    pub name: String,
    pub verb: String,
    /// The resource, with `/subresource` when the subresource option is on.
    pub resource: String,
}

/// The event types of a dataset; ids are dense and given in order of first appearance.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(from = "Vec<EventType>", into = "Vec<EventType>")]
pub struct Vocabulary {
    types: Vec<EventType>,
    index: FxHashMap<String, u32>,
}

impl From<Vec<EventType>> for Vocabulary {
    fn from(types: Vec<EventType>) -> Self {
        let index = types
            .iter()
            .enumerate()
            .map(|(id, event_type)| (event_type.name.clone(), id as u32))
            .collect();
        Self { types, index }
    }
}

impl From<Vocabulary> for Vec<EventType> {
    fn from(vocabulary: Vocabulary) -> Self {
        vocabulary.types
    }
}

/// One row of the vocabulary table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VocabularyEntry {
    #[serde(rename = "type")]
    pub name: String,
    pub verb: String,
    pub resource: String,
    pub count: u64,
    /// Fraction of all events, in [0, 1].
    pub share: f64,
    /// 0-based position of the first and last occurrence in the event sequence.
    pub first: usize,
    pub last: usize,
}

impl Vocabulary {
    /// The id of `verb_resource`, adding the type if it is new.
    pub fn intern(&mut self, verb: &str, resource: &str) -> u32 {
        let name = format!("{verb}_{resource}");
        if let Some(&id) = self.index.get(&name) {
            return id;
        }
        let id = self.types.len() as u32;
        self.index.insert(name.clone(), id);
        self.types.push(EventType {
            name,
            verb: verb.to_string(),
            resource: resource.to_string(),
        });
        id
    }

    pub fn id(&self, name: &str) -> Option<u32> {
        self.index.get(name).copied()
    }

    pub fn get(&self, id: u32) -> Option<&EventType> {
        self.types.get(id as usize)
    }

    pub fn name(&self, id: u32) -> &str {
        self.types.get(id as usize).map_or("?", |t| t.name.as_str())
    }

    pub fn len(&self) -> usize {
        self.types.len()
    }

    pub fn is_empty(&self) -> bool {
        self.types.is_empty()
    }

    pub fn types(&self) -> &[EventType] {
        &self.types
    }

    /// The table of types for `events`, most frequent first (ties by name).
    pub fn entries(&self, events: &[u32]) -> Vec<VocabularyEntry> {
        let mut counts = vec![0u64; self.len()];
        let mut first = vec![usize::MAX; self.len()];
        let mut last = vec![0usize; self.len()];
        for (position, &id) in events.iter().enumerate() {
            let id = id as usize;
            counts[id] += 1;
            first[id] = first[id].min(position);
            last[id] = position;
        }
        let total = events.len().max(1) as f64;
        let mut entries: Vec<VocabularyEntry> = self
            .types
            .iter()
            .enumerate()
            .filter(|(id, _)| counts[*id] > 0)
            .map(|(id, event_type)| VocabularyEntry {
                name: event_type.name.clone(),
                verb: event_type.verb.clone(),
                resource: event_type.resource.clone(),
                count: counts[id],
                share: counts[id] as f64 / total,
                first: first[id],
                last: last[id],
            })
            .collect();
        entries.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
        entries
    }
}
