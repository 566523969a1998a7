//! A map keyed by [`Slot`]: four optional entries in an array. It replaces
//! `BTreeMap<Slot, _>`, whose generic node code cost kilobytes of wasm for
//! each value type, for a key set that is fixed and tiny.

use crate::core::rules::Slot;

/// Up to one `T` per slot, iterated in [`Slot::ALL`] order.
#[derive(Clone, Debug, PartialEq)]
pub struct SlotMap<T> {
    items: [Option<T>; 4],
}

impl<T> Default for SlotMap<T> {
    fn default() -> Self {
        SlotMap { items: [None, None, None, None] }
    }
}

fn index(slot: Slot) -> usize {
    match slot {
        Slot::IdFile => 0,
        Slot::IdFileBack => 1,
        Slot::ProofOfAddress => 2,
        Slot::Liveness => 3,
    }
}

impl<T> SlotMap<T> {
    /// The entry for `slot`.
    pub fn get(&self, slot: &Slot) -> Option<&T> {
        self.items[index(*slot)].as_ref()
    }

    /// The entry for `slot`, mutably.
    pub fn get_mut(&mut self, slot: &Slot) -> Option<&mut T> {
        self.items[index(*slot)].as_mut()
    }

    /// Whether `slot` has an entry.
    pub fn contains_key(&self, slot: &Slot) -> bool {
        self.items[index(*slot)].is_some()
    }

    /// Sets the entry, returning the previous one.
    pub fn insert(&mut self, slot: Slot, value: T) -> Option<T> {
        self.items[index(slot)].replace(value)
    }

    /// Removes the entry.
    pub fn remove(&mut self, slot: &Slot) -> Option<T> {
        self.items[index(*slot)].take()
    }

    /// Entries in slot order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static Slot, &T)> {
        Slot::ALL_REF.iter().zip(&self.items).filter_map(|(slot, item)| Some((slot, item.as_ref()?)))
    }

    /// Entries in slot order, mutably.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&'static Slot, &mut T)> {
        Slot::ALL_REF.iter().zip(&mut self.items).filter_map(|(slot, item)| Some((slot, item.as_mut()?)))
    }

    /// Values in slot order, mutably.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut T> {
        self.items.iter_mut().flatten()
    }
}

impl<T> FromIterator<(Slot, T)> for SlotMap<T> {
    fn from_iter<I: IntoIterator<Item = (Slot, T)>>(iter: I) -> Self {
        let mut map = SlotMap::default();
        for (slot, value) in iter {
            map.insert(slot, value);
        }
        map
    }
}

impl<'a, T> IntoIterator for &'a SlotMap<T> {
    type Item = (&'static Slot, &'a T);
    type IntoIter = Box<dyn Iterator<Item = (&'static Slot, &'a T)> + 'a>;

    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaves_like_a_small_ordered_map() {
        let mut map: SlotMap<u32> = [(Slot::Liveness, 4), (Slot::IdFile, 1)].into_iter().collect();
        assert_eq!(map.get(&Slot::IdFile), Some(&1));
        assert!(!map.contains_key(&Slot::IdFileBack));
        assert_eq!(map.insert(Slot::IdFile, 7), Some(1));
        let order: Vec<Slot> = map.iter().map(|(s, _)| *s).collect();
        assert_eq!(order, vec![Slot::IdFile, Slot::Liveness]);
        assert_eq!(map.remove(&Slot::Liveness), Some(4));
        map.values_mut().for_each(|v| *v += 1);
        assert_eq!(map.iter().collect::<Vec<_>>(), vec![(&Slot::IdFile, &8)]);
    }
}
