//! Transactions from peers, pools and RPC callers, decoded exactly as rust-bitcoin
//! decodes them except for witnesses, which [`venture_auxpow::decode_witness`] reads
//! without reserving memory for what a count only claims (rust-bitcoin's own witness
//! decoder requests up to 32 MB for a claim of a few bytes). Blocks decode their
//! transactions here too.

use bitcoin::consensus::encode::{self, Decodable, VarInt, MAX_VEC_SIZE};
use bitcoin::io::Read;
use bitcoin::transaction::Version;
use bitcoin::{absolute, Transaction, TxIn, TxOut};
use venture_auxpow::decode_witness;

/// Decodes a transaction from `reader` (rust-bitcoin's BIP144 reader, line for line).
pub fn decode_transaction<R: Read + ?Sized>(reader: &mut R) -> Result<Transaction, encode::Error> {
    let version = Version::consensus_decode_from_finite_reader(reader)?;
    let input = Vec::<TxIn>::consensus_decode_from_finite_reader(reader)?;
    if !input.is_empty() {
        return Ok(Transaction {
            version,
            input,
            output: Vec::<TxOut>::consensus_decode_from_finite_reader(reader)?,
            lock_time: absolute::LockTime::consensus_decode_from_finite_reader(reader)?,
        });
    }
    // An empty input list is the BIP144 marker; the flag must be 1.
    match u8::consensus_decode_from_finite_reader(reader)? {
        1 => {
            let mut input = Vec::<TxIn>::consensus_decode_from_finite_reader(reader)?;
            let output = Vec::<TxOut>::consensus_decode_from_finite_reader(reader)?;
            for txin in input.iter_mut() {
                txin.witness = decode_witness(reader)?;
            }
            if !input.is_empty() && input.iter().all(|txin| txin.witness.is_empty()) {
                return Err(encode::Error::ParseFailed(
                    "witness flag set but no witnesses present",
                ));
            }
            Ok(Transaction {
                version,
                input,
                output,
                lock_time: absolute::LockTime::consensus_decode_from_finite_reader(reader)?,
            })
        }
        flag => Err(encode::Error::UnsupportedSegwitFlag(flag)),
    }
}

/// Decodes a list of transactions as rust-bitcoin decodes a `Vec<Transaction>`: a count,
/// a reservation of at most a quarter of `MAX_VEC_SIZE`, then each transaction.
pub fn decode_transactions<R: Read + ?Sized>(
    reader: &mut R,
) -> Result<Vec<Transaction>, encode::Error> {
    let len = VarInt::consensus_decode_from_finite_reader(reader)?.0;
    let max_capacity = MAX_VEC_SIZE / 4 / size_of::<Transaction>();
    let mut transactions = Vec::with_capacity((len as usize).min(max_capacity));
    for _ in 0..len {
        transactions.push(decode_transaction(reader)?);
    }
    Ok(transactions)
}

/// Decodes `bytes` as one whole transaction, like `encode::deserialize` (trailing bytes
/// are an error).
pub fn deserialize_transaction(bytes: &[u8]) -> Result<Transaction, encode::Error> {
    let mut reader = bytes;
    let tx = decode_transaction(&mut reader)?;
    if !reader.is_empty() {
        return Err(encode::Error::ParseFailed(
            "data not consumed entirely when explicitly deserializing",
        ));
    }
    Ok(tx)
}

#[cfg(test)]
mod tests {
    use super::*;
    use bitcoin::consensus::encode::{deserialize, serialize};

    fn segwit_spend() -> Transaction {
        Transaction {
            version: Version::TWO,
            lock_time: absolute::LockTime::ZERO,
            input: vec![TxIn {
                witness: bitcoin::Witness::from_slice(&[vec![0x30; 71], vec![2; 33]]),
                ..TxIn::default()
            }],
            output: vec![TxOut::NULL],
        }
    }

    #[test]
    fn agrees_with_rust_bitcoin() {
        let legacy = Transaction {
            input: vec![TxIn::default()],
            ..segwit_spend()
        };
        for tx in [segwit_spend(), legacy] {
            let bytes = serialize(&tx);
            assert_eq!(deserialize_transaction(&bytes).unwrap(), tx);
            let mut trailing = bytes.clone();
            trailing.push(0);
            assert!(deserialize_transaction(&trailing).is_err());
        }
        // Marker with no inputs at all, an unknown flag, a flag without witnesses.
        for bytes in [
            "0100000000010000000000000000",
            "01000000000201000000000000000000000000000000000000000000000000000000000000000000ffffffff0000000000",
            "01000000000101000000000000000000000000000000000000000000000000000000000000000000ffffffff000000000000",
        ] {
            let bytes = hex::decode(bytes).unwrap();
            let theirs = deserialize::<Transaction>(&bytes);
            let ours = deserialize_transaction(&bytes);
            assert_eq!(ours.is_ok(), theirs.is_ok(), "{bytes:02x?}");
            if let (Ok(ours), Ok(theirs)) = (ours, theirs) {
                assert_eq!(ours, theirs);
            }
        }
    }

    /// A witness claiming four million elements, and a first element of almost 4 MB,
    /// in 59 bytes fails on the missing bytes (`tests/witness_claims.rs` measures what it
    /// costs).
    #[test]
    fn a_witness_claim_fails_on_the_missing_bytes() {
        let mut bytes = hex::decode("010000000001").unwrap();
        bytes.push(1);
        bytes.extend([0; 36]);
        bytes.push(0);
        bytes.extend([0xff; 4]);
        bytes.push(0);
        bytes.push(0xfe);
        bytes.extend(4_000_000u32.to_le_bytes());
        bytes.push(0xfe);
        bytes.extend(3_999_990u32.to_le_bytes());
        assert_eq!(bytes.len(), 59);
        assert!(deserialize_transaction(&bytes).is_err());
    }
}
