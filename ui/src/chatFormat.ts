// Words the chat pane shows for run states. Pure, so they are tested without rendering.
import type { ModelList } from "./bindings/ModelList";
import type { Phase } from "./bindings/Phase";
import type { Priority } from "./bindings/Priority";
import type { Retrying, RunFailure } from "./conversation";

const PHASE_LABELS: Record<Phase, string> = {
  idle: "",
  connecting: "Connecting…",
  thinking: "Thinking…",
  streaming: "Streaming…",
  tool: "Running a tool…",
  waiting_approval: "Waiting for approval…",
};

export function phaseLabel(phase: Phase): string {
  return PHASE_LABELS[phase];
}

/** "Rate limited, retrying in 2 s (attempt 2)". */
export function retryLabel(retrying: Retrying): string {
  const seconds = Math.max(1, Math.ceil(retrying.delayMs / 1000));
  return `${retryReason(retrying.reason)}, retrying in ${seconds} s (attempt ${retrying.attempt})`;
}

function retryReason(reason: string): string {
  const r = reason.trim();
  if (/rate.?limit|429|too many requests/i.test(r)) return "Rate limited";
  if (/overload|529/i.test(r)) return "The provider is overloaded";
  if (r === "") return "The request failed";
  const words = r.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function failureText(failure: RunFailure): string {
  if (failure.status === "interrupted") {
    return failure.error ? `Interrupted: ${failure.error.message}` : "Interrupted";
  }
  return failure.error?.message || "The response failed.";
}

export const PRIORITY_LABELS: Record<Priority, string> = {
  later: "Queue",
  next: "Next",
  now: "Now (interrupt)",
};

/** What the priority does to a message sent while a run is going. */
export const PRIORITY_HINTS: Record<Priority, string> = {
  later: "Runs after everything already queued",
  next: "Runs as soon as the current reply ends",
  now: "Stops the current reply and runs this at once",
};

/** A model's name for the picker: its name, or the id when the list does not know it. */
export function modelName(list: ModelList, id: string): string {
  return list.models.find((m) => m.id === id)?.name ?? id;
}

export const NO_MODEL_HINT =
  "Add a model account in Settings (the gear at the bottom of the sidebar), or set OPENAI_API_KEY (and OPENAI_BASE_URL for a local server) and restart";
