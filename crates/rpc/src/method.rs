//! One declaration per RPC method: its name, category, arguments (with types, defaults
//! and descriptions), result and handler. The usage line in error messages, `help`,
//! the named-parameter mapping and the arity check are all derived from it, so nothing
//! about a method is written twice.
//!
//! A method is a unit struct implementing [`RpcMethod`]: a [`MethodSpec`], a parameter
//! struct (serde `Deserialize`, one field per declared argument, in order) and an output
//! type (serde `Serialize`). The parameter struct is filled from positional or named
//! parameters by [`crate::params::decode`], with Bitcoin Core's error messages.

use crate::{Params, RpcContext, RpcError};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt::Write as _;
use std::future::Future;
use std::sync::Arc;

/// Where `help` lists a method, in Bitcoin Core's groups (in this order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Category {
    Blockchain,
    Control,
    Mining,
    Network,
    Rawtransactions,
    Util,
    Venture,
}

impl Category {
    /// The heading `help` prints, e.g. `== Blockchain ==`.
    pub fn title(self) -> &'static str {
        match self {
            Category::Blockchain => "Blockchain",
            Category::Control => "Control",
            Category::Mining => "Mining",
            Category::Network => "Network",
            Category::Rawtransactions => "Rawtransactions",
            Category::Util => "Util",
            Category::Venture => "Venture",
        }
    }
}

/// An argument's JSON type, as `help` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgType {
    String,
    Numeric,
    Boolean,
    /// A number or a boolean (`getblock`'s verbosity).
    NumericOrBoolean,
    Array,
    Object,
}

impl ArgType {
    fn help_name(self) -> &'static str {
        match self {
            ArgType::String => "string",
            ArgType::Numeric => "numeric",
            ArgType::Boolean => "boolean",
            ArgType::NumericOrBoolean => "numeric or boolean",
            ArgType::Array => "json array",
            ArgType::Object => "json object",
        }
    }
}

/// One declared argument.
#[derive(Debug, Clone, Copy)]
pub struct ArgSpec {
    /// The name for named calls, the usage line and `help`; also the parameter struct's
    /// field name.
    pub name: &'static str,
    pub kind: ArgType,
    pub required: bool,
    /// The value an absent optional argument takes, as `help` shows it.
    pub default: Option<&'static str>,
    /// Accepted (and counted by the arity check) but not shown: arguments Bitcoin Core
    /// takes that this node ignores.
    pub hidden: bool,
    /// How the usage line shows the argument when the type's default rendering differs
    /// from Bitcoin Core's (e.g. `"add|remove"`).
    pub shown_as: Option<&'static str>,
    pub description: &'static str,
}

impl ArgSpec {
    pub const fn required(name: &'static str, kind: ArgType, description: &'static str) -> Self {
        ArgSpec {
            name,
            kind,
            required: true,
            default: None,
            hidden: false,
            shown_as: None,
            description,
        }
    }

    pub const fn optional(name: &'static str, kind: ArgType, description: &'static str) -> Self {
        ArgSpec {
            required: false,
            ..ArgSpec::required(name, kind, description)
        }
    }

    /// The same argument, not required (a method that takes it only sometimes).
    pub const fn as_optional(self) -> Self {
        ArgSpec {
            required: false,
            ..self
        }
    }

    pub const fn default(self, default: &'static str) -> Self {
        ArgSpec {
            default: Some(default),
            ..self
        }
    }

    pub const fn hidden(self) -> Self {
        ArgSpec {
            hidden: true,
            ..self
        }
    }

    pub const fn shown_as(self, shown_as: &'static str) -> Self {
        ArgSpec {
            shown_as: Some(shown_as),
            ..self
        }
    }

    /// The argument in a usage line: `"name"` for strings, `name` for numbers and
    /// booleans, `[name,...]` for arrays, unless declared otherwise.
    fn usage_token(&self) -> String {
        if let Some(shown) = self.shown_as {
            return shown.to_string();
        }
        match self.kind {
            ArgType::String | ArgType::Object => format!("\"{}\"", self.name),
            ArgType::Array => format!("[{},...]", self.name),
            ArgType::Numeric | ArgType::Boolean | ArgType::NumericOrBoolean => {
                self.name.to_string()
            }
        }
    }
}

