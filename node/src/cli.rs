//! The command line.

use clap::error::ErrorKind;
use clap::parser::ValueSource;
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "ventured",
    version,
    about = "The Venture node: merge-mined proof-of-work chains from a chain spec"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Run the built-in development chain on a throw-away data directory, mining.
    #[arg(long, global = true)]
    pub dev: bool,

    /// Log filter, e.g. `info` or `venture_chain=debug,info` (default: RUST_LOG or info).
    #[arg(long, global = true)]
    pub log: Option<String>,

    /// More log detail: -v for debug, -vv for trace (when no --log or RUST_LOG is set).
    #[arg(short, long, global = true, action = clap::ArgAction::Count, conflicts_with = "quiet")]
    pub verbose: u8,

    /// Less output: -q for warnings and errors only (and no progress bar), -qq for
    /// errors only.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub quiet: u8,

    /// Log lines as text for people or as JSON objects, one per line, for log shippers.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    #[command(flatten)]
    pub run: RunArgs,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

impl Cli {
    /// Parses the command line, refusing `run`'s flags before another command.
    ///
    /// The top-level flags are `run`'s, so that `ventured --chain X` runs a node. Given
    /// before another command they would configure a node that is never started while
    /// that command used its defaults (`ventured --datadir D wallet balance` read the
    /// default data directory), so they are refused by name. `--dev` and `--log` are
    /// global and stay allowed anywhere.
    pub fn parse_checked() -> Cli {
        let matches = Cli::command().get_matches();
        if let Some(command) = matches.subcommand_name() {
            let run = RunArgs::augment_args(clap::Command::new("run"));
            let misplaced = run.get_arguments().find(|arg| {
                matches.value_source(arg.get_id().as_str()) == Some(ValueSource::CommandLine)
            });
            if let Some(arg) = misplaced {
                let flag = arg.get_long().unwrap_or(arg.get_id().as_str());
                Cli::command()
                    .error(
                        ErrorKind::ArgumentConflict,
                        format!(
                            "--{flag} is a flag of `run`; it does nothing before `{command}`: \
                             put the command's own flags after it (ventured {command} --{flag} …)"
                        ),
                    )
                    .exit();
            }
        }
        let matches = with_config_file(matches);
        Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
    }
}

