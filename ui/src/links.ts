// Which links in a reply may leave the app, and how. The same rules as the backend's
// (src-tauri/links.rs), which checks again: the webview is not trusted to have asked.
//
// - http(s): opened in the system's browser on a click.
// - any other scheme (mailto:, an app's own like vscode: or slack:): opened only after the
//   user saw the whole address and said yes, since it starts another program with
//   arguments the model wrote.
// - never: javascript:, vbscript: and data: (they run or render content, not addresses), file:
//   (it opens a local file with its default program, which for a script or a launcher runs
//   it), blob:, about:, filesystem: and the app's own schemes. The sanitiser drops their
//   address, so they render as plain text.

/** Schemes no link opens, whatever the user says. */
export const NEVER_SCHEMES = ["javascript", "vbscript", "data", "file", "blob", "about", "filesystem", "tauri", "ipc", "asset"];

/** What DOMPurify keeps in an `href`: a scheme, and not one of the never-schemes. */
export const ALLOWED_LINK = new RegExp(`^(?!(?:${NEVER_SCHEMES.join("|")}):)[a-z][a-z0-9+.-]*:`, "i");

export type LinkKind = "web" | "ask" | "never";

/** How a link the sanitiser kept may be opened. */
export function linkKind(href: string): LinkKind {
  let url: URL;
  try {
    url = new URL(href.trim());
  } catch {
    return "never";
  }
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  if (scheme === "http" || scheme === "https") return url.hostname ? "web" : "never";
  return NEVER_SCHEMES.includes(scheme) ? "never" : "ask";
}
