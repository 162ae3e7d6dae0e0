import { describe, expect, it } from "vitest";
import type { ModelInfo } from "./bindings/ModelInfo";
import type { ModelList } from "./bindings/ModelList";
import {
  capabilitiesOf,
  capabilityLabel,
  capabilityTitle,
  CAPABILITIES,
  effectiveModel,
  effectiveModelId,
  modelOptionLabel,
} from "./capabilities";

const model = (id: string, capabilities: string[], provider = "anthropic"): ModelInfo => ({
  id,
  provider,
  name: id.slice(id.indexOf("/") + 1),
  capabilities,
});

const SONNET = model("env:anthropic/claude-sonnet-4-5", ["reasoning", "vision", "tools"]);
const MINI = model("env:openai/gpt-4o-mini", ["tools", "vision"], "openai");
const LIST: ModelList = { models: [SONNET, MINI], default: MINI.id };

describe("capabilitiesOf", () => {
  it("lists the known capabilities once each, in display order", () => {
    expect(CAPABILITIES).toEqual(["vision", "tools", "reasoning"]);
    expect(capabilitiesOf(SONNET)).toEqual(["vision", "tools", "reasoning"]);
    expect(capabilitiesOf({ capabilities: ["tools", "tools", "audio"] }), "unknown ones are left out").toEqual(["tools"]);
    expect(capabilitiesOf({ capabilities: [] })).toEqual([]);
  });

  it("names each and says what it means", () => {
    expect(CAPABILITIES.map(capabilityLabel)).toEqual(["Vision", "Tools", "Reasoning"]);
    expect(capabilityTitle("reasoning")).toMatch(/think/);
    expect(capabilityTitle("vision")).toMatch(/image/);
  });
});

describe("modelOptionLabel", () => {
  it("joins name, provider and capabilities", () => {
    expect(modelOptionLabel(SONNET)).toBe("claude-sonnet-4-5 · anthropic · vision, tools, reasoning");
    expect(modelOptionLabel(model("x/llama3.2", [], "openai_compatible"))).toBe("llama3.2 · openai_compatible");
    expect(modelOptionLabel({ ...model("x/m", ["tools"]), provider: "" })).toBe("m · tools");
    expect(modelOptionLabel(SONNET, { provider: false })).toBe("claude-sonnet-4-5 · vision, tools, reasoning");
  });
});

describe("effectiveModel", () => {
  it("is the session's model, or the default when it has none", () => {
    expect(effectiveModelId(LIST, SONNET.id)).toBe(SONNET.id);
    expect(effectiveModelId(LIST, null)).toBe(MINI.id);
    expect(effectiveModelId(LIST, ""), "empty is the default too").toBe(MINI.id);
    expect(effectiveModel(LIST, null)).toBe(MINI);
    expect(effectiveModel(LIST, SONNET.id)).toBe(SONNET);
  });

  it("is null when the list does not know the model or there is no default", () => {
    expect(effectiveModel(LIST, "env:anthropic/retired")).toBeNull();
    expect(effectiveModel({ ...LIST, default: null }, null)).toBeNull();
    expect(effectiveModelId({ ...LIST, default: null }, null)).toBeNull();
  });
});
