//! The spec file's structure. Field-by-field documentation: `docs/chainspec.md`.

use bitcoin::BlockHash;
use serde::{Deserialize, Serialize};
use venture_difficulty::DifficultyConfig;
use venture_pow::{Bits, PowAlgorithm, Work};

/// A whole chain spec.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChainSpec {
    /// Human-readable name, e.g. "Venture Devnet".
    pub name: String,
    /// Short identifier (lower-case letters, digits, `-`, `_`): names data directories.
    pub id: String,
    pub chain_type: ChainType,
    /// Currency ticker, e.g. "VDEV".
    pub ticker: String,
    pub consensus: ConsensusSpec,
    pub difficulty: DifficultyConfig,
    pub genesis: GenesisSpec,
    pub network: NetworkSpec,
    #[serde(default)]
    pub mining: MiningSpec,
    /// Merged mining; absent means the chain is mined natively only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_mining: Option<MergedMiningSpec>,
    /// The venture allocation: a capped share of the coin paid by consensus to the
    /// miners who secure the launch. Absent means none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub venture: Option<VentureSpec>,
}

/// The venture allocation (see `docs/venture.md`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VentureSpec {
    /// First height of the launch window.
    pub start_height: u32,
    /// Last height of the launch window.
    pub end_height: u32,
    /// Total allocation over the window, base units.
    pub total: u64,
    /// Blocks per epoch; each epoch is settled by the first block after it.
    pub epoch_length: u32,
    /// Which blocks earn a share.
    #[serde(default)]
    pub eligible: Eligibility,
    /// How settlement outputs unlock.
    #[serde(default)]
    pub vesting: VestingSpec,
    /// Most payout scripts one settlement pays; the work of the others still counts
    /// and their shares are carried (see `docs/venture.md`).
    #[serde(default = "default_max_recipients")]
    pub max_recipients: u32,
}

fn default_max_recipients() -> u32 {
    crate::DEFAULT_MAX_RECIPIENTS
}

/// Which blocks' work earns venture shares.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Eligibility {
    /// Only merge-mined blocks: the parent chain's miners the allocation is meant for.
    #[default]
    MergeMined,
    /// Every block.
    All,
}

/// A vesting schedule: locked for `cliff_blocks` after the output is created, then
/// released in `tranches` equal parts, `tranche_interval` blocks apart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VestingSpec {
    #[serde(default)]
    pub cliff_blocks: u32,
    #[serde(default = "one")]
    pub tranches: u32,
    #[serde(default)]
    pub tranche_interval: u32,
}

impl Default for VestingSpec {
    fn default() -> Self {
        VestingSpec {
            cliff_blocks: 0,
            tranches: 1,
            tranche_interval: 0,
        }
    }
}

fn one() -> u32 {
    1
}

/// Merged mining in Namecoin's AuxPoW format. The chain id is `consensus.chain_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MergedMiningSpec {
    /// Proof of work of the parent chain: `sha256d` (Bitcoin) or `scrypt` (Litecoin).
    pub parent_pow: PowAlgorithm,
    /// First height at which merge-mined blocks are valid; before it the chain is in a
    /// native-only launch phase.
    #[serde(default)]
    pub activation_height: u32,
    /// Whether natively mined blocks stay valid from the activation height on.
    #[serde(default = "yes")]
    pub native_blocks: bool,
}

fn yes() -> bool {
    true
}

/// What kind of network the chain is: development chains get conveniences (instant
/// blocks, `generatetoaddress`) that live chains must not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChainType {
    Development,
    Local,
    Live,
}

/// Consensus rules other than difficulty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsensusSpec {
    /// Proof-of-work hash of native blocks.
    pub pow: PowAlgorithm,
    /// Easiest target any block may have, compact form.
    pub pow_limit: Bits,
    /// Intended seconds between blocks.
    pub target_spacing: u32,
    /// How far (seconds) a block's time may be ahead of the node's adjusted time.
    #[serde(default = "default_max_future_block_time")]
    pub max_future_block_time: u32,
    /// Blocks before a coinbase output may be spent.
    pub coinbase_maturity: u32,
    /// BIP141 weight limit of a block, AuxPoW included.
    #[serde(default = "default_max_block_weight")]
    pub max_block_weight: u64,
    /// Sigop cost limit of a block (Bitcoin's 80,000).
    #[serde(default = "default_max_block_sigops_cost")]
    pub max_block_sigops_cost: u64,
    /// Merged-mining chain id carried in bits 16..31 of every block version.
    pub chain_id: u32,
    /// Chain work a header chain must reach before this node stores its headers
    /// (Bitcoin Core's `nMinimumChainWork`): raised with each release to the work of
    /// the live chain, so a peer cannot fill a new node with a cheap fork from genesis.
    /// Hex; zero (the default) leaves only the threshold near our own tip.
    #[serde(default, skip_serializing_if = "Work::is_zero")]
    pub min_chain_work: Work,
    pub subsidy: SubsidySpec,
}

/// The block subsidy schedule, in base units (1 coin = 100,000,000 units).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubsidySpec {
    /// Subsidy of block 1 onwards until the first halving.
    pub initial: u64,
    /// Blocks between halvings.
    pub halving_interval: u32,
    /// No amount, and no sum of issuance, may exceed this.
    pub max_supply: u64,
}

/// The genesis block. `nonce` and `hash` are filled in by `ventured build-spec`; when
/// present they are checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisSpec {
    /// Unix time of the genesis header.
    pub time: u32,
    pub bits: Bits,
    /// Text committed in the genesis coinbase (at most 90 bytes).
    pub message: String,
    /// Outputs of the genesis coinbase (a faucet, a treasury, …), spendable as declared.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allocations: Vec<GenesisAllocation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<BlockHash>,
}

/// One output of the genesis block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisAllocation {
    /// Who receives it: an address of this chain.
    pub address: String,
    /// Base units (1 coin = 100,000,000).
    pub amount: u64,
    /// Locks the allocation like venture settlements, counted from the genesis block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vesting: Option<VestingSpec>,
}

/// Addresses and ports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkSpec {
    /// Bech32 human-readable part of addresses, e.g. "vdev".
    pub address_hrp: String,
    pub p2p_port: u16,
    pub rpc_port: u16,
    /// Multiaddresses of seed nodes. Not part of the spec hash: they may change.
    #[serde(default)]
    pub bootnodes: Vec<String>,
}

/// Conveniences for miners and testers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MiningSpec {
    /// Whether the `generatetoaddress` RPC is available (development chains only).
    #[serde(default)]
    pub allow_generate: bool,
    /// The built-in miner starts a block no sooner than this many milliseconds after
    /// the previous one (0: mine continuously). Paces instant-difficulty devnets.
    #[serde(default)]
    pub block_interval_ms: u64,
}

fn default_max_future_block_time() -> u32 {
    2 * 60 * 60
}

fn default_max_block_sigops_cost() -> u64 {
    80_000
}

fn default_max_block_weight() -> u64 {
    4_000_000
}
