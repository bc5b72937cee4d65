//! `ventured wallet …`: a wallet kept in the node's data directory (`wallet.json`) that
//! talks to the running node over JSON-RPC. It creates or restores the wallet, hands out
//! addresses, shows coins and balance (found with `scantxoutset`), sends, and on
//! development chains pays from the published dev account (the faucet).
//!
//! Balances count confirmed coins only: `scantxoutset` reads the UTXO set, so change
//! from a transaction still in the mempool appears once it is mined.

use crate::cli::ChainArgs;
use crate::datadir;
use anyhow::{anyhow, bail, Context, Result};
use bitcoin::consensus::encode::serialize_hex;
use bitcoin::{FeeRate, OutPoint, ScriptBuf, Transaction, Txid};
use serde_json::{json, Value};
use std::io::{IsTerminal, Read};
use std::path::Path;
use std::process::ExitCode;
use std::str::FromStr;
use venture_chainspec::ChainParams;
use venture_rpc_client::{ClientError, RpcClient};
use venture_wallet::{
    amount_from_rpc_coins, fee_rate_from_coins_per_kvb, fee_rate_from_sat_per_vb, format_coins,
    parse_coins, recipient, sat_per_vb, sign_p2wpkh_spend, wallet_path, AddressKind, Balance,
    Maturity, Mnemonic, SignedSpend, Wallet, WalletError, WalletUtxo, GAP_LIMIT,
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

/// A client for the node of `dir`: `--rpc-url` or the address the node wrote, and the
/// node's cookie.
pub(crate) fn connect(dir: &Path, rpc: &RpcTarget) -> Result<RpcClient> {
    let addr = match &rpc.url {
        Some(url) => url
            .trim()
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string(),
        None => {
            let path = datadir::rpc_addr_file(dir);
            std::fs::read_to_string(&path)
                .with_context(|| {
                    format!(
                        "cannot read {} (is a node running with data directory {}? or give --rpc-url HOST:PORT)",
                        path.display(),
                        dir.display()
                    )
                })?
                .trim()
                .to_string()
        }
    };
    RpcClient::with_cookie(addr, &datadir::cookie(dir))
        .with_context(|| format!("is a node running with data directory {}?", dir.display()))
}

/// Coins found by a UTXO scan, and the height it was made at.
struct Scan {
    height: u32,
    utxos: Vec<WalletUtxo>,
}

/// The wallet's coins. Scans its watched scripts, moves the address indices past any
/// that hold coins, and scans again until nothing moves (coins far past the last known
/// index, e.g. after a restore, are found within a few rounds).
fn wallet_coins(wallet: &mut Wallet, client: &RpcClient) -> Result<Scan> {
    const MAX_ROUNDS: usize = 100;
    for _ in 0..MAX_ROUNDS {
        let scripts = wallet.watched_scripts(GAP_LIMIT)?;
        let descriptors = scripts
            .iter()
            .map(|script| format!("raw({})", script.to_hex_string()))
            .collect();
        let mut found = scan(client, descriptors)?;
        found
            .utxos
            .retain(|utxo| scripts.contains(&utxo.txout.script_pubkey));
        let used: Vec<ScriptBuf> = found
            .utxos
            .iter()
            .map(|u| u.txout.script_pubkey.clone())
            .collect();
        if !wallet.mark_used(&used, GAP_LIMIT)? {
            return Ok(found);
        }
    }
    bail!("the wallet's coins are spread over more addresses than it scans for")
}

/// `scantxoutset start DESCRIPTORS`.
fn scan(client: &RpcClient, descriptors: Vec<String>) -> Result<Scan> {
    let reply = client
        .call("scantxoutset", json!(["start", descriptors]))
        .context("scantxoutset failed")?;
    if reply.get("success").and_then(Value::as_bool) != Some(true) {
        bail!("the node's UTXO scan did not complete: {reply}");
    }
    let height = reply
        .get("height")
        .and_then(Value::as_u64)
        .and_then(|h| u32::try_from(h).ok())
        .ok_or_else(|| anyhow!("scantxoutset reply has no height"))?;
    let utxos = reply
        .get("unspents")
        .and_then(Value::as_array)
        .ok_or_else(|| anyhow!("scantxoutset reply has no unspents"))?
        .iter()
        .map(parse_unspent)
        .collect::<Result<Vec<_>>>()?;
    Ok(Scan { height, utxos })
}

fn parse_unspent(entry: &Value) -> Result<WalletUtxo> {
    let field = |name: &str| {
        entry
            .get(name)
            .ok_or_else(|| anyhow!("scantxoutset reply: an unspent has no `{name}`: {entry}"))
    };
    let text = |name: &str| {
        field(name)?
            .as_str()
            .ok_or_else(|| anyhow!("scantxoutset reply: `{name}` is not a string: {entry}"))
    };
    let number = |name: &str| {
        field(name)?
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| anyhow!("scantxoutset reply: `{name}` is not a small integer: {entry}"))
    };
    let txid = Txid::from_str(text("txid")?).context("scantxoutset reply: bad txid")?;
    let script =
        hex::decode(text("scriptPubKey")?).context("scantxoutset reply: bad scriptPubKey")?;
    let coins = field("amount")?
        .as_f64()
        .ok_or_else(|| anyhow!("scantxoutset reply: `amount` is not a number: {entry}"))?;
    Ok(WalletUtxo {
        outpoint: OutPoint::new(txid, number("vout")?),
        txout: bitcoin::TxOut {
            value: amount_from_rpc_coins(coins)?,
            script_pubkey: ScriptBuf::from_bytes(script),
        },
        height: number("height")?,
        is_coinbase: field("coinbase")?.as_bool().unwrap_or(false),
    })
}

