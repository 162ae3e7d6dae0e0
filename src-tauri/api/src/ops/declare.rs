//! The `operations!` macro the area files declare their operations with, and its helpers.
//!
//! Imports nothing: the paths in the macros (`$crate::ops::schema::…`, the area file's own
//! types) are resolved where they expand.

/// The first of its expressions (the optional parts of a declaration, then the default).
macro_rules! first {
    ($e:expr $(, $rest:expr)* $(,)?) => {
        $e
    };
}

/// `$e`, in a repetition of the declaration part `$present` (which it does not need).
macro_rules! when {
    ($present:tt => $e:expr) => {
        $e
    };
}

macro_rules! method {
    (GET) => {
        $crate::ops::schema::Method::Get
    };
    (POST) => {
        $crate::ops::schema::Method::Post
    };
    (PATCH) => {
        $crate::ops::schema::Method::Patch
    };
    (DELETE) => {
        $crate::ops::schema::Method::Delete
    };
}

macro_rules! fields {
    ($($name:ident : $ty:ty),* $(,)?) => {
        &[$($crate::ops::schema::Field {
            name: stringify!($name),
            ty: $crate::ops::schema::Ty::of::<$ty>(),
        }),*]
    };
}

/// The description of a request body: `json(T)`, `object(field: T, …)`, `any` or
/// `multipart("field")`.
macro_rules! http_body {
    (json($ty:ty)) => {
        $crate::ops::schema::HttpBody::Json($crate::ops::schema::Ty::of::<$ty>())
    };
    (object($($fields:tt)*)) => {
        $crate::ops::schema::HttpBody::Object($crate::ops::declare::fields!($($fields)*))
    };
    (any) => {
        $crate::ops::schema::HttpBody::AnyJson
    };
    (multipart($field:literal)) => {
        $crate::ops::schema::HttpBody::Multipart($field)
    };
}

/// The type a handler reads its body as (`HttpBody`), for the bodies that have one.
macro_rules! http_body_type {
    (json($ty:ty)) => {
        pub type HttpBody = $ty;
    };
    (object($($name:ident : $ty:ty),* $(,)?)) => {
        /// The request body of the route.
        #[derive(Debug, ::serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct HttpBody {
            $(pub $name: $ty),*
        }
    };
    (any) => {
        pub type HttpBody = ::serde_json::Value;
    };
    (multipart($field:literal)) => {};
}

/// The description of an answer: `json(T)`, `object(field: T, …)`, `empty`, `bytes`, `text`
/// or `sse(T)`.
macro_rules! http_response {
    (json($ty:ty)) => {
        $crate::ops::schema::HttpResponse::Json($crate::ops::schema::Ty::of::<$ty>())
    };
    (object($($fields:tt)*)) => {
        $crate::ops::schema::HttpResponse::Object($crate::ops::declare::fields!($($fields)*))
    };
    (empty) => {
        $crate::ops::schema::HttpResponse::Empty
    };
    (bytes) => {
        $crate::ops::schema::HttpResponse::Bytes
    };
    (text) => {
        $crate::ops::schema::HttpResponse::Text
    };
    (sse($ty:ty)) => {
        $crate::ops::schema::HttpResponse::Sse($crate::ops::schema::Ty::of::<$ty>())
    };
}

