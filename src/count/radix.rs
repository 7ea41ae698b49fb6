//! LSD radix sort of (u64 key, u32 value) pairs, for the large integer sorts of counting.
//!
//! Ordering n-grams sorts a million pairs per level; a radix sort over the key bytes that
//! actually vary is several times faster than a comparison sort and has no bad cases. Stable,
//! so equal keys keep their input order.

/// Sort `items` by key, stably.
pub fn sort_by_key(items: &mut Vec<(u64, u32)>) {
    if items.len() < 256 {
        items.sort_by_key(|&(k, _)| k);
        return;
    }
    let mut buffer = vec![(0u64, 0u32); items.len()];
    for byte in 0..8 {
        let shift = byte * 8;
        let mut counts = [0usize; 256];
        for &(k, _) in items.iter() {
            counts[((k >> shift) & 0xFF) as usize] += 1;
        }
        // A byte that is the same in every key does not reorder anything.
        if counts.contains(&items.len()) {
            continue;
        }
        let mut at = 0;
        for c in counts.iter_mut() {
            let n = *c;
            *c = at;
            at += n;
        }
        for &item in items.iter() {
            let d = ((item.0 >> shift) & 0xFF) as usize;
            buffer[counts[d]] = item;
            counts[d] += 1;
        }
        std::mem::swap(items, &mut buffer);
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn equals_a_stable_sort(keys in prop::collection::vec(any::<u64>().prop_map(|k| k >> (k % 64)), 0..2000)) {
            let mut items: Vec<(u64, u32)> = keys.iter().enumerate().map(|(i, &k)| (k % 1000, i as u32)).collect();
            let mut expected = items.clone();
            expected.sort_by_key(|&(k, _)| k);
            sort_by_key(&mut items);
            prop_assert_eq!(items, expected);
        }
    }

    #[test]
    fn wide_keys() {
        let mut items: Vec<(u64, u32)> =
            (0..1000u32).map(|i| ((i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15), i)).collect();
        let mut expected = items.clone();
        expected.sort();
        sort_by_key(&mut items);
        assert_eq!(items, expected);
    }
}
