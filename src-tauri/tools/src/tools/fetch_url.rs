//! `fetch_url`: GETs an http(s) URL and returns its text; HTML is rendered as readable text.
//!
//! Redirects are followed here, one hop at a time, so that every URL requested — the first and
//! each hop — goes through the same two checks (see [`crate::net`]): the approval gate, and the
//! address the host resolves to. No proxy is used: behind one, the address actually connected
//! to could not be checked.

use std::time::Duration;

use reqwest::header::{ACCEPT, CONTENT_TYPE, LOCATION};
use reqwest::{Client, Response, Url, redirect};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::args::parse;
use crate::cap::truncate_str;
use crate::error::{ToolError, ToolErrorCode};
use crate::net::{self, Hop, NetGate};
use crate::{ToolContext, ToolDef, ToolKind, ToolOutput};

pub const NAME: &str = "fetch_url";

const DEFAULT_MAX_BYTES: u64 = 2 * 1024 * 1024;
const MAX_MAX_BYTES: u64 = 10 * 1024 * 1024;
/// Most text returned after conversion, the same budget as read_file.
const OUTPUT_CAP: usize = 256 * 1024;
const TIMEOUT: Duration = Duration::from_secs(30);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const MAX_REDIRECTS: usize = 5;
/// Column width HTML is laid out at; wide enough that prose wraps rarely.
const RENDER_WIDTH: usize = 120;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Args {
    url: String,
    max_bytes: Option<u64>,
}

pub fn def() -> ToolDef {
    ToolDef {
        name: NAME,
        description: "Fetch an http or https URL with GET and return its content as text. HTML \
            pages are converted to readable text (links listed at the end); JSON, XML and other \
            text is returned as is. Binary content (images, PDFs, archives) is refused. The \
            download stops at max_bytes and the text returned is capped at 256 KiB.",
        input_schema: json!({
            "type": "object",
            "properties": {
                "url": {
                    "type": "string",
                    "description": "The http:// or https:// URL to fetch."
                },
                "max_bytes": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": MAX_MAX_BYTES,
                    "description": "Most bytes of the response body to download. Default 2 MiB."
                }
            },
            "required": ["url"],
            "additionalProperties": false
        }),
        kind: ToolKind::Network,
    }
}

pub async fn run(input: &Value, ctx: &ToolContext) -> Result<ToolOutput, ToolError> {
    let args: Args = parse(NAME, input)?;
    let url = Url::parse(&args.url)
        .map_err(|err| ToolError::invalid(format!("`{}` is not a valid URL: {err}", args.url)))?;
    check_form(&url)?;
    let max_bytes = args.max_bytes.unwrap_or(DEFAULT_MAX_BYTES);
    if !(1..=MAX_MAX_BYTES).contains(&max_bytes) {
        return Err(ToolError::invalid(format!(
            "max_bytes must be between 1 and {MAX_MAX_BYTES}; got {max_bytes}"
        )));
    }
    let gate: &dyn NetGate = ctx.net.as_deref().unwrap_or(&net::PublicOnly);
    tokio::select! {
        biased;
        () = ctx.cancel.cancelled() => Err(ToolError::aborted()),
        fetched = fetch(url, max_bytes, gate) => fetched,
    }
}

/// An http(s) URL without userinfo (`http://allowed.example@127.0.0.1/` reads as one host to a
/// person and is another to the client).
fn check_form(url: &Url) -> Result<(), ToolError> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(ToolError::invalid(format!(
            "only http and https URLs can be fetched, not `{}:`",
            url.scheme()
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ToolError::invalid(format!(
            "`{url}` carries a user name or password before the host; fetch_url refuses URLs \
             with userinfo"
        )));
    }
    Ok(())
}

