//! `docs/API-REFERENCE.md`: every operation with its IPC command, its HTTP route and its
//! error codes, area by area.

use std::fmt::Write;

use hearth_engine::ErrorCode;
use ts_rs::Config;

use super::schema::{
    Area, Auth, BodyLimit, Door, Field, Http, HttpBody, HttpResponse, ImportFrom, Imports, Ipc,
    IpcInput, Operation, Ty, ts_config,
};

pub const PATH: &str = "docs/API-REFERENCE.md";

/// How the reference reaches `ui/src/bindings/`.
const BINDINGS: &str = "../ui/src/bindings";

/// Codes every operation may answer, said once at the top rather than under each.
const EVERYWHERE: [ErrorCode; 3] =
    [ErrorCode::Storage, ErrorCode::Internal, ErrorCode::Unauthorized];

pub fn markdown(areas: &[&Area]) -> String {
    let cfg = ts_config();
    let mut out = String::new();
    out.push_str(INTRO);
    out.push_str("\n## Contents\n\n| Area | Operations |\n|---|---|\n");
    for area in areas {
        let ops: Vec<String> =
            area.operations.iter().map(|op| format!("[`{0}`](#{0})", op.name)).collect();
        let _ = writeln!(out, "| [{}](#{}) | {} |", area.title, anchor(area.title), ops.join(", "));
    }
    for area in areas {
        let _ = write!(out, "\n## {}\n", area.title);
        for op in area.operations {
            operation(&mut out, &cfg, op);
        }
    }
    out.push_str("\n## Error codes\n\n| Code | HTTP status |\n|---|---|\n");
    for code in every_code(areas) {
        let _ = writeln!(out, "| `{}` | {} |", code.name(), code.http_status());
    }
    out
}

const INTRO: &str = "\
# Hearth's operations: the API reference

<!-- Generated from hearth_api::ops (src-tauri/api/src/ops/) by `make bindings`. Do not edit. -->

Every operation Hearth offers, through the webview's IPC (a Tauri command: `invoke(name, args)`),
the loopback HTTP API (`http://127.0.0.1:PORT`, see the README), or both. Both doors call the
same engine functions and answer the same error codes.

- **Types** are JSON, named as in the TypeScript bindings generated from the Rust types
  (`ui/src/bindings/`); `T | null` and `name?` may be left out. IPC arguments are named
  (snake_case keys); HTTP path parameters are `{name}` segments.
- **Auth:** every HTTP route needs `Authorization: Bearer <token>` (`hearth token`) unless it
  says otherwise; without it the answer is `UNAUTHORIZED` (401) and nothing else.
- **Errors** are `{code, message}` over IPC and `{\"error\": {code, message}}` over HTTP, with
  the code's HTTP status (table at the end). Besides the codes listed with each operation, any
  may answer `STORAGE` or `INTERNAL` (500).
- **Bodies** are JSON (`Content-Type: application/json`) of at most 4 MB unless a route says
  otherwise.
";

fn operation(out: &mut String, cfg: &Config, op: &Operation) {
    let _ = write!(out, "\n### `{}`\n\n", op.name);
    let doc: Vec<&str> = op.doc.lines().map(|l| l.strip_prefix(' ').unwrap_or(l)).collect();
    if !doc.is_empty() {
        let _ = write!(out, "{}\n\n", doc.join("\n"));
    }
    if let Some(ipc) = &op.ipc {
        let _ = writeln!(out, "- **IPC** {}", ipc_line(cfg, op.name, ipc));
    }
    if let Some(http) = &op.http {
        let _ = writeln!(out, "- **HTTP** {}", http_line(cfg, http));
    }
    let doors = [(Door::Ipc, op.ipc.is_some()), (Door::Http, op.http.is_some())];
    let mut codes: Vec<ErrorCode> = Vec::new();
    for (door, _) in doors.into_iter().filter(|(_, has)| *has) {
        for code in op.all_errors(door) {
            let said_once = EVERYWHERE.contains(&code) && !op.errors.contains(&code);
            if !said_once && !codes.contains(&code) {
                codes.push(code);
            }
        }
    }
    if !codes.is_empty() {
        let codes: Vec<String> =
            codes.iter().map(|c| format!("`{}` ({})", c.name(), c.http_status())).collect();
        let _ = writeln!(out, "- **Errors** {}", codes.join(", "));
    }
}

