//! Seeds for the consensus targets: real Namecoin and Dogecoin blocks, headers, AuxPoWs
//! and transactions, genesis blocks of the shipped specs, and a merge-mined block with a
//! SegWit spend built with the commitment builder.

use super::{seed_error, Seed, Vectors};
use crate::FuzzError;
use bitcoin::consensus::encode;
use bitcoin::hashes::Hash;
use bitcoin::{
    absolute, transaction, Amount, BlockHash, OutPoint, ScriptBuf, Sequence, Transaction, TxIn,
    TxMerkleNode, TxOut, Txid, Witness,
};
use serde_json::Value;
use std::path::Path;
use std::str::FromStr;
use venture_auxpow::{AuxChain, AuxPow, MergedMiningCommitment};
use venture_chainspec::ChainParams;
use venture_primitives::{coinbase_script, coinbase_transaction, Block, Header};

pub(super) fn seeds(v: &Vectors, workspace: &Path, seeds: &mut Vec<Seed>) -> Result<(), FuzzError> {
    // Blocks: Namecoin's first merge-mined blocks, Dogecoin with a Litecoin (scrypt)
    // parent, plain Dogecoin blocks with and without a chain id in the version.
    let blocks = [
        (
            "nmc-19200-first-merge-mined",
            "valid/nmc_mainnet_19200_full_block.json",
        ),
        ("nmc-19204", "valid/nmc_mainnet_19204_full_block.json"),
        (
            "doge-371337-scrypt-parent",
            "valid/doge_mainnet_371337.json",
        ),
        ("doge-1-native", "valid/doge_mainnet_1_no_auxpow.json"),
        (
            "doge-testnet-158100-chain-id",
            "valid/doge_testnet_158100_chainid_no_auxpow.json",
        ),
    ];
    let mut transactions: Vec<Transaction> = Vec::new();
    for (name, file) in blocks {
        let bytes = v.hex(file, "full_block_hex")?;
        let block: Block = encode::deserialize(&bytes).map_err(|e| seed_error(file, e))?;
        transactions.extend(block.txdata.iter().take(2).cloned());
        if let Some(auxpow) = &block.header.auxpow {
            transactions.push(auxpow.coinbase_tx.clone());
        }
        seeds.push(("block", name.into(), bytes));
    }
    let dev = ChainParams::from_toml(venture_chainspec::builtin_spec("dev").unwrap_or_default())
        .map_err(|e| seed_error("dev spec", e))?;
    seeds.push((
        "block",
        "dev-genesis".into(),
        encode::serialize(&dev.genesis),
    ));
    let example = std::fs::read_to_string(workspace.join("chainspec/venture-example.toml"))
        .map_err(|e| seed_error("venture-example.toml", e))?;
    let example = ChainParams::from_toml(&example).map_err(|e| seed_error("venture-example", e))?;
    seeds.push((
        "block",
        "venture-example-genesis".into(),
        encode::serialize(&example.genesis),
    ));
    let (merge_mined, segwit) = merge_mined_block(&dev)?;
    seeds.push((
        "block",
        "dev-merge-mined-segwit".into(),
        encode::serialize(&merge_mined),
    ));

    // Headers with AuxPoW: the first merge-mined Namecoin header, legacy coinbases,
    // a zero-output parent coinbase, a scrypt parent, and headers without AuxPoW.
    let headers = [
        (
            "nmc-19188-before-merged-mining",
            "valid/nmc_mainnet_19188.json",
        ),
        (
            "nmc-19200-first-merge-mined",
            "valid/nmc_mainnet_19200.json",
        ),
        ("nmc-36719", "valid/nmc_mainnet_36719.json"),
        ("nmc-231258", "valid/nmc_mainnet_231258.json"),
        (
            "nmc-testnet-233281-zero-output-coinbase",
            "valid/nmc_testnet_233281_zero_output_coinbase.json",
        ),
        (
            "doge-894863-scrypt-parent",
            "valid/doge_mainnet_894863.json",
        ),
        (
            "doge-testnet-158100-chain-id",
            "valid/doge_testnet_158100_chainid_no_auxpow.json",
        ),
    ];
    for (name, file) in headers {
        seeds.push((
            "header",
            name.into(),
            v.hex(file, "header_with_auxpow_hex")?,
        ));
    }
    seeds.push((
        "header",
        "dev-merge-mined".into(),
        encode::serialize(&merge_mined.header),
    ));

    // AuxPoWs as pools submit them, prefixed with the block's chain id and hash.
    let auxpows = [
        (
            "btcpool-chain-branch-4",
            "valid/btcpool_btc_regtest_parent_auxpow_chainbranch4.json",
        ),
        (
            "btcpool-hashblock-le",
            "valid/btcpool_btc_regtest_parent_auxpow_hashblock_le.json",
        ),
        (
            "btcpool-testnet-hashblock-be",
            "valid/btcpool_btc_testnet_parent_auxpow_hashblock_be.json",
        ),
        ("doge-403931", "valid/doge_mainnet_403931_auxpow_only.json"),
        (
            "nmc-19414-legacy",
            "valid/nmc_mainnet_19414_auxpow_only.json",
        ),
        (
            "doge-403931-coinbase-no-inputs",
            "negative/doge403931_coinbase_no_inputs.json",
        ),
        (
            "doge-403931-chain-branch-32",
            "negative/doge403931_chain_branch_32.json",
        ),
    ];
    for (name, file) in auxpows {
        let json = v.json(file)?;
        let chain_id = json
            .get("our_chain_id")
            .and_then(Value::as_i64)
            .unwrap_or(0x5645) as i32;
        let hash = json
            .get("aux_block_hash")
            .and_then(Value::as_str)
            .and_then(|text| BlockHash::from_str(text).ok())
            .unwrap_or_else(BlockHash::all_zeros);
        let mut bytes = chain_id.to_le_bytes().to_vec();
        bytes.extend(hash.to_byte_array());
        bytes.extend(v.hex(file, "auxpow_hex")?);
        seeds.push(("auxpow", name.into(), bytes));
    }

    // Transactions: coinbases (Namecoin, Dogecoin, parent coinbases from AuxPoWs),
    // ordinary spends, and a SegWit spend.
    transactions.push(segwit);
    let mut seen = std::collections::HashSet::new();
    for tx in transactions {
        let bytes = encode::serialize(&tx);
        if bytes.len() <= 4096 && seen.insert(tx.compute_wtxid()) && seen.len() <= 10 {
            let name = format!("tx-{}", &tx.compute_wtxid().to_string()[..16]);
            seeds.push(("transaction", name, bytes));
        }
    }
    Ok(())
}

