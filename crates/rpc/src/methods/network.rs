//! Peer-to-peer: `getpeerinfo`, `getconnectioncount`, `getnetworkinfo`, `addnode`,
//! `disconnectnode`, `setban`, `listbanned`, `clearbanned`.

use super::Methods;
use crate::method::{ArgSpec, ArgType, Category, MethodSpec, NoParams, RpcMethod};
use crate::{codes, RpcContext, RpcError};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use venture_network::{
    AddNodeCommand, BanCommand, BanEntry, Multiaddr, NetworkError, NetworkInfo, PeerInfo,
};

/// Bitcoin Core's codes for the network's refusals.
fn network_error(e: NetworkError) -> RpcError {
    let code = match &e {
        NetworkError::AlreadyAdded(..) | NetworkError::AlreadyBanned(..) => {
            codes::RPC_CLIENT_NODE_ALREADY_ADDED
        }
        NetworkError::NotAdded(..) => codes::RPC_CLIENT_NODE_NOT_ADDED,
        NetworkError::NotConnected(..) => codes::RPC_CLIENT_NODE_NOT_CONNECTED,
        NetworkError::InvalidBanTarget(..) | NetworkError::NotBanned(..) => {
            codes::RPC_CLIENT_INVALID_IP_OR_SUBNET
        }
        NetworkError::InvalidMultiaddr { .. } | NetworkError::InvalidPeerId(..) => {
            codes::RPC_INVALID_PARAMETER
        }
        _ => codes::RPC_MISC_ERROR,
    };
    RpcError::new(code, e.to_string())
}

pub fn register(methods: &mut Methods) {
    methods.add::<GetPeerInfo>();
    methods.add::<GetConnectionCount>();
    methods.add::<GetNetworkInfo>();
    methods.add::<AddNode>();
    methods.add::<DisconnectNode>();
    methods.add::<SetBan>();
    methods.add::<ListBanned>();
    methods.add::<ClearBanned>();
}

/// `getpeerinfo`: the connected peers.
pub struct GetPeerInfo;

impl RpcMethod for GetPeerInfo {
    const SPEC: &'static MethodSpec = &MethodSpec {
        result: "[ { \"id\", \"peer_id\", \"addr\", \"multiaddr\", \"inbound\", \"conntime\", \"startingheight\", \"synced_headers\", \"synced_blocks\", \"subver\", \"misbehavior\", ... }, ... ]",
        ..MethodSpec::new(
            "getpeerinfo",
            Category::Network,
            "Returns data about each connected peer.",
        )
    };
    type Params = NoParams;
    type Output = Vec<PeerInfo>;

    async fn handle(ctx: Arc<RpcContext>, _: NoParams) -> Result<Vec<PeerInfo>, RpcError> {
        ctx.network()?.peers().await.map_err(network_error)
    }
}

/// `getconnectioncount`: how many peers are connected.
pub struct GetConnectionCount;

impl RpcMethod for GetConnectionCount {
    const SPEC: &'static MethodSpec = &MethodSpec {
        result: "n    (numeric) The connection count",
        ..MethodSpec::new(
            "getconnectioncount",
            Category::Network,
            "Returns the number of connections to other nodes.",
        )
    };
    type Params = NoParams;
    type Output = usize;

    async fn handle(ctx: Arc<RpcContext>, _: NoParams) -> Result<usize, RpcError> {
        ctx.network()?
            .connection_count()
            .await
            .map_err(network_error)
    }
}

/// `getnetworkinfo`: the peer-to-peer layer's state.
pub struct GetNetworkInfo;

/// The network's own fields, plus those Bitcoin-family clients (e.g. `-getinfo`) read.
#[derive(Debug, Clone, Serialize)]
pub struct NetworkInfoView {
    #[serde(flatten)]
    pub network: NetworkInfo,
    pub version: u32,
    pub networkactive: bool,
    pub relayfee: f64,
    pub warnings: String,
}

