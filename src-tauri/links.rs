//! Links leave the app: a link in a chat opens in the system's browser (or mail client), and
//! the webview itself never navigates away from the app's own pages.
//!
//! Two ways out, both through `open`: the `open_link` command (the webview's click on a link
//! in a reply) and the navigation guard (anything else that would load another page in the
//! window: it is opened outside instead, or refused). Only http, https and mailto leave; the
//! sanitiser in the webview keeps no other link, and this is checked again here.

use hearth_engine::{ApiError, ErrorCode};
use tauri::{Manager, Runtime, Url};

/// Longer than any link a browser keeps; a reply's link is text the model wrote.
const MAX_LINK_LEN: usize = 8 * 1024;

/// `link`, parsed, if it is one to open outside: http(s) with a host, or mailto.
pub fn checked(link: &str) -> Result<Url, ApiError> {
    let invalid =
        |why: &str| ApiError::new(ErrorCode::InvalidInput, format!("cannot open this link: {why}"));
    if link.len() > MAX_LINK_LEN {
        return Err(invalid("it is longer than 8 KiB"));
    }
    if link.chars().any(char::is_control) {
        return Err(invalid("it contains control characters"));
    }
    let url = Url::parse(link.trim()).map_err(|_| invalid("it is not a web address"))?;
    match url.scheme() {
        "http" | "https" if url.host_str().is_some_and(|h| !h.is_empty()) => Ok(url),
        "mailto" => Ok(url),
        "http" | "https" => Err(invalid("it has no host")),
        _ => Err(invalid("only http, https and mailto links open outside Hearth")),
    }
}

/// Opens `link` in the program the system has for it, without waiting for that program.
pub fn open_outside(link: &str) -> Result<(), ApiError> {
    let url = checked(link)?;
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
/// it is a link that may be) and never in the window.
pub fn guard<R: Runtime>() -> tauri::plugin::TauriPlugin<R> {
    tauri::plugin::Builder::new("links")
        .on_navigation(|webview, to| {
            if is_app_page(webview, to) {
                return true;
            }
            if let Err(e) = open_outside(to.as_str()) {
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
    fn web_and_mail_links_open_and_nothing_else_does() {
        for good in
            ["https://example.com/a?b=c#d", "http://127.0.0.1:8080/", "mailto:someone@example.com"]
        {
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
}
