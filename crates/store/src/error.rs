use thiserror::Error;

/// A storage failure. Corruption is reported with where it was found.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] rocksdb::Error),
    #[error("corrupt record in column family `{cf}`: {reason}")]
    Corrupt { cf: &'static str, reason: String },
    #[error("database schema version {found} is not supported (this build reads version {supported}); purge the chain data")]
    SchemaVersion { found: u32, supported: u32 },
}
