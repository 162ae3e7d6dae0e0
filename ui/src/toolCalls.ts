// How a tool call is shown: its status, its name, its arguments and result, and what the
// approval card suggests for an "Always" rule. Pure, so it is tested without rendering.
import type { Approval } from "./bindings/Approval";
import type { Remember } from "./bindings/Remember";
import type { ChatMessage, ToolCallInfo, ToolResult } from "./conversation";

/**
 * - `streaming`: the model is still writing the call.
 * - `waiting_approval`: the user is asked.
 * - `running`: allowed and not finished.
 * - `done` / `error`: its result says.
 * - `denied`: the user (or a rule) refused it.
 * - `expired`: its approval was never answered before the run ended.
 * - `stopped`: it never finished (the run was stopped, failed, or the reply was cut).
 */
export type ToolCallStatus =
  | "streaming"
  | "waiting_approval"
  | "running"
  | "done"
  | "error"
  | "denied"
  | "expired"
  | "stopped";

export interface ToolCallView {
  status: ToolCallStatus;
  /** The approval to answer, while `waiting_approval`. */
  approval: Approval | null;
  result: ToolResult | null;
  /** When it started running (ms), while `running` and when known. */
  startedAt: number | null;
  /** How an allow was remembered ("for this chat", "always"). */
  remember: Remember | null;
  /** Refused by a rule, not by an answer. */
  byRule: boolean;
}

/**
 * The status of the call `id` of `message`, from what the conversation knows of it. An answer
 * outranks a result (a denied call's stored result only says it was denied); a call with
 * neither is running while its run is, and stopped once it is not.
 */
export function toolCallView(
  message: Pick<ChatMessage, "status" | "runId">,
  info: ToolCallInfo | undefined,
  runningRunId: string | null,
): ToolCallView {
  const view = (status: ToolCallStatus, extra: Partial<ToolCallView> = {}): ToolCallView => ({
    status,
    approval: null,
    result: info?.result ?? null,
    startedAt: null,
    remember: info?.remember ?? null,
    byRule: false,
    ...extra,
  });
  if (message.status === "streaming") return view("streaming");
  if (info?.outcome === "denied") return view("denied");
  if (info?.outcome === "expired") return view("expired");
  if (info?.result) return view(info.result.isError ? "error" : "done");
  if (info?.approval && info.outcome === null) return view("waiting_approval", { approval: info.approval });
  if (info?.movedOn) return view("denied", { byRule: true });
  if (message.status !== "complete") return view("stopped");
  if (runningRunId !== null && message.runId === runningRunId) {
    return view("running", { startedAt: info?.startedAt ?? null });
  }
  return view("stopped");
}

export const STATUS_LABELS: Record<ToolCallStatus, string> = {
  streaming: "Preparing…",
  waiting_approval: "Waiting for approval",
  running: "Running",
  done: "Done",
  error: "Error",
  denied: "Denied",
  expired: "Expired",
  stopped: "Stopped",
};

/** The words beside the tool's name: "Done in 1.2 s", "Running · 4 s", "Denied by a rule". */
export function statusLabel(view: ToolCallView, now: number = Date.now()): string {
  switch (view.status) {
    case "running":
      return view.startedAt === null ? "Running…" : `Running · ${formatDuration(Math.max(0, now - view.startedAt))}`;
    case "done":
    case "error": {
      const base = STATUS_LABELS[view.status];
      const ms = view.result?.durationMs;
      return ms == null ? base : `${base} in ${formatDuration(ms)}`;
    }
    case "denied":
      return view.byRule ? "Denied by a rule" : "Denied";
    case "expired":
      return "Expired (not answered)";
    default:
      return STATUS_LABELS[view.status];
  }
}

/** "850 ms", "1.2 s", "14 s", "2 min 5 s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 10) return `${(Math.floor(s * 10) / 10).toFixed(1)} s`;
  if (s < 60) return `${Math.floor(s)} s`;
  const min = Math.floor(s / 60);
  const rest = Math.floor(s % 60);
  return rest === 0 ? `${min} min` : `${min} min ${rest} s`;
}

/** An MCP tool is named `<server>__<tool>`; a built-in has no server. */
export function splitToolName(name: string): { server: string | null; tool: string } {
  const at = name.indexOf("__");
  if (at <= 0 || at + 2 >= name.length) return { server: null, tool: name };
  return { server: name.slice(0, at), tool: name.slice(at + 2) };
}

/** Streamed arguments: pretty once they parse as JSON, raw until then (or if they never do). */
export function prettyArgs(input: string): string {
  if (input.trim() === "") return "";
  try {
    return JSON.stringify(JSON.parse(input), null, 2);
  } catch {
    return input;
  }
}

