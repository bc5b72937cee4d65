//! scrypt's ROMix with r = 1 (RFC 7914 §§ 3–5) on `K` independent inputs at once.
//!
//! One Salsa20/8 is a chain of dependent steps, which leaves most of a core's vector
//! units idle; interleaving two inputs' steps fills them. Each 64-byte Salsa20 block is
//! held as four rows in the diagonal order SIMD implementations use, so a round works on
//! whole rows and only lane rotations sit between rounds.

use super::row::Row;

/// A 64-byte Salsa20 block as four rows: row `r`, lane `l` is word `DIAGONAL[4r + l]`.
pub(crate) type Block<R> = [R; 4];
/// A 128-byte scrypt block (r = 1): two Salsa20 blocks.
pub(crate) type Pair<R> = [Block<R>; 2];

/// Salsa20 word held at each position of a [`Block`].
pub(crate) const DIAGONAL: [usize; 16] = [0, 5, 10, 15, 4, 9, 14, 3, 8, 13, 2, 7, 12, 1, 6, 11];

/// Salsa20/8 core (RFC 7914 § 3) of each block, in place.
#[inline(always)]
fn salsa20_8<R: Row, const K: usize>(x: &mut [Block<R>; K]) {
    let mut z = *x;
    for _ in 0..4 {
        // Columns.
        for b in z.iter_mut() {
            b[1] = b[1].xor_rotl::<7, 25>(b[0].add(b[3]));
        }
        for b in z.iter_mut() {
            b[2] = b[2].xor_rotl::<9, 23>(b[1].add(b[0]));
        }
        for b in z.iter_mut() {
            b[3] = b[3].xor_rotl::<13, 19>(b[2].add(b[1]));
        }
        for b in z.iter_mut() {
            b[0] = b[0].xor_rotl::<18, 14>(b[3].add(b[2]));
            [b[1], b[2], b[3]] = [b[1].lanes_3(), b[2].lanes_2(), b[3].lanes_1()];
        }
        // Rows.
        for b in z.iter_mut() {
            b[3] = b[3].xor_rotl::<7, 25>(b[0].add(b[1]));
        }
        for b in z.iter_mut() {
            b[2] = b[2].xor_rotl::<9, 23>(b[3].add(b[0]));
        }
        for b in z.iter_mut() {
            b[1] = b[1].xor_rotl::<13, 19>(b[2].add(b[3]));
        }
        for b in z.iter_mut() {
            b[0] = b[0].xor_rotl::<18, 14>(b[1].add(b[2]));
            [b[1], b[2], b[3]] = [b[1].lanes_1(), b[2].lanes_2(), b[3].lanes_3()];
        }
    }
    for (b, zb) in x.iter_mut().zip(z) {
        for (row, zrow) in b.iter_mut().zip(zb) {
            *row = row.add(zrow);
        }
    }
}

/// `scryptBlockMix` with r = 1 (RFC 7914 § 4), in place.
#[inline(always)]
fn block_mix<R: Row, const K: usize>(x: &mut [Pair<R>; K]) {
    let mut a: [Block<R>; K] = std::array::from_fn(|k| xor(&x[k][0], &x[k][1]));
    salsa20_8(&mut a);
    let mut b: [Block<R>; K] = std::array::from_fn(|k| xor(&x[k][1], &a[k]));
    salsa20_8(&mut b);
    for ((pair, a), b) in x.iter_mut().zip(a).zip(b) {
        *pair = [a, b];
    }
}

#[inline(always)]
fn xor<R: Row>(a: &Block<R>, b: &Block<R>) -> Block<R> {
    [0, 1, 2, 3].map(|i| a[i].xor(b[i]))
}

/// `scryptROMix` (RFC 7914 § 5) with r = 1 and `n` a power of two, of each `x[k]`, using
/// `v[k * n..(k + 1) * n]` as its scratch.
pub(crate) fn romix<R: Row, const K: usize>(x: &mut [Pair<R>; K], v: &mut [Pair<R>], n: usize) {
    debug_assert!(n.is_power_of_two() && v.len() >= K * n);
    for i in 0..n {
        for (k, pair) in x.iter().enumerate() {
            v[k * n + i] = *pair;
        }
        block_mix(x);
    }
    for _ in 0..n {
        for (k, pair) in x.iter_mut().enumerate() {
            // Integerify: the first word of the last Salsa20 block, modulo n.
            let j = pair[1][0].first() as usize & (n - 1);
            let old = &v[k * n + j];
            *pair = [xor(&pair[0], &old[0]), xor(&pair[1], &old[1])];
        }
        block_mix(x);
    }
}
