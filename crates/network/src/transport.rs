//! Building the swarm: TCP with Noise and Yamux, DNS names resolved when the system's
//! resolver configuration can be read.

use crate::behaviour::{self, Behaviour};
use crate::gate::Gate;
use crate::{NetworkConfig, NetworkError};
use libp2p::{noise, tcp, yamux, Swarm, SwarmBuilder};
use tracing::warn;

pub(crate) fn build_swarm(
    config: &NetworkConfig,
    gate: Gate,
) -> Result<Swarm<Behaviour>, NetworkError> {
    let key = config.node_key.0.clone();
    let transport_error = |e: &dyn std::fmt::Display| NetworkError::Transport(e.to_string());
    let tcp_config = || tcp::Config::default().nodelay(true);
    let idle = config.idle_connection_timeout;
    let behaviour = behaviour::build(&key, config, gate)?;

    let with_dns = SwarmBuilder::with_existing_identity(key.clone())
        .with_tokio()
        .with_tcp(tcp_config(), noise::Config::new, yamux::Config::default)
        .map_err(|e| transport_error(&e))?
        .with_dns();
    match with_dns {
        Ok(builder) => Ok(builder
            .with_behaviour(|_| behaviour)
            .map_err(|e| transport_error(&e))?
            .with_swarm_config(|c| c.with_idle_connection_timeout(idle))
            .build()),
        Err(e) => {
            // No resolver configuration (containers, sandboxes): numeric addresses
            // still work, DNS bootnodes will fail to dial with a clear error.
            warn!("DNS resolution unavailable ({e}); only numeric addresses can be dialled");
            Ok(SwarmBuilder::with_existing_identity(key)
                .with_tokio()
                .with_tcp(tcp_config(), noise::Config::new, yamux::Config::default)
                .map_err(|e| transport_error(&e))?
                .with_behaviour(|_| behaviour)
                .map_err(|e| transport_error(&e))?
                .with_swarm_config(|c| c.with_idle_connection_timeout(idle))
                .build())
        }
    }
}
