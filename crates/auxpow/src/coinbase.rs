//! The parent coinbase transaction's encoding, as Bitcoin Core reads and writes a
//! transaction "with witness" (`TX_WITH_WITNESS`), which is how `CAuxPow` stores it.
//!
//! rust-bitcoin's own codec differs from Core's in one corner that AuxPoWs do reach: a
//! transaction without inputs. Core writes `version | 00 | <outputs> | locktime` and reads
//! `00 00` after the version as "no inputs, no outputs", while rust-bitcoin writes such a
//! transaction in witness form and refuses Core's bytes. The reader and writer here follow
//! Core exactly and reuse rust-bitcoin for every field but witnesses, which
//! [`crate::decode_witness`] reads without reserving memory for what they only claim.

use bitcoin::consensus::encode::{self, Decodable, Encodable};
use bitcoin::io::{Read, Write};
use bitcoin::{absolute, io, transaction, Transaction, TxIn, TxOut};

/// Reads a transaction like Core's `UnserializeTransaction` with witnesses allowed.
pub(crate) fn decode<R: Read + ?Sized>(reader: &mut R) -> Result<Transaction, encode::Error> {
    let version = transaction::Version::consensus_decode_from_finite_reader(reader)?;
    let mut input = Vec::<TxIn>::consensus_decode_from_finite_reader(reader)?;
    let mut flags = 0u8;
    let output = if input.is_empty() {
        // Either the witness marker or a transaction that really has no inputs.
        flags = u8::consensus_decode_from_finite_reader(reader)?;
        if flags != 0 {
            input = Vec::<TxIn>::consensus_decode_from_finite_reader(reader)?;
            Vec::<TxOut>::consensus_decode_from_finite_reader(reader)?
        } else {
            Vec::new()
        }
    } else {
        Vec::<TxOut>::consensus_decode_from_finite_reader(reader)?
    };
    if flags & 1 != 0 {
        flags ^= 1;
        for txin in input.iter_mut() {
            txin.witness = crate::decode_witness(reader)?;
        }
        if input.iter().all(|txin| txin.witness.is_empty()) {
            return Err(encode::Error::ParseFailed("superfluous witness record"));
        }
    }
    if flags != 0 {
        return Err(encode::Error::ParseFailed(
            "unknown transaction optional data",
        ));
    }
    let lock_time = absolute::LockTime::consensus_decode_from_finite_reader(reader)?;
    Ok(Transaction {
        version,
        lock_time,
        input,
        output,
    })
}

/// Writes a transaction like Core's `SerializeTransaction` with witnesses allowed: the
/// witness form only when some input has a witness.
pub(crate) fn encode<W: Write + ?Sized>(
    tx: &Transaction,
    writer: &mut W,
) -> Result<usize, io::Error> {
    let has_witness = tx.input.iter().any(|txin| !txin.witness.is_empty());
    let mut len = tx.version.consensus_encode(writer)?;
    if has_witness {
        // An empty input vector as the marker, then the flag.
        len += 0u8.consensus_encode(writer)?;
        len += 1u8.consensus_encode(writer)?;
    }
    len += tx.input.consensus_encode(writer)?;
    len += tx.output.consensus_encode(writer)?;
    if has_witness {
        for txin in &tx.input {
            len += txin.witness.consensus_encode(writer)?;
        }
    }
    len += tx.lock_time.consensus_encode(writer)?;
    Ok(len)
}

#[cfg(test)]
mod tests {
    use super::*;
    use bitcoin::consensus::encode::deserialize_partial;

    fn decode_all(bytes: &[u8]) -> Result<Transaction, encode::Error> {
        let mut cursor = bytes;
        let tx = decode(&mut cursor)?;
        assert!(cursor.is_empty(), "trailing bytes after the transaction");
        Ok(tx)
    }

    fn encode_vec(tx: &Transaction) -> Vec<u8> {
        let mut out = Vec::new();
        encode(tx, &mut out).unwrap();
        out
    }

    #[test]
    fn empty_transaction_round_trips_in_core_form() {
        // version 1, no inputs, no outputs, locktime 0: what Core writes.
        let bytes = hex_bytes("01000000000000000000");
        let tx = decode_all(&bytes).unwrap();
        assert!(tx.input.is_empty() && tx.output.is_empty());
        assert_eq!(encode_vec(&tx), bytes);
        // rust-bitcoin refuses these bytes, which is why this module exists.
        assert!(deserialize_partial::<Transaction>(&bytes).is_err());
    }

    #[test]
    fn witness_marker_without_witnesses_is_refused() {
        // version, marker 00, flag 01, one empty input list, no outputs, locktime.
        let bytes = hex_bytes("0100000000010000000000");
        assert!(decode_all(&bytes).is_err());
    }

    #[test]
    fn unknown_flag_is_refused() {
        let bytes = hex_bytes("010000000002000000000000");
        assert!(decode_all(&bytes).is_err());
    }

    fn hex_bytes(text: &str) -> Vec<u8> {
        hex::decode(text).unwrap()
    }
}
