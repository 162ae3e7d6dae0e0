// Webhooks in Settings: the form's draft and its checks, the patch an edit sends, and the URL
// and curl example shown for a hook. Pure, so it is tested without rendering.
import type { Hook } from "./bindings/Hook";
import type { HookPatch } from "./bindings/HookPatch";
import type { NewHook } from "./bindings/NewHook";

export interface HookDraft {
  name: string;
  template: string;
  /** The chat its turns go to; "" = its own chat, made on first use. */
  target: string;
}

export type HookField = "name" | "template";
export type HookProblems = Partial<Record<HookField, string>>;
export type HookCheck = { ok: true; hook: NewHook } | { ok: false; problems: HookProblems };

/** The backend's rule for a hook's name (the last part of its URL). */
const HOOK_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export const EMPTY_HOOK_DRAFT: HookDraft = { name: "", template: "", target: "" };

export function draftFromHook(hook: Hook): HookDraft {
  return { name: hook.name, template: hook.template, target: hook.session_id ?? "" };
}

/** The NewHook the draft stands for, or what is wrong with it. */
export function checkHookDraft(draft: HookDraft): HookCheck {
  const name = draft.name.trim();
  const problems: HookProblems = {};
  if (name === "") problems.name = "Give the webhook a name: it is the last part of its URL.";
  else if (!HOOK_NAME.test(name)) problems.name = "A name is 1 to 64 letters, digits, “-” and “_”.";
  if (draft.template.trim() === "") problems.template = "Write the prompt template its calls send.";
  if (Object.keys(problems).length > 0) return { ok: false, problems };
  const hook: NewHook = { name, template: draft.template };
  if (draft.target !== "") hook.session_id = draft.target;
  return { ok: true, hook };
}

/** What an edit changes: the template and the chat ("" = its own chat again). */
export function hookPatch(before: Hook, after: NewHook): HookPatch {
  const patch: HookPatch = {};
  if (after.template !== before.template) patch.template = after.template;
  if ((after.session_id ?? null) !== before.session_id) patch.session_id = after.session_id ?? "";
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