/// The fee rate asked for, or the node's estimate for six blocks; never below 1 sat/vB
/// nor below what the node's mempool currently takes.
fn choose_fee_rate(client: &RpcClient, asked: Option<f64>) -> Result<FeeRate> {
    if let Some(rate) = asked {
        return Ok(fee_rate_from_sat_per_vb(rate)?);
    }
    let coins_per_kvb = |reply: Result<Value, ClientError>, field: &str| {
        reply
            .ok()
            .and_then(|value| value.get(field).and_then(Value::as_f64))
            .and_then(|rate| fee_rate_from_coins_per_kvb(rate).ok())
    };
    let floor = FeeRate::from_sat_per_kwu(250);
    let estimate = coins_per_kvb(client.call("estimatesmartfee", json!([6])), "feerate");
    let mempool_min = coins_per_kvb(client.call("getmempoolinfo", json!([])), "mempoolminfee");
    Ok(floor
        .max(estimate.unwrap_or(floor))
        .max(mempool_min.unwrap_or(floor)))
}

/// Builds a spend from `coins`, dropping coins a transaction in the node's mempool
/// already spends (the UTXO scan does not see the mempool) and building again.
fn spend_unspent(
    client: &RpcClient,
    mut coins: Vec<WalletUtxo>,
    build: impl Fn(&[WalletUtxo]) -> Result<SignedSpend, WalletError>,
) -> Result<SignedSpend> {
    const MAX_ROUNDS: usize = 20;
    for _ in 0..MAX_ROUNDS {
        let spend = build(&coins)?;
        let mut spent = Vec::new();
        for input in &spend.inputs {
            let outpoint = input.outpoint;
            let reply = client
                .call(
                    "gettxout",
                    json!([outpoint.txid.to_string(), outpoint.vout]),
                )
                .context("gettxout failed")?;
            if reply.is_null() {
                spent.push(outpoint);
            }
        }
        if spent.is_empty() {
            return Ok(spend);
        }
        coins.retain(|coin| !spent.contains(&coin.outpoint));
    }
    bail!("too many of the coins are being spent by transactions in the mempool; wait for the next block")
}

/// `sendrawtransaction`; the node's rejection reason comes back with a hint.
fn broadcast(client: &RpcClient, tx: &Transaction) -> Result<Txid> {
    match client.call("sendrawtransaction", json!([serialize_hex(tx)])) {
        Ok(reply) => {
            let txid = tx.compute_txid();
            if reply.as_str() != Some(txid.to_string().as_str()) {
                eprintln!("warning: the node answered {reply}, expected txid {txid}");
            }
            Ok(txid)
        }
        Err(ClientError::Rpc(failure)) => {
            let hint = match failure.message.as_str() {
                m if m.contains("min relay fee not met")
                    || m.contains("mempool min fee not met") =>
                {
                    "\n(raise --fee-rate)"
                }
                m if m.contains("txn-mempool-conflict") || m.contains("missingorspent") => {
                    "\n(a coin was spent meanwhile; try again, or wait for the next block)"
                }
                m if m.contains("premature-spend-of-coinbase") => {
                    "\n(a coinbase output is not mature yet)"
                }
                _ => "",
            };
            bail!(
                "the node rejected the transaction: {} (code {}){hint}",
                failure.message,
                failure.code
            )
        }
        Err(error) => Err(error).context("cannot send the transaction to the node"),
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
