import { describe, expect, it } from "vitest";
import {
  ACCOUNT_KINDS,
  ACCOUNT_PRESETS,
  ANTHROPIC_BASE_URL,
  checkAccountDraft,
  draftWithKind,
  draftWithPreset,
  emptyDraft,
  kindLabel,
  MAX_LABEL_CHARS,
  OPENAI_BASE_URL,
  type AccountDraft,
} from "./accountForm";

const draft = (overrides: Partial<AccountDraft> = {}): AccountDraft => ({
  ...emptyDraft("openai"),
  label: "Personal",
  apiKey: "sk-test",
  ...overrides,
});

const compatible = (overrides: Partial<AccountDraft> = {}): AccountDraft => ({
  ...emptyDraft("openai_compatible"),
  label: "Ollama",
  baseUrl: "http://127.0.0.1:11434/v1",
  ...overrides,
});

const problems = (d: AccountDraft) => {
  const check = checkAccountDraft(d);
  return check.ok ? {} : check.problems;
};

describe("checkAccountDraft: the label", () => {
  it("needs 1 to 60 characters once trimmed", () => {
    expect(MAX_LABEL_CHARS).toBe(60);
    expect(problems(draft({ label: "" })).label).toMatch(/label/i);
    expect(problems(draft({ label: "   " })).label, "blank is empty").toBeDefined();
    expect(problems(draft({ label: "a" })).label).toBeUndefined();
    expect(problems(draft({ label: "a".repeat(60) })).label).toBeUndefined();
    expect(problems(draft({ label: "a".repeat(61) })).label).toMatch(/60/);
    expect(problems(draft({ label: `  ${"a".repeat(60)}  ` })).label, "surrounding spaces don't count").toBeUndefined();
  });

  it("counts characters like the backend, so 60 emoji are allowed", () => {
    expect(problems(draft({ label: "🔥".repeat(60) })).label, "120 UTF-16 units, 60 characters").toBeUndefined();
    expect(problems(draft({ label: "🔥".repeat(61) })).label).toBeDefined();
  });

  it("refuses control characters, as the backend does", () => {
    expect(problems(draft({ label: "bad\u0007bell" })).label).toMatch(/control/);
  });
});