impl RpcMethod for GetNetworkInfo {
    const SPEC: &'static MethodSpec = &MethodSpec {
        result: "{ \"local_peer_id\", \"subversion\", \"protocol_version\", \"listen_addresses\", \"connections\", \"connections_in\", \"connections_out\", \"initial_download\", \"version\", \"networkactive\", \"relayfee\", \"warnings\" }",
        ..MethodSpec::new(
            "getnetworkinfo",
            Category::Network,
            "Returns the state of the peer-to-peer network.",
        )
    };
    type Params = NoParams;
    type Output = NetworkInfoView;

    async fn handle(ctx: Arc<RpcContext>, _: NoParams) -> Result<NetworkInfoView, RpcError> {
        let network = ctx.network()?.network_info().await.map_err(network_error)?;
        Ok(NetworkInfoView {
            network,
            version: 10_000,
            networkactive: true,
            relayfee: 0.00001,
            warnings: String::new(),
        })
    }
}

/// `addnode "node" "add|remove|onetry"`.
pub struct AddNode;

#[derive(Debug, Deserialize)]
pub struct AddNodeParams {
    pub node: String,
    pub command: String,
}

impl RpcMethod for AddNode {
    const SPEC: &'static MethodSpec = &MethodSpec {
        args: &[
            ArgSpec::required(
                "node",
                ArgType::String,
                "The node's multiaddress (/ip4/1.2.3.4/tcp/P[/p2p/ID])",
            ),
            ArgSpec::required(
                "command",
                ArgType::String,
                "'add' to keep a connection, 'remove' to stop redialling, 'onetry' to dial once",
            )
            .shown_as("\"add|remove|onetry\""),
        ],
        result: "null",
        ..MethodSpec::new(
            "addnode",
            Category::Network,
            "Adds a node to keep connected to, removes one, or dials one once.",
        )
    };
    type Params = AddNodeParams;
    type Output = ();

    async fn handle(ctx: Arc<RpcContext>, params: AddNodeParams) -> Result<(), RpcError> {
        let command = match params.command.as_str() {
            "add" => AddNodeCommand::Add,
            "remove" => AddNodeCommand::Remove,
            "onetry" => AddNodeCommand::OneTry,
            _ => return Err(unknown_command(Self::SPEC)),
        };
        let addr: Multiaddr = params.node.parse().map_err(|e| {
            RpcError::invalid_parameter(format!(
                "node must be a multiaddress (/ip4/1.2.3.4/tcp/P[/p2p/ID]): {e}"
            ))
        })?;
        ctx.network()?
            .add_node(addr, command)
            .await
            .map_err(network_error)
    }
}

fn unknown_command(spec: &MethodSpec) -> RpcError {
    RpcError::misc(format!("unknown command; usage: {}", spec.usage()))
}

/// `disconnectnode ( "address" nodeid )`.
pub struct DisconnectNode;

#[derive(Debug, Deserialize)]
pub struct DisconnectNodeParams {
    pub address: Option<String>,
    /// Kept as JSON: a peer's number, or its peer id as a string.
    pub nodeid: Option<Value>,
}

impl RpcMethod for DisconnectNode {
    const SPEC: &'static MethodSpec = &MethodSpec {
        args: &[
            ArgSpec::optional("address", ArgType::String, "The peer's address or peer id")
                .default("fallback to nodeid"),
            ArgSpec::optional(
                "nodeid",
                ArgType::Numeric,
                "The peer's id (see getpeerinfo)",
            )
            .default("fallback to address"),
        ],
        result: "null",
        ..MethodSpec::new(
            "disconnectnode",
            Category::Network,
            "Disconnects a peer, given by address or by id (one of them).",
        )
    };
    type Params = DisconnectNodeParams;
    type Output = ();

    async fn handle(ctx: Arc<RpcContext>, params: DisconnectNodeParams) -> Result<(), RpcError> {
        let target = match (params.address, params.nodeid) {
            (Some(address), None) if !address.is_empty() => address,
            (None, Some(id)) => id.to_string().trim_matches('"').to_string(),
            (Some(_), None) => {
                return Err(RpcError::invalid_parameter("give an address or a nodeid"))
            }
            _ => {
                return Err(RpcError::invalid_parameter(
                    "Only one of address and nodeid should be provided.",
                ))
            }
        };
        ctx.network()?
            .disconnect_node(&target)
            .await
            .map_err(network_error)
    }
}

