// What a model can do, as the model picker shows it. Pure, so it is tested without rendering.
import type { ModelInfo } from "./bindings/ModelInfo";
import type { ModelList } from "./bindings/ModelList";

/** The capabilities the backend reports in `ModelInfo.capabilities`. */
export type Capability = "vision" | "tools" | "reasoning";

/** In the order they are shown. */
export const CAPABILITIES: readonly Capability[] = ["vision", "tools", "reasoning"];

const LABELS: Record<Capability, string> = {
  vision: "Vision",
  tools: "Tools",
  reasoning: "Reasoning",
};

const TITLES: Record<Capability, string> = {
  vision: "Vision: understands images",
  tools: "Tools: can call tools",
  reasoning: "Reasoning: can think before it answers",
};

export function capabilityLabel(capability: Capability): string {
  return LABELS[capability];
}

/** A sentence for the badge's tooltip. */
export function capabilityTitle(capability: Capability): string {
  return TITLES[capability];
}

/** The known capabilities of a model, once each, in display order; anything else is left out. */
export function capabilitiesOf(model: Pick<ModelInfo, "capabilities">): Capability[] {
  return CAPABILITIES.filter((c) => model.capabilities.includes(c));
}

/** "claude-sonnet-4-5 · anthropic · vision, tools, reasoning": a model as a picker option. */
export function modelOptionLabel(model: ModelInfo, { provider = true } = {}): string {
  const parts = [model.name];
  if (provider && model.provider) parts.push(model.provider);
  const caps = capabilitiesOf(model);
  if (caps.length > 0) parts.push(caps.join(", "));
  return parts.join(" · ");
}

/** The model a session talks to: its own, or the default when it has none. */
export function effectiveModelId(list: ModelList, sessionModel: string | null): string | null {
  return sessionModel === null || sessionModel === "" ? list.default : sessionModel;
}

/** The listed model a session talks to, or null when there is none or the list does not know it. */
export function effectiveModel(list: ModelList, sessionModel: string | null): ModelInfo | null {
  const id = effectiveModelId(list, sessionModel);
  return id === null ? null : (list.models.find((m) => m.id === id) ?? null);
}
