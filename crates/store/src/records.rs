//! Typed records and their byte encodings (Bitcoin consensus encoding throughout).

use bitcoin::block::Header as PureHeader;
use bitcoin::consensus::{encode, Decodable, Encodable};
use bitcoin::{io, TxOut};
use venture_pow::Work;

/// Validation status bits of a block index entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BlockStatus(pub u8);

impl BlockStatus {
    /// The block's transactions are stored.
    pub const HAVE_DATA: u8 = 1;
    /// The block broke a consensus rule that no peer could have faked.
    pub const FAILED: u8 = 2;
    /// An ancestor failed.
    pub const FAILED_PARENT: u8 = 4;
    /// The block was merge-mined (carries an AuxPoW).
    pub const MERGE_MINED: u8 = 8;

    pub fn has(self, flag: u8) -> bool {
        self.0 & flag != 0
    }

    pub fn set(&mut self, flag: u8) {
        self.0 |= flag;
    }

    pub fn is_failed(self) -> bool {
        self.has(Self::FAILED | Self::FAILED_PARENT)
    }
}

/// A header as peers and RPC callers ask for it (AuxPoW included), with its block's
/// transaction count once the block is stored: served without reading the block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderRecord {
    pub header: venture_primitives::Header,
    /// Transactions in the block; zero while only the header is known (as Core's
    /// `nTx`).
    pub tx_count: u32,
}

impl Encodable for HeaderRecord {
    fn consensus_encode<W: io::Write + ?Sized>(&self, w: &mut W) -> Result<usize, io::Error> {
        let mut len = self.header.consensus_encode(w)?;
        len += self.tx_count.consensus_encode(w)?;
        Ok(len)
    }
}

impl Decodable for HeaderRecord {
    fn consensus_decode<R: io::Read + ?Sized>(r: &mut R) -> Result<Self, encode::Error> {
        Ok(HeaderRecord {
            header: Decodable::consensus_decode(r)?,
            tx_count: Decodable::consensus_decode(r)?,
        })
    }
}

/// What the node remembers about every block header it accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockIndexRecord {
    pub header: PureHeader,
    pub height: u32,
    pub chain_work: Work,
    pub status: BlockStatus,
    /// Order in which block data arrived; breaks ties between equal-work tips.
    pub sequence: u64,
    /// Merge-mined blocks from genesis up to and including this one (per-kind
    /// difficulty numbers the blocks of each kind with it).
    pub merge_mined_count: u32,
}

impl Encodable for BlockIndexRecord {
    fn consensus_encode<W: io::Write + ?Sized>(&self, w: &mut W) -> Result<usize, io::Error> {
        let mut len = self.header.consensus_encode(w)?;
        len += self.height.consensus_encode(w)?;
        len += self.chain_work.to_be_bytes().consensus_encode(w)?;
        len += self.status.0.consensus_encode(w)?;
        len += self.sequence.consensus_encode(w)?;
        len += self.merge_mined_count.consensus_encode(w)?;
        Ok(len)
    }
}

impl Decodable for BlockIndexRecord {
    fn consensus_decode<R: io::Read + ?Sized>(r: &mut R) -> Result<Self, encode::Error> {
        Ok(BlockIndexRecord {
            header: PureHeader::consensus_decode(r)?,
            height: u32::consensus_decode(r)?,
            chain_work: Work::from_be_bytes(<[u8; 32]>::consensus_decode(r)?),
            status: BlockStatus(u8::consensus_decode(r)?),
            sequence: u64::consensus_decode(r)?,
            merge_mined_count: u32::consensus_decode(r)?,
        })
    }
}

/// An unspent output with what spending it must know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coin {
    pub output: TxOut,
    /// Height of the block that created it.
    pub height: u32,
    pub is_coinbase: bool,
    /// First height at which it may be spent (venture vesting; 0: no lock).
    pub unlock_height: u32,
}