/// The command line again with `run --config FILE`'s settings added where the command
/// line leaves them unset (see [`crate::run_config`]).
fn with_config_file(matches: clap::ArgMatches) -> clap::ArgMatches {
    let run = match matches.subcommand() {
        Some(("run", run)) => run,
        Some(_) => return matches,
        None => &matches,
    };
    let Some(path) = run.get_one::<PathBuf>("config") else {
        return matches;
    };
    match crate::run_config::flags_from_file(path, run) {
        Ok(flags) if flags.is_empty() => matches,
        Ok(flags) => Cli::command()
            .try_get_matches_from(std::env::args_os().chain(flags))
            .unwrap_or_else(|e| e.exit()),
        Err(message) => Cli::command()
            .error(ErrorKind::InvalidValue, message)
            .exit(),
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a node (the default when no command is given).
    Run(RunArgs),
    /// Create the data directory and the genesis block, then exit.
    Init(ChainArgs),
    /// Print the resolved chain spec with the genesis block mined and its hash filled in.
    BuildSpec(BuildSpecArgs),
    /// Delete the chain database of a data directory.
    PurgeChain(PurgeArgs),
    /// Write the active chain's blocks to a file.
    ExportBlocks(ExportArgs),
    /// Validate and import blocks from a file written by export-blocks.
    ImportBlocks(ImportArgs),
    /// Difficulty algorithms: replay published vectors, simulate hash-rate scenarios.
    #[command(subcommand)]
    Difficulty(DifficultyCommand),
    /// Merged mining: verify AuxPoW headers and published vectors.
    #[command(subcommand)]
    Auxpow(AuxpowCommand),
    /// The node's peer-to-peer key.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Keys, addresses and payments, through the node of a data directory.
    Wallet(WalletArgs),
    /// Founders' tools: scaffold a chain, write and verify its launch manifest.
    #[command(subcommand)]
    Launch(LaunchCommand),
    /// Merged-mining coordinator: a Stratum v1 server mining a parent chain and
    /// Venture chains in the same work.
    Mm(crate::commands::mm::MmArgs),
    /// A CPU Stratum v1 miner (SHA-256d or scrypt).
    Miner(crate::commands::miner::MinerArgs),
    /// Print a shell completion script, e.g. `ventured completions bash >
    /// /etc/bash_completion.d/ventured`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `ventured manpage > ventured.1`.
    Manpage,
}

#[derive(Debug, Subcommand)]
pub enum LaunchCommand {
    /// Scaffold a new chain's spec, ready to edit and run.
    New(NewChainArgs),
    /// Write the launch manifest (JSON) of a spec and print a summary.
    Manifest(ManifestArgs),
    /// Check a spec, and optionally a running node, against a manifest.
    Verify(VerifyManifestArgs),
}

#[derive(Debug, Args)]
pub struct NewChainArgs {
    /// The chain's name, e.g. "Acme Coin".
    #[arg(long)]
    pub name: String,
    /// Its ticker, 2 to 8 letters or digits; its lower case is the address prefix.
    #[arg(long)]
    pub ticker: String,
    /// The parent chain whose miners merge-mine it: bitcoin (SHA-256d) or litecoin (scrypt).
    #[arg(long, default_value = "bitcoin", value_parser = ["bitcoin", "litecoin"])]
    pub parent: String,
    /// Output file (default: <id>.toml).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Overwrite the output file.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ManifestArgs {
    /// Built-in chain name or spec file.
    #[arg(long)]
    pub chain: String,
    /// Output file (default: <id>-manifest.json).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct VerifyManifestArgs {
    /// The manifest to check against.
    pub manifest: PathBuf,
    /// Built-in chain name or spec file.
    #[arg(long)]
    pub chain: String,
    /// Also check the node running with this data directory.
    #[arg(long)]
    pub datadir: Option<PathBuf>,
    /// That node's RPC address (default: DATADIR/rpc.addr).
    #[arg(long = "rpc-url", value_name = "HOST:PORT")]
    pub rpc_url: Option<String>,
}

#[derive(Debug, Args)]
pub struct WalletArgs {
    #[command(flatten)]
    pub chain: ChainArgs,
    #[command(flatten)]
    pub rpc: crate::commands::RpcTarget,
    #[command(subcommand)]
    pub command: crate::commands::WalletCommand,
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Print the peer id of the data directory's node key (created if missing).
    PeerId(ChainArgs),
}

#[derive(Debug, Subcommand)]
pub enum DifficultyCommand {
    /// Recompute every expected value in vector files (BCHN ASERT runs, the JSON files
    /// of Bitcoin, Dogecoin, LWMA and Zcash vectors; directories are searched).
    Replay {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Seeded Monte-Carlo run of an algorithm; writes PREFIX.csv and PREFIX.svg.
    Simulate(SimulateArgs),
}

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Take the algorithm and consensus values from this spec (built-in name or file).
    #[arg(long, conflicts_with = "algorithm")]
    pub chain: Option<String>,
    /// Algorithm name (fixed, bitcoin, asert, lwma, digishield, dogecoin_retarget, zcash).
    #[arg(long, required_unless_present = "chain")]
    pub algorithm: Option<String>,
    /// Algorithm parameter as in a spec's [difficulty] table, e.g. `half_life=3600`.
    #[arg(long = "param", value_name = "KEY=VALUE")]
    pub params: Vec<String>,
    /// Intended seconds between blocks (with --algorithm).
    #[arg(long, default_value_t = 600)]
    pub target_spacing: u32,
    /// constant, step, on-off (profit-switching merge-miners), on-off-duty, oscillating.
    #[arg(
        long,
        default_value = "on-off",
        value_parser = ["constant", "step", "on-off", "on-off-duty", "oscillating"]
    )]
    pub scenario: String,
    /// Hash-rate factor of the step or of the on-off miners.
    #[arg(long, default_value_t = 20.0)]
    pub factor: f64,
    /// Block at which the step happens.
    #[arg(long, default_value_t = 500)]
    pub at_block: u32,
    #[arg(long, default_value_t = 3000)]
    pub blocks: u32,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Output prefix: PREFIX.csv and PREFIX.svg are written.
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum AuxpowCommand {
    /// Run the full check over AuxPoW vector files (JSON and bulk .tsv.gz; directories
    /// are searched), or decode one header with --hex.
    Verify(AuxpowVerifyArgs),
}

