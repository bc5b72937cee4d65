//! [`NetworkService`]: one task that owns the libp2p swarm and reacts to swarm events,
//! handle commands, chain results and a one-second tick. Nothing here blocks: chain
//! calls go through [`crate::worker`].

mod blocks;
mod commands;
mod dialer;
mod headers;
mod peers;
mod swarm_events;
mod sync;
mod transactions;

use crate::bans::{unix_now, BanList};
use crate::behaviour::Behaviour;
use crate::gate::Gate;
use crate::handle::Command;
use crate::peers::PeerTable;
use crate::sync::SyncState;
use crate::worker::{ChainEvent, Worker};
use crate::{ChainAccess, NetworkConfig, NetworkError, NetworkEvent, NetworkHandle, PeerId};
use dialer::Dialer;
use futures::StreamExt;
use libp2p::metrics::Metrics;
use libp2p::swarm::SwarmEvent;
use libp2p::{gossipsub, Swarm};
use prometheus_client::registry::Registry;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, mpsc};
use tokio::task::JoinHandle;
use tracing::{debug, info};

/// How long `start` waits for the listeners to bind.
const LISTEN_TIMEOUT: Duration = Duration::from_secs(10);
/// How often sync progress is logged during initial download.
const PROGRESS_EVERY: Duration = Duration::from_secs(5);
/// How long a connection may stay without identify confirming our chain.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(30);

/// Starts the network; see [`NetworkService::start`].
pub struct NetworkService;

impl NetworkService {
    /// Builds the swarm, binds the listen addresses (so [`NetworkHandle::listen_addrs`]
    /// reports real ports as soon as this returns), and spawns the service task. Must
    /// be called within a tokio runtime.
    pub async fn start(
        config: NetworkConfig,
        chain: Arc<dyn ChainAccess>,
    ) -> Result<(NetworkHandle, JoinHandle<()>), NetworkError> {
        NetworkService::start_with_metrics(config, chain, None).await
    }

    /// [`NetworkService::start`], with libp2p's own metrics (connections, gossipsub,
    /// identify, Kademlia) registered in `registry` under `libp2p_`.
    pub async fn start_with_metrics(
        config: NetworkConfig,
        chain: Arc<dyn ChainAccess>,
        registry: Option<&mut Registry>,
    ) -> Result<(NetworkHandle, JoinHandle<()>), NetworkError> {
        config.validate()?;
        let status = {
            let chain = chain.clone();
            tokio::task::spawn_blocking(move || chain.status())
                .await
                .map_err(|e| {
                    NetworkError::Config(format!("reading the chain status failed: {e}"))
                })?
        };
        if status.genesis != config.genesis {
            return Err(NetworkError::Config(format!(
                "the chain's genesis {} differs from the configured genesis {}",
                status.genesis, config.genesis
            )));
        }
        let bans = match &config.banlist_path {
            Some(path) => BanList::load(path, unix_now())?,
            None => BanList::default(),
        };
        let mut swarm = crate::transport::build_swarm(&config, Gate::new(bans))?;
        bind(&mut swarm, &config).await?;

        let (commands, command_rx) = mpsc::channel(256);
        let (events, _) = broadcast::channel(256);
        let (chain_tx, chain_rx) = mpsc::unbounded_channel();
        let worker = Worker::spawn(chain.clone(), chain_tx.clone());
        let local_peer_id = PeerId::from_libp2p(*swarm.local_peer_id());
        let topic =
            gossipsub::IdentTopic::new(crate::protocol::blocks_topic(&config.genesis)).hash();
        let tx_topic =
            gossipsub::IdentTopic::new(crate::protocol::txs_topic(&config.genesis)).hash();
        let dialer = Dialer::new(&config.bootnodes);
        info!(peer_id = %local_peer_id, listen = ?swarm.listeners().map(ToString::to_string).collect::<Vec<_>>(), "network started");
        let service = Service {
            swarm,
            config,
            chain,
            worker,
            chain_tx,
            events: events.clone(),
            peers: PeerTable::default(),
            sync: SyncState::new(status),
            dialer,
            topic,
            tx_topic,
            serving: 0,
            serving_permits: Arc::new(tokio::sync::Semaphore::new(crate::limits::SERVING_THREADS)),
            metrics: registry.map(Metrics::new),
        };
        let task = tokio::spawn(service.run(command_rx, chain_rx));
        Ok((
            NetworkHandle {
                commands,
                events,
                local_peer_id,
            },
            task,
        ))
    }
}

