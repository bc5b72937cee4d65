//! [`NetworkHandle`]: the cloneable front of the service. Each call is a command sent
//! to the service task, answered on a oneshot channel.

use crate::{
    AddNodeCommand, BanCommand, BanEntry, Multiaddr, NetworkError, NetworkEvent, NetworkInfo,
    PeerId, PeerInfo,
};
use std::time::Duration;
use tokio::sync::{broadcast, mpsc, oneshot};

type Reply<T> = oneshot::Sender<Result<T, NetworkError>>;

#[derive(Debug)]
pub(crate) enum Command {
    Peers(Reply<Vec<PeerInfo>>),
    NetworkInfo(Reply<NetworkInfo>),
    ListenAddrs(Reply<Vec<Multiaddr>>),
    AddNode {
        addr: Multiaddr,
        command: AddNodeCommand,
        reply: Reply<()>,
    },
    DisconnectNode {
        target: String,
        reply: Reply<()>,
    },
    SetBan {
        target: String,
        command: BanCommand,
        duration: Option<Duration>,
        reply: Reply<()>,
    },
    ListBanned(Reply<Vec<BanEntry>>),
    ClearBanned(Reply<()>),
    PublishBlock {
        bytes: Vec<u8>,
        reply: Reply<()>,
    },
    PublishTransaction {
        bytes: Vec<u8>,
        reply: Reply<()>,
    },
    Shutdown(oneshot::Sender<()>),
}

/// Talks to a running [`crate::NetworkService`]. Clone it freely; when the last clone
/// is dropped the service shuts down.
#[derive(Debug, Clone)]
pub struct NetworkHandle {
    pub(crate) commands: mpsc::Sender<Command>,
    pub(crate) events: broadcast::Sender<NetworkEvent>,
    pub(crate) local_peer_id: PeerId,
}

impl NetworkHandle {
    async fn ask<T>(&self, make: impl FnOnce(Reply<T>) -> Command) -> Result<T, NetworkError> {
        let (reply, answer) = oneshot::channel();
        self.commands
            .send(make(reply))
            .await
            .map_err(|_| NetworkError::Stopped)?;
        answer.await.map_err(|_| NetworkError::Stopped)?
    }

    /// Our peer id.
    pub fn local_peer_id(&self) -> PeerId {
        self.local_peer_id
    }

    /// A receiver of the service's events (lagging receivers lose the oldest).
    pub fn events(&self) -> broadcast::Receiver<NetworkEvent> {
        self.events.subscribe()
    }

    /// Connected peers of our chain (`getpeerinfo`).
    pub async fn peers(&self) -> Result<Vec<PeerInfo>, NetworkError> {
        self.ask(Command::Peers).await
    }

    /// How many peers of our chain are connected (`getconnectioncount`).
    pub async fn connection_count(&self) -> Result<usize, NetworkError> {
        Ok(self.network_info().await?.connections)
    }

    /// `getnetworkinfo`'s network part.
    pub async fn network_info(&self) -> Result<NetworkInfo, NetworkError> {
        self.ask(Command::NetworkInfo).await
    }

    /// The addresses we listen on, with the ports actually bound.
    pub async fn listen_addrs(&self) -> Result<Vec<Multiaddr>, NetworkError> {
        self.ask(Command::ListenAddrs).await
    }

    /// `addnode`: `Add` keeps the node connected (redialled with back-off), `Remove`
    /// stops that, `OneTry` dials once.
    pub async fn add_node(
        &self,
        addr: Multiaddr,
        command: AddNodeCommand,
    ) -> Result<(), NetworkError> {
        self.ask(|reply| Command::AddNode {
            addr,
            command,
            reply,
        })
        .await
    }

    /// `addnode ADDR remove`.
    pub async fn remove_node(&self, addr: Multiaddr) -> Result<(), NetworkError> {
        self.add_node(addr, AddNodeCommand::Remove).await
    }

    /// `disconnectnode`: by peer id, Core-style numeric id, `ip:port` or multiaddr.
    pub async fn disconnect_node(&self, target: &str) -> Result<(), NetworkError> {
        let target = target.to_string();
        self.ask(|reply| Command::DisconnectNode { target, reply })
            .await
    }

    /// `setban`: `target` is a peer id, an IP address or a subnet (`10.0.0.0/8`);
    /// `duration` defaults to the configured ban duration.
    pub async fn set_ban(
        &self,
        target: &str,
        command: BanCommand,
        duration: Option<Duration>,
    ) -> Result<(), NetworkError> {
        let target = target.to_string();
        self.ask(|reply| Command::SetBan {
            target,
            command,
            duration,
            reply,
        })
        .await
    }

    /// `listbanned`.
    pub async fn list_banned(&self) -> Result<Vec<BanEntry>, NetworkError> {
        self.ask(Command::ListBanned).await
    }

    /// `clearbanned`.
    pub async fn clear_banned(&self) -> Result<(), NetworkError> {
        self.ask(Command::ClearBanned).await
    }

    /// Gossips a block (consensus bytes) that the local chain accepted. Publishing a
    /// block again, with no peers, or during initial download is not an error: the call
    /// succeeds and nothing is sent. Only a block over the size limit is refused.
    pub async fn publish_block(&self, bytes: Vec<u8>) -> Result<(), NetworkError> {
        self.ask(|reply| Command::PublishBlock { bytes, reply })
            .await
    }

    /// Gossips a transaction the local mempool accepted (from RPC or a wallet). Like
    /// [`NetworkHandle::publish_block`], duplicates and no peers are not errors.
    pub async fn publish_transaction(&self, bytes: Vec<u8>) -> Result<(), NetworkError> {
        self.ask(|reply| Command::PublishTransaction { bytes, reply })
            .await
    }

    /// Stops the service and waits until it has (connections closed). Idempotent.
    pub async fn shutdown(&self) {
        let (done, wait) = oneshot::channel();
        if self.commands.send(Command::Shutdown(done)).await.is_ok() {
            let _ = wait.await;
        }
    }
}