/// `setban "subnet" "add|remove" ( bantime absolute )`.
pub struct SetBan;

#[derive(Debug, Deserialize)]
pub struct SetBanParams {
    pub subnet: String,
    pub command: String,
    #[serde(default)]
    pub bantime: i64,
    #[serde(default)]
    pub absolute: bool,
}

impl RpcMethod for SetBan {
    const SPEC: &'static MethodSpec = &MethodSpec {
        args: &[
            ArgSpec::required(
                "subnet",
                ArgType::String,
                "An IP address, a subnet (1.2.3.0/24) or a peer id",
            ),
            ArgSpec::required(
                "command",
                ArgType::String,
                "'add' to ban, 'remove' to lift a ban",
            )
            .shown_as("\"add|remove\""),
            ArgSpec::optional(
                "bantime",
                ArgType::Numeric,
                "Seconds the ban lasts (0: the node's default), or with absolute a Unix time",
            )
            .default("0"),
            ArgSpec::optional(
                "absolute",
                ArgType::Boolean,
                "Whether bantime is a Unix time",
            )
            .default("false"),
        ],
        result: "null",
        ..MethodSpec::new(
            "setban",
            Category::Network,
            "Bans or unbans an address, subnet or peer.",
        )
    };
    type Params = SetBanParams;
    type Output = ();

    async fn handle(ctx: Arc<RpcContext>, params: SetBanParams) -> Result<(), RpcError> {
        let command = match params.command.as_str() {
            "add" => BanCommand::Add,
            "remove" => BanCommand::Remove,
            _ => return Err(unknown_command(Self::SPEC)),
        };
        let duration = ban_duration(params.bantime, params.absolute)?;
        ctx.network()?
            .set_ban(&params.subnet, command, duration)
            .await
            .map_err(network_error)
    }
}

/// `listbanned`: the bans in force.
pub struct ListBanned;

impl RpcMethod for ListBanned {
    const SPEC: &'static MethodSpec = &MethodSpec {
        result: "[ { \"address\", \"ban_created\", \"banned_until\", \"ban_duration\", \"time_remaining\", \"reason\" }, ... ]",
        ..MethodSpec::new("listbanned", Category::Network, "Lists the bans in force.")
    };
    type Params = NoParams;
    type Output = Vec<BanEntry>;

    async fn handle(ctx: Arc<RpcContext>, _: NoParams) -> Result<Vec<BanEntry>, RpcError> {
        ctx.network()?.list_banned().await.map_err(network_error)
    }
}

/// `clearbanned`: lifts every ban.
pub struct ClearBanned;

impl RpcMethod for ClearBanned {
    const SPEC: &'static MethodSpec = &MethodSpec {
        result: "null",
        ..MethodSpec::new("clearbanned", Category::Network, "Lifts every ban.")
    };
    type Params = NoParams;
    type Output = ();

    async fn handle(ctx: Arc<RpcContext>, _: NoParams) -> Result<(), RpcError> {
        ctx.network()?.clear_banned().await.map_err(network_error)
    }
}

/// Bitcoin Core's `bantime`: seconds from now, or (with `absolute`) a Unix time; 0 or
/// absent means the default duration.
fn ban_duration(bantime: i64, absolute: bool) -> Result<Option<Duration>, RpcError> {
    if bantime < 0 {
        return Err(RpcError::invalid_parameter("bantime must not be negative"));
    }
    if bantime == 0 {
        return Ok(None);
    }
    if !absolute {
        return Ok(Some(Duration::from_secs(bantime as u64)));
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    if bantime <= now {
        return Err(RpcError::invalid_parameter(
            "Error: Absolute timestamp is in the past",
        ));
    }
    Ok(Some(Duration::from_secs((bantime - now) as u64)))
}
