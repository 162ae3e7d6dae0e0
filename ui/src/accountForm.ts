// The "Add account" form in Settings, as plain data: what the fields hold, how a kind or a
// preset fills them, and the checks that mirror the backend's (which validates again and has
// the last word). Pure, so it is tested without rendering.
import type { AccountKind } from "./bindings/AccountKind";
import type { NewAccount } from "./bindings/NewAccount";

export const MAX_LABEL_CHARS = 60;
export const OPENAI_BASE_URL = "https://api.openai.com/v1";
export const ANTHROPIC_BASE_URL = "https://api.anthropic.com";

export const KIND_LABELS: Record<AccountKind, string> = {
  openai: "OpenAI",
  openai_compatible: "OpenAI-compatible",
  anthropic: "Anthropic",
};

/** The kinds in the form's select, in this order. */
export const ACCOUNT_KINDS: readonly AccountKind[] = ["openai", "openai_compatible", "anthropic"];

/** Whether the backend needs to be told where the server is (no built-in URL). */
export function needsBaseUrl(kind: AccountKind): boolean {
  return kind === "openai_compatible";
}

export function kindLabel(kind: AccountKind): string {
  return KIND_LABELS[kind];
}

/** A local server that speaks the OpenAI API, offered as a quick fill. */
export interface AccountPreset {
  id: "ollama" | "lmstudio";
  /** Used as the label when the form has none yet. */
  name: string;
  /** The button's text. */
  title: string;
  baseUrl: string;
}

export const ACCOUNT_PRESETS: readonly AccountPreset[] = [
  { id: "ollama", name: "Ollama", title: "Ollama (127.0.0.1:11434)", baseUrl: "http://127.0.0.1:11434/v1" },
  { id: "lmstudio", name: "LM Studio", title: "LM Studio (127.0.0.1:1234)", baseUrl: "http://127.0.0.1:1234/v1" },
];

/** What the form's fields hold, untrimmed. */
export interface AccountDraft {
  kind: AccountKind;
  label: string;
  baseUrl: string;
  apiKey: string;
  defaultModel: string;
}

export type AccountField = "label" | "baseUrl" | "apiKey" | "defaultModel";

/** Why each refused field is refused, in the form's order. */
export type AccountProblems = Partial<Record<AccountField, string>>;

/** The base URL a kind starts with: the provider's own, or none (the user says where the server is). */
export function defaultBaseUrl(kind: AccountKind): string {
  switch (kind) {
    case "openai":
      return OPENAI_BASE_URL;
    case "anthropic":
      return ANTHROPIC_BASE_URL;
    case "openai_compatible":
      return "";
  }
}

export function emptyDraft(kind: AccountKind = "openai"): AccountDraft {
  return { kind, label: "", baseUrl: defaultBaseUrl(kind), apiKey: "", defaultModel: "" };
}

/**
 * Switches the kind. A URL the user has not made their own (empty, the other kind's default,
 * or a preset's) follows the kind; one they typed stays.
 */
export function draftWithKind(draft: AccountDraft, kind: AccountKind): AccountDraft {
  if (kind === draft.kind) return draft;
  const url = draft.baseUrl.trim();
  const untouched =
    url === "" || ACCOUNT_KINDS.some((k) => defaultBaseUrl(k) === url) || ACCOUNT_PRESETS.some((p) => p.baseUrl === url);
  return { ...draft, kind, baseUrl: untouched ? defaultBaseUrl(kind) : draft.baseUrl };
}

/** Fills in a local server: an OpenAI-compatible account at its URL, named after it if unnamed. */
export function draftWithPreset(draft: AccountDraft, preset: AccountPreset): AccountDraft {
  return {
    ...draft,
    kind: "openai_compatible",
    baseUrl: preset.baseUrl,
    label: draft.label.trim() === "" ? preset.name : draft.label,
  };
}

/** Length in Unicode code points, as the backend (Rust `chars().count()`) counts it. */
function charCount(text: string): number {
  return [...text].length;
}

// Control characters (C0, DEL, C1), which the backend refuses in a label.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function isHttpUrl(url: string): boolean {
  if (!/^https?:\/\/[^\s/?#]/i.test(url) || /\s/.test(url)) return false;
  try {
    return new URL(url).hostname !== "";
  } catch {
    return false;
  }
}

export function labelProblem(label: string): string | null {
  const trimmed = label.trim();
  if (trimmed === "") return "Give the account a label.";
  const length = charCount(trimmed);
  if (length > MAX_LABEL_CHARS) {
    return `A label can have at most ${MAX_LABEL_CHARS} characters (this one has ${length}).`;
  }
  if (CONTROL.test(trimmed)) return "A label can't contain control characters.";
  return null;
}

export function baseUrlProblem(kind: AccountKind, baseUrl: string): string | null {
  const url = baseUrl.trim();
  if (url === "") {
    // OpenAI and Anthropic fall back to their own URL; a compatible server has to be named.
    return needsBaseUrl(kind) ? "An OpenAI-compatible account needs its server's base URL (…/v1)." : null;
  }
  if (!isHttpUrl(url)) return "The base URL must start with http:// or https://, then a host.";
  return null;
}

export function apiKeyProblem(kind: AccountKind, apiKey: string): string | null {
  const key = apiKey.trim();
  // A local server usually takes none; a provider's own API always does.
  if (key === "") return kind === "openai_compatible" ? null : `${kindLabel(kind)} needs an API key.`;
  if (/\s/.test(key) || key.length > 500) return "The API key has spaces or is too long; paste it exactly.";
  return null;
}

export function defaultModelProblem(model: string): string | null {
  const name = model.trim();
  if (name === "") return null;
  if (/\s/.test(name) || charCount(name) > 200) return "The default model is a model name without spaces.";
  return null;
}

export type AccountDraftCheck = { ok: true; req: NewAccount } | { ok: false; problems: AccountProblems };

/**
 * Checks the form. When it passes, `req` is what `account_add` receives: trimmed, with the
 * optional fields left out when blank (they are optional, not nullable).
 */
export function checkAccountDraft(draft: AccountDraft): AccountDraftCheck {
  const problems: AccountProblems = {};
  const found: Array<[AccountField, string | null]> = [
    ["label", labelProblem(draft.label)],
    ["baseUrl", baseUrlProblem(draft.kind, draft.baseUrl)],
    ["apiKey", apiKeyProblem(draft.kind, draft.apiKey)],
    ["defaultModel", defaultModelProblem(draft.defaultModel)],
  ];
  for (const [field, problem] of found) if (problem !== null) problems[field] = problem;
  if (Object.keys(problems).length > 0) return { ok: false, problems };

  const req: NewAccount = { label: draft.label.trim(), kind: draft.kind };
  const baseUrl = draft.baseUrl.trim();
  const apiKey = draft.apiKey.trim();
  const defaultModel = draft.defaultModel.trim();
  if (baseUrl !== "") req.base_url = baseUrl;
  if (apiKey !== "") req.api_key = apiKey;
  if (defaultModel !== "") req.default_model = defaultModel;
  return { ok: true, req };
}