describe("checkAccountDraft: the base URL", () => {
  it("must start with http:// or https:// and name a host", () => {
    expect(problems(compatible({ baseUrl: "http://127.0.0.1:1234/v1" })).baseUrl).toBeUndefined();
    expect(problems(compatible({ baseUrl: "https://llm.example.com/v1" })).baseUrl).toBeUndefined();
    expect(problems(compatible({ baseUrl: "HTTPS://LLM.example.com/v1" })).baseUrl, "the scheme is case-blind").toBeUndefined();
    for (const bad of ["127.0.0.1:11434/v1", "ftp://example.com", "http://", "https:///v1", "http://exa mple.com", "javascript:alert(1)"]) {
      expect(problems(compatible({ baseUrl: bad })).baseUrl, bad).toMatch(/http:\/\/ or https:\/\//);
    }
  });

  it("is required for an OpenAI-compatible server and optional for OpenAI and Anthropic", () => {
    expect(problems(compatible({ baseUrl: "" })).baseUrl).toMatch(/OpenAI-compatible/);
    expect(problems(draft({ baseUrl: "" })).baseUrl, "OpenAI's own URL is the default").toBeUndefined();
    expect(problems(draft({ kind: "anthropic", baseUrl: "" })).baseUrl, "so is Anthropic's").toBeUndefined();
  });
});

describe("checkAccountDraft: key and default model", () => {
  it("needs a key for OpenAI and Anthropic but not for a compatible server", () => {
    expect(problems(draft({ apiKey: "" })).apiKey).toMatch(/OpenAI needs an API key/);
    expect(problems(draft({ kind: "anthropic", apiKey: "" })).apiKey).toMatch(/Anthropic needs an API key/);
    expect(problems(compatible({ apiKey: "" })).apiKey).toBeUndefined();
  });

  it("refuses a key with spaces inside (a bad paste)", () => {
    expect(problems(draft({ apiKey: "sk-one two" })).apiKey).toMatch(/spaces/);
    expect(problems(draft({ apiKey: "  sk-test\n" })).apiKey, "surrounding whitespace is trimmed").toBeUndefined();
  });

  it("takes a default model name without spaces", () => {
    expect(problems(draft({ defaultModel: "gpt 4o" })).defaultModel).toBeDefined();
    expect(problems(draft({ defaultModel: "gpt-4o-mini" })).defaultModel).toBeUndefined();
  });

  it("reports every problem at once", () => {
    expect(Object.keys(problems(compatible({ label: "", baseUrl: "nope", defaultModel: "a b" })))).toEqual([
      "label",
      "baseUrl",
      "defaultModel",
    ]);
  });
});

describe("checkAccountDraft: the request", () => {
  it("trims every field", () => {
    const check = checkAccountDraft(
      draft({ label: "  Work  ", baseUrl: " https://api.openai.com/v1 ", apiKey: " sk-abc ", defaultModel: " gpt-4o " }),
    );
    expect(check).toEqual({
      ok: true,
      req: { label: "Work", kind: "openai", base_url: OPENAI_BASE_URL, api_key: "sk-abc", default_model: "gpt-4o" },
    });
  });

  it("leaves blank optional fields out rather than sending empty strings", () => {
    expect(checkAccountDraft(compatible({ apiKey: "  ", defaultModel: "" }))).toEqual({
      ok: true,
      req: { label: "Ollama", kind: "openai_compatible", base_url: "http://127.0.0.1:11434/v1" },
    });
    const openai = checkAccountDraft(draft({ baseUrl: "" }));
    expect(openai.ok && "base_url" in openai.req, "the backend fills in OpenAI's URL").toBe(false);
  });
});

describe("filling the form", () => {
  it("starts OpenAI accounts at OpenAI's URL and compatible ones blank", () => {
    expect(emptyDraft("openai")).toEqual({ kind: "openai", label: "", baseUrl: OPENAI_BASE_URL, apiKey: "", defaultModel: "" });
    expect(emptyDraft("openai_compatible").baseUrl).toBe("");
    expect(emptyDraft("anthropic").baseUrl).toBe(ANTHROPIC_BASE_URL);
  });

  it("moves an untouched URL with the kind but keeps one the user typed", () => {
    const toCompatible = draftWithKind(emptyDraft("openai"), "openai_compatible");
    expect(toCompatible.kind).toBe("openai_compatible");
    expect(toCompatible.baseUrl, "OpenAI's URL is no use for a local server").toBe("");
    expect(draftWithKind(toCompatible, "openai").baseUrl).toBe(OPENAI_BASE_URL);
    expect(draftWithKind(emptyDraft("openai"), "anthropic").baseUrl, "one provider's URL for the other's").toBe(ANTHROPIC_BASE_URL);

    const typed = { ...emptyDraft("openai_compatible"), baseUrl: "http://gpu-box:8000/v1" };
    expect(draftWithKind(typed, "openai").baseUrl).toBe("http://gpu-box:8000/v1");
    const preset = draftWithPreset(emptyDraft(), ACCOUNT_PRESETS[0]!);
    expect(draftWithKind(preset, "openai").baseUrl, "a preset's URL is not the user's own").toBe(OPENAI_BASE_URL);
  });

  it("fills a preset's URL, switches to OpenAI-compatible, and names the account only if it has no name", () => {
    const [ollama, lmstudio] = ACCOUNT_PRESETS;
    expect(ollama).toMatchObject({ id: "ollama", title: "Ollama (127.0.0.1:11434)", baseUrl: "http://127.0.0.1:11434/v1" });
    expect(lmstudio).toMatchObject({ id: "lmstudio", title: "LM Studio (127.0.0.1:1234)", baseUrl: "http://127.0.0.1:1234/v1" });

    const filled = draftWithPreset({ ...emptyDraft(), apiKey: "x" }, lmstudio!);
    expect(filled).toEqual({ kind: "openai_compatible", label: "LM Studio", baseUrl: "http://127.0.0.1:1234/v1", apiKey: "x", defaultModel: "" });
    expect(draftWithPreset({ ...emptyDraft(), label: "Desk" }, ollama!).label).toBe("Desk");
  });

  it("names the kinds, OpenAI's first", () => {
    expect(ACCOUNT_KINDS.map(kindLabel)).toEqual(["OpenAI", "OpenAI-compatible", "Anthropic"]);
  });
});
