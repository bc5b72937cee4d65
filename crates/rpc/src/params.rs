//! Positional and named parameters, with errors that name the parameter.

use crate::RpcError;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// A call's parameters, in positional order (named ones are placed by the method's
/// parameter names before the handler sees them).
#[derive(Debug, Clone, Default)]
pub struct Params {
    values: Vec<Value>,
}

impl Params {
    pub fn new(values: Vec<Value>) -> Params {
        Params { values }
    }

    /// Converts a request's `params` (array, object or absent) using `names` for named
    /// parameters, as Bitcoin Core does.
    pub fn from_request(raw: Option<Value>, names: &[&str]) -> Result<Params, RpcError> {
        match raw {
            None | Some(Value::Null) => Ok(Params::default()),
            Some(Value::Array(values)) => Ok(Params { values }),
            Some(Value::Object(mut map)) => {
                let mut values = vec![Value::Null; names.len()];
                for (i, name) in names.iter().enumerate() {
                    if let Some(v) = map.remove(*name) {
                        values[i] = v;
                    }
                }
                if let Some(unknown) = map.keys().next() {
                    return Err(RpcError::invalid_parameter(format!(
                        "Unknown named parameter {unknown}"
                    )));
                }
                while values.last() == Some(&Value::Null) {
                    values.pop();
                }
                Ok(Params { values })
            }
            Some(_) => Err(RpcError::new(
                crate::codes::RPC_INVALID_REQUEST,
                "Params must be an array or object",
            )),
        }
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Refuses more than `max` parameters, like Bitcoin Core's argument-count check.
    pub fn at_most(&self, max: usize, usage: &str) -> Result<(), RpcError> {
        if self.values.len() > max {
            return Err(RpcError::misc(format!(
                "too many parameters; usage: {usage}"
            )));
        }
        Ok(())
    }

    /// The parameter at `index`, absent or null giving `None`.
    pub fn optional<T: DeserializeOwned>(
        &self,
        index: usize,
        name: &str,
    ) -> Result<Option<T>, RpcError> {
        match self.values.get(index) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => serde_json::from_value(value.clone())
                .map(Some)
                .map_err(|_| {
                    RpcError::type_error(format!(
                        "JSON value of type {} for parameter `{name}` is not of the expected type",
                        type_name(value)
                    ))
                }),
        }
    }

    /// The parameter at `index`, which must be present.
    pub fn required<T: DeserializeOwned>(
        &self,
        index: usize,
        name: &str,
        usage: &str,
    ) -> Result<T, RpcError> {
        self.optional(index, name)?.ok_or_else(|| {
            RpcError::misc(format!(
                "missing required parameter `{name}`; usage: {usage}"
            ))
        })
    }

    /// The raw value at `index`.
    pub fn raw(&self, index: usize) -> Option<&Value> {
        self.values.get(index).filter(|v| !v.is_null())
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}