/// Everything about a method but its code.
#[derive(Debug, Clone, Copy)]
pub struct MethodSpec {
    pub name: &'static str,
    pub category: Category,
    /// What the method does: `help METHOD`'s description.
    pub summary: &'static str,
    /// In positional order.
    pub args: &'static [ArgSpec],
    /// The result, as `help METHOD` describes it.
    pub result: &'static str,
    /// Appended to the usage line (a bound worth stating wherever the usage is shown).
    pub usage_note: Option<fn() -> String>,
}

impl MethodSpec {
    /// A spec with no arguments and no usage note; fill in the rest with `..`.
    pub const fn new(name: &'static str, category: Category, summary: &'static str) -> Self {
        MethodSpec {
            name,
            category,
            summary,
            args: &[],
            result: "",
            usage_note: None,
        }
    }

    /// Bitcoin Core's one-line usage: required arguments, then the optional ones in
    /// parentheses, e.g. `getblockheader "blockhash" ( verbose )`.
    pub fn usage(&self) -> String {
        let mut line = self.name.to_string();
        let mut in_optional = false;
        for arg in self.args.iter().filter(|a| !a.hidden) {
            if !arg.required && !in_optional {
                line.push_str(" (");
                in_optional = true;
            }
            line.push(' ');
            line.push_str(&arg.usage_token());
        }
        if in_optional {
            line.push_str(" )");
        }
        if let Some(note) = self.usage_note {
            line.push(' ');
            line.push_str(&note());
        }
        line
    }

    /// `help METHOD`: the usage line, the description, each argument and the result.
    pub fn help(&self) -> String {
        let mut text = format!("{}\n\n{}\n", self.usage(), self.summary);
        let visible: Vec<&ArgSpec> = self.args.iter().filter(|a| !a.hidden).collect();
        if !visible.is_empty() {
            text.push_str("\nArguments:\n");
            for (i, arg) in visible.iter().enumerate() {
                let requirement = match (arg.required, arg.default) {
                    (true, _) => "required".to_string(),
                    (false, Some(default)) => format!("optional, default={default}"),
                    (false, None) => "optional".to_string(),
                };
                let _ = writeln!(
                    text,
                    "{}. {:<18} ({}, {requirement}) {}",
                    i + 1,
                    arg.name,
                    arg.kind.help_name(),
                    arg.description
                );
            }
        }
        if !self.result.is_empty() {
            let _ = write!(text, "\nResult:\n{}\n", self.result);
        }
        text
    }

    /// The names named calls may use, in positional order.
    pub fn arg_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.args.iter().map(|a| a.name)
    }
}

/// A method: its declaration, parameter and output types, and handler.
pub trait RpcMethod: Send + Sync + 'static {
    const SPEC: &'static MethodSpec;
    /// One field per declared argument, with the argument's name, in order; optional
    /// arguments are `Option`s or have a serde default.
    type Params: DeserializeOwned + Send + 'static;
    type Output: Serialize + Send + 'static;

    fn handle(
        ctx: Arc<RpcContext>,
        params: Self::Params,
    ) -> impl Future<Output = Result<Self::Output, RpcError>> + Send;

    /// Whether this node serves the method at all; checked before the parameters.
    fn available(ctx: &RpcContext) -> Result<(), RpcError> {
        let _ = ctx;
        Ok(())
    }

    /// Fills the parameter struct. Overridden only by methods whose arity is not "at
    /// most the declared arguments" (`getauxblock`: none or both).
    fn decode(params: &Params) -> Result<Self::Params, RpcError> {
        crate::params::decode(Self::SPEC, params)
    }
}

/// The parameter struct of methods without arguments.
#[derive(Debug, Clone, Copy, Default, serde::Deserialize)]
pub struct NoParams {}

/// Bitcoin Core's error for a required argument given as null or not at all.
pub fn missing_parameter(spec: &MethodSpec, name: &str) -> RpcError {
    RpcError::misc(format!(
        "missing required parameter `{name}`; usage: {}",
        spec.usage()
    ))
}

/// Bitcoin Core's error for more arguments than declared.
pub fn too_many_parameters(spec: &MethodSpec) -> RpcError {
    RpcError::misc(format!("too many parameters; usage: {}", spec.usage()))
}