async fn fetch(url: Url, max_bytes: u64, gate: &dyn NetGate) -> Result<ToolOutput, ToolError> {
    let mut url = url;
    let mut hops = 0;
    let mut response = loop {
        let response = request(&url, gate).await?;
        let Some(next) = redirect_target(&url, &response)? else { break response };
        hops += 1;
        if hops > MAX_REDIRECTS {
            return Err(ToolError::new(
                ToolErrorCode::Network,
                format!("{url} redirected more than {MAX_REDIRECTS} times"),
            ));
        }
        check_form(&next).map_err(|e| {
            ToolError::new(
                e.code,
                format!("{url} redirected to a URL that is refused: {}", e.message),
            )
        })?;
        url = next;
    };
    let final_url = response.url().to_string();
    let status = response.status();
    if !status.is_success() {
        return Err(ToolError::new(
            ToolErrorCode::Network,
            format!("{final_url} answered HTTP {status}"),
        ));
    }
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let mut kind = Kind::of(&content_type);
    if kind == Kind::Binary {
        return Err(binary(&final_url, &content_type));
    }

    let mut body = Vec::new();
    let mut truncated = false;
    while let Some(chunk) = response.chunk().await.map_err(|err| network(&err))? {
        let room = usize::try_from(max_bytes).unwrap_or(usize::MAX) - body.len();
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            truncated = true;
            break;
        }
        body.extend_from_slice(&chunk);
    }
    if body.contains(&0) {
        return Err(binary(&final_url, &content_type));
    }
    if kind == Kind::Unknown {
        kind = sniff(&body);
    }

    let text = decode(&body, &content_type);
    let text = if kind == Kind::Html { render_html(text).await } else { text };
    let shown = truncate_str(&text, OUTPUT_CAP);
    let mut out = format!(
        "URL: {final_url}\nContent-Type: {}\n\n{shown}",
        if content_type.is_empty() { "(none)" } else { &content_type }
    );
    if truncated {
        out.push_str(&format!("\n[download stopped at max_bytes = {max_bytes} bytes]"));
    }
    if shown.len() < text.len() {
        out.push_str(&format!("\n[text cut at 256 KiB of {} bytes]", text.len()));
    }
    Ok(ToolOutput::new(out))
}

/// One request, if the gate lets it go, connected only to addresses the policy allows.
async fn request(url: &Url, gate: &dyn NetGate) -> Result<Response, ToolError> {
    let local = match gate.check(url) {
        Hop::Go { local } => local,
        Hop::Stop(reason) => return Err(ToolError::new(ToolErrorCode::Refused, reason)),
    };
    let addrs = net::addresses(url, local, gate.own_port())
        .await
        .map_err(|reason| ToolError::new(ToolErrorCode::Refused, reason))?;
    // A client per request: reqwest's pooled connections belong to the runtime that opened
    // them, and each hop is pinned to the addresses checked for it.
    let mut client = Client::builder()
        .timeout(TIMEOUT)
        .connect_timeout(CONNECT_TIMEOUT)
        .redirect(redirect::Policy::none())
        .no_proxy()
        .user_agent(concat!("Hearth/", env!("CARGO_PKG_VERSION"), " (fetch_url)"));
    if let Some(net::Host::Domain(name)) = url.host() {
        client = client.resolve_to_addrs(name, &addrs);
    }
    let client = client.build().map_err(|err| network(&err))?;
    client
        .get(url.clone())
        .header(
            ACCEPT,
            "text/html,application/xhtml+xml,text/*;q=0.9,application/json;q=0.9,*/*;q=0.5",
        )
        .send()
        .await
        .map_err(|err| network(&err))
}

/// Where a redirect answer points, resolved against the URL that answered.
fn redirect_target(url: &Url, response: &Response) -> Result<Option<Url>, ToolError> {
    if !response.status().is_redirection() {
        return Ok(None);
    }
    let Some(location) = response.headers().get(LOCATION) else { return Ok(None) };
    let location = location.to_str().map_err(|_| {
        ToolError::new(
            ToolErrorCode::Network,
            format!("{url} redirected to an unreadable Location"),
        )
    })?;
    url.join(location).map(Some).map_err(|err| {
        ToolError::new(
            ToolErrorCode::Network,
            format!("{url} redirected to `{location}`, which is not a URL: {err}"),
        )
    })
}

/// What the Content-Type says the body is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Html,
    Text,
    Binary,
    /// No Content-Type, or a generic one: decided by looking at the body.
    Unknown,
}

