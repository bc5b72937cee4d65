//! Positional and named parameters, and their decoding into a method's parameter
//! struct with Bitcoin Core's errors (which name the parameter and repeat the usage).

use crate::method::{missing_parameter, too_many_parameters, MethodSpec};
use crate::RpcError;
use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess, Visitor};
use serde_json::Value;
use std::fmt;

/// A call's parameters, in positional order (named ones are placed by the method's
/// declared arguments before the handler sees them).
#[derive(Debug, Clone, Default)]
pub struct Params {
    values: Vec<Value>,
}

impl Params {
    pub fn new(values: Vec<Value>) -> Params {
        Params { values }
    }

    /// Converts a request's `params` (array, object or absent), placing named
    /// parameters by the positions of `spec`'s arguments, as Bitcoin Core does.
    pub fn from_request(raw: Option<Value>, spec: &MethodSpec) -> Result<Params, RpcError> {
        match raw {
            None | Some(Value::Null) => Ok(Params::default()),
            Some(Value::Array(values)) => Ok(Params { values }),
            Some(Value::Object(mut map)) => {
                let mut values: Vec<Value> = spec
                    .arg_names()
                    .map(|name| map.remove(name).unwrap_or(Value::Null))
                    .collect();
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

    /// The value at `index`, absent or null giving `None`.
    pub fn get(&self, index: usize) -> Option<&Value> {
        self.values.get(index).filter(|v| !v.is_null())
    }
}

/// Fills `P` from `params`: more values than `spec` declares is "too many parameters";
/// then the arguments are taken in positional order, a required one that is absent or
/// null being "missing required parameter", a value `P`'s field does not accept a type
/// error naming the argument.
pub fn decode<P: DeserializeOwned>(spec: &MethodSpec, params: &Params) -> Result<P, RpcError> {
    if params.len() > spec.args.len() {
        return Err(too_many_parameters(spec));
    }
    P::deserialize(Arguments {
        spec,
        values: &params.values,
        next: 0,
        current: None,
    })
    .map_err(|e| match e {
        DecodeError::Missing(name) => missing_parameter(spec, name),
        DecodeError::WrongType { name, json_type } => RpcError::type_error(format!(
            "JSON value of type {json_type} for parameter `{name}` is not of the expected type"
        )),
        DecodeError::Other(message) => RpcError::type_error(message),
        DecodeError::Fields(_) => RpcError::internal("parameter struct probed while decoding"),
    })
}

/// The field names of a parameter struct, in declaration order (what serde's derive
/// passes to `deserialize_struct`), to check them against a method's declared
/// arguments. `None` when `P` is not a struct.
pub fn struct_fields<P: DeserializeOwned>() -> Option<&'static [&'static str]> {
    match P::deserialize(FieldProbe) {
        Err(DecodeError::Fields(fields)) => Some(fields),
        _ => None,
    }
}

/// Why decoding failed, before the usage is added.
#[derive(Debug)]
enum DecodeError {
    Missing(&'static str),
    WrongType {
        name: &'static str,
        json_type: &'static str,
    },
    Other(String),
    /// [`FieldProbe`]'s answer: not an error, the field names it was after.
    Fields(&'static [&'static str]),
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Missing(name) => write!(f, "missing parameter `{name}`"),
            DecodeError::WrongType { name, json_type } => {
                write!(f, "parameter `{name}` has type {json_type}")
            }
            DecodeError::Other(message) => f.write_str(message),
            DecodeError::Fields(fields) => write!(f, "fields {fields:?}"),
        }
    }
}

impl std::error::Error for DecodeError {}

impl de::Error for DecodeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DecodeError::Other(msg.to_string())
    }

    fn missing_field(field: &'static str) -> Self {
        DecodeError::Missing(field)
    }
}

/// The declared arguments with their values, seen by the parameter struct's
/// `Deserialize` as a map from argument name to value. Absent and null values are left
/// out, so optional fields take their defaults.
struct Arguments<'a> {
    spec: &'a MethodSpec,
    values: &'a [Value],
    next: usize,
    current: Option<usize>,
}

impl<'de> de::Deserializer<'de> for Arguments<'_> {
    type Error = DecodeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        visitor.visit_map(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
        byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map struct
        enum identifier ignored_any
    }
}

impl<'de> MapAccess<'de> for Arguments<'_> {
    type Error = DecodeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DecodeError> {
        while let Some(arg) = self.spec.args.get(self.next) {
            let index = self.next;
            self.next += 1;
            match self.values.get(index) {
                None | Some(Value::Null) if arg.required => {
                    return Err(DecodeError::Missing(arg.name))
                }
                None | Some(Value::Null) => continue,
                Some(_) => {
                    self.current = Some(index);
                    let key: de::value::StrDeserializer<'_, DecodeError> =
                        arg.name.into_deserializer();
                    return seed.deserialize(key).map(Some);
                }
            }
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, DecodeError> {
        let index = self
            .current
            .take()
            .ok_or_else(|| DecodeError::Other("value asked before its key".into()))?;
        let value = &self.values[index];
        seed.deserialize(value.clone())
            .map_err(|_| DecodeError::WrongType {
                name: self.spec.args[index].name,
                json_type: json_type(value),
            })
    }
}

/// A deserializer that only records the field names a struct's `Deserialize` passes.
struct FieldProbe;

impl<'de> de::Deserializer<'de> for FieldProbe {
    type Error = DecodeError;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, DecodeError> {
        Err(DecodeError::Other("not a struct".into()))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, DecodeError> {
        Err(DecodeError::Fields(fields))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
        byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map
        enum identifier ignored_any
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}
