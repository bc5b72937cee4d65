//! Misbehaviour points. A peer reaching [`BAN_THRESHOLD`] is disconnected and banned
//! (by peer id, and by IP unless it is a loopback address, as Bitcoin Core does) for the
//! configured ban duration. Scores live as long as the connection.

/// Points at which a peer is banned.
pub const BAN_THRESHOLD: u32 = 100;

/// What a peer did wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Misbehaviour {
    /// A block that failed validation for good.
    InvalidBlock,
    /// Headers that broke a consensus rule.
    InvalidHeaders,
    /// A message or response we could not decode, or larger than its limit.
    Undecodable,
    /// Headers that do not connect to what we asked for.
    UnconnectedHeaders,
    /// A block we did not ask for in a response to a block request.
    UnrequestedBlock,
    /// More concurrent requests than any honest node sends.
    RequestFlood,
    /// A status message for another genesis on our protocol.
    WrongGenesis,
    /// A gossiped transaction that broke a consensus rule.
    InvalidTransaction,
}

impl Misbehaviour {
    pub fn points(self) -> u32 {
        match self {
            Misbehaviour::InvalidBlock => 100,
            Misbehaviour::InvalidHeaders => 100,
            Misbehaviour::Undecodable => 100,
            Misbehaviour::WrongGenesis => 100,
            Misbehaviour::UnconnectedHeaders => 20,
            Misbehaviour::UnrequestedBlock => 20,
            Misbehaviour::RequestFlood => 10,
            Misbehaviour::InvalidTransaction => 10,
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Misbehaviour::InvalidBlock => "invalid block",
            Misbehaviour::InvalidHeaders => "invalid header chain",
            Misbehaviour::Undecodable => "undecodable or oversized message",
            Misbehaviour::UnconnectedHeaders => "headers that do not connect",
            Misbehaviour::UnrequestedBlock => "unrequested block",
            Misbehaviour::RequestFlood => "too many concurrent requests",
            Misbehaviour::WrongGenesis => "status for another chain",
            Misbehaviour::InvalidTransaction => "invalid transaction",
        }
    }
}
