//! What an operation is: the description `operations!` (in `declare.rs`) builds from each
//! declaration, which the generators, the front doors and the tests read.
//!
//! Imports nothing from its siblings.

use std::any::TypeId;
use std::collections::BTreeMap;
use std::marker::PhantomData;

use hearth_engine::{ApiError, ErrorCode};
use serde::de::{Deserialize, DeserializeOwned, Deserializer, IgnoredAny};
use serde_json::Value;
use ts_rs::{Config, TS, TypeVisitor};

/// The request body every route accepts when it says nothing else (axum's default is 2 MB).
pub const DEFAULT_BODY_LIMIT: usize = 4 * 1024 * 1024;

/// One facade area: its operations, in the order the reference lists them.
pub struct Area {
    /// The file name of the area in `ops/`, `server/` and the shell's `commands/`.
    pub name: &'static str,
    pub title: &'static str,
    pub operations: &'static [&'static Operation],
}

/// One thing a client can ask Hearth to do, through the webview's IPC, the HTTP API, or both.
pub struct Operation {
    /// The IPC command's name (for HTTP-only operations, a name in the same style).
    pub name: &'static str,
    pub area: &'static str,
    /// What it does, for people (the doc comment of its declaration).
    pub doc: &'static str,
    pub ipc: Option<Ipc>,
    pub http: Option<Http>,
    /// The codes it answers for its own reasons ([`Operation::all_errors`] adds those that
    /// follow from its shape: INVALID_INPUT, UNAUTHORIZED, STORAGE, INTERNAL).
    pub errors: &'static [ErrorCode],
}

impl Operation {
    /// Every code it may answer through `door`: its own; INVALID_INPUT where it takes input
    /// (a malformed argument); UNAUTHORIZED on a route that needs the token; and those of any
    /// operation.
    pub fn all_errors(&self, door: Door) -> Vec<ErrorCode> {
        let mut codes = self.errors.to_vec();
        let (takes_input, needs_token) = match door {
            Door::Ipc => match &self.ipc {
                Some(Ipc { input: IpcInput::Args(args), .. }) => (!args.is_empty(), false),
                Some(Ipc { input: IpcInput::Bytes, .. }) => (true, false),
                None => (false, false),
            },
            Door::Http => match &self.http {
                Some(h) => (
                    !h.query.is_empty() || !matches!(h.body, HttpBody::None),
                    h.auth == Auth::Token,
                ),
                None => (false, false),
            },
        };
        let has_body = matches!(door, Door::Http)
            && self.http.as_ref().is_some_and(|h| !matches!(h.body, HttpBody::None));
        let implied = [
            (takes_input, ErrorCode::InvalidInput),
            (has_body, ErrorCode::BodyTooLarge),
            (needs_token, ErrorCode::Unauthorized),
            (true, ErrorCode::Storage),
            (true, ErrorCode::Internal),
        ];
        for (applies, code) in implied {
            if applies && !codes.contains(&code) {
                codes.push(code);
            }
        }
        codes
    }
}

/// A front door.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Door {
    /// The webview's Tauri commands.
    Ipc,
    /// The loopback HTTP API.
    Http,
}

/// The operation as a Tauri command.
pub struct Ipc {
    pub input: IpcInput,
    pub output: Ty,
}

pub enum IpcInput {
    /// Named JSON arguments (snake_case keys, as sent by `invoke`).
    Args(&'static [Field]),
    /// The raw bytes of the request body (what and where travel in headers: see its doc).
    Bytes,
}

/// The operation as an HTTP route.
pub struct Http {
    /// The operation's name.
    pub op: &'static str,
    pub method: Method,
    /// An axum path: `{name}` segments are parameters.
    pub path: &'static str,
    pub auth: Auth,
    pub query: &'static [Field],
    /// Request headers the route reads.
    pub headers: &'static [&'static str],
    pub body: HttpBody,
    pub limit: BodyLimit,
    /// The status of a success.
    pub status: u16,
    pub response: HttpResponse,
}

