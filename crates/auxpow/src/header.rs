//! The block header of a Venture chain: Bitcoin's 80 bytes, then an AuxPoW iff the version
//! has the AuxPoW flag (Namecoin's `CBlockHeader` serialization).

use bitcoin::block::Header;
use bitcoin::consensus::encode::{self, Decodable, Encodable};
use bitcoin::hashes::Hash;
use bitcoin::io::{Read, Write};
use bitcoin::{io, BlockHash};

use crate::version;
use crate::AuxPow;

/// A block header with its optional merged-mining proof.
///
/// Decoding follows Namecoin: an AuxPoW is read exactly when the version has the flag.
/// Encoding writes what the value holds: the 80 bytes, then the AuxPoW if present. A
/// header whose flag and AuxPoW disagree can only be built by hand; it fails
/// [`crate::check_header_pow`] and its encoding does not decode back to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuxHeader {
    /// The 80-byte header; the block hash covers exactly these bytes.
    pub pure: Header,
    /// The merged-mining proof, present on merge-mined blocks.
    pub auxpow: Option<Box<AuxPow>>,
}

impl AuxHeader {
    /// A header without AuxPoW (a natively mined block). The version is used as given.
    pub fn new(pure: Header) -> AuxHeader {
        AuxHeader { pure, auxpow: None }
    }

    /// A merge-mined header. Sets the AuxPoW flag like Namecoin's `SetAuxpow`; the flag
    /// must already have been set when the commitment was built, since the block hash the
    /// AuxPoW commits to covers the version.
    pub fn with_auxpow(mut pure: Header, auxpow: AuxPow) -> AuxHeader {
        pure.version = bitcoin::block::Version::from_consensus(
            pure.version.to_consensus() | version::VERSION_AUXPOW,
        );
        AuxHeader {
            pure,
            auxpow: Some(Box::new(auxpow)),
        }
    }

    /// The block hash: sha256d of the 80-byte header (never of the AuxPoW).
    pub fn block_hash(&self) -> BlockHash {
        self.pure.block_hash()
    }

    /// The full version, as a signed integer like Namecoin's `nVersion`.
    pub fn version(&self) -> i32 {
        self.pure.version.to_consensus()
    }

    /// The chain id in the version (see [`version::chain_id`]).
    pub fn chain_id(&self) -> i32 {
        version::chain_id(self.version())
    }

    /// Whether the version carries the AuxPoW flag.
    pub fn has_auxpow_flag(&self) -> bool {
        version::is_auxpow(self.version())
    }

    /// The 80 serialized bytes of the pure header.
    pub fn pure_bytes(&self) -> [u8; 80] {
        header_bytes(&self.pure)
    }
}

impl From<Header> for AuxHeader {
    fn from(pure: Header) -> AuxHeader {
        AuxHeader::new(pure)
    }
}

impl Encodable for AuxHeader {
    fn consensus_encode<W: Write + ?Sized>(&self, writer: &mut W) -> Result<usize, io::Error> {
        let mut len = self.pure.consensus_encode(writer)?;
        if let Some(auxpow) = &self.auxpow {
            len += auxpow.consensus_encode(writer)?;
        }
        Ok(len)
    }
}

impl Decodable for AuxHeader {
    fn consensus_decode_from_finite_reader<R: Read + ?Sized>(
        reader: &mut R,
    ) -> Result<Self, encode::Error> {
        let pure = Header::consensus_decode_from_finite_reader(reader)?;
        let auxpow = if version::is_auxpow(pure.version.to_consensus()) {
            Some(Box::new(AuxPow::consensus_decode_from_finite_reader(
                reader,
            )?))
        } else {
            None
        };
        Ok(AuxHeader { pure, auxpow })
    }
}

/// The 80 consensus bytes of a header, without allocating (what proof-of-work functions
/// hash).
pub fn header_bytes(header: &Header) -> [u8; 80] {
    let mut bytes = [0u8; 80];
    bytes[0..4].copy_from_slice(&header.version.to_consensus().to_le_bytes());
    bytes[4..36].copy_from_slice(header.prev_blockhash.as_byte_array());
    bytes[36..68].copy_from_slice(header.merkle_root.as_byte_array());
    bytes[68..72].copy_from_slice(&header.time.to_le_bytes());
    bytes[72..76].copy_from_slice(&header.bits.to_consensus().to_le_bytes());
    bytes[76..80].copy_from_slice(&header.nonce.to_le_bytes());
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;
    use bitcoin::consensus::encode::serialize;

    #[test]
    fn header_bytes_match_consensus_encoding() {
        let header = bitcoin::constants::genesis_block(bitcoin::Network::Bitcoin).header;
        assert_eq!(header_bytes(&header).to_vec(), serialize(&header));
    }
}
