//! The method table, `help` (generated from the declarations), and the core methods:
//! blockchain, mining and merged mining, network, transactions, the venture allocation
//! and control.

mod auxpow;
mod blockchain;
mod chaintips;
mod control;
mod mempool;
mod mining;
mod network;
mod rawtx;
mod venture;

use crate::method::{ArgSpec, ArgType, Category, MethodSpec, RpcMethod};
use crate::{Params, RpcContext, RpcError};
use serde_json::Value;
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// The future a handler returns.
pub type HandlerFuture = Pin<Box<dyn Future<Output = Result<Value, RpcError>> + Send>>;

/// A method implementation over positional parameters, as the server calls it.
pub type Handler = Arc<dyn Fn(Arc<RpcContext>, Params) -> HandlerFuture + Send + Sync>;

/// Registered methods by name, each with its declaration.
#[derive(Clone, Default)]
pub struct Methods {
    table: BTreeMap<&'static str, (&'static MethodSpec, Handler)>,
}

impl Methods {
    pub fn new() -> Methods {
        Methods::default()
    }

    /// Adds method `M` under its declared name.
    pub fn add<M: RpcMethod>(&mut self) {
        debug_assert_eq!(
            crate::params::struct_fields::<M::Params>(),
            Some(M::SPEC.arg_names().collect::<Vec<_>>().as_slice()),
            "{}: the parameter struct's fields must be the declared arguments, in order",
            M::SPEC.name
        );
        let handler: Handler = Arc::new(|ctx, params| Box::pin(run::<M>(ctx, params)));
        self.table.insert(M::SPEC.name, (M::SPEC, handler));
    }

    /// The declaration and handler of `name`; `help` is always there.
    pub fn get(&self, name: &str) -> Option<(&'static MethodSpec, Handler)> {
        if name == HELP.name {
            let specs: Vec<&'static MethodSpec> = self.specs().collect();
            let handler: Handler = Arc::new(move |_, params| {
                let answer = help(&specs, &params);
                Box::pin(async move { answer })
            });
            return Some((&HELP, handler));
        }
        self.table.get(name).map(|(spec, h)| (*spec, h.clone()))
    }

    /// Every method's name, `help` included, sorted.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.specs().map(|spec| spec.name)
    }

    /// Every method's declaration, `help` included, sorted by name.
    pub fn specs(&self) -> impl Iterator<Item = &'static MethodSpec> + '_ {
        let mut specs: Vec<&'static MethodSpec> = self.table.values().map(|(s, _)| *s).collect();
        specs.push(&HELP);
        specs.sort_by_key(|s| s.name);
        specs.into_iter()
    }

    /// Adds every method of `other`.
    pub fn merge(&mut self, other: Methods) {
        self.table.extend(other.table);
    }
}

/// A call of `M`: served here at all, parameters decoded, handled, result serialized.
async fn run<M: RpcMethod>(ctx: Arc<RpcContext>, params: Params) -> Result<Value, RpcError> {
    M::available(&ctx)?;
    let params = M::decode(&params)?;
    let output = M::handle(ctx, params).await?;
    serde_json::to_value(output).map_err(|e| RpcError::internal(e.to_string()))
}

/// `help`'s declaration; its handler is built by [`Methods::get`], which has the table.
const HELP: MethodSpec = MethodSpec {
    args: &[
        ArgSpec::optional("command", ArgType::String, "The command to get help on")
            .default("all commands"),
    ],
    result: "\"text\"    (string) The help text",
    ..MethodSpec::new(
        "help",
        Category::Control,
        "List all commands, or get help for a specified command.",
    )
};

#[derive(serde::Deserialize)]
struct HelpParams {
    command: Option<String>,
}

