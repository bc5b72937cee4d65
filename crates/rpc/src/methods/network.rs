//! Peer-to-peer: `getpeerinfo`, `getconnectioncount`, `getnetworkinfo`, `addnode`,
//! `disconnectnode`, `setban`, `listbanned`, `clearbanned`.

use super::Methods;
use crate::{codes, RpcError};
use serde_json::{json, Value};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use venture_network::{AddNodeCommand, BanCommand, Multiaddr, NetworkError};

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

fn to_json<T: serde::Serialize>(value: T) -> Result<Value, RpcError> {
    serde_json::to_value(value).map_err(|e| RpcError::internal(e.to_string()))
}

pub fn register(methods: &mut Methods) {
    methods.register("getpeerinfo", &[], |ctx, params| async move {
        params.at_most(0, "getpeerinfo")?;
        to_json(ctx.network()?.peers().await.map_err(network_error)?)
    });
    methods.register("getconnectioncount", &[], |ctx, params| async move {
        params.at_most(0, "getconnectioncount")?;
        Ok(json!(ctx
            .network()?
            .connection_count()
            .await
            .map_err(network_error)?))
    });
    methods.register("getnetworkinfo", &[], |ctx, params| async move {
        params.at_most(0, "getnetworkinfo")?;
        let info = ctx.network()?.network_info().await.map_err(network_error)?;
        let mut value = to_json(info)?;
        // Fields Bitcoin-family clients (e.g. `-getinfo`) read.
        if let Value::Object(map) = &mut value {
            map.insert("version".into(), json!(10_000));
            map.insert("networkactive".into(), json!(true));
            map.insert("relayfee".into(), json!(0.00001));
            map.insert("warnings".into(), json!(""));
        }
        Ok(value)
    });
    methods.register("addnode", &["node", "command"], |ctx, params| async move {
        const USAGE: &str = "addnode \"node\" \"add|remove|onetry\"";
        params.at_most(2, USAGE)?;
        let node: String = params.required(0, "node", USAGE)?;
        let command: String = params.required(1, "command", USAGE)?;
        let command = match command.as_str() {
            "add" => AddNodeCommand::Add,
            "remove" => AddNodeCommand::Remove,
            "onetry" => AddNodeCommand::OneTry,
            _ => return Err(RpcError::misc(format!("unknown command; usage: {USAGE}"))),
        };
        let addr: Multiaddr = node.parse().map_err(|e| {
            RpcError::invalid_parameter(format!(
                "node must be a multiaddress (/ip4/1.2.3.4/tcp/P[/p2p/ID]): {e}"
            ))
        })?;
        ctx.network()?
            .add_node(addr, command)
            .await
            .map_err(network_error)?;
        Ok(Value::Null)
    });
    methods.register(
        "disconnectnode",
        &["address", "nodeid"],
        |ctx, params| async move {
            const USAGE: &str = "disconnectnode ( \"address\" nodeid )";
            params.at_most(2, USAGE)?;
            let target = match (params.optional::<String>(0, "address")?, params.raw(1)) {
                (Some(address), None) if !address.is_empty() => address,
                (None, Some(id)) => id.to_string().trim_matches('"').to_string(),
                (Some(address), None) if address.is_empty() => {
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
                .map_err(network_error)?;
            Ok(Value::Null)
        },
    );
    methods.register(
        "setban",
        &["subnet", "command", "bantime", "absolute"],
        |ctx, params| async move {
            const USAGE: &str = "setban \"subnet\" \"add|remove\" ( bantime absolute )";
            params.at_most(4, USAGE)?;
            let target: String = params.required(0, "subnet", USAGE)?;
            let command: String = params.required(1, "command", USAGE)?;
            let command = match command.as_str() {
                "add" => BanCommand::Add,
                "remove" => BanCommand::Remove,
                _ => return Err(RpcError::misc(format!("unknown command; usage: {USAGE}"))),
            };
            let bantime: i64 = params.optional(2, "bantime")?.unwrap_or(0);
            let absolute: bool = params.optional(3, "absolute")?.unwrap_or(false);
            let duration = ban_duration(bantime, absolute)?;
            ctx.network()?
                .set_ban(&target, command, duration)
                .await
                .map_err(network_error)?;
            Ok(Value::Null)
        },
    );
    methods.register("listbanned", &[], |ctx, params| async move {
        params.at_most(0, "listbanned")?;
        to_json(ctx.network()?.list_banned().await.map_err(network_error)?)
    });
    methods.register("clearbanned", &[], |ctx, params| async move {
        params.at_most(0, "clearbanned")?;
        ctx.network()?.clear_banned().await.map_err(network_error)?;
        Ok(Value::Null)
    });
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
