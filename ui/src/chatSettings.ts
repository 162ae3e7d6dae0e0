// The chat's folder and step limit, as the chat header's Workspace popover edits them. Pure,
// so it is tested without rendering.
import type { Session } from "./bindings/Session";
import type { UpdateSession } from "./bindings/UpdateSession";

/** Model calls a run may make when the chat sets no limit (the engine's default). */
export const DEFAULT_MAX_STEPS = 50;
export const MAX_STEPS_LIMIT = 500;

/**
 * What the chat's popovers change: `workspace: ""` clears the folder, `max_steps: 0` the limit,
 * `system_prompt: ""` the instructions.
 */
export type ChatSettingsPatch = Pick<UpdateSession, "workspace" | "max_steps" | "system_prompt">;

/** What the header shows: the folder's own name (its full path is the tooltip), or "No folder". */
export function folderLabel(workspace: string | null): string {
  if (workspace === null || workspace.trim() === "") return "No folder";
  const parts = workspace.replace(/[\\/]+$/, "").split(/[\\/]/);
  return parts[parts.length - 1] || workspace;
}

export interface ChatSettingsDraft {
  workspace: string;
  /** As typed; empty = the default. */
  maxSteps: string;
}

export function draftFrom(session: Pick<Session, "workspace" | "max_steps">): ChatSettingsDraft {
  return { workspace: session.workspace ?? "", maxSteps: session.max_steps === null ? "" : String(session.max_steps) };
}

export type ChatSettingsCheck =
  | { ok: true; patch: ChatSettingsPatch }
  | { ok: false; field: "maxSteps"; problem: string };

/**
 * The patch that turns `session` into `draft` (only what changed; possibly nothing), or why the
 * draft cannot be saved. The folder is checked by the backend (it must exist), not here.
 */
export function checkChatSettings(
  session: Pick<Session, "workspace" | "max_steps">,
  draft: ChatSettingsDraft,
): ChatSettingsCheck {
  const patch: ChatSettingsPatch = {};
  const workspace = draft.workspace.trim();
  if (workspace !== (session.workspace ?? "")) patch.workspace = workspace;
  const steps = draft.maxSteps.trim();
  if (steps === "") {
    if (session.max_steps !== null) patch.max_steps = 0;
  } else {
    const n = Number(steps);
    if (!/^\d+$/.test(steps) || !Number.isInteger(n) || n < 1 || n > MAX_STEPS_LIMIT) {
      return {
        ok: false,
        field: "maxSteps",
        problem: `The step limit is a whole number from 1 to ${MAX_STEPS_LIMIT} (empty for the default, ${DEFAULT_MAX_STEPS}).`,
      };
    }
    if (n !== session.max_steps) patch.max_steps = n;
  }
  return { ok: true, patch };
}

export function isEmptyPatch(patch: ChatSettingsPatch): boolean {
  return patch.workspace === undefined && patch.max_steps === undefined && patch.system_prompt === undefined;
}
