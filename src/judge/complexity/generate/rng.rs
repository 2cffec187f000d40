//! A small deterministic random source for the generators (SplitMix64): the same seed
//! gives the same inputs on every machine and every release of our dependencies, which
//! `rand`'s `StdRng` does not promise. Not for anything secret.

/// SplitMix64, seeded by the caller.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next_u64() % ((hi - lo) as u64 + 1)) as i64
    }

    /// `len` numbers in `lo..=hi`.
    pub fn ints(&mut self, len: usize, lo: i64, hi: i64) -> Vec<i64> {
        (0..len).map(|_| self.range(lo, hi)).collect()
    }

    /// A word of `len` letters drawn from `alphabet`.
    pub fn word(&mut self, len: usize, alphabet: &[u8]) -> String {
        (0..len)
            .map(|_| alphabet[self.below(alphabet.len())] as char)
            .collect()
    }

    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_numbers() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        assert_eq!(a.ints(20, -5, 5), b.ints(20, -5, 5));
        assert_ne!(Rng::new(8).ints(20, -5, 5), Rng::new(7).ints(20, -5, 5));
    }

    #[test]
    fn ranges_are_inclusive_and_respected() {
        let mut r = Rng::new(1);
        let xs = r.ints(1000, -2, 2);
        assert!(xs.iter().all(|x| (-2..=2).contains(x)));
        assert!(xs.contains(&-2) && xs.contains(&2));
    }
}