/// A block of the dev chain, merge-mined through a parent coinbase committing to it and
/// one other chain, carrying a coinbase and a SegWit spend.
fn merge_mined_block(dev: &ChainParams) -> Result<(Block, Transaction), FuzzError> {
    let chain_id = dev.spec.consensus.chain_id as i32;
    let segwit = Transaction {
        version: transaction::Version::TWO,
        lock_time: absolute::LockTime::ZERO,
        input: vec![TxIn {
            previous_output: OutPoint::new(Txid::from_byte_array([7; 32]), 1),
            script_sig: ScriptBuf::new(),
            sequence: Sequence::ENABLE_RBF_NO_LOCKTIME,
            witness: Witness::from_slice(&[vec![0x30; 71], vec![0x02; 33]]),
        }],
        output: vec![TxOut {
            value: Amount::from_sat(49_000),
            script_pubkey: ScriptBuf::new_p2wpkh(&bitcoin::WPubkeyHash::from_byte_array([3; 20])),
        }],
    };
    let coinbase = coinbase_transaction(
        1,
        coinbase_script(1, &[b"/venture/"]),
        vec![TxOut {
            value: Amount::from_sat(5_000_000_000),
            script_pubkey: ScriptBuf::new_p2wpkh(&bitcoin::WPubkeyHash::from_byte_array([4; 20])),
        }],
    );
    let txdata = vec![coinbase, segwit.clone()];
    let merkle_root = bitcoin::merkle_tree::calculate_root(
        txdata.iter().map(|tx| tx.compute_txid().to_raw_hash()),
    )
    .map(TxMerkleNode::from_raw_hash)
    .unwrap_or_else(TxMerkleNode::all_zeros);
    let pure = bitcoin::block::Header {
        version: bitcoin::block::Version::from_consensus(venture_chainspec::block_version(
            dev.spec.consensus.chain_id,
            true,
        )),
        prev_blockhash: dev.genesis_hash,
        merkle_root,
        time: dev.spec.genesis.time + 60,
        bits: bitcoin::CompactTarget::from_consensus(dev.spec.genesis.bits.0),
        nonce: 0,
    };
    let chains = [
        AuxChain {
            chain_id,
            block_hash: pure.block_hash(),
        },
        AuxChain {
            chain_id: 1,
            block_hash: BlockHash::from_byte_array([9; 32]),
        },
    ];
    let commitment =
        MergedMiningCommitment::build(&chains, 7).map_err(|e| seed_error("commitment", e))?;
    let mut script = bitcoin::script::Builder::new()
        .push_int(840_000)
        .into_bytes();
    script.push(44);
    script.extend_from_slice(&commitment.script_bytes());
    let parent_coinbase = coinbase_transaction(
        1,
        ScriptBuf::from_bytes(script),
        vec![TxOut {
            value: Amount::from_sat(312_500_000),
            script_pubkey: ScriptBuf::new_op_return([0u8; 4]),
        }],
    );
    let branch = vec![TxMerkleNode::from_byte_array([5; 32])];
    let leaf = TxMerkleNode::from_raw_hash(parent_coinbase.compute_txid().to_raw_hash());
    let parent = bitcoin::block::Header {
        version: bitcoin::block::Version::from_consensus(0x2000_0000),
        prev_blockhash: BlockHash::from_byte_array([6; 32]),
        merkle_root: venture_auxpow::check_merkle_branch(leaf, &branch, 0),
        time: 1_700_000_000,
        bits: bitcoin::CompactTarget::from_consensus(0x207f_ffff),
        nonce: 0,
    };
    let auxpow: AuxPow = commitment
        .assemble(chain_id, parent_coinbase, branch, parent)
        .map_err(|e| seed_error("assemble", e))?;
    let block = Block {
        header: Header::with_auxpow(pure, auxpow),
        txdata,
    };
    Ok((block, segwit))
}
