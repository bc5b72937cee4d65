//! scrypt with r = 1 and p = 1 (RFC 7914), the only shape proof of work uses: Litecoin's
//! N = 1024 over an 80-byte header, as both password and salt.
//!
//! Written here rather than taken from a general scrypt library because header checks
//! spend most of a scrypt chain's sync time in it: the scratch (128 KiB per hash) is
//! kept per thread instead of allocated per hash, and [`scrypt_pair`] mixes two inputs
//! at once, which nearly doubles a core's rate (see `romix`).

mod romix;
mod row;
#[cfg(test)]
mod tests;

use bitcoin::hashes::hmac::{Hmac, HmacEngine};
use bitcoin::hashes::{sha256, Hash, HashEngine};
use romix::{Pair, DIAGONAL};
use row::{NativeRow, Row};
use std::cell::RefCell;

/// Litecoin's scrypt parameter N = 2^10.
const LOG_N: u8 = 10;

thread_local! {
    /// Each thread's scrypt scratch, kept between hashes (it is 128 KiB per input).
    static SCRATCH: RefCell<Vec<Pair<NativeRow>>> = const { RefCell::new(Vec::new()) };
}

/// scrypt(N = 1024, r = 1, p = 1) of an 80-byte header, salted with itself: Litecoin's
/// proof-of-work hash.
pub fn scrypt_1024_1_1(header: &[u8; 80]) -> [u8; 32] {
    let mut out = [0u8; 32];
    SCRATCH
        .with_borrow_mut(|v| scrypt_r1p1([&header[..]], [&header[..]], LOG_N, [&mut out[..]], v));
    out
}

/// [`scrypt_1024_1_1`] of two headers, computed together.
pub fn scrypt_pair(a: &[u8; 80], b: &[u8; 80]) -> [[u8; 32]; 2] {
    let mut out = [[0u8; 32]; 2];
    let [out_a, out_b] = &mut out;
    SCRATCH.with_borrow_mut(|v| {
        scrypt_r1p1(
            [&a[..], &b[..]],
            [&a[..], &b[..]],
            LOG_N,
            [&mut out_a[..], &mut out_b[..]],
            v,
        )
    });
    out
}

/// scrypt with r = 1, p = 1 and N = 2^`log_n` of `K` inputs at once, filling each
/// output; `scratch` grows to `K × N` scrypt blocks and is kept for the next call.
fn scrypt_r1p1<R: Row, const K: usize>(
    passwords: [&[u8]; K],
    salts: [&[u8]; K],
    log_n: u8,
    outputs: [&mut [u8]; K],
    scratch: &mut Vec<Pair<R>>,
) {
    let n = 1usize << log_n;
    let mut x: [Pair<R>; K] = std::array::from_fn(|k| {
        let mut b = [0u8; 128];
        pbkdf2_hmac_sha256(passwords[k], salts[k], &mut b);
        to_pair(&b)
    });
    if scratch.len() < K * n {
        scratch.resize(K * n, [[R::from_words([0; 4]); 4]; 2]);
    }
    romix::romix(&mut x, scratch, n);
    for ((output, pair), password) in outputs.into_iter().zip(x).zip(passwords) {
        pbkdf2_hmac_sha256(password, &from_pair(pair), output);
    }
}

/// PBKDF2-HMAC-SHA256 with one iteration (RFC 8018 § 5.2), filling `output`.
fn pbkdf2_hmac_sha256(password: &[u8], salt: &[u8], output: &mut [u8]) {
    let mut keyed = HmacEngine::<sha256::Hash>::new(password);
    keyed.input(salt);
    for (i, chunk) in output.chunks_mut(32).enumerate() {
        let mut engine = keyed.clone();
        engine.input(&(i as u32 + 1).to_be_bytes());
        let block = Hmac::from_engine(engine).to_byte_array();
        chunk.copy_from_slice(&block[..chunk.len()]);
    }
}

fn to_pair<R: Row>(bytes: &[u8; 128]) -> Pair<R> {
    let word = |i: usize| {
        u32::from_le_bytes([
            bytes[4 * i],
            bytes[4 * i + 1],
            bytes[4 * i + 2],
            bytes[4 * i + 3],
        ])
    };
    std::array::from_fn(|half| {
        std::array::from_fn(|row| {
            R::from_words(std::array::from_fn(|lane| {
                word(16 * half + DIAGONAL[4 * row + lane])
            }))
        })
    })
}

fn from_pair<R: Row>(pair: Pair<R>) -> [u8; 128] {
    let mut bytes = [0u8; 128];
    for (half, block) in pair.into_iter().enumerate() {
        for (row, value) in block.into_iter().enumerate() {
            for (lane, word) in value.to_words().into_iter().enumerate() {
                let at = 4 * (16 * half + DIAGONAL[4 * row + lane]);
                bytes[at..at + 4].copy_from_slice(&word.to_le_bytes());
            }
        }
    }
    bytes
}