fn ipc_line(cfg: &Config, name: &str, ipc: &Ipc) -> String {
    let args = match &ipc.input {
        IpcInput::Args([]) => "no arguments".to_owned(),
        IpcInput::Args(fields) => format!("`{}`", object(cfg, fields)),
        IpcInput::Bytes => "the raw bytes as the body".to_owned(),
    };
    format!("`{name}` — {args} → {}", ty(cfg, &ipc.output))
}

fn http_line(cfg: &Config, http: &Http) -> String {
    let mut line = format!("`{} {}`", http.method.as_str(), http.path);
    let mut parts: Vec<String> = Vec::new();
    match http.auth {
        Auth::Token => {}
        Auth::HookSecret => parts.push("the webhook's secret instead of the token".into()),
        Auth::Open => parts.push("no token".into()),
    }
    if !http.query.is_empty() {
        let query: Vec<String> = http
            .query
            .iter()
            .map(|f| {
                let optional = if f.ty.optional { "?" } else { "" };
                format!("`{}{optional}: {}`", f.name, f.ty.ts_required(cfg))
            })
            .collect();
        parts.push(format!("query {}", query.join(", ")));
    }
    if !http.headers.is_empty() {
        let headers: Vec<String> = http.headers.iter().map(|h| format!("`{h}`")).collect();
        parts.push(format!("headers {}", headers.join(", ")));
    }
    match &http.body {
        HttpBody::None => {}
        HttpBody::Json(t) => parts.push(format!("body {}", ty(cfg, t))),
        HttpBody::Object(fields) => parts.push(format!("body `{}`", object(cfg, fields))),
        HttpBody::AnyJson => parts.push("body any JSON".into()),
        HttpBody::Multipart(field) => {
            parts.push(format!("body `multipart/form-data` with one `{field}` field"))
        }
    }
    match http.limit {
        BodyLimit::Default => {}
        BodyLimit::Max(bytes) => parts.push(format!("bodies up to {} MB", bytes / (1024 * 1024))),
        BodyLimit::Unchecked => {
            parts.push("no body limit here (the size is checked as it streams)".into())
        }
    }
    if !parts.is_empty() {
        let _ = write!(line, " — {}", parts.join("; "));
    }
    let answer = match &http.response {
        HttpResponse::Json(t) => ty(cfg, t),
        HttpResponse::Object(fields) => format!("`{}`", object(cfg, fields)),
        HttpResponse::Empty => "no body".to_owned(),
        HttpResponse::Bytes => "the bytes, with their type as `Content-Type`".to_owned(),
        HttpResponse::Text => "text".to_owned(),
        HttpResponse::Sse(t) => format!("`text/event-stream` of {}", ty(cfg, t)),
    };
    let _ = write!(line, " → {} {answer}", http.status);
    line
}

/// `{ name: T; other?: U }` in TypeScript.
fn object(cfg: &Config, fields: &[Field]) -> String {
    let fields: Vec<String> = fields
        .iter()
        .map(|f| {
            let optional = if f.ty.optional { "?" } else { "" };
            format!("{}{optional}: {}", f.name, f.ty.ts_required(cfg))
        })
        .collect();
    format!("{{ {} }}", fields.join(", "))
}

/// A type, linked to its binding when it is one (or an array of one).
fn ty(cfg: &Config, t: &Ty) -> String {
    let name = t.ts(cfg);
    let mut imports = Imports::new();
    t.add_imports(cfg, &mut imports);
    let link = |n: &str| match imports.get(n) {
        Some(ImportFrom::Bindings(file)) => Some(format!("[`{n}`]({BINDINGS}/{file}.ts)")),
        _ => None,
    };
    if let Some(linked) = link(&name) {
        return linked;
    }
    if let Some(inner) = name.strip_prefix("Array<").and_then(|n| n.strip_suffix('>'))
        && let Some(linked) = link(inner)
    {
        return format!("array of {linked}");
    }
    format!("`{name}`")
}

/// GitHub's anchor for a heading.
fn anchor(title: &str) -> String {
    title
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// Every code the operations may answer, by name.
fn every_code(areas: &[&Area]) -> Vec<ErrorCode> {
    let mut codes: Vec<ErrorCode> = Vec::new();
    for op in areas.iter().flat_map(|a| a.operations.iter()) {
        for door in [Door::Ipc, Door::Http] {
            for code in op.all_errors(door) {
                if !codes.contains(&code) {
                    codes.push(code);
                }
            }
        }
    }
    codes.sort_by_key(|c| c.name());
    codes
}
