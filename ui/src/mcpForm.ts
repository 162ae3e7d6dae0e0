// Settings → MCP servers, as plain data: the Add server form's fields and checks, and how a
// server is summed up in the list. Pure, so it is tested without rendering.
import type { McpServerInfo } from "./bindings/McpServerInfo";
import type { McpStatus } from "./bindings/McpStatus";
import type { McpTransport } from "./bindings/McpTransport";
import type { NewMcpServer } from "./bindings/NewMcpServer";

export type McpTransportType = McpTransport["type"];

export interface McpDraft {
  name: string;
  type: McpTransportType;
  /** stdio */
  command: string;
  /** stdio: one argument per line. */
  args: string;
  /** stdio: KEY=value per line. */
  env: string;
  /** http */
  url: string;
  /** http: Name: value (or Name=value) per line. */
  headers: string;
  /** KEY=value per line: env vars (stdio) or headers (http) whose values go to the keyring. */
  secrets: string;
}

export function emptyMcpDraft(): McpDraft {
  return { name: "", type: "stdio", command: "", args: "", env: "", url: "", headers: "", secrets: "" };
}

export type McpField = "name" | "command" | "args" | "env" | "url" | "headers" | "secrets";
export type McpProblems = Partial<Record<McpField, string>>;
export type McpDraftCheck = { ok: true; server: NewMcpServer } | { ok: false; problems: McpProblems };

const NAME = /^[a-z0-9_-]{1,32}$/;

/** Non-empty lines, trimmed. */
function lines(text: string): string[] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");
}

/**
 * `KEY=value` lines (for headers, `Name: value` too) into a map, or the first line that is
 * not one. The value may be empty and may hold `=`.
 */
export function parsePairs(text: string, allowColon = false): { ok: true; pairs: Record<string, string> } | { ok: false; line: string } {
  const pairs: Record<string, string> = {};
  for (const line of lines(text)) {
    const eq = line.indexOf("=");
    const colon = allowColon ? line.indexOf(":") : -1;
    const at = eq === -1 ? colon : colon === -1 ? eq : Math.min(eq, colon);
    const key = at > 0 ? line.slice(0, at).trim() : "";
    if (key === "" || /\s/.test(key)) return { ok: false, line };
    pairs[key] = line.slice(at + 1).trim();
  }
  return { ok: true, pairs };
}

/** The form's checks, and the request it makes (empty maps and secrets left out where optional). */
export function checkMcpDraft(draft: McpDraft): McpDraftCheck {
  const problems: McpProblems = {};
  const name = draft.name.trim();
  if (!NAME.test(name)) {
    problems.name = "The name is 1 to 32 of a–z, 0–9, “_” and “-” (it prefixes the server’s tools).";
  }
  const pairs = (field: "env" | "headers" | "secrets", allowColon: boolean, what: string) => {
    const parsed = parsePairs(draft[field], allowColon);
    if (parsed.ok) return parsed.pairs;
    problems[field] = `“${parsed.line}” is not ${what}.`;
    return {};
  };
  let transport: McpTransport;
  if (draft.type === "stdio") {
    const command = draft.command.trim();
    if (command === "") problems.command = "Give the command that starts the server (like npx or uvx).";
    const env = pairs("env", false, "KEY=value");
    transport = { type: "stdio", command, args: lines(draft.args), env };
  } else {
    const url = draft.url.trim();
    if (!/^https?:\/\/\S+$/i.test(url)) problems.url = "Give the server’s http:// or https:// URL.";
    const headers = pairs("headers", true, "Name: value");
    transport = { type: "http", url, headers };
  }
  const secrets = pairs("secrets", draft.type === "http", draft.type === "http" ? "Name: value" : "KEY=value");
  if (Object.keys(problems).length > 0) return { ok: false, problems };
  const server: NewMcpServer = { name, transport };
  if (Object.keys(secrets).length > 0) server.secrets = secrets;
  return { ok: true, server };
}

/** The command line or URL the server is reached at. */
export function transportSummary(transport: McpTransport): string {
  if (transport.type === "http") return transport.url;
  return [transport.command, ...transport.args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a))].join(" ");
}

export const MCP_STATUS_LABELS: Record<McpStatus, string> = {
  stopped: "Not started",
  running: "Running",
  error: "Error",
};

/** "3 tools", "1 tool", or nothing while it has not listed any. */
export function toolCountLabel(server: Pick<McpServerInfo, "tools" | "status">): string | null {
  const n = server.tools.length;
  if (n === 0 && server.status !== "running") return null;
  return `${n} ${n === 1 ? "tool" : "tools"}`;
}
