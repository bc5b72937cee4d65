//! BIP34: the coinbase's scriptSig starts with the block height, pushed the way Bitcoin
//! Core's `CScript() << nHeight` pushes it (OP_0, OP_1..OP_16, else minimal bytes).

use bitcoin::absolute::LockTime;
use bitcoin::opcodes::all::{OP_PUSHNUM_1, OP_PUSHNUM_16};
use bitcoin::script::{Builder, Instruction, PushBytesBuf};
use bitcoin::transaction::Version;
use bitcoin::{OutPoint, Script, ScriptBuf, Sequence, Transaction, TxIn, TxOut, Witness};

/// A coinbase transaction: one input spending nothing, with `script_sig`, and `output`.
pub fn coinbase_transaction(
    version: i32,
    script_sig: ScriptBuf,
    output: Vec<TxOut>,
) -> Transaction {
    Transaction {
        version: Version(version),
        lock_time: LockTime::ZERO,
        input: vec![TxIn {
            previous_output: OutPoint::null(),
            script_sig,
            sequence: Sequence::MAX,
            witness: Witness::new(),
        }],
        output,
    }
}

/// A coinbase scriptSig: the BIP34 height, then each of `pushes` as a data push.
/// Pushes longer than a script allows are left out (callers pass short tags).
pub fn coinbase_script(height: u32, pushes: &[&[u8]]) -> ScriptBuf {
    let mut builder = Builder::new().push_int(i64::from(height));
    for data in pushes {
        if let Ok(bytes) = PushBytesBuf::try_from(data.to_vec()) {
            builder = builder.push_slice(bytes);
        }
    }
    builder.into_script()
}

/// The bytes a coinbase scriptSig must start with at `height`.
pub fn bip34_height_push(height: u32) -> Vec<u8> {
    Builder::new()
        .push_int(i64::from(height))
        .into_script()
        .into_bytes()
}

/// The height a coinbase scriptSig commits to, if it starts with a height push.
pub fn coinbase_height(script_sig: &Script) -> Option<u32> {
    match script_sig.instructions().next()?.ok()? {
        Instruction::Op(op)
            if (OP_PUSHNUM_1.to_u8()..=OP_PUSHNUM_16.to_u8()).contains(&op.to_u8()) =>
        {
            Some(u32::from(op.to_u8() - OP_PUSHNUM_1.to_u8()) + 1)
        }
        Instruction::PushBytes(bytes) => {
            let bytes = bytes.as_bytes();
            // OP_0 reads back as an empty push.
            if bytes.is_empty() {
                return Some(0);
            }
            if bytes.len() > 5 {
                return None;
            }
            // Little-endian, sign bit in the last byte; heights are never negative.
            let mut value: i64 = 0;
            for (i, b) in bytes.iter().enumerate() {
                value |= i64::from(*b) << (8 * i);
            }
            let last = *bytes.last()?;
            if last & 0x80 != 0 {
                return None;
            }
            u32::try_from(value).ok()
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bitcoin::ScriptBuf;

    #[test]
    fn pushes_like_bitcoin_core() {
        assert_eq!(bip34_height_push(0), vec![0x00]);
        assert_eq!(bip34_height_push(1), vec![0x51]);
        assert_eq!(bip34_height_push(16), vec![0x60]);
        assert_eq!(bip34_height_push(17), vec![0x01, 0x11]);
        assert_eq!(bip34_height_push(128), vec![0x02, 0x80, 0x00]);
        // Namecoin's first BIP34 height on mainnet was far above 2^16.
        assert_eq!(bip34_height_push(227_931), vec![0x03, 0x5b, 0x7a, 0x03]);
    }

    #[test]
    fn reads_back_every_form() {
        for height in [
            0,
            1,
            16,
            17,
            127,
            128,
            255,
            256,
            65_535,
            1 << 23,
            u32::MAX >> 1,
        ] {
            let script = ScriptBuf::from_bytes(bip34_height_push(height));
            assert_eq!(coinbase_height(&script), Some(height), "height {height}");
        }
        assert_eq!(coinbase_height(&ScriptBuf::new()), None);
    }
}