impl Encodable for Coin {
    fn consensus_encode<W: io::Write + ?Sized>(&self, w: &mut W) -> Result<usize, io::Error> {
        // Height and coinbase flag share one word, as in Bitcoin Core's coins database.
        let code = (u64::from(self.height) << 1) | u64::from(self.is_coinbase);
        let mut len = code.consensus_encode(w)?;
        len += self.unlock_height.consensus_encode(w)?;
        len += self.output.consensus_encode(w)?;
        Ok(len)
    }
}

impl Decodable for Coin {
    fn consensus_decode<R: io::Read + ?Sized>(r: &mut R) -> Result<Self, encode::Error> {
        let code = u64::consensus_decode(r)?;
        let height = u32::try_from(code >> 1)
            .map_err(|_| encode::Error::ParseFailed("coin height out of range"))?;
        Ok(Coin {
            height,
            is_coinbase: code & 1 == 1,
            unlock_height: u32::consensus_decode(r)?,
            output: TxOut::consensus_decode(r)?,
        })
    }
}

/// The coins a block spent, in the order its inputs spent them, so that disconnecting
/// the block can put them back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BlockUndo {
    pub spent: Vec<Coin>,
}

impl Encodable for BlockUndo {
    fn consensus_encode<W: io::Write + ?Sized>(&self, w: &mut W) -> Result<usize, io::Error> {
        let mut len = encode::VarInt(self.spent.len() as u64).consensus_encode(w)?;
        for coin in &self.spent {
            len += coin.consensus_encode(w)?;
        }
        Ok(len)
    }
}

impl Decodable for BlockUndo {
    fn consensus_decode<R: io::Read + ?Sized>(r: &mut R) -> Result<Self, encode::Error> {
        let count = encode::VarInt::consensus_decode(r)?.0;
        // Every coin takes at least 10 bytes; cap the preallocation accordingly.
        let mut spent = Vec::with_capacity(count.min(100_000) as usize);
        for _ in 0..count {
            spent.push(Coin::consensus_decode(r)?);
        }
        Ok(BlockUndo { spent })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bitcoin::{Amount, ScriptBuf};

    #[test]
    fn records_round_trip() {
        let coin = Coin {
            output: TxOut {
                value: Amount::from_sat(5_000_000_000),
                script_pubkey: ScriptBuf::from_bytes(vec![0x00, 0x14, 1, 2, 3]),
            },
            height: 1_000_000,
            is_coinbase: true,
            unlock_height: 1_050_000,
        };
        let back: Coin = encode::deserialize(&encode::serialize(&coin)).unwrap();
        assert_eq!(back, coin);
        let undo = BlockUndo {
            spent: vec![coin.clone(), coin],
        };
        let back: BlockUndo = encode::deserialize(&encode::serialize(&undo)).unwrap();
        assert_eq!(back, undo);
    }
}

/// What the node remembers of each block that closes a venture epoch (the first block
/// after it), keyed by block hash so every branch has its own.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SettlementRecord {
    /// The epoch this block settled.
    pub epoch: u32,
    /// Settlement outputs at the start of its coinbase.
    pub outputs: u32,
    /// Paid by this settlement.
    pub paid: u64,
    /// Paid by all settlements up to and including this one.
    pub paid_total: u64,
    /// Allocation not paid yet, carried into the next epoch.
    pub carry: u64,
}

impl Encodable for SettlementRecord {
    fn consensus_encode<W: io::Write + ?Sized>(&self, w: &mut W) -> Result<usize, io::Error> {
        let mut len = self.epoch.consensus_encode(w)?;
        len += self.outputs.consensus_encode(w)?;
        len += self.paid.consensus_encode(w)?;
        len += self.paid_total.consensus_encode(w)?;
        len += self.carry.consensus_encode(w)?;
        Ok(len)
    }
}

impl Decodable for SettlementRecord {
    fn consensus_decode<R: io::Read + ?Sized>(r: &mut R) -> Result<Self, encode::Error> {
        Ok(SettlementRecord {
            epoch: u32::consensus_decode(r)?,
            outputs: u32::consensus_decode(r)?,
            paid: u64::consensus_decode(r)?,
            paid_total: u64::consensus_decode(r)?,
            carry: u64::consensus_decode(r)?,
        })
    }
}
