//! A scripted hostile peer, for tests that attack a real node over loopback.
//!
//! [`Attacker::connect`] builds its own libp2p swarm (TCP, Noise, Yamux, identify,
//! gossipsub, the sync protocol) from the network crate's public wire types, dials a
//! node and waits until the node takes it for a peer of its chain. From then on a test
//! can publish any bytes as a block or a transaction, send any sync request, and answer
//! the node's requests however it likes (lie, or leave them hanging): the node's own
//! sync and relay logic plays no part, so what the attacker sends is exactly what the
//! test scripts.

mod swarm;

use bitcoin::BlockHash;
use std::sync::Arc;
use std::time::Duration;
use thiserror::Error;
use tokio::sync::{mpsc, oneshot};
use venture_network::wire::{SyncRequest, SyncResponse};

/// How the attacker answers each request the node sends it: `Some` answers, `None`
/// leaves the request hanging (the stream stays open, as with a frozen process).
pub type Answer = Arc<dyn Fn(&SyncRequest) -> Option<SyncResponse> + Send + Sync>;

/// What can go wrong while attacking.
#[derive(Debug, Error)]
pub enum AttackError {
    #[error("cannot set up the attacker's swarm: {0}")]
    Setup(String),
    #[error("the node did not accept the attacker as a peer within {0:?}")]
    NotAccepted(Duration),
    #[error("the request failed: {0}")]
    Request(String),
    #[error("publishing failed: {0}")]
    Publish(String),
    #[error("the attacker's swarm task has stopped")]
    Stopped,
}

/// Which gossip topic to publish on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    Blocks,
    Transactions,
}

pub(crate) enum Command {
    Publish {
        topic: Topic,
        data: Vec<u8>,
        done: oneshot::Sender<Result<(), AttackError>>,
    },
    Request {
        request: SyncRequest,
        reply: oneshot::Sender<Result<SyncResponse, AttackError>>,
    },
    IsConnected(oneshot::Sender<bool>),
}

/// A hostile peer connected to one node.
pub struct Attacker {
    commands: mpsc::UnboundedSender<Command>,
    peer_id: String,
}

/// How long [`Attacker::connect`] waits for the node to take the attacker as a peer
/// and subscribe it to both gossip topics.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

impl Attacker {
    /// Dials `node` (a multiaddr ending in `/p2p/<peer id>`) on the protocols of the
    /// chain whose genesis is `genesis`, answering the node's requests with `answer`.
    pub async fn connect(
        genesis: BlockHash,
        node: &str,
        answer: Answer,
    ) -> Result<Attacker, AttackError> {
        let (commands, receiver) = mpsc::unbounded_channel();
        let (ready_tx, ready_rx) = oneshot::channel();
        let peer_id = swarm::spawn(genesis, node, answer, receiver, ready_tx)?;
        match tokio::time::timeout(CONNECT_TIMEOUT, ready_rx).await {
            Ok(Ok(())) => Ok(Attacker { commands, peer_id }),
            Ok(Err(_)) => Err(AttackError::Stopped),
            Err(_) => Err(AttackError::NotAccepted(CONNECT_TIMEOUT)),
        }
    }

    /// The attacker's peer id, as the node lists it (`getpeerinfo`, `listbanned`).
    pub fn peer_id(&self) -> &str {
        &self.peer_id
    }

    /// Publishes `data` on a gossip topic, signed by the attacker, whatever it is.
    pub async fn publish(&self, topic: Topic, data: Vec<u8>) -> Result<(), AttackError> {
        let (done, result) = oneshot::channel();
        self.send(Command::Publish { topic, data, done })?;
        result.await.map_err(|_| AttackError::Stopped)?
    }

    /// Sends a sync request and waits for the answer.
    pub async fn request(&self, request: SyncRequest) -> Result<SyncResponse, AttackError> {
        let (reply, result) = oneshot::channel();
        self.send(Command::Request { request, reply })?;
        result.await.map_err(|_| AttackError::Stopped)?
    }

    /// Whether the node still keeps a connection with the attacker.
    pub async fn is_connected(&self) -> bool {
        let (reply, result) = oneshot::channel();
        if self.send(Command::IsConnected(reply)).is_err() {
            return false;
        }
        result.await.unwrap_or(false)
    }

    fn send(&self, command: Command) -> Result<(), AttackError> {
        self.commands
            .send(command)
            .map_err(|_| AttackError::Stopped)
    }
}
