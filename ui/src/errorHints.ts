// What to do about an error, by its code: shown under a failed run's message and under an
// account's error in Settings. Pure, so it is tested without rendering.
import type { ErrorCode } from "./bindings/ErrorCode";
import type { UiError } from "./api";

const HINTS: Partial<Record<ErrorCode, string>> = {
  AUTH_FAILED: "Check the API key in Settings → Model accounts (Replace key).",
  BILLING: "The provider's account needs billing attention (credits or a payment method).",
  INVALID_REQUEST: "The provider refused the request; the message above says why.",
  RATE_LIMITED: "The provider is rate limiting. Wait a moment, then Retry.",
  PROVIDER_UNAVAILABLE: "The provider is down or overloaded. Retry in a little while.",
  NETWORK: "Hearth could not reach the provider: check the base URL and that the server is running.",
  MODEL_NOT_FOUND: "This model is not available on that account: pick another in the chat header.",
  NO_MODEL: "Add a model account in Settings (the gear at the bottom of the sidebar).",
  TOOL_CALL_TRUNCATED: "Ask for less at once, or raise the model's output limit.",
  STREAM_INTERRUPTED: "The connection broke mid-reply. Retry.",
  EVENT_TOO_LARGE: "The provider sent one piece of its stream over 4 MB, which no real reply does: check the base URL points at a model server.",
  RESPONSE_TOO_LARGE: "The reply went over Hearth's size limit and was stopped; what came before is kept. Ask for less at once.",
  STREAM_STALLED: "The provider stopped sending. Retry; a local model that is still loading may need a moment.",
  STEP_LIMIT: "Say “continue” to let the agent go on, or raise this chat's step limit (Workspace, in the chat header).",
  APPROVAL_NOT_FOUND: "This request was already answered, or its run ended: nothing is waiting for it any more.",
  RULE_NOT_FOUND: "That rule was already removed; the list now shows the rules as stored.",
  INVALID_RULE: "A rule names a tool, “server__*” or “*”; a pattern is 1 to 500 characters on one line.",
  MCP_SERVER_NOT_FOUND: "That server was removed meanwhile; the list now shows the servers as stored.",
  INVALID_MCP_SERVER:
    "A server's name is new and 1 to 32 of a–z, 0–9, “_” and “-”; stdio needs a command, HTTP an http(s) URL.",
  INVALID_WORKSPACE: "Use the absolute path of a folder that exists, like /home/you/project.",
  SCHEDULE_NOT_FOUND: "That schedule was removed meanwhile; the list now shows the schedules as stored.",
  INVALID_SCHEDULE:
    "A schedule needs a name (up to 100 characters), a prompt, a cron expression such as “0 9 * * 1-5” (minute hour day month weekday) and a time zone such as Europe/Berlin.",
  HOOK_NOT_FOUND: "That webhook was removed meanwhile; the list now shows the webhooks as stored.",
  INVALID_HOOK:
    "A webhook's name is new and 1 to 64 letters, digits, “-” and “_”; its template is not empty; a pasted secret is 16 to 256 characters (whsec_… for Standard Webhooks).",
  WORKSPACE_FIXED: "An agent finds its conversation by folder: start a new chat in the other folder.",
  RUNTIME_NOT_FOUND: "Install the CLI (npm install -g @anthropic-ai/claude-code) or set its path in Settings → General.",
  RUNTIME_UNAVAILABLE: "This Hearth cannot run that kind of chat: pick Hearth, Claude Code or Codex.",
  RUNTIME_FAILED: "The agent's CLI stopped; the message above has what it printed. Retry, or check its login.",
  ATTACHMENT_TOO_LARGE: "Attach a smaller file, or raise the limit in Settings → General.",
  UNSUPPORTED_ATTACHMENT: "Hearth attaches images (PNG, JPEG, GIF, WebP), PDFs, and text or code files.",
};

/**
 * Where the error is shown. While setting up a first account (onboarding) the account is not
 * in Settings yet, so a hint that sends the user there would mislead.
 */
export type HintContext = "app" | "setup";

const SETUP_HINTS: Partial<Record<ErrorCode, string>> = {
  AUTH_FAILED: "Check the API key: copy it again from the provider's console and paste it exactly.",
  NO_MODEL: "Connect an account that lists at least one model.",
};

/** A sentence on what to do next, or null when the message says all there is to say. */
export function hintFor(code: ErrorCode, context: HintContext = "app"): string | null {
  return (context === "setup" ? SETUP_HINTS[code] : undefined) ?? HINTS[code] ?? null;
}

/** The hint for an error as the UI holds it ("UNKNOWN" has none). */
export function hintForError(error: Pick<UiError, "code">, context: HintContext = "app"): string | null {
  return error.code === "UNKNOWN" ? null : hintFor(error.code, context);
}