/** A value's JSON, indented (the approval's full arguments). */
export function prettyValue(value: unknown): string {
  if (typeof value === "string") return prettyArgs(value);
  return JSON.stringify(value, null, 2) ?? String(value);
}

/** Results longer than this start collapsed, showing their first lines. */
export const RESULT_PREVIEW_LINES = 8;
const RESULT_PREVIEW_CHARS = 800;

export function isLongResult(content: string): boolean {
  return content.length > RESULT_PREVIEW_CHARS || lineCount(content) > RESULT_PREVIEW_LINES;
}

export function lineCount(text: string): number {
  if (text === "") return 0;
  return text.replace(/\n$/, "").split("\n").length;
}

/** The start of a long result, as shown while it is collapsed. */
export function resultPreview(content: string): string {
  const lines = content.split("\n").slice(0, RESULT_PREVIEW_LINES).join("\n");
  return lines.length > RESULT_PREVIEW_CHARS ? `${lines.slice(0, RESULT_PREVIEW_CHARS)}…` : lines;
}

// ---------------------------------------------------------------------------------------------
// The approval card.

/** What a rule's pattern is matched against, by tool (see the engine's policy.rs). */
export type PatternKind = "command" | "path" | "url" | "arguments" | "tier" | "none";

const FILE_TOOLS = new Set(["read_file", "write_file", "edit_file"]);
const DIRECTORY_TOOLS = new Set(["list_dir", "glob", "grep"]);
// The agent CLIs' own tools, as the engine classifies them (runtimes/claude_code/wire.rs,
// runtimes/codex/process.rs): Claude Code's, and Codex's `shell` and `apply_patch`.
const AGENT_COMMAND_TOOLS = new Set(["Bash", "BashOutput", "KillShell", "Monitor", "shell"]);
const AGENT_PATH_TOOLS = new Set(["Write", "Edit", "MultiEdit", "NotebookEdit", "Read", "Glob", "Grep", "LS", "apply_patch"]);

export function patternKind(tool: string): PatternKind {
  if (tool === "run_shell" || AGENT_COMMAND_TOOLS.has(tool)) return "command";
  if (tool === "fetch_url" || tool === "WebFetch") return "url";
  if (AGENT_PATH_TOOLS.has(tool)) return "path";
  if (tool === "memory_remember" || tool === "memory_forget") return "tier";
  if (FILE_TOOLS.has(tool) || DIRECTORY_TOOLS.has(tool)) return "path";
  if (splitToolName(tool).server !== null) return "arguments";
  return "none";
}

/** What the subject is called on the approval card. */
export function subjectLabel(tool: string): string | null {
  switch (patternKind(tool)) {
    case "command":
      return "Command";
    case "url":
      return "URL";
    case "path":
      return "Path";
    case "tier":
      return "Memory";
    default:
      return null;
  }
}

/** How an "Always" pattern is read, under its input (null when the tool takes no pattern). */
export function patternHelp(tool: string): string | null {
  switch (patternKind(tool)) {
    case "command":
      return "Commands that start with these words (end with * for any text after them). A rule never covers commands that chain, redirect or expand ($, ; & | > …), nor interpreters and launchers (bash, python, env, sudo, xargs …), which run whatever their arguments say.";
    case "path":
      return "Paths matching this glob, relative to the chat's folder (** spans folders).";
    case "url":
      return "URLs with this scheme, host (*.example.com: its subdomains) and port, under this path in whole segments (/docs covers /docs/x, not /docsx). Redirects are checked the same way. Your computer and local network (localhost, 127.0.0.1, 192.168.…) are reached only by a rule that names the address.";
    case "arguments":
      return "Calls whose JSON arguments start with this.";
    case "tier":
      return "core or archival: the memories the rule covers. Core memories are in every chat's instructions, so writing or forgetting one asks unless a rule allows it.";
    case "none":
      return null;
  }
}

// Commands whose second word names what they do (`git push` is not `git status`).
const SUBCOMMAND_TOOLS = new Set([
  "apt",
  "apt-get",
  "brew",
  "bun",
  "cargo",
  "deno",
  "docker",
  "dotnet",
  "gh",
  "git",
  "go",
  "kubectl",
  "make",
  "npm",
  "pip",
  "pip3",
  "pnpm",
  "poetry",
  "systemctl",
  "uv",
  "yarn",
]);

