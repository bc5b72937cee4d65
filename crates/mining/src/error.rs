use thiserror::Error;
use venture_chain::ChainError;

#[derive(Debug, Error)]
pub enum MiningError {
    #[error(transparent)]
    Chain(#[from] ChainError),
    #[error("no block found within {0} nonce attempts")]
    Exhausted(u64),
    #[error("the chain state lock is poisoned")]
    Poisoned,
}
