//! Witness decoding that reserves memory for what has arrived, not for what a count
//! claims.
//!
//! rust-bitcoin's `Witness` decoder reserves four bytes per claimed element before
//! reading any (up to `MAX_VEC_SIZE` elements) and doubles that buffer when an element's
//! claimed length needs it, so a witness of a few bytes that claims 4,000,000 elements
//! makes it request 32,000,256 bytes, 48 MB live while the buffer grows. Here the
//! elements are read first, holding only the bytes that arrived, under rust-bitcoin's
//! own limits; rust-bitcoin then decodes the complete bytes, where no count can exceed
//! what is there. What decodes, and to what, is unchanged.

use bitcoin::consensus::encode::{self, Decodable, Encodable, VarInt, MAX_VEC_SIZE};
use bitcoin::io::Read;
use bitcoin::Witness;

/// Element bytes are read in pieces of at most this size, so a claimed length costs
/// memory only as its bytes arrive.
const CHUNK: usize = 64 * 1024;

/// Bytes of a P2WPKH witness (count, a 72-byte signature and a 33-byte key, with their
/// lengths) and then some.
const TYPICAL: usize = 128;

/// Reads a witness (its element count, then each element with its length) exactly as
/// rust-bitcoin's decoder accepts it, without reserving memory for unread elements.
pub fn decode_witness<R: Read + ?Sized>(reader: &mut R) -> Result<Witness, encode::Error> {
    let count = VarInt::consensus_decode_from_finite_reader(reader)?;
    let oversized = |requested: u64| encode::Error::OversizedVectorAllocation {
        requested: usize::try_from(requested).unwrap_or(usize::MAX),
        max: MAX_VEC_SIZE,
    };
    // rust-bitcoin's limits: at most MAX_VEC_SIZE elements, and at most MAX_VEC_SIZE
    // bytes of elements with their length prefixes.
    if count.0 > MAX_VEC_SIZE as u64 {
        return Err(oversized(count.0));
    }
    // Room for a typical witness (a signature and a key), so it is read without growing.
    let mut raw = Vec::with_capacity(TYPICAL);
    write(&count, &mut raw)?;
    let mut content: u64 = 0;
    for _ in 0..count.0 {
        let len = VarInt::consensus_decode_from_finite_reader(reader)?;
        content = content
            .saturating_add(len.size() as u64)
            .saturating_add(len.0);
        if content > MAX_VEC_SIZE as u64 {
            return Err(oversized(content));
        }
        write(&len, &mut raw)?;
        // At most MAX_VEC_SIZE, checked just above.
        let mut left = len.0 as usize;
        while left > 0 {
            let chunk = left.min(CHUNK);
            let start = raw.len();
            raw.resize(start + chunk, 0);
            reader.read_exact(&mut raw[start..])?;
            left -= chunk;
        }
    }
    Witness::consensus_decode_from_finite_reader(&mut raw.as_slice())
}

fn write(value: &VarInt, raw: &mut Vec<u8>) -> Result<(), encode::Error> {
    value.consensus_encode(raw)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use bitcoin::consensus::encode::{deserialize, serialize};

    fn ours(bytes: &[u8]) -> Result<Witness, encode::Error> {
        let mut reader = bytes;
        let witness = decode_witness(&mut reader)?;
        assert!(reader.is_empty(), "trailing bytes");
        Ok(witness)
    }

    #[test]
    fn decodes_what_rust_bitcoin_decodes() {
        let witness = Witness::from_slice(&[vec![], vec![0x30; 72], vec![2; 33], vec![7; 300]]);
        let bytes = serialize(&witness);
        assert_eq!(ours(&bytes).unwrap(), witness);
        assert_eq!(ours(&[0]).unwrap(), Witness::default());
        for bad in [
            vec![],
            vec![1],
            vec![2, 0],
            vec![0xfd, 1, 0, 0],                // non-minimal count
            vec![1, 0xfd, 3, 0, 1, 2, 3],       // non-minimal length
            vec![0xfe, 0x01, 0x09, 0x3d, 0x00], // 4,000,001 elements
        ] {
            assert!(ours(&bad).is_err(), "{bad:?}");
            assert!(deserialize::<Witness>(&bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn content_beyond_the_limit_is_refused_like_rust_bitcoin() {
        // One element of MAX_VEC_SIZE bytes: its length prefix makes it one too many.
        let mut bytes = vec![1, 0xfe];
        bytes.extend((MAX_VEC_SIZE as u32).to_le_bytes());
        bytes.resize(bytes.len() + MAX_VEC_SIZE, 0);
        assert!(ours(&bytes).is_err());
        assert!(deserialize::<Witness>(&bytes).is_err());
        // Five bytes fewer fit exactly.
        let mut bytes = vec![1, 0xfe];
        bytes.extend((MAX_VEC_SIZE as u32 - 5).to_le_bytes());
        bytes.resize(bytes.len() + MAX_VEC_SIZE - 5, 0);
        assert_eq!(
            ours(&bytes).unwrap(),
            deserialize::<Witness>(&bytes).unwrap()
        );
    }
}
