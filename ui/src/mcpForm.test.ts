import { describe, expect, it } from "vitest";
import { checkMcpDraft, emptyMcpDraft, parsePairs, toolCountLabel, transportSummary, type McpDraft } from "./mcpForm";

const draft = (over: Partial<McpDraft>): McpDraft => ({ ...emptyMcpDraft(), ...over });

describe("parsePairs", () => {
  it("reads KEY=value lines, skipping blank ones; values may be empty or hold =", () => {
    expect(parsePairs("A=1\n\n  B = two words \nC=\nD=x=y")).toEqual({
      ok: true,
      pairs: { A: "1", B: "two words", C: "", D: "x=y" },
    });
    expect(parsePairs("")).toEqual({ ok: true, pairs: {} });
  });

  it("reads header lines with a colon too, when asked", () => {
    expect(parsePairs("Authorization: Bearer abc\nX-Team=a", true)).toEqual({
      ok: true,
      pairs: { Authorization: "Bearer abc", "X-Team": "a" },
    });
    expect(parsePairs("Authorization: Bearer abc")).toEqual({ ok: false, line: "Authorization: Bearer abc" });
  });

  it("names the first line that is not a pair", () => {
    expect(parsePairs("A=1\njust words\nB=2")).toEqual({ ok: false, line: "just words" });
    expect(parsePairs("=value")).toEqual({ ok: false, line: "=value" });
    expect(parsePairs("TWO WORDS=x")).toEqual({ ok: false, line: "TWO WORDS=x" });
  });
});

describe("checkMcpDraft", () => {
  it("builds a stdio server: one argument per line, env and secrets as maps", () => {
    const check = checkMcpDraft(
      draft({
        name: " github ",
        command: " npx ",
        args: "-y\n@modelcontextprotocol/server-github\n",
        env: "LOG_LEVEL=info",
        secrets: "GITHUB_TOKEN=ghp_secret",
      }),
    );
    expect(check).toEqual({
      ok: true,
      server: {
        name: "github",
        transport: { type: "stdio", command: "npx", args: ["-y", "@modelcontextprotocol/server-github"], env: { LOG_LEVEL: "info" } },
        secrets: { GITHUB_TOKEN: "ghp_secret" },
      },
    });
  });

  it("builds an http server with headers, leaving out secrets when there are none", () => {
    const check = checkMcpDraft(draft({ name: "docs", type: "http", url: "https://mcp.example.com/mcp", headers: "X-Team: a" }));
    expect(check).toEqual({
      ok: true,
      server: { name: "docs", transport: { type: "http", url: "https://mcp.example.com/mcp", headers: { "X-Team": "a" } } },
    });
    expect(checkMcpDraft(draft({ name: "docs", type: "http", url: "https://x.org", secrets: "Authorization: Bearer t" }))).toMatchObject({
      ok: true,
      server: { secrets: { Authorization: "Bearer t" } },
    });
  });

  it("says what is missing or malformed, field by field", () => {
    const check = checkMcpDraft(draft({ name: "GitHub!", command: "", env: "oops", secrets: "nope" }));
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(Object.keys(check.problems).sort()).toEqual(["command", "env", "name", "secrets"]);
    expect(check.problems.env).toContain("oops");
    const http = checkMcpDraft(draft({ name: "x", type: "http", url: "ftp://x" }));
    expect(http.ok === false && http.problems.url).toMatch(/http/);
    expect(checkMcpDraft(draft({ name: "a".repeat(33), command: "x" })).ok).toBe(false);
  });
});

describe("the server list", () => {
  it("sums up the command line or the URL", () => {
    expect(transportSummary({ type: "stdio", command: "npx", args: ["-y", "pkg", "two words"], env: {} })).toBe(
      'npx -y pkg "two words"',
    );
    expect(transportSummary({ type: "http", url: "https://x.org/mcp", headers: {} })).toBe("https://x.org/mcp");
  });

  it("counts the tools once the server has listed them", () => {
    expect(toolCountLabel({ tools: ["a__x", "a__y"], status: "running" })).toBe("2 tools");
    expect(toolCountLabel({ tools: ["a__x"], status: "stopped" })).toBe("1 tool");
    expect(toolCountLabel({ tools: [], status: "running" })).toBe("0 tools");
    expect(toolCountLabel({ tools: [], status: "stopped" })).toBeNull();
  });
});
