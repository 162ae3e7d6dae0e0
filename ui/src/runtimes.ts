// The runtimes a chat can run on, as the new-chat picker offers them and badges name them.
import type { CreateSession } from "./bindings/CreateSession";
import type { RuntimeKind } from "./bindings/RuntimeKind";

export interface RuntimeOption {
  kind: RuntimeKind;
  label: string;
  /** Why it cannot be chosen, when it cannot. */
  unavailable?: string;
}

export const RUNTIMES: readonly RuntimeOption[] = [
  { kind: "hearth", label: "Hearth" },
  { kind: "claude-code", label: "Claude Code" },
  { kind: "codex", label: "Codex" },
];

export function runtimeLabel(kind: RuntimeKind): string {
  return RUNTIMES.find((r) => r.kind === kind)?.label ?? kind;
}

/**
 * Whether a chat of this runtime can use a model of this provider: Claude Code speaks only
 * Anthropic's API, Codex only OpenAI's Responses API (OpenAI and compatible accounts).
 */
export function servesProvider(kind: RuntimeKind, provider: string): boolean {
  if (kind === "claude-code") return provider === "anthropic";
  if (kind === "codex") return provider !== "anthropic";
  return true;
}

/** Whether a chat of this runtime drives an agent CLI in a folder (and so needs one). */
export function needsWorkspace(kind: RuntimeKind): boolean {
  return kind !== "hearth";
}

export interface NewSessionDraft {
  runtime: RuntimeKind;
  workspace: string;
  /** "" = the default model (for Claude Code and Codex: the CLI's own login and model). */
  model: string;
}

/** The request for a new chat, or the problem with the draft (checked again by the backend). */
export function newSessionRequest(draft: NewSessionDraft): { ok: true; req: CreateSession } | { ok: false; problem: string } {
  const workspace = draft.workspace.trim();
  if (needsWorkspace(draft.runtime) && workspace === "") {
    return { ok: false, problem: `A ${runtimeLabel(draft.runtime)} chat needs a workspace folder: the agent works in it.` };
  }
  if (workspace !== "" && !workspace.startsWith("/")) {
    return { ok: false, problem: "The workspace is an absolute path, such as /home/you/project." };
  }
  const req: CreateSession = {};
  if (draft.runtime !== "hearth") req.runtime = draft.runtime;
  if (workspace !== "") req.workspace = workspace;
  if (draft.model !== "") req.model = draft.model;
  return { ok: true, req };
}
