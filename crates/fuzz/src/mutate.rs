//! Byte-level mutations, with the ones Bitcoin's encoding invites: CompactSize length
//! prefixes (`0xfd`/`0xfe`/`0xff` and a huge or boundary value), 32-bit fields at their
//! edges, chunks duplicated (repeated inputs, outputs, branch nodes), and splices of two
//! corpus entries (a header from one block, transactions from another).

use crate::rng::Rng;

const INTERESTING_8: [u8; 10] = [0, 1, 0x7f, 0x80, 0xfc, 0xfd, 0xfe, 0xff, 0x20, 0x10];

const INTERESTING_32: [u32; 14] = [
    0,
    1,
    0xfc,
    0xfd,
    0xffff,
    0x1_0000,
    0x7fff_ffff,
    0x8000_0000,
    0xffff_ffff,
    0x0000_0100, // the AuxPoW version flag
    0x0062_0104, // a Dogecoin AuxPoW version
    0x207f_ffff, // the easiest compact target
    0x1d00_ffff, // difficulty 1
    4_000_000,   // rust-bitcoin's MAX_VEC_SIZE
];

/// CompactSize values at and around every boundary a decoder may check.
const COMPACT_SIZES: [u64; 14] = [
    0xfd,
    0xffff,
    0x1_0000,
    0xffff_ffff,
    0x1_0000_0000,
    u64::MAX,
    u64::MAX / 2,
    4_000_000,
    4_000_001,
    1_000_000,
    0x7fff_ffff,
    2_001,
    129,
    31,
];

/// Applies a stack of one to eight mutations, keeping the result within `max_len`.
/// `others` are corpus entries to splice from.
pub fn mutate(data: &mut Vec<u8>, rng: &mut Rng, others: &[Vec<u8>], max_len: usize) {
    let rounds = 1 << rng.below(4);
    for _ in 0..rounds {
        mutate_once(data, rng, others);
        data.truncate(max_len);
    }
}

fn mutate_once(data: &mut Vec<u8>, rng: &mut Rng, others: &[Vec<u8>]) {
    if data.is_empty() {
        let len = 1 + rng.below(16);
        data.extend((0..len).map(|_| rng.byte()));
        return;
    }
    let at = rng.below(data.len());
    match rng.below(14) {
        0 => data[at] ^= 1 << rng.below(8),
        1 => data[at] = INTERESTING_8[rng.below(INTERESTING_8.len())],
        2 => data[at] = data[at].wrapping_add(rng.below(35) as u8).wrapping_sub(17),
        3 => data[at] = rng.byte(),
        4 => {
            let value = INTERESTING_32[rng.below(INTERESTING_32.len())];
            let bytes = if rng.one_in(2) {
                value.to_le_bytes()
            } else {
                value.to_be_bytes()
            };
            overwrite(data, at, &bytes);
        }
        5 => {
            let prefix = compact_size(rng);
            if rng.one_in(2) {
                overwrite(data, at, &prefix);
            } else {
                data.splice(at..at, prefix);
            }
        }
        6 => {
            // Insert random bytes.
            let len = 1 + rng.below(32);
            let bytes: Vec<u8> = (0..len).map(|_| rng.byte()).collect();
            data.splice(at..at, bytes);
        }
        7 => {
            let end = (at + 1 + rng.below(64)).min(data.len());
            data.drain(at..end);
        }
        8 => {
            // Duplicate a chunk in place: a repeated field, input or branch node.
            let end = (at + 1 + rng.below(128)).min(data.len());
            let chunk = data[at..end].to_vec();
            let times = 1 + rng.below(4);
            for _ in 0..times {
                data.splice(end..end, chunk.iter().copied());
            }
        }
        9 => {
            // Copy a chunk over another place of the same input.
            let from = rng.below(data.len());
            let len = 1 + rng.below(64).min(data.len() - from - 1);
            let chunk = data[from..from + len].to_vec();
            overwrite(data, at, &chunk);
        }
        10 => {
            // Splice: our head, another entry's tail.
            if let Some(other) = rng.pick(others).filter(|o| !o.is_empty()) {
                let from = rng.below(other.len());
                data.truncate(at);
                data.extend_from_slice(&other[from..]);
            }
        }
        11 => {
            // Insert a chunk of another entry.
            if let Some(other) = rng.pick(others).filter(|o| !o.is_empty()) {
                let from = rng.below(other.len());
                let end = (from + 1 + rng.below(256)).min(other.len());
                data.splice(at..at, other[from..end].iter().copied());
            }
        }
        12 => data.truncate(at),
        _ => {
            // Swap two bytes further apart (field order, endianness).
            let other = rng.below(data.len());
            data.swap(at, other);
        }
    }
}

/// Repeats a short chunk of `data` in place to a length drawn log-uniformly up to
/// `max_len`: endless lines, runs of empty witness elements, long strings.
pub fn flood(data: &mut Vec<u8>, rng: &mut Rng, max_len: usize) {
    if data.is_empty() || max_len <= data.len() {
        return;
    }
    let at = rng.below(data.len());
    let end = (at + 1 + rng.below(16)).min(data.len());
    let chunk = data[at..end].to_vec();
    let room = max_len - data.len();
    let bits = usize::BITS - room.leading_zeros();
    let target = (1usize << rng.below(bits as usize + 1)).min(room);
    let repeated: Vec<u8> = chunk.iter().copied().cycle().take(target).collect();
    data.splice(end..end, repeated);
}

/// A CompactSize prefix with a large or boundary value, sometimes in a non-minimal form.
fn compact_size(rng: &mut Rng) -> Vec<u8> {
    let value = COMPACT_SIZES[rng.below(COMPACT_SIZES.len())];
    match rng.below(3) {
        0 => {
            let mut bytes = vec![0xfd];
            bytes.extend((value as u16).to_le_bytes());
            bytes
        }
        1 => {
            let mut bytes = vec![0xfe];
            bytes.extend((value as u32).to_le_bytes());
            bytes
        }
        _ => {
            let mut bytes = vec![0xff];
            bytes.extend(value.to_le_bytes());
            bytes
        }
    }
}

fn overwrite(data: &mut [u8], at: usize, bytes: &[u8]) {
    let end = (at + bytes.len()).min(data.len());
    data[at..end].copy_from_slice(&bytes[..end - at]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutations_stay_within_the_length_bound_and_are_reproducible() {
        let others = vec![vec![9u8; 300], vec![]];
        let run = |seed| {
            let mut rng = Rng::new(seed);
            let mut data = vec![1u8, 2, 3, 4, 5];
            for _ in 0..2_000 {
                mutate(&mut data, &mut rng, &others, 100);
                assert!(data.len() <= 100);
            }
            data
        };
        assert_eq!(run(3), run(3));
    }
}
