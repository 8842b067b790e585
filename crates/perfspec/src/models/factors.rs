//! Event types as verb × resource pairs, for the models that score the two apart.

use rustc_hash::FxHashMap;

use crate::prepare::vocabulary::Vocabulary;

/// The verb and resource of every event type as dense ids, so that a model can reason about
/// the two parts separately. Ids follow first appearance in the vocabulary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Factors {
    pub verbs: Vec<String>,
    pub resources: Vec<String>,
    /// `type_verb[type id]` is the verb id of that type.
    pub type_verb: Vec<u32>,
    pub type_resource: Vec<u32>,
    /// The type id of each (verb id, resource id) pair that is a type.
    pair_type: FxHashMap<(u32, u32), u32>,
}

impl Factors {
    pub fn new(vocabulary: &Vocabulary) -> Self {
        fn id_of(names: &mut Vec<String>, index: &mut FxHashMap<String, u32>, name: &str) -> u32 {
            *index.entry(name.to_string()).or_insert_with(|| {
                names.push(name.to_string());
                names.len() as u32 - 1
            })
        }
        let (mut verbs, mut resources) = (Vec::new(), Vec::new());
        let (mut verb_index, mut resource_index) = (FxHashMap::default(), FxHashMap::default());
        let mut type_verb = Vec::with_capacity(vocabulary.len());
        let mut type_resource = Vec::with_capacity(vocabulary.len());
        let mut pair_type = FxHashMap::default();
        for (id, event_type) in vocabulary.types().iter().enumerate() {
            let verb = id_of(&mut verbs, &mut verb_index, &event_type.verb);
            let resource = id_of(&mut resources, &mut resource_index, &event_type.resource);
            type_verb.push(verb);
            type_resource.push(resource);
            pair_type.insert((verb, resource), id as u32);
        }
        Self {
            verbs,
            resources,
            type_verb,
            type_resource,
            pair_type,
        }
    }

    /// Number of verb × resource pairs, the length of a pair distribution.
    pub fn pairs(&self) -> usize {
        self.verbs.len() * self.resources.len()
    }

    /// Index of a pair in a pair distribution.
    pub fn pair_index(&self, verb: u32, resource: u32) -> usize {
        verb as usize * self.resources.len() + resource as usize
    }

    /// Puts each type's probability in `distribution` (by type id) on its own pair of `out`
    /// and nothing elsewhere: how a distribution over whole types reads as one over pairs.
    /// Ids these factors do not know are left out.
    pub fn spread(&self, distribution: &[f64], out: &mut [f64]) {
        out.fill(0.0);
        for (id, &p) in distribution.iter().enumerate() {
            if let (Some(&verb), Some(&resource)) =
                (self.type_verb.get(id), self.type_resource.get(id))
            {
                out[self.pair_index(verb, resource)] += p;
            }
        }
    }

    /// The event type a pair forms, if the vocabulary has it.
    pub fn type_of(&self, verb: u32, resource: u32) -> Option<u32> {
        self.pair_type.get(&(verb, resource)).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factors_split_types_into_verb_and_resource() {
        let mut vocabulary = Vocabulary::default();
        vocabulary.intern("create", "pods");
        vocabulary.intern("delete", "pods");
        vocabulary.intern("create", "secrets");
        let factors = Factors::new(&vocabulary);
        assert_eq!(factors.verbs, ["create", "delete"]);
        assert_eq!(factors.resources, ["pods", "secrets"]);
        assert_eq!(factors.type_of(1, 0), Some(1));
        assert_eq!(factors.type_of(1, 1), None, "delete_secrets is no type");
        assert_eq!(factors.pairs(), 4);
    }
}
