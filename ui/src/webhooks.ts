// Webhooks in Settings: the form's draft and its checks, the patch an edit sends, and the URL
// and curl example shown for a hook. Pure, so it is tested without rendering.
import type { Hook } from "./bindings/Hook";
import type { HookAuth } from "./bindings/HookAuth";
import type { HookPatch } from "./bindings/HookPatch";
import type { NewHook } from "./bindings/NewHook";

export interface HookDraft {
  name: string;
  template: string;
  /** The chat its turns go to; "" = its own chat, made on first use. */
  target: string;
  /** How its calls prove they know its secret. */
  auth: HookAuth;
  /** The sender's own secret, pasted; "" = Hearth makes one (or keeps the one it has). */
  secret: string;
}

export type HookField = "name" | "template" | "secret";
export type HookProblems = Partial<Record<HookField, string>>;
export type HookCheck = { ok: true; hook: NewHook } | { ok: false; problems: HookProblems };

/** The backend's rule for a hook's name (the last part of its URL). */
const HOOK_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export const EMPTY_HOOK_DRAFT: HookDraft = { name: "", template: "", target: "", auth: "bearer", secret: "" };

export function draftFromHook(hook: Hook): HookDraft {
  return { name: hook.name, template: hook.template, target: hook.session_id ?? "", auth: hook.auth, secret: "" };
}

/** The ways a call proves it knows the secret, as the form and the list name them. */
export const HOOK_AUTH_LABELS: Record<HookAuth, string> = {
  bearer: "Secret as a bearer token",
  github: "GitHub signature (X-Hub-Signature-256)",
  standard_webhooks: "Standard Webhooks signature",
};

/** What to do with a secret just shown, for each way. */
export const HOOK_AUTH_USE: Record<HookAuth, string> = {
  bearer: "Callers send it as Authorization: Bearer <secret>.",
  github: "Paste it as the webhook’s Secret in GitHub, with content type application/json.",
  standard_webhooks: "Give it to the sender as its signing secret (whsec_…).",
};

/** The backend's rules for a secret the sender made (a whsec_ one for Standard Webhooks). */
function secretProblem(auth: HookAuth, secret: string): string | null {
  if (auth === "standard_webhooks") {
    return /^whsec_[A-Za-z0-9+/]+={0,2}$/.test(secret) ? null : "A Standard Webhooks secret starts with whsec_ and is base64.";
  }
  return /^[\x21-\x7e]{16,256}$/.test(secret) ? null : "A secret is 16 to 256 visible characters, no spaces.";
}

/** The NewHook the draft stands for, or what is wrong with it. */
export function checkHookDraft(draft: HookDraft): HookCheck {
  const name = draft.name.trim();
  const problems: HookProblems = {};
  if (name === "") problems.name = "Give the webhook a name: it is the last part of its URL.";
  else if (!HOOK_NAME.test(name)) problems.name = "A name is 1 to 64 letters, digits, “-” and “_”.";
  if (draft.template.trim() === "") problems.template = "Write the prompt template its calls send.";
  const secret = draft.secret.trim();
  const badSecret = secret === "" ? null : secretProblem(draft.auth, secret);
  if (badSecret !== null) problems.secret = badSecret;
  if (Object.keys(problems).length > 0) return { ok: false, problems };
  const hook: NewHook = { name, template: draft.template };
  if (draft.target !== "") hook.session_id = draft.target;
  if (draft.auth !== "bearer") hook.auth = draft.auth;
  if (secret !== "") hook.secret = secret;
  return { ok: true, hook };
}

/**
 * What an edit changes: the template, the chat ("" = its own chat again), the way calls
 * prove the secret, and a pasted secret. A switch to Standard Webhooks without one asks for a
 * new whsec_ secret, since the old one does not fit.
 */
export function hookPatch(before: Hook, after: NewHook): HookPatch {
  const patch: HookPatch = {};
  if (after.template !== before.template) patch.template = after.template;
  if ((after.session_id ?? null) !== before.session_id) patch.session_id = after.session_id ?? "";
  const auth = after.auth ?? "bearer";
  if (auth !== before.auth) patch.auth = auth;
  if (after.secret !== undefined) patch.secret = after.secret;
  else if (patch.auth === "standard_webhooks") patch.rotate_secret = true;
  return patch;
}

/** Where the hook is called: `${apiUrl}/v1/hooks/${name}`. */
export function hookUrl(apiUrl: string, name: string): string {
  return `${apiUrl.replace(/\/+$/, "")}/v1/hooks/${encodeURIComponent(name)}`;
}

/** A call to the hook, to copy into a terminal; the secret stays a placeholder unless given. */
export function curlExample(url: string, secret = "<secret>"): string {
  return `curl -X POST -H "Authorization: Bearer ${secret}" -H "Content-Type: application/json" -d '{"title": "Hello from curl"}' ${url}`;
}