#[derive(Debug, Args)]
pub struct AuxpowVerifyArgs {
    #[arg(required_unless_present = "hex")]
    pub files: Vec<PathBuf>,
    /// One header (80 bytes, then its AuxPoW if flagged) in hex; prints its fields.
    #[arg(long, conflicts_with = "files")]
    pub hex: Option<String>,
    /// Our chain id, for --hex.
    #[arg(long, default_value_t = 1)]
    pub chain_id: i32,
    /// Parent proof of work, for --hex.
    #[arg(long, default_value = "sha256d", value_parser = ["sha256d", "scrypt"])]
    pub parent_pow: String,
}

/// Which chain, and where its data lives.
#[derive(Debug, Clone, Args)]
pub struct ChainArgs {
    /// Built-in chain name (`dev`) or path to a chain spec TOML file.
    #[arg(long, default_value = "dev")]
    pub chain: String,
    /// Data directory (default: ~/.venture/<chain id>).
    #[arg(long)]
    pub datadir: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub chain: ChainArgs,
    /// Read any of these flags from a TOML file (`rpc-port = 8332`, `mine = true`,
    /// `bootnode = ["…"]`); flags given here win.
    #[arg(long, value_name = "FILE", help_heading = "Operations")]
    pub config: Option<PathBuf>,
    /// Use a temporary data directory, deleted at exit.
    #[arg(long)]
    pub tmp: bool,
    /// JSON-RPC port (default: the spec's; 0 picks a free one).
    #[arg(help_heading = "RPC", long)]
    pub rpc_port: Option<u16>,
    /// Address the JSON-RPC server binds to. Anything but loopback exposes the node.
    #[arg(help_heading = "RPC", long, default_value = "127.0.0.1")]
    pub rpc_bind: IpAddr,
    /// JSON-RPC user (with --rpc-password); cookie auth stays available.
    #[arg(help_heading = "RPC", long)]
    pub rpc_user: Option<String>,
    /// JSON-RPC password; better given in the environment than on the command line,
    /// where other local users can read it.
    #[arg(
        help_heading = "RPC",
        long,
        env = "VENTURE_RPC_PASSWORD",
        hide_env_values = true
    )]
    pub rpc_password: Option<String>,
    /// A JSON-RPC user whose password is stored hashed, `USER:SALT$HASH` as printed by
    /// Bitcoin Core's `share/rpcauth/rpcauth.py` (repeatable).
    #[arg(help_heading = "RPC", long = "rpc-auth", value_name = "USER:SALT$HASH")]
    pub rpc_auth: Vec<String>,
    /// Run the built-in CPU miner.
    #[arg(help_heading = "Mining", long)]
    pub mine: bool,
    /// Address the miner pays (default on development chains: the dev account).
    #[arg(help_heading = "Mining", long)]
    pub mine_address: Option<String>,
    /// Miner threads.
    #[arg(help_heading = "Mining", long, default_value_t = 1)]
    pub mine_threads: usize,
    /// Where the peer-to-peer layer listens (repeatable), e.g. `/ip4/127.0.0.1/tcp/0`
    /// (default: all interfaces on the spec's p2p port).
    #[arg(
        help_heading = "Peer-to-peer",
        long = "p2p-listen",
        value_name = "MULTIADDR"
    )]
    pub p2p_listen: Vec<String>,
    /// A peer to connect to and stay connected with (repeatable), besides the spec's
    /// bootnodes.
    #[arg(
        help_heading = "Peer-to-peer",
        long = "bootnode",
        value_name = "MULTIADDR"
    )]
    pub bootnodes: Vec<String>,
    /// Turn local-network discovery (mDNS) off; it is on by default on development chains.
    #[arg(help_heading = "Peer-to-peer", long, conflicts_with = "mdns")]
    pub no_mdns: bool,
    /// Turn local-network discovery (mDNS) on, whatever the chain.
    #[arg(help_heading = "Peer-to-peer", long)]
    pub mdns: bool,
    /// Keep an index of all confirmed transactions (for getrawtransaction).
    #[arg(help_heading = "Operations", long)]
    pub txindex: bool,
    /// Serve Prometheus metrics at http://ADDR/metrics (off unless given; port 0 picks
    /// a free one). Anything but loopback exposes them.
    #[arg(help_heading = "Operations", long, value_name = "ADDR")]
    pub metrics: Option<SocketAddr>,
    /// Serve the block explorer and launch dashboard at http://ADDR/ (read-only, no
    /// login; off unless given, except with --dev, where it listens on loopback at a
    /// free port). Anything but loopback shows it to everyone who can reach the port.
    #[arg(help_heading = "Operations", long, value_name = "ADDR")]
    pub http: Option<SocketAddr>,
    /// Do not serve the explorer, not even with --dev.
    #[arg(help_heading = "Operations", long, conflicts_with = "http")]
    pub no_http: bool,
    /// Run this shell command each time the best block changes, `%s` replaced by its
    /// hash (as Bitcoin Core's -blocknotify), e.g. to make pool software fetch new work.
    #[arg(help_heading = "Mining", long, value_name = "CMD")]
    pub block_notify: Option<String>,
}

