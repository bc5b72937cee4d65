//! Every name on the wire, in one place. Each embeds the genesis hash (hex, as block
//! explorers show it), so nodes of two chains never speak the same protocol: their
//! gossip topics differ, their sync and Kademlia protocols fail to negotiate, and
//! identify shows the mismatch, after which the connection is dropped.

use bitcoin::BlockHash;

/// The prefix shared by every name of one chain: `/venture/<genesis>`.
pub fn chain_prefix(genesis: &BlockHash) -> String {
    format!("/venture/{genesis}")
}

/// Request-response protocol for status, headers and blocks: `/venture/<genesis>/sync/1`.
pub fn sync_protocol(genesis: &BlockHash) -> String {
    format!("{}/sync/1", chain_prefix(genesis))
}

/// Prefix of the gossipsub protocol ids (`.../meshsub/1.1.0` and `/1.0.0`), so even the
/// gossip streams of two chains do not open.
pub fn gossip_protocol_prefix(genesis: &BlockHash) -> String {
    format!("{}/meshsub", chain_prefix(genesis))
}

/// Gossipsub topic for new blocks: `/venture/<genesis>/blocks/1`.
pub fn blocks_topic(genesis: &BlockHash) -> String {
    format!("{}/blocks/1", chain_prefix(genesis))
}

/// Gossipsub topic for transactions, reserved for the mempool: `/venture/<genesis>/txs/1`.
/// Not subscribed yet; relaying transactions will validate them like blocks are.
pub fn txs_topic(genesis: &BlockHash) -> String {
    format!("{}/txs/1", chain_prefix(genesis))
}

/// Kademlia protocol (a private DHT per chain): `/venture/<genesis>/kad/1.0.0`.
pub fn kad_protocol(genesis: &BlockHash) -> String {
    format!("{}/kad/1.0.0", chain_prefix(genesis))
}

/// What identify announces as the protocol version: `/venture/<genesis>/1.0.0`.
pub fn identify_protocol_version(genesis: &BlockHash) -> String {
    format!("{}/1.0.0", chain_prefix(genesis))
}

/// Whether a peer's identify protocol version says it follows our chain. Only the chain
/// prefix is compared, so later protocol versions of the same chain still match.
pub fn is_same_chain(genesis: &BlockHash, their_protocol_version: &str) -> bool {
    their_protocol_version
        .strip_prefix(&chain_prefix(genesis))
        .is_some_and(|rest| rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use bitcoin::hashes::Hash;

    #[test]
    fn every_name_carries_the_genesis() {
        let genesis = BlockHash::from_byte_array([7; 32]);
        let hex = genesis.to_string();
        for name in [
            sync_protocol(&genesis),
            gossip_protocol_prefix(&genesis),
            blocks_topic(&genesis),
            txs_topic(&genesis),
            kad_protocol(&genesis),
            identify_protocol_version(&genesis),
        ] {
            assert!(name.starts_with("/venture/"), "{name}");
            assert!(name.contains(&hex), "{name}");
        }
        assert!(is_same_chain(
            &genesis,
            &identify_protocol_version(&genesis)
        ));
        assert!(is_same_chain(&genesis, &format!("/venture/{hex}/2.0.0")));
        let other = BlockHash::from_byte_array([8; 32]);
        assert!(!is_same_chain(&other, &identify_protocol_version(&genesis)));
        assert!(!is_same_chain(&genesis, &format!("/venture/{hex}x/1.0.0")));
        assert!(!is_same_chain(&genesis, "/ipfs/0.1.0"));
    }
}