impl Kind {
    fn of(content_type: &str) -> Self {
        let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        let (top, sub) = essence.split_once('/').unwrap_or((essence.as_str(), ""));
        match (top, sub) {
            ("", _) | ("application", "octet-stream") => Self::Unknown,
            ("text", "html") | ("application", "xhtml+xml") => Self::Html,
            ("text", _) => Self::Text,
            (_, sub) if sub.ends_with("+json") || sub.ends_with("+xml") => Self::Text,
            ("application", sub) if TEXT_APPLICATION_TYPES.contains(&sub) => Self::Text,
            _ => Self::Binary,
        }
    }
}

/// `application/*` types that are text.
const TEXT_APPLICATION_TYPES: &[&str] = &[
    "json",
    "xml",
    "javascript",
    "ecmascript",
    "x-javascript",
    "x-sh",
    "x-shellscript",
    "toml",
    "yaml",
    "x-yaml",
    "sql",
    "graphql",
    "x-ndjson",
    "x-www-form-urlencoded",
    "csv",
];

/// For a body without a useful Content-Type: NUL bytes were already refused, so it is text;
/// HTML if it starts like a page.
fn sniff(body: &[u8]) -> Kind {
    let start = String::from_utf8_lossy(&body[..body.len().min(512)]).to_ascii_lowercase();
    let start = start.trim_start();
    if start.starts_with("<!doctype html") || start.starts_with("<html") {
        Kind::Html
    } else {
        Kind::Text
    }
}

/// Decodes with the declared charset (UTF-8 when none or unknown); a BOM wins, as in browsers.
fn decode(body: &[u8], content_type: &str) -> String {
    let label = content_type.split(';').skip(1).find_map(|param| {
        let (key, value) = param.split_once('=')?;
        key.trim().eq_ignore_ascii_case("charset").then(|| value.trim().trim_matches('"'))
    });
    let encoding = label
        .and_then(|label| encoding_rs::Encoding::for_label(label.as_bytes()))
        .unwrap_or(encoding_rs::UTF_8);
    encoding.decode(body).0.into_owned()
}

/// HTML to plain text, off the async threads (a large page takes a while to lay out). Falls
/// back to the raw HTML if the renderer fails, which is still readable to a model.
async fn render_html(html: String) -> String {
    let rendered = tokio::task::spawn_blocking(move || {
        let text = html2text::config::plain()
            .allow_width_overflow()
            .no_link_wrapping()
            .string_from_read(html.as_bytes(), RENDER_WIDTH);
        text.map_err(|err| (err, html))
    })
    .await;
    match rendered {
        Ok(Ok(text)) => text,
        Ok(Err((err, html))) => {
            tracing::debug!(%err, "html2text failed; returning the raw HTML");
            html
        }
        Err(err) => format!("(the page could not be rendered: {err})"),
    }
}

fn binary(url: &str, content_type: &str) -> ToolError {
    let shown = if content_type.is_empty() { "no Content-Type" } else { content_type };
    ToolError::invalid(format!(
        "{url} returned binary content ({shown}); fetch_url only returns text"
    ))
}

/// A reqwest error with its causes (reqwest's own message names only the URL), as `Timeout`
/// when it is one.
fn network(err: &reqwest::Error) -> ToolError {
    let mut message = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    let code = if err.is_timeout() { ToolErrorCode::Timeout } else { ToolErrorCode::Network };
    ToolError::new(code, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_are_classified() {
        let cases = [
            ("text/html; charset=utf-8", Kind::Html),
            ("application/xhtml+xml", Kind::Html),
            ("text/plain", Kind::Text),
            ("application/json", Kind::Text),
            ("application/vnd.api+json", Kind::Text),
            ("image/svg+xml", Kind::Text),
            ("image/png", Kind::Binary),
            ("application/pdf", Kind::Binary),
            ("application/octet-stream", Kind::Unknown),
            ("", Kind::Unknown),
        ];
        for (content_type, expected) in cases {
            assert_eq!(Kind::of(content_type), expected, "{content_type}");
        }
    }

    #[test]
    fn declared_charset_is_decoded() {
        let latin1 = b"caf\xe9";
        assert_eq!(decode(latin1, "text/plain; charset=ISO-8859-1"), "café");
        assert_eq!(decode("café".as_bytes(), "text/plain"), "café");
    }
}