/// Listens on every configured address and waits until each has bound.
async fn bind(swarm: &mut Swarm<Behaviour>, config: &NetworkConfig) -> Result<(), NetworkError> {
    let mut waiting = Vec::new();
    for addr in &config.listen {
        let id = swarm
            .listen_on(addr.as_libp2p().clone())
            .map_err(|e| NetworkError::Listen {
                addr: addr.to_string(),
                reason: e.to_string(),
            })?;
        waiting.push((id, addr.to_string()));
    }
    let deadline = tokio::time::Instant::now() + LISTEN_TIMEOUT;
    while !waiting.is_empty() {
        let event = tokio::time::timeout_at(deadline, swarm.select_next_some())
            .await
            .map_err(|_| NetworkError::Listen {
                addr: waiting
                    .iter()
                    .map(|(_, a)| a.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                reason: "timed out waiting for the listener".into(),
            })?;
        match event {
            SwarmEvent::NewListenAddr { listener_id, .. } => {
                waiting.retain(|(id, _)| *id != listener_id)
            }
            SwarmEvent::ListenerClosed {
                listener_id,
                reason,
                ..
            } => {
                if let Some((_, addr)) = waiting.iter().find(|(id, _)| *id == listener_id) {
                    return Err(NetworkError::Listen {
                        addr: addr.clone(),
                        reason: format!("{reason:?}"),
                    });
                }
            }
            SwarmEvent::ListenerError { listener_id, error } => {
                if let Some((_, addr)) = waiting.iter().find(|(id, _)| *id == listener_id) {
                    return Err(NetworkError::Listen {
                        addr: addr.clone(),
                        reason: error.to_string(),
                    });
                }
            }
            other => debug!("event before start: {other:?}"),
        }
    }
    Ok(())
}

pub(crate) struct Service {
    swarm: Swarm<Behaviour>,
    config: NetworkConfig,
    chain: Arc<dyn ChainAccess>,
    worker: Worker,
    chain_tx: mpsc::UnboundedSender<ChainEvent>,
    events: broadcast::Sender<NetworkEvent>,
    peers: PeerTable,
    sync: SyncState,
    dialer: Dialer,
    topic: gossipsub::TopicHash,
    tx_topic: gossipsub::TopicHash,
    /// Requests of all peers being answered.
    serving: usize,
    /// Threads that may answer peers at once (see [`crate::limits::SERVING_THREADS`]).
    serving_permits: Arc<tokio::sync::Semaphore>,
    /// libp2p's own metrics, when the node exports them.
    metrics: Option<Metrics>,
}

impl Service {
    async fn run(
        mut self,
        mut commands: mpsc::Receiver<Command>,
        mut chain_events: mpsc::UnboundedReceiver<ChainEvent>,
    ) {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        self.dialer.dial_due(&mut self.swarm);
        loop {
            tokio::select! {
                event = self.swarm.select_next_some() => self.on_swarm_event(event),
                command = commands.recv() => match command {
                    Some(Command::Shutdown(done)) => {
                        let _ = done.send(());
                        break;
                    }
                    Some(command) => self.on_command(command),
                    None => break,
                },
                Some(event) = chain_events.recv() => self.on_chain_event(event),
                _ = tick.tick() => self.on_tick(),
            }
        }
        info!("network stopped");
    }

    fn emit(&self, event: NetworkEvent) {
        // Nobody listening is fine.
        let _ = self.events.send(event);
    }

    fn on_chain_event(&mut self, event: ChainEvent) {
        match event {
            ChainEvent::HeadersDone(reply) => self.on_headers_done(reply),
            ChainEvent::BlockDone {
                origin,
                hash,
                size,
                verdict,
                status,
            } => self.on_block_done(origin, hash, size, verdict, status),
            ChainEvent::Served {
                peer,
                channel,
                response,
            } => {
                self.serving = self.serving.saturating_sub(1);
                if let Some(entry) = self.peers.get_mut(&peer) {
                    entry.serving = entry.serving.saturating_sub(1);
                }
                // The peer may have gone or timed out; nothing to do then.
                let _ = self
                    .swarm
                    .behaviour_mut()
                    .sync
                    .send_response(channel, response);
            }
            ChainEvent::Locator { peer, locator } => self.request_headers(peer, locator),
            ChainEvent::Missing(missing) => {
                self.sync.set_missing(missing);
                self.schedule_downloads();
            }
            ChainEvent::Status(status) => {
                self.sync.local = status;
                self.after_chain_change();
            }
            ChainEvent::TxDone {
                message_id,
                source,
                verdict,
            } => self.on_tx_done(message_id, source, verdict),
        }
    }

    fn on_tick(&mut self) {
        let now = unix_now();
        let gate = &mut self.swarm.behaviour_mut().gate;
        gate.expire();
        if gate.bans.expire(now) {
            self.save_bans();
        }
        self.drop_stalled_handshakes();
        self.drop_stalled_requests();
        self.dialer.dial_due(&mut self.swarm);
        self.dial_discovered();
        self.refresh_statuses();
        // Blocks mined locally or submitted over RPC change the chain without us.
        crate::worker::query(&self.chain, &self.chain_tx, |chain| {
            ChainEvent::Status(chain.status())
        });
        if self.sync.initial_download {
            if let Some(rate) = self.sync.progress(PROGRESS_EVERY) {
                let local = &self.sync.local;
                let target = self.best_peer_height().max(local.header_height);
                let (percent, eta) = crate::sync::sync_eta(local.best_height, target, rate);
                let left = eta.map_or("unknown".to_string(), crate::sync::human_duration);
                info!(
                    height = local.best_height,
                    headers = local.header_height,
                    target,
                    peers = self.peers.counts().0,
                    "syncing: {percent:.1}%, {rate:.1} blocks/s, {left} left"
                );
            }
        }
    }

    fn save_bans(&self) {
        let Some(path) = self.config.banlist_path.clone() else {
            return;
        };
        let json = self.swarm.behaviour().gate.bans.to_json();
        tokio::task::spawn_blocking(move || {
            if let Err(e) = crate::bans::save(&path, &json) {
                tracing::warn!("saving the ban list to {} failed: {e}", path.display());
            }
        });
    }
}