// Programs that run whatever their arguments say. The engine's policy (policy.rs) never lets
// a prefix rule match them; the card offers no rule for them and says why.
const LAUNCHERS = new Set([
  "sh", "bash", "zsh", "dash", "ksh", "mksh", "fish", "csh", "tcsh", "env", "eval", "exec",
  "xargs", "sudo", "doas", "su", "pkexec", "nohup", "setsid", "time", "timeout", "nice",
  "ionice", "chroot", "strace", "ltrace", "command", "builtin", "source", ".", "watch",
  "parallel", "node", "nodejs", "deno", "bun", "perl", "ruby", "php", "lua", "luajit", "tclsh",
  "wish", "Rscript", "osascript", "pwsh", "powershell", "awk", "gawk", "mawk", "nawk", "busybox",
  "script", "expect", "ssh", "npx", "uvx", "pipx",
]);
const SHELL_META = [";", "&", "|", "`", "$", ">", "<", "\n", "\r"];

/** Whether no shell rule can vouch for this command (the same test as the engine's policy). */
export function noRuleCovers(command: string): boolean {
  if (SHELL_META.some((m) => command.includes(m))) return true;
  const words = command.trim().split(/\s+/).filter(Boolean);
  const first = words[0];
  if (!first) return false;
  if (first.includes("=")) return true;
  const program = first.split("/").pop() ?? first;
  return (
    LAUNCHERS.has(program) ||
    /^python[0-9.]*$/.test(program) ||
    program.startsWith("pypy") ||
    (program === "find" && words.some((w) => w.startsWith("-exec") || w.startsWith("-ok"))) ||
    (program === "git" && words.some((w) => w === "-c" || w.startsWith("--config-env")))
  );
}

/**
 * What the card says when no pattern can cover this call, or null when one can.
 */
export function noRuleReason(tool: string, subject: string | null): string | null {
  if (patternKind(tool) !== "command" || subject === null || !noRuleCovers(subject)) return null;
  return "No rule can vouch for this command: it chains, redirects or expands, or runs a program that runs whatever its arguments say. A pattern will not match it; an empty one allows every command.";
}

/** Whether a URL's host is on this computer or a private network, written as such. */
function namesLocalHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  const v4 = host.match(/^(\d+)\.(\d+)\.\d+\.\d+$/);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return (
      a === 0 || a === 10 || a === 127 || a >= 224 ||
      (a === 169 && b === 254) || (a === 172 && b >= 16 && b < 32) ||
      (a === 192 && b === 168) || (a === 100 && b >= 64 && b < 128)
    );
  }
  return host.includes(":") && (host === "::1" || host === "::" || /^(f[cd]|fe[89ab])/.test(host) || host.startsWith("::ffff:"));
}

/**
 * What the card warns of when a fetch reaches this computer or the local network (the engine
 * reaches such an address only when the URL names it, and the user allows it), or null.
 */
export function localReachNote(tool: string, subject: string | null): string | null {
  if (patternKind(tool) !== "url" || subject === null) return null;
  try {
    if (!namesLocalHost(new URL(subject.trim()).hostname)) return null;
  } catch {
    return null;
  }
  return "This URL is on your computer or local network: allowing it lets the agent read what is served there.";
}

/**
 * The pattern the "Always" input starts with, so that the rule covers this call and its like:
 * a command's program (and its subcommand: `git status`), the folder a file is in (`src/**`),
 * a URL's origin (`https://example.com/`). Empty when there is nothing narrower to offer
 * (the rule then covers every call of the tool).
 */
export function suggestPattern(tool: string, subject: string | null): string {
  if (subject === null) return "";
  const s = subject.trim();
  switch (patternKind(tool)) {
    case "command": {
      if (noRuleCovers(s)) return "";
      const words = s.split(/\s+/).filter(Boolean);
      const [first, second] = words;
      if (!first) return "";
      if (second && SUBCOMMAND_TOOLS.has(first) && /^[a-z][a-z0-9:_-]*$/.test(second)) return `${first} ${second}`;
      return first;
    }
    case "path": {
      if (DIRECTORY_TOOLS.has(tool)) {
        // The folder itself and everything in it.
        return s === "." || s === "" ? "**" : `{${s},${s}/**}`;
      }
      const slash = s.lastIndexOf("/");
      return slash <= 0 ? "*" : `${s.slice(0, slash)}/**`;
    }
    case "url": {
      try {
        const url = new URL(s);
        if (url.username !== "" || url.password !== "") return "";
        return `${url.origin}/`;
      } catch {
        return "";
      }
    }
    case "tier":
      return s;
    default:
      return "";
  }
}

/**
 * The arguments the user edited on the approval card, or what is wrong with them: a JSON
 * object, as a tool's input is (the backend checks again).
 */
export function parseEditedInput(text: string): { ok: true; input: Record<string, unknown> } | { ok: false; problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, problem: `This is not JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { ok: false, problem: "The arguments are a JSON object: { \"name\": value, … }." };
  }
  return { ok: true, input: value as Record<string, unknown> };
}