/// Bitcoin Core's `help`: without a command, every usage line grouped by category;
/// with one, its generated help (an unknown command is an answer, not an error).
fn help(specs: &[&'static MethodSpec], params: &Params) -> Result<Value, RpcError> {
    let params: HelpParams = crate::params::decode(&HELP, params)?;
    if let Some(command) = params.command {
        let text = match specs.iter().find(|s| s.name == command) {
            Some(spec) => spec.help(),
            None => format!("help: unknown command: {command}"),
        };
        return Ok(Value::String(text));
    }
    let mut sorted = specs.to_vec();
    sorted.sort_by_key(|s| (s.category, s.name));
    let mut text = String::new();
    let mut category = None;
    for spec in sorted {
        if category != Some(spec.category) {
            if category.is_some() {
                text.push('\n');
            }
            text.push_str(&format!("== {} ==\n", spec.category.title()));
            category = Some(spec.category);
        }
        text.push_str(&spec.usage());
        text.push('\n');
    }
    Ok(Value::String(text.trim_end().to_string()))
}

/// The methods every node serves.
pub fn core_methods() -> Methods {
    let mut methods = Methods::new();
    auxpow::register(&mut methods);
    blockchain::register(&mut methods);
    chaintips::register(&mut methods);
    mining::register(&mut methods);
    network::register(&mut methods);
    rawtx::register(&mut methods);
    mempool::register(&mut methods);
    venture::register(&mut methods);
    control::register(&mut methods);
    methods
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The usage lines callers see in arity errors, as they were written by hand before
    /// being generated (Bitcoin Core's where the method is Core's).
    const USAGES: &[&str] = &[
        "addnode \"node\" \"add|remove|onetry\"",
        "clearbanned",
        "decoderawtransaction \"hexstring\"",
        "disconnectnode ( \"address\" nodeid )",
        "estimatesmartfee conf_target ( \"estimate_mode\" )",
        "generatetoaddress nblocks \"address\" ( maxtries )",
        "getauxblock ( \"hash\" \"auxpow\" )",
        "getbestblockhash",
        "getblock \"blockhash\" ( verbosity )",
        "getblockchaininfo",
        "getblockcount",
        "getblockhash height",
        "getblockheader \"blockhash\" ( verbose )",
        "getblocktemplate ( \"template_request\" )",
        "getchaintips",
        "getconnectioncount",
        "getdifficulty",
        "getmempoolentry \"txid\"",
        "getmempoolinfo",
        "getmininginfo",
        "getnetworkinfo",
        "getpeerinfo",
        "getrawmempool ( verbose )",
        "getrawtransaction \"txid\" ( verbose \"blockhash\" )",
        "gettxout \"txid\" n ( include_mempool )",
        "gettxoutsetinfo ( \"hash_type\" )",
        "getventureallocation \"address\"",
        "getventureinfo",
        "help ( \"command\" )",
        "listbanned",
        "scantxoutset \"action\" ( [scanobjects,...] )",
        "sendrawtransaction \"hexstring\" ( maxfeerate )",
        "setban \"subnet\" \"add|remove\" ( bantime absolute )",
        "setmocktime timestamp",
        "stop",
        "submitauxblock \"hash\" \"auxpow\"",
        "submitblock \"hexdata\" ( \"dummy\" )",
        "testmempoolaccept [\"rawtx\",...] ( maxfeerate )",
        "uptime",
    ];

    #[test]
    fn generated_usage_lines_are_the_published_ones() {
        let methods = core_methods();
        let mut usages: Vec<String> = methods
            .specs()
            .filter(|s| s.name != "createauxblock")
            .map(|s| s.usage())
            .collect();
        usages.sort();
        assert_eq!(usages, USAGES);
        let (create, _) = methods.get("createauxblock").unwrap();
        assert_eq!(
            create.usage(),
            format!(
                "createauxblock \"address\" (the block leaves room for an AuxPoW of up to {} bytes; submitauxblock refuses bigger ones)",
                venture_auxpow::MAX_AUXPOW_BYTES
            )
        );
    }

    #[test]
    fn every_parameter_struct_matches_its_declared_arguments() {
        // `Methods::add` checks this in debug builds; here it is checked explicitly for
        // every core method, whatever the build.
        macro_rules! check {
            ($($method:ty),* $(,)?) => {{
                let mut checked = Vec::new();
                $(
                    let spec = <$method as RpcMethod>::SPEC;
                    let fields = crate::params::struct_fields::<<$method as RpcMethod>::Params>();
                    assert_eq!(
                        fields,
                        Some(spec.arg_names().collect::<Vec<_>>().as_slice()),
                        "{}",
                        spec.name
                    );
                    checked.push(spec.name);
                )*
                checked
            }};
        }
        let mut checked = check!(
            auxpow::CreateAuxBlock,
            auxpow::SubmitAuxBlock,
            auxpow::GetAuxBlock,
            blockchain::GetBlockchainInfo,
            blockchain::GetBlockCount,
            blockchain::GetBestBlockHash,
            blockchain::GetDifficulty,
            blockchain::GetBlockHash,
            blockchain::GetBlockHeader,
            blockchain::GetBlock,
            blockchain::GetTxOut,
            blockchain::GetTxOutSetInfo,
            control::Uptime,
            control::Stop,
            control::SetMockTime,
            chaintips::GetChainTips,
            mining::GetMiningInfo,
            mining::GetBlockTemplate,
            mining::SubmitBlock,
            mining::GenerateToAddress,
            network::GetPeerInfo,
            network::GetConnectionCount,
            network::GetNetworkInfo,
            network::AddNode,
            network::DisconnectNode,
            network::SetBan,
            network::ListBanned,
            network::ClearBanned,
            rawtx::SendRawTransaction,
            rawtx::TestMempoolAccept,
            rawtx::DecodeRawTransaction,
            rawtx::GetRawTransaction,
            mempool::GetMempoolInfo,
            mempool::GetRawMempool,
            mempool::GetMempoolEntry,
            mempool::EstimateSmartFee,
            rawtx::ScanTxOutSet,
            venture::GetVentureInfo,
            venture::GetVentureAllocation,
        );
        assert_eq!(
            crate::params::struct_fields::<HelpParams>(),
            Some(HELP.arg_names().collect::<Vec<_>>().as_slice())
        );
        checked.push(HELP.name);
        checked.sort_unstable();
        // Every registered method was checked.
        assert_eq!(checked, core_methods().names().collect::<Vec<_>>());
    }

    #[test]
    fn every_method_has_help_with_each_visible_argument() {
        for spec in core_methods().specs() {
            let help = spec.help();
            assert!(help.starts_with(&spec.usage()), "{}", spec.name);
            assert!(!spec.summary.is_empty() && help.contains(spec.summary));
            assert!(!spec.result.is_empty(), "{} has no result text", spec.name);
            for (i, arg) in spec.args.iter().filter(|a| !a.hidden).enumerate() {
                assert!(
                    help.contains(&format!("{}. {}", i + 1, arg.name)),
                    "{}: {}",
                    spec.name,
                    arg.name
                );
                assert!(!arg.description.is_empty());
            }
        }
    }
}
