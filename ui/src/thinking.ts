// The session's thinking budget, as the chat header offers it. Pure, so it is tested without
// rendering. The backend validates again and only lets models that reason think.
import type { ModelList } from "./bindings/ModelList";
import { effectiveModel, effectiveModelId } from "./capabilities";

/** The bounds the backend accepts for a budget that is on (0 turns thinking off). */
export const MIN_THINKING_BUDGET = 1024;
export const MAX_THINKING_BUDGET = 64_000;

export interface ThinkingOption {
  /** Tokens; 0 = off. */
  budget: number;
  label: string;
}

export const THINKING_PRESETS: readonly ThinkingOption[] = [
  { budget: 0, label: "Off" },
  { budget: 4096, label: "Low 4k" },
  { budget: 16_384, label: "Medium 16k" },
  { budget: 32_768, label: "High 32k" },
];

/** The select's value for a stored budget (null, and 0 just in case, are off). */
export function thinkingValue(stored: number | null): number {
  return stored ?? 0;
}

/** The presets, and the stored budget as "Custom (N)" when it is none of them. */
export function thinkingOptions(stored: number | null): ThinkingOption[] {
  const value = thinkingValue(stored);
  if (THINKING_PRESETS.some((p) => p.budget === value)) return [...THINKING_PRESETS];
  return [...THINKING_PRESETS, { budget: value, label: `Custom (${value})` }];
}

export type ThinkingSupport = { enabled: true; title: string } | { enabled: false; title: string };

export const THINKING_TITLE = "How many tokens the model may think for before it answers";

/**
 * Whether the session's model (or the default, when it has none) can think: only a model
 * whose capabilities include "reasoning". Otherwise the title says why the control is off.
 */
export function thinkingSupport(list: ModelList, sessionModel: string | null): ThinkingSupport {
  const id = effectiveModelId(list, sessionModel);
  if (id === null) return { enabled: false, title: "No model is chosen, so there is nothing to think." };
  const model = effectiveModel(list, sessionModel);
  if (model === null) {
    return { enabled: false, title: `${id} is not available, so Hearth cannot tell whether it thinks.` };
  }
  if (!model.capabilities.includes("reasoning")) {
    return { enabled: false, title: `${model.name} does not think: extended thinking needs a reasoning model.` };
  }
  return { enabled: true, title: THINKING_TITLE };
}
