//! `ventured wallet …`: a wallet kept in the node's data directory (`wallet.json`) that
//! talks to the running node over JSON-RPC. It creates or restores the wallet, hands out
//! addresses, shows coins and balance (found with `scantxoutset`), sends, and on
//! development chains pays from the published dev account (the faucet).
//!
//! Balances count confirmed coins only: `scantxoutset` reads the UTXO set, so change
//! from a transaction still in the mempool appears once it is mined.

use super::wallet_node::{broadcast, choose_fee_rate, connect, scan, spend_unspent, wallet_coins};
use crate::cli::ChainArgs;
use crate::datadir;
use anyhow::{anyhow, bail, Context, Result};
use bitcoin::FeeRate;
use std::io::{IsTerminal, Read};
use std::path::Path;
use std::process::ExitCode;
use venture_chainspec::ChainParams;
use venture_wallet::{
    format_coins, parse_coins, recipient, sat_per_vb, sign_p2wpkh_spend, wallet_path, AddressKind,
    Balance, Maturity, Mnemonic, SignedSpend, Wallet, WalletError, WalletUtxo, GAP_LIMIT,
};

/// Where the node's JSON-RPC server is.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct RpcTarget {
    /// The node's JSON-RPC address, `host:port` (default: read from DATADIR/rpc.addr,
    /// which a running node writes).
    #[arg(long = "rpc-url", value_name = "HOST:PORT")]
    pub url: Option<String>,
}

/// How the wallet passphrase is given.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct PassphraseArgs {
    /// Read the wallet passphrase from this environment variable (default: ask on the
    /// terminal when there is one; otherwise no passphrase).
    #[arg(long, value_name = "VAR")]
    pub passphrase_env: Option<String>,
}

#[derive(Debug, clap::Subcommand)]
pub enum WalletCommand {
    /// Create a wallet in the data directory and show its recovery words once.
    Create {
        /// Words in the new mnemonic: 12 or 24.
        #[arg(long, default_value_t = 12, value_parser = parse_word_count)]
        words: usize,
        #[command(flatten)]
        passphrase: PassphraseArgs,
    },
    /// Restore a wallet from its recovery words (asked on the terminal, else read from
    /// standard input to its end).
    Restore {
        /// Read the recovery words from this environment variable instead.
        #[arg(long, value_name = "VAR")]
        mnemonic_env: Option<String>,
        #[command(flatten)]
        passphrase: PassphraseArgs,
    },
    /// Print a new receive address.
    Address {
        /// p2wpkh (`…1q…`, the default) or p2tr (`…1p…`).
        #[arg(long = "type", value_name = "TYPE", default_value = "p2wpkh")]
        kind: AddressKind,
    },
    /// Show the confirmed spendable, immature and total balance.
    Balance,
    /// List the wallet's coins.
    List,
    /// Print the wallet's output descriptors (receive and change, P2WPKH and P2TR).
    Descriptors,
    /// Send AMOUNT coins (e.g. 1.5) to ADDRESS; prints the txid.
    Send {
        /// Recipient: a P2WPKH or P2TR address of this chain.
        address: String,
        /// Amount in coins, e.g. 1.5.
        amount: String,
        /// Fee rate in sat/vB (default: the node's estimatesmartfee, at least 1).
        #[arg(long, value_name = "SAT/VB")]
        fee_rate: Option<f64>,
        /// Address type of the change output.
        #[arg(long = "change-type", value_name = "TYPE", default_value = "p2wpkh")]
        change_kind: AddressKind,
        #[command(flatten)]
        passphrase: PassphraseArgs,
    },
    /// Development chains only: send AMOUNT coins from the dev account to ADDRESS;
    /// prints the txid.
    Faucet {
        /// Recipient: a P2WPKH or P2TR address of this chain.
        address: String,
        /// Amount in coins, e.g. 10.
        amount: String,
        /// Fee rate in sat/vB (default: the node's estimatesmartfee, at least 1).
        #[arg(long, value_name = "SAT/VB")]
        fee_rate: Option<f64>,
    },
}

