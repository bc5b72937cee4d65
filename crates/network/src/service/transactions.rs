//! Transaction relay over gossipsub: a transaction is forwarded only after the local
//! mempool accepted it; one the mempool refuses is not forwarded, and its sender is
//! penalised when the refusal is its fault (invalid, not merely unknown parents).

use super::Service;
use crate::limits::MAX_TX_BYTES;
use crate::scoring::Misbehaviour;
use crate::worker::Job;
use crate::{NetworkError, TxVerdict};
use libp2p::gossipsub::{self, MessageAcceptance, PublishError};
use libp2p::PeerId;
use tracing::debug;

impl Service {
    pub(super) fn on_gossip_tx(
        &mut self,
        source: PeerId,
        message_id: gossipsub::MessageId,
        message: gossipsub::Message,
    ) {
        if message.data.len() > MAX_TX_BYTES {
            self.report(&message_id, &source, MessageAcceptance::Reject);
            self.misbehave(source, Misbehaviour::Undecodable);
            return;
        }
        let job = Job::Transaction {
            message_id: message_id.clone(),
            source,
            bytes: message.data,
        };
        if self.worker.transactions.try_send(job).is_err() {
            debug!("transaction queue full; ignoring a transaction");
            self.report(&message_id, &source, MessageAcceptance::Ignore);
        }
    }

    pub(super) fn on_tx_done(
        &mut self,
        message_id: gossipsub::MessageId,
        source: PeerId,
        verdict: Option<TxVerdict>,
    ) {
        let acceptance = match verdict {
            Some(TxVerdict::Accepted) => MessageAcceptance::Accept,
            Some(TxVerdict::Ignored) => MessageAcceptance::Ignore,
            Some(TxVerdict::Rejected(rejection)) => {
                debug!(%source, reason = %rejection.reason, "gossiped transaction rejected");
                if rejection.blames_sender() {
                    self.misbehave(source, Misbehaviour::InvalidTransaction);
                }
                MessageAcceptance::Reject
            }
            None => {
                self.misbehave(source, Misbehaviour::Undecodable);
                MessageAcceptance::Reject
            }
        };
        self.report(&message_id, &source, acceptance);
    }

    fn report(
        &mut self,
        message_id: &gossipsub::MessageId,
        source: &PeerId,
        acceptance: MessageAcceptance,
    ) {
        self.swarm
            .behaviour_mut()
            .gossipsub
            .report_message_validation_result(message_id, source, acceptance);
    }

    pub(super) fn publish_transaction(&mut self, bytes: Vec<u8>) -> Result<(), NetworkError> {
        if bytes.len() > MAX_TX_BYTES {
            return Err(NetworkError::MessageTooLarge {
                size: bytes.len(),
                limit: MAX_TX_BYTES,
            });
        }
        let topic = self.tx_topic.clone();
        match self.swarm.behaviour_mut().gossipsub.publish(topic, bytes) {
            Ok(_)
            | Err(PublishError::Duplicate)
            | Err(PublishError::NoPeersSubscribedToTopic)
            | Err(PublishError::AllQueuesFull(_)) => Ok(()),
            Err(other) => Err(NetworkError::Transport(format!(
                "publishing a transaction failed: {other}"
            ))),
        }
    }
}
