use thiserror::Error;

/// Why a chain spec is refused. Every variant names the offending field.
#[derive(Debug, Error)]
pub enum SpecError {
    #[error("cannot read chain spec {path}: {reason}")]
    Read { path: String, reason: String },
    #[error("chain spec is not valid TOML for a Venture spec: {0}")]
    Parse(String),
    #[error("invalid `{field}`: {reason}")]
    Invalid { field: String, reason: String },
    #[error("unknown built-in chain `{0}` (built-in: dev, or give a spec file path)")]
    UnknownBuiltin(String),
}

impl SpecError {
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> SpecError {
        SpecError::Invalid {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// The field a validation error names, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            SpecError::Invalid { field, .. } => Some(field),
            _ => None,
        }
    }
}