fn parse_word_count(text: &str) -> Result<usize, String> {
    match text {
        "12" => Ok(12),
        "24" => Ok(24),
        other => Err(format!("`{other}`: a new mnemonic has 12 or 24 words")),
    }
}

/// Runs a wallet subcommand against the data directory and node of `chain`.
pub fn run(command: WalletCommand, chain: &ChainArgs, rpc: &RpcTarget) -> Result<ExitCode> {
    let params = datadir::load_params(&chain.chain)?;
    let dir = datadir::resolve(chain.datadir.as_deref(), &params);
    match command {
        WalletCommand::Create { words, passphrase } => create(&params, &dir, words, &passphrase)?,
        WalletCommand::Restore {
            mnemonic_env,
            passphrase,
        } => restore(&params, &dir, rpc, mnemonic_env.as_deref(), &passphrase)?,
        WalletCommand::Address { kind } => {
            let mut wallet = open(&params, &dir)?;
            println!("{}", wallet.new_address(kind)?);
        }
        WalletCommand::Balance => balance(&params, &dir, rpc)?,
        WalletCommand::List => list(&params, &dir, rpc)?,
        WalletCommand::Descriptors => {
            for descriptor in open(&params, &dir)?.descriptors() {
                println!("{descriptor}");
            }
        }
        WalletCommand::Send {
            address,
            amount,
            fee_rate,
            change_kind,
            passphrase,
        } => send(
            &params,
            &dir,
            rpc,
            &address,
            &amount,
            fee_rate,
            change_kind,
            &passphrase,
        )?,
        WalletCommand::Faucet {
            address,
            amount,
            fee_rate,
        } => faucet(&params, &dir, rpc, &address, &amount, fee_rate)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn create(params: &ChainParams, dir: &Path, words: usize, args: &PassphraseArgs) -> Result<()> {
    // Checked before asking for a passphrase, not only when writing.
    if Wallet::exists(dir) {
        bail!(WalletError::AlreadyExists(wallet_path(dir)));
    }
    let passphrase = new_passphrase(args)?;
    let (wallet, mnemonic) = Wallet::create(dir, &params.hrp, passphrase.as_deref(), words)?;
    show_mnemonic(&mnemonic);
    report_saved(&wallet);
    Ok(())
}

fn restore(
    params: &ChainParams,
    dir: &Path,
    rpc: &RpcTarget,
    mnemonic_env: Option<&str>,
    args: &PassphraseArgs,
) -> Result<()> {
    if Wallet::exists(dir) {
        bail!(WalletError::AlreadyExists(wallet_path(dir)));
    }
    let words = match mnemonic_env {
        Some(var) => env_secret(var)?,
        None if std::io::stdin().is_terminal() => rpassword::prompt_password("Recovery words: ")
            .context("cannot read the recovery words")?,
        None => {
            let mut words = String::new();
            std::io::stdin()
                .read_to_string(&mut words)
                .context("cannot read the recovery words from standard input")?;
            words
        }
    };
    // Checked before asking for a passphrase.
    venture_wallet::parse_mnemonic(&words)?;
    let passphrase = new_passphrase(args)?;
    let mut wallet = Wallet::restore(dir, &params.hrp, &words, passphrase.as_deref())?;
    report_saved(&wallet);
    // Finding the coins moves the address indices past the used ones; without a node
    // that waits for the first `balance`.
    let found = connect(dir, rpc).and_then(|client| wallet_coins(&mut wallet, &client));
    match found {
        Ok(scan) => {
            let balance = Balance::of(&scan.utxos, &maturity(params, scan.height));
            eprintln!(
                "found {} coins, {} {}",
                scan.utxos.len(),
                format_coins(balance.total()),
                params.spec.ticker
            );
        }
        Err(error) => eprintln!("not scanning for coins now ({error:#}); `wallet balance` will"),
    }
    Ok(())
}

fn balance(params: &ChainParams, dir: &Path, rpc: &RpcTarget) -> Result<()> {
    let mut wallet = open(params, dir)?;
    let client = connect(dir, rpc)?;
    let scan = wallet_coins(&mut wallet, &client)?;
    let balance = Balance::of(&scan.utxos, &maturity(params, scan.height));
    let ticker = &params.spec.ticker;
    println!("spendable  {} {ticker}", format_coins(balance.spendable));
    println!("immature   {} {ticker}", format_coins(balance.immature));
    println!("total      {} {ticker}", format_coins(balance.total()));
    println!(
        "coins      {} (confirmed, at height {})",
        scan.utxos.len(),
        scan.height
    );
    Ok(())
}

fn list(params: &ChainParams, dir: &Path, rpc: &RpcTarget) -> Result<()> {
    let mut wallet = open(params, dir)?;
    let client = connect(dir, rpc)?;
    let mut scan = wallet_coins(&mut wallet, &client)?;
    let maturity = maturity(params, scan.height);
    scan.utxos
        .sort_by(|a, b| a.height.cmp(&b.height).then(a.outpoint.cmp(&b.outpoint)));
    for utxo in &scan.utxos {
        let address = wallet
            .address_of(&utxo.txout.script_pubkey)
            .unwrap_or_else(|| utxo.txout.script_pubkey.to_hex_string());
        let state = match (utxo.is_coinbase, maturity.is_spendable(utxo)) {
            (false, _) => "",
            (true, true) => " coinbase",
            (true, false) => " coinbase, immature",
        };
        println!(
            "{}  {:>20}  {address}  height {}{state}",
            utxo.outpoint,
            format_coins(utxo.txout.value),
            utxo.height
        );
    }
    if scan.utxos.is_empty() {
        eprintln!("no coins (at height {})", scan.height);
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn send(
    params: &ChainParams,
    dir: &Path,
    rpc: &RpcTarget,
    address: &str,
    amount: &str,
    fee_rate: Option<f64>,
    change_kind: AddressKind,
    args: &PassphraseArgs,
) -> Result<()> {
    let mut wallet = open(params, dir)?;
    let payee = recipient(&params.hrp, address, parse_coins(amount)?)?;
    if wallet.is_locked() {
        let passphrase = existing_passphrase(args)?.ok_or_else(|| {
            anyhow!("the wallet is encrypted: give its passphrase with --passphrase-env VAR, or run in a terminal to be asked")
        })?;
        wallet.unlock(&passphrase)?;
    }
    let client = connect(dir, rpc)?;
    let rate = choose_fee_rate(&client, fee_rate)?;
    let scan = wallet_coins(&mut wallet, &client)?;
    let maturity = maturity(params, scan.height);
    let spend = spend_unspent(&client, scan.utxos, |coins| {
        wallet.create_transaction(
            coins,
            std::slice::from_ref(&payee),
            rate,
            &maturity,
            change_kind,
        )
    })?;
    let txid = broadcast(&client, &spend.tx)?;
    if let Some(change) = &spend.change {
        // The change index is used only once the node has the transaction.
        if let Err(error) = wallet.mark_used(std::slice::from_ref(&change.script_pubkey), GAP_LIMIT)
        {
            eprintln!("warning: could not record the change address as used: {error}");
        }
    }
    report_sent(params, &spend, address, rate);
    println!("{txid}");
    Ok(())
}

fn faucet(
    params: &ChainParams,
    dir: &Path,
    rpc: &RpcTarget,
    address: &str,
    amount: &str,
    fee_rate: Option<f64>,
) -> Result<()> {
    if !params.is_development() {
        bail!(
            "the faucet exists only on development chains; `{}` is a {:?} chain",
            params.spec.id,
            params.spec.chain_type
        );
    }
    let payee = recipient(&params.hrp, address, parse_coins(amount)?)?;
    let client = connect(dir, rpc)?;
    let rate = choose_fee_rate(&client, fee_rate)?;
    let dev_address = crate::dev_account::dev_address(&params.hrp);
    let dev_script = crate::dev_account::dev_script();
    let scan = scan(&client, vec![format!("addr({dev_address})")])?;
    let coins: Vec<WalletUtxo> = scan
        .utxos
        .into_iter()
        .filter(|utxo| utxo.txout.script_pubkey == dev_script)
        .collect();
    let maturity = maturity(params, scan.height);
    let secret = crate::dev_account::dev_secret_key();
    let spend = spend_unspent(&client, coins, |coins| {
        sign_p2wpkh_spend(
            &secret,
            coins,
            std::slice::from_ref(&payee),
            &dev_script,
            rate,
            &maturity,
        )
    })
    .with_context(|| format!("the dev account {dev_address} cannot pay"))?;
    let txid = broadcast(&client, &spend.tx)?;
    report_sent(params, &spend, address, rate);
    println!("{txid}");
    Ok(())
}

/// Opens the data directory's wallet without unlocking it.
fn open(params: &ChainParams, dir: &Path) -> Result<Wallet> {
    Ok(Wallet::open(dir, &params.hrp, None)?)
}

fn maturity(params: &ChainParams, tip_height: u32) -> Maturity {
    Maturity {
        tip_height,
        coinbase_maturity: params.spec.consensus.coinbase_maturity,
    }
}

/// A new wallet's passphrase: from the environment, or asked twice on a terminal (empty
/// for none), or none when there is no terminal.
fn new_passphrase(args: &PassphraseArgs) -> Result<Option<String>> {
    if let Some(var) = &args.passphrase_env {
        return Ok(Some(env_secret(var)?));
    }
    if !std::io::stdin().is_terminal() {
        return Ok(None);
    }
    let first = rpassword::prompt_password("Passphrase to encrypt the wallet (empty for none): ")
        .context("cannot read the passphrase")?;
    if first.is_empty() {
        return Ok(None);
    }
    let again = rpassword::prompt_password("Repeat the passphrase: ")
        .context("cannot read the passphrase")?;
    if again != first {
        bail!("the passphrases differ; nothing was created");
    }
    Ok(Some(first))
}

/// An existing wallet's passphrase: from the environment, or asked on a terminal.
fn existing_passphrase(args: &PassphraseArgs) -> Result<Option<String>> {
    if let Some(var) = &args.passphrase_env {
        return Ok(Some(env_secret(var)?));
    }
    if !std::io::stdin().is_terminal() {
        return Ok(None);
    }
    Ok(Some(
        rpassword::prompt_password("Wallet passphrase: ").context("cannot read the passphrase")?,
    ))
}

fn env_secret(var: &str) -> Result<String> {
    let value = std::env::var(var)
        .with_context(|| format!("environment variable {var} is not set (or not text)"))?;
    if value.is_empty() {
        bail!("environment variable {var} is empty");
    }
    Ok(value)
}

fn show_mnemonic(mnemonic: &Mnemonic) {
    println!("Recovery words (write them down in order; they alone restore this wallet):");
    println!();
    let words: Vec<&str> = mnemonic.words().collect();
    for (row, chunk) in words.chunks(4).enumerate() {
        let line: Vec<String> = chunk
            .iter()
            .enumerate()
            .map(|(column, word)| format!("{:>2}. {word:<10}", row * 4 + column + 1))
            .collect();
        println!("  {}", line.join(" ").trim_end());
    }
    println!();
}

fn report_saved(wallet: &Wallet) {
    if wallet.is_encrypted() {
        eprintln!("wallet saved to {} (encrypted)", wallet.path().display());
    } else {
        eprintln!(
            "wallet saved to {} WITHOUT encryption: anyone who can read that file can spend its coins",
            wallet.path().display()
        );
    }
}

fn report_sent(params: &ChainParams, spend: &SignedSpend, address: &str, rate: FeeRate) {
    let ticker = &params.spec.ticker;
    let paid = spend
        .tx
        .output
        .iter()
        .filter(|output| Some(*output) != spend.change.as_ref())
        .map(|output| output.value)
        .sum();
    eprintln!(
        "sent {} {ticker} to {address}; fee {} {ticker} ({:.2} sat/vB asked), {} inputs{}",
        format_coins(paid),
        format_coins(spend.fee),
        sat_per_vb(rate),
        spend.inputs.len(),
        match &spend.change {
            Some(change) => format!(", change {} {ticker}", format_coins(change.value)),
            None => String::new(),
        }
    );
}
