//! The method table and the core methods (blockchain, mining, control).

mod auxpow;
mod blockchain;
mod control;
mod mining;
mod network;
mod rawtx;
mod venture;

use crate::{Params, RpcContext, RpcError};
use serde_json::Value;
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// The future a handler returns.
pub type HandlerFuture = Pin<Box<dyn Future<Output = Result<Value, RpcError>> + Send>>;

/// A method implementation.
pub type Handler = Arc<dyn Fn(Arc<RpcContext>, Params) -> HandlerFuture + Send + Sync>;

/// Registered methods: name → (parameter names for named calls, handler).
#[derive(Clone, Default)]
pub struct Methods {
    table: BTreeMap<&'static str, (&'static [&'static str], Handler)>,
}

impl Methods {
    pub fn new() -> Methods {
        Methods::default()
    }

    /// Registers `name`; `param_names` map named parameters to positions.
    pub fn register<F, Fut>(
        &mut self,
        name: &'static str,
        param_names: &'static [&'static str],
        f: F,
    ) where
        F: Fn(Arc<RpcContext>, Params) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Value, RpcError>> + Send + 'static,
    {
        let handler: Handler = Arc::new(move |ctx, params| Box::pin(f(ctx, params)));
        self.table.insert(name, (param_names, handler));
    }

    pub fn get(&self, name: &str) -> Option<(&'static [&'static str], Handler)> {
        self.table.get(name).map(|(names, h)| (*names, h.clone()))
    }

    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.table.keys().copied()
    }

    /// Adds every method of `other`.
    pub fn merge(&mut self, other: Methods) {
        self.table.extend(other.table);
    }
}

/// The methods every node serves.
pub fn core_methods() -> Methods {
    let mut methods = Methods::new();
    auxpow::register(&mut methods);
    blockchain::register(&mut methods);
    mining::register(&mut methods);
    network::register(&mut methods);
    rawtx::register(&mut methods);
    venture::register(&mut methods);
    control::register(&mut methods);
    methods
}
