import { describe, expect, it } from "vitest";
import { newSessionRequest, runtimeLabel } from "./runtimes";

describe("new chat requests", () => {
  it("a hearth chat needs nothing and sends no runtime", () => {
    expect(newSessionRequest({ runtime: "hearth", workspace: "", model: "" })).toEqual({ ok: true, req: {} });
  });
  it("a Claude Code chat needs an absolute workspace", () => {
    const missing = newSessionRequest({ runtime: "claude-code", workspace: "  ", model: "" });
    expect(missing.ok).toBe(false);
    const relative = newSessionRequest({ runtime: "claude-code", workspace: "proj", model: "" });
    expect(relative.ok).toBe(false);
    expect(newSessionRequest({ runtime: "claude-code", workspace: " /w/proj ", model: "env:anthropic/x" })).toEqual({
      ok: true,
      req: { runtime: "claude-code", workspace: "/w/proj", model: "env:anthropic/x" },
    });
  });
  it("names runtimes for people", () => {
    expect(runtimeLabel("claude-code")).toBe("Claude Code");
  });
});