impl Http {
    /// The path with `values` in its `{name}` segments, in order.
    pub fn fill(&self, values: &[&str]) -> String {
        let mut values = values.iter();
        let filled: Vec<&str> = self
            .path
            .split('/')
            .map(
                |seg| {
                    if seg.starts_with('{') { values.next().copied().unwrap_or(seg) } else { seg }
                },
            )
            .collect();
        debug_assert!(values.next().is_none(), "{}: more values than parameters", self.path);
        filled.join("/")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Method {
    Get,
    Post,
    Patch,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// `Authorization: Bearer <API token>`.
    Token,
    /// The webhook's own secret (checked by the engine), not the API token.
    HookSecret,
    /// Anyone on this computer.
    Open,
}

pub enum HttpBody {
    None,
    /// A JSON body of this type.
    Json(Ty),
    /// A JSON object with these fields (and no others).
    Object(&'static [Field]),
    /// Any JSON value.
    AnyJson,
    /// `multipart/form-data` with one file field of this name.
    Multipart(&'static str),
}

/// How large a request body may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyLimit {
    /// [`DEFAULT_BODY_LIMIT`].
    Default,
    Max(usize),
    /// No limit here: the handler checks the size while the body streams in.
    Unchecked,
}

pub enum HttpResponse {
    Json(Ty),
    /// A JSON object with these fields.
    Object(&'static [Field]),
    /// No body (204).
    Empty,
    /// The bytes of a file, with its type.
    Bytes,
    /// Text (its type depends on the request).
    Text,
    /// `text/event-stream` of these, one event each.
    Sse(Ty),
}

/// A named argument, query parameter or body field.
#[derive(Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub ty: Ty,
}

/// A type as JSON clients see it: its TypeScript spelling (ts-rs names for Rust types) and
/// the named types it uses.
#[derive(Clone, Copy)]
pub struct Ty {
    ts: fn(&Config) -> String,
    imports: fn(&Config, &mut Imports),
    /// `Option<T>`: may be left out (or null).
    pub optional: bool,
}

impl Ty {
    pub const fn of<T: Wire>() -> Ty {
        Ty { ts: T::ts_name, imports: T::ts_imports, optional: T::OPTIONAL }
    }

    /// The TypeScript type, `T | null` for an optional one.
    pub fn ts(&self, cfg: &Config) -> String {
        (self.ts)(cfg)
    }

    /// The TypeScript type without the `| null` of an optional one.
    pub fn ts_required(&self, cfg: &Config) -> String {
        let name = self.ts(cfg);
        match name.strip_suffix(" | null") {
            Some(inner) if self.optional => inner.to_owned(),
            _ => name,
        }
    }

    pub fn add_imports(&self, cfg: &Config, imports: &mut Imports) {
        (self.imports)(cfg, imports)
    }
}

/// The ts-rs configuration of the engine's bindings (64-bit integers are `number`).
pub fn ts_config() -> Config {
    Config::new().with_large_int("number")
}

/// Where a TypeScript name comes from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum ImportFrom {
    /// A file of ts-rs bindings (`ui/src/bindings/<this>.ts`).
    Bindings(String),
    /// A package.
    Package(&'static str),
}

/// TypeScript names to import, by name.
pub type Imports = BTreeMap<String, ImportFrom>;

/// A type that crosses a front door, as TypeScript sees it.
pub trait Wire {
    fn ts_name(cfg: &Config) -> String;
    fn ts_imports(cfg: &Config, imports: &mut Imports);
    const OPTIONAL: bool = false;
}

/// Every ts-rs type; `()` (an answer without content) is `void`.
impl<T: TS + 'static> Wire for T {
    fn ts_name(cfg: &Config) -> String {
        if TypeId::of::<T>() == TypeId::of::<()>() { "void".to_owned() } else { T::name(cfg) }
    }

    fn ts_imports(cfg: &Config, imports: &mut Imports) {
        struct Collect<'a>(&'a Config, &'a mut Imports);
        impl TypeVisitor for Collect<'_> {
            fn visit<U: TS + 'static + ?Sized>(&mut self) {
                if let Some(path) = U::output_path() {
                    let file = path.with_extension("").to_string_lossy().replace('\\', "/");
                    self.1.insert(U::ident(self.0), ImportFrom::Bindings(file));
                }
            }
        }
        let mut collect = Collect(cfg, imports);
        collect.visit::<T>();
        T::visit_generics(&mut collect);
    }

    const OPTIONAL: bool = T::IS_OPTION;
}

/// The raw bytes of a request or an answer (`ArrayBuffer` in the webview).
pub struct Bytes;

impl Wire for Bytes {
    fn ts_name(_: &Config) -> String {
        "ArrayBuffer".to_owned()
    }

    fn ts_imports(_: &Config, _: &mut Imports) {}
}

/// A Tauri channel the webview passes (as its id) for the command to stream `T`s into. The
/// shell takes the channel itself as its own argument; here it only has a type.
pub struct Channel<T>(PhantomData<T>);

impl<T: Wire> Wire for Channel<T> {
    fn ts_name(cfg: &Config) -> String {
        format!("Channel<{}>", T::ts_name(cfg))
    }

    fn ts_imports(cfg: &Config, imports: &mut Imports) {
        imports.insert("Channel".to_owned(), ImportFrom::Package("@tauri-apps/api/core"));
        T::ts_imports(cfg, imports);
    }
}

impl<'de, T> Deserialize<'de> for Channel<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        IgnoredAny::deserialize(d).map(|_| Channel(PhantomData))
    }
}

/// The arguments of an IPC command, read from its JSON payload.
pub trait IpcArgs: Sized {
    /// The argument names, in order.
    const KEYS: &'static [&'static str];

    /// Reads each argument by its key; a missing one is `null` (fine for an `Option`).
    fn from_json(command: &str, payload: &Value) -> Result<Self, ApiError>;
}

/// One argument of `command`: INVALID_INPUT, naming it, when it is missing or malformed.
pub fn ipc_arg<T: DeserializeOwned>(
    command: &str,
    payload: &Value,
    key: &str,
) -> Result<T, ApiError> {
    let value = payload.get(key).cloned().unwrap_or(Value::Null);
    serde_json::from_value(value).map_err(|e| {
        ApiError::new(
            ErrorCode::InvalidInput,
            format!("{command}: argument `{key}` is invalid: {e}"),
        )
    })
}