#[derive(Debug, Args)]
pub struct BuildSpecArgs {
    /// Built-in chain name (`dev`) or path to a chain spec TOML file.
    #[arg(long, default_value = "dev")]
    pub chain: String,
}

#[derive(Debug, Args)]
pub struct PurgeArgs {
    #[command(flatten)]
    pub chain: ChainArgs,
    /// Do not ask for confirmation.
    #[arg(short = 'y', long)]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Output file.
    pub file: PathBuf,
    #[command(flatten)]
    pub chain: ChainArgs,
    /// First height to export (default: 1; the genesis block is implied by the spec).
    #[arg(long, default_value_t = 1)]
    pub from: u32,
    /// Last height to export (default: the tip).
    #[arg(long)]
    pub to: Option<u32>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// File written by export-blocks.
    pub file: PathBuf,
    #[command(flatten)]
    pub chain: ChainArgs,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// clap's own checks of the whole tree (clashing short flags between the global
    /// flags and a command's, bad defaults), which it otherwise makes only when that
    /// command is parsed.
    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    /// A command's own flag named like a global one (`import-blocks --quiet` once) is
    /// accepted by clap's checks but fails when the arguments are read back.
    #[test]
    fn no_command_reuses_a_global_flag_name() {
        fn walk(command: &clap::Command, globals: &[String], path: &str) {
            for sub in command.get_subcommands() {
                let here = format!("{path} {}", sub.get_name());
                for arg in sub.get_arguments().filter(|a| !a.is_global_set()) {
                    let id = arg.get_id().to_string();
                    assert!(!globals.contains(&id), "`{here}` redefines global `{id}`");
                }
                walk(sub, globals, &here);
            }
        }
        let command = Cli::command();
        let globals: Vec<String> = command
            .get_arguments()
            .filter(|a| a.is_global_set())
            .map(|a| a.get_id().to_string())
            .collect();
        assert!(globals.contains(&"quiet".to_string()));
        walk(&command, &globals, "ventured");
    }
}