/// Declares the operations of one area, each once:
///
/// ```text
/// operations! {
///     area: sessions, "Sessions";
///     /// What it does.
///     session_get {
///         ipc(session_id: String) -> Session;                      // a Tauri command, and/or
///         http GET "/v1/sessions/{id}" => 200 json(Session);       // an HTTP route
///         errors(SessionNotFound);                                 // ErrorCode variants
///     }
/// }
/// ```
///
/// An IPC part is `ipc(name: Type, …) -> Output;` (JSON arguments) or `ipc_bytes -> Output;`
/// (the raw body). An HTTP part is `http METHOD "path"` followed by, as needed and in this
/// order, `auth Open|HookSecret`, `query(name: Type, …)`, `headers("Name", …)`,
/// `body json(T)|object(field: T, …)|any|multipart("field")`, `limit(BodyLimit::…)`, then
/// `=> status` and the answer (`json(T)`, `object(field: T, …)`, `empty`, `bytes`, `text`,
/// `sse(T)`).
///
/// Each operation becomes a module named after it, with `OP` (its
/// [`Operation`](super::schema::Operation)); with an IPC part also `Args` (the arguments,
/// [`IpcArgs`](super::schema::IpcArgs)) and `Output`, which the shell's command takes and
/// returns; with an HTTP part also `HTTP` (the [`Http`](super::schema::Http) the router
/// serves) and, for a JSON body, `HttpBody`, which the handler reads. The area gets `AREA`.
macro_rules! operations {
    (
        area: $area:ident, $title:literal;
        $(
            $(#[doc = $doc:literal])*
            $name:ident { $($body:tt)* }
        )*
    ) => {
        $(
            $(#[doc = $doc])*
            pub mod $name {
                #[allow(unused_imports)]
                use super::*;
                $crate::ops::declare::operation! { $area $name [$($doc)*] $($body)* }
            }
        )*

        /// This area's operations, in order.
        pub static AREA: $crate::ops::schema::Area = $crate::ops::schema::Area {
            name: stringify!($area),
            title: $title,
            operations: &[$(&$name::OP),*],
        };
    };
}

/// One operation's module contents (see [`operations!`]).
macro_rules! operation {
    (
        $area:ident $name:ident [$($doc:literal)*]
        $( ipc ( $($arg:ident : $arg_ty:ty),* $(,)? ) -> $out:ty ; )?
        $( ipc_bytes -> $bytes_out:ty ; )?
        $(
            http $method:ident $path:literal
            $( auth $auth:ident )?
            $( query ( $($query:tt)* ) )?
            $( headers ( $($header:literal),* $(,)? ) )?
            $( body $body_kind:ident $( ( $($body:tt)* ) )? )?
            $( limit ( $limit:expr ) )?
            => $status:literal $response_kind:ident $( ( $($response:tt)* ) )? ;
        )?
        errors ( $($error:ident),* $(,)? ) ;
    ) => {
        /// The operation, as the generators and tests see it.
        pub const OP: $crate::ops::schema::Operation = $crate::ops::schema::Operation {
            name: stringify!($name),
            area: stringify!($area),
            doc: concat!($($doc, "\n"),*),
            ipc: $crate::ops::declare::first!(
                $(Some($crate::ops::schema::Ipc {
                    input: $crate::ops::schema::IpcInput::Args(
                        $crate::ops::declare::fields!($($arg: $arg_ty),*)
                    ),
                    output: $crate::ops::schema::Ty::of::<$out>(),
                }),)?
                $(Some($crate::ops::schema::Ipc {
                    input: $crate::ops::schema::IpcInput::Bytes,
                    output: $crate::ops::schema::Ty::of::<$bytes_out>(),
                }),)?
                None,
            ),
            http: $crate::ops::declare::first!(
                $($crate::ops::declare::when!($method => Some(HTTP)),)?
                None,
            ),
            errors: &[$(::hearth_engine::ErrorCode::$error),*],
        };

        $(
            /// The command's arguments, by name.
            pub struct Args {
                $(pub $arg: $arg_ty,)*
            }

            impl $crate::ops::schema::IpcArgs for Args {
                const KEYS: &'static [&'static str] = &[$(stringify!($arg)),*];

                #[allow(unused_variables)]
                fn from_json(
                    command: &str,
                    payload: &::serde_json::Value,
                ) -> Result<Self, ::hearth_engine::ApiError> {
                    Ok(Args {
                        $($arg: $crate::ops::schema::ipc_arg(command, payload, stringify!($arg))?,)*
                    })
                }
            }

            /// What the command answers.
            pub type Output = $out;
        )?
        $(
            /// What the command answers.
            pub type Output = $bytes_out;
        )?

        $(
            /// The route.
            pub const HTTP: $crate::ops::schema::Http = $crate::ops::schema::Http {
                op: stringify!($name),
                method: $crate::ops::declare::method!($method),
                path: $path,
                auth: $crate::ops::declare::first!(
                    $($crate::ops::schema::Auth::$auth,)?
                    $crate::ops::schema::Auth::Token,
                ),
                query: $crate::ops::declare::first!(
                    $($crate::ops::declare::fields!($($query)*),)?
                    &[],
                ),
                headers: &[$($($header),*)?],
                body: $crate::ops::declare::first!(
                    $($crate::ops::declare::http_body!($body_kind $(($($body)*))?),)?
                    $crate::ops::schema::HttpBody::None,
                ),
                limit: $crate::ops::declare::first!(
                    $($limit,)?
                    $crate::ops::schema::BodyLimit::Default,
                ),
                status: $status,
                response: $crate::ops::declare::http_response!(
                    $response_kind $(($($response)*))?
                ),
            };

            $( $crate::ops::declare::http_body_type!($body_kind $(($($body)*))?); )?
        )?
    };
}

pub(crate) use {
    fields, first, http_body, http_body_type, http_response, method, operation, operations, when,
};
