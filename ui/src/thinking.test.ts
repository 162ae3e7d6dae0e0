import { describe, expect, it } from "vitest";
import type { ModelList } from "./bindings/ModelList";
import {
  MAX_THINKING_BUDGET,
  MIN_THINKING_BUDGET,
  THINKING_PRESETS,
  THINKING_TITLE,
  thinkingOptions,
  thinkingSupport,
  thinkingValue,
} from "./thinking";

const LIST: ModelList = {
  models: [
    { id: "a/claude-sonnet-4-5", provider: "anthropic", name: "claude-sonnet-4-5", capabilities: ["vision", "tools", "reasoning"] },
    { id: "o/gpt-4o-mini", provider: "openai", name: "gpt-4o-mini", capabilities: ["vision", "tools"] },
  ],
  default: "o/gpt-4o-mini",
};

describe("thinking presets", () => {
  it("are Off, Low 4k, Medium 16k and High 32k, all within the backend's bounds", () => {
    expect(THINKING_PRESETS).toEqual([
      { budget: 0, label: "Off" },
      { budget: 4096, label: "Low 4k" },
      { budget: 16384, label: "Medium 16k" },
      { budget: 32768, label: "High 32k" },
    ]);
    for (const { budget } of THINKING_PRESETS.slice(1)) {
      expect(budget).toBeGreaterThanOrEqual(MIN_THINKING_BUDGET);
      expect(budget).toBeLessThanOrEqual(MAX_THINKING_BUDGET);
    }
  });

  it("show a stored budget that is none of them as Custom (N), after them", () => {
    expect(thinkingOptions(null)).toEqual(THINKING_PRESETS);
    expect(thinkingOptions(16384)).toEqual(THINKING_PRESETS);
    expect(thinkingOptions(8000).map((o) => o.label)).toEqual(["Off", "Low 4k", "Medium 16k", "High 32k", "Custom (8000)"]);
    expect(thinkingOptions(8000).at(-1)?.budget).toBe(8000);
  });

  it("select Off for a session without a budget", () => {
    expect(thinkingValue(null)).toBe(0);
    expect(thinkingValue(4096)).toBe(4096);
  });
});

describe("thinkingSupport", () => {
  it("is on for a model that reasons, chosen by the session or as the default", () => {
    expect(thinkingSupport(LIST, "a/claude-sonnet-4-5")).toEqual({ enabled: true, title: THINKING_TITLE });
    expect(thinkingSupport({ ...LIST, default: "a/claude-sonnet-4-5" }, null).enabled).toBe(true);
  });

  it("is off, saying why, for a model that does not reason", () => {
    const support = thinkingSupport(LIST, null);
    expect(support.enabled, "the default, gpt-4o-mini, does not reason").toBe(false);
    expect(support.title).toMatch(/gpt-4o-mini does not think/);
    expect(thinkingSupport(LIST, "o/gpt-4o-mini").enabled).toBe(false);
  });

  it("is off for a model the list does not know, and when there is no model at all", () => {
    const unknown = thinkingSupport(LIST, "a/retired");
    expect(unknown.enabled).toBe(false);
    expect(unknown.title).toMatch(/a\/retired is not available/);
    const none = thinkingSupport({ ...LIST, default: null }, null);
    expect(none.enabled).toBe(false);
    expect(none.title).toMatch(/No model/);
  });
});
