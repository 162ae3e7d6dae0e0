//! Links leave the app: a link in a chat opens in the system's browser (or, after the user
//! confirmed, in the program that handles its scheme), and the webview itself never navigates
//! away from the app's own pages.
//!
//! Two ways out, both checked here (the webview is not trusted to have checked): the
//! `open_link` command (the webview's click on a link in a reply, see ui/src/links.ts) and the
//! navigation guard (anything else that would load another page in the window).
//! - http and https with a host leave through either.
//! - Other schemes (mailto:, an app's own such as vscode: or slack:) leave only through
//!   `open_link`, which the webview calls after showing the whole address and the user said
//!   yes. A navigation never asked anyone, so it never opens them.
//! - Never: javascript:, vbscript:, data: (content, not an address), file: (opening a local
//!   file with its default program runs a script or a launcher), blob:, about:, filesystem: and
//!   the app's own schemes.
//!
//! Known limit: the backend can't see that a person answered the webview's question; a
//! compromised webview could claim so. The CSP and the sanitiser are what keep script out.

use hearth_engine::{ApiError, ErrorCode};
use tauri::{Manager, Runtime, Url};

/// Longer than any link a browser keeps; a reply's link is text the model wrote.
const MAX_LINK_LEN: usize = 8 * 1024;

/// Schemes no link opens, whatever the user says (the same list as ui/src/links.ts).
const NEVER_SCHEMES: &[&str] = &[
    "javascript",
    "vbscript",
    "data",
    "file",
    "blob",
    "about",
    "filesystem",
    "tauri",
    "ipc",
    "asset",
];

fn invalid(why: &str) -> ApiError {
    ApiError::new(ErrorCode::InvalidInput, format!("cannot open this link: {why}"))
}

/// `link`, parsed, if `open_link` may open it: http(s) with a host, or (confirmed by the user
/// in the webview) another scheme that is not one of [`NEVER_SCHEMES`].
pub fn checked(link: &str) -> Result<Url, ApiError> {
    if link.len() > MAX_LINK_LEN {
        return Err(invalid("it is longer than 8 KiB"));
    }
    if link.chars().any(char::is_control) {
        return Err(invalid("it contains control characters"));
    }
    let url = Url::parse(link.trim()).map_err(|_| invalid("it is not a web address"))?;
    match url.scheme() {
        "http" | "https" if url.host_str().is_some_and(|h| !h.is_empty()) => Ok(url),
        "http" | "https" => Err(invalid("it has no host")),
        scheme if NEVER_SCHEMES.contains(&scheme) => {
            Err(invalid(&format!("Hearth never opens {scheme}: links")))
        }
        _ => Ok(url),
    }
}

/// `link`, parsed, if a navigation may open it outside: http(s) only, since no one was asked.
pub fn checked_navigation(link: &str) -> Result<Url, ApiError> {
    let url = checked(link)?;
    match url.scheme() {
        "http" | "https" => Ok(url),
        scheme => {
            Err(invalid(&format!("a {scheme}: link opens only from a chat, after you confirm it")))
        }
    }
}

/// Opens `link` (see [`checked`]) in the program the system has for it, without waiting for
/// that program.
pub fn open_outside(link: &str) -> Result<(), ApiError> {
    open_url(checked(link)?)
}

fn open_url(url: Url) -> Result<(), ApiError> {
    open::that_detached(url.as_str()).map_err(|e| {
        // The address is the user's (or the model's) text: it is not logged.
        tracing::warn!(scheme = url.scheme(), error = %e, "no program opened a link");
        ApiError::new(
            ErrorCode::Internal,
            format!("no program opened the link (is a web browser installed?): {e}"),
        )
    })
}

/// Whether `url` is one of the app's own pages: its assets are served as `tauri://localhost`
/// (`http://tauri.localhost` on Windows), or from the UI's dev server when one is configured.
fn is_app_page<R: Runtime>(webview: &tauri::Webview<R>, url: &Url) -> bool {
    let dev = webview.config().build.dev_url.as_ref();
    url.scheme() == "tauri"
        || url.host_str() == Some("tauri.localhost")
        || dev.is_some_and(|dev| dev.origin() == url.origin())
}

/// Keeps the window on the app's own pages: a navigation elsewhere is opened outside (when
/// it is a web address) and never in the window.
pub fn guard<R: Runtime>() -> tauri::plugin::TauriPlugin<R> {
    tauri::plugin::Builder::new("links")
        .on_navigation(|webview, to| {
            if is_app_page(webview, to) {
                return true;
            }
            if let Err(e) = checked_navigation(to.as_str()).and_then(open_url) {
                tracing::warn!(
                    scheme = to.scheme(),
                    "a navigation away from the app was refused: {}",
                    e.message
                );
            }
            false
        })
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_links_open_other_schemes_only_when_asked_for_and_dangerous_ones_never() {
        // The open_link command: the webview asked the user first for anything but http(s).
        for good in [
            "https://example.com/a?b=c#d",
            "http://127.0.0.1:8080/",
            "mailto:someone@example.com",
            "vscode://file/home/me/notes.md",
            "slack://open",
        ] {
            assert_eq!(
                checked(good).map(|u| u.scheme().to_owned()).ok(),
                Some(good.split(':').next().unwrap().to_owned()),
                "{good}"
            );
        }
        for bad in [
            "javascript:alert(1)",
            "JAVASCRIPT:alert(1)",
            "file:///etc/passwd",
            "data:text/html,<script>alert(1)</script>",
            "blob:https://example.com/x",
            "about:blank",
            "tauri://localhost/",
            "vbscript:msgbox",
            "/relative/path",
            "example.com",
            "https://",
            "https://exa\nmple.com",
            "",
        ] {
            let e = checked(bad).expect_err(bad);
            assert_eq!(e.code, ErrorCode::InvalidInput, "{bad}");
            assert!(e.message.starts_with("cannot open this link"), "{bad}: {}", e.message);
        }
        let long = format!("https://example.com/{}", "a".repeat(MAX_LINK_LEN));
        assert_eq!(checked(&long).unwrap_err().code, ErrorCode::InvalidInput);
    }

    #[test]
    fn a_navigation_leaves_only_for_a_web_address() {
        // Nothing asked the user about a navigation (a script, a form, a link the webview
        // followed itself): only http(s) is opened outside; the rest is refused.
        assert!(checked_navigation("https://example.com/").is_ok());
        for other in ["mailto:someone@example.com", "vscode://file/x", "file:///etc/passwd"] {
            let e = checked_navigation(other).expect_err(other);
            assert_eq!(e.code, ErrorCode::InvalidInput, "{other}");
        }
    }
}
