import { describe, expect, it } from "vitest";
import type { Rule } from "./bindings/Rule";
import type { ToolInfo } from "./bindings/ToolInfo";
import {
  checkRuleDraft,
  classLabel,
  groupTools,
  inheritedLabel,
  inheritedPolicy,
  policyChange,
  policyOf,
  ruleToolLabel,
  ruleToolSuggestions,
  sortRules,
} from "./toolPolicy";

const tool = (name: string, cls: string, server: string | null = null): ToolInfo => ({
  name,
  description: `${name} does things`,
  class: cls,
  default: cls === "read_only" ? "allow" : "ask",
  server,
});

const TOOLS: ToolInfo[] = [
  tool("read_file", "read_only"),
  tool("run_shell", "shell"),
  tool("web__search", "mcp", "web"),
  tool("github__create_issue", "mcp", "github"),
  tool("github__list_issues", "mcp", "github"),
];

let next = 0;
const rule = (toolName: string, decision: Rule["decision"], over: Partial<Rule> = {}): Rule => ({
  id: `rule${++next}`,
  tool: toolName,
  pattern: null,
  decision,
  session_id: null,
  created_at: next,
  ...over,
});

describe("groupTools", () => {
  it("puts the built-in tools first, then each server's, by name", () => {
    expect(groupTools(TOOLS).map((g) => [g.server, g.tools.map((t) => t.name)])).toEqual([
      [null, ["read_file", "run_shell"]],
      ["github", ["github__create_issue", "github__list_issues"]],
      ["web", ["web__search"]],
    ]);
    expect(groupTools([]), "no tools, no groups").toEqual([]);
  });

  it("words each class", () => {
    expect(classLabel("shell")).toBe("Runs commands");
    expect(classLabel("quantum")).toBe("quantum");
  });
});

describe("a tool's policy", () => {
  it("is its global rule without a pattern; chat rules and patterned rules are not it", () => {
    const rules = [
      rule("run_shell", "allow", { pattern: "git status" }),
      rule("run_shell", "allow", { session_id: "s1" }),
      rule("read_file", "deny"),
    ];
    expect(policyOf(rules, "run_shell")).toBeNull();
    expect(policyOf(rules, "read_file")).toBe("deny");
    expect(policyOf([rule("x", "allow"), rule("x", "deny")], "x"), "the safer of two, as the engine decides").toBe("deny");
  });

  it("changes by replacing its rule, or removing it for the default", () => {
    const shell = rule("run_shell", "ask");
    const keep = rule("run_shell", "allow", { pattern: "ls" });
    const rules = [shell, keep];
    expect(policyChange(rules, "run_shell", "allow")).toEqual({
      remove: [shell.id],
      add: { tool: "run_shell", decision: "allow" },
    });
    expect(policyChange(rules, "run_shell", null)).toEqual({ remove: [shell.id], add: null });
    expect(policyChange(rules, "run_shell", "ask"), "already so: nothing to do").toEqual({ remove: [], add: null });
    expect(policyChange([], "github__*", "deny")).toEqual({ remove: [], add: { tool: "github__*", decision: "deny" } });
  });

  it("falls back to its server's policy, then every tool's, then its default", () => {
    const issues = TOOLS[3]!;
    expect(inheritedPolicy([], issues)).toEqual({ decision: "ask", from: "default" });
    expect(inheritedPolicy([rule("*", "deny")], issues)).toEqual({ decision: "deny", from: "all" });
    expect(inheritedPolicy([rule("*", "deny"), rule("github__*", "allow")], issues)).toEqual({
      decision: "allow",
      from: "server",
    });
    expect(inheritedPolicy([rule("github__*", "allow")], TOOLS[0]!), "a built-in has no server").toEqual({
      decision: "allow",
      from: "default",
    });
    expect(inheritedLabel({ decision: "ask", from: "default" })).toBe("Default (Ask)");
    expect(inheritedLabel({ decision: "allow", from: "server" })).toBe("Server (Allow)");
  });
});

describe("rules", () => {
  it("lists global rules first, newest first", () => {
    const old = rule("a", "allow", { created_at: 1 });
    const recent = rule("b", "deny", { created_at: 5 });
    const chat = rule("c", "allow", { created_at: 9, session_id: "s1" });
    expect(sortRules([chat, old, recent]).map((r) => r.tool)).toEqual(["b", "a", "c"]);
  });

  it("words what a rule names", () => {
    expect(ruleToolLabel("*")).toBe("Every tool");
    expect(ruleToolLabel("github__*")).toBe("Every tool of github");
    expect(ruleToolLabel("run_shell")).toBe("run_shell");
  });

  it("checks the Add rule form and leaves an empty pattern out", () => {
    expect(checkRuleDraft({ tool: " run_shell ", pattern: " git status ", decision: "allow" })).toEqual({
      ok: true,
      rule: { tool: "run_shell", pattern: "git status", decision: "allow" },
    });
    expect(checkRuleDraft({ tool: "github__*", pattern: "", decision: "deny" })).toEqual({
      ok: true,
      rule: { tool: "github__*", decision: "deny" },
    });
    expect(checkRuleDraft({ tool: "*", pattern: "", decision: "ask" }).ok).toBe(true);
    for (const bad of ["", "run shell", "git*", "a/b"]) {
      expect(checkRuleDraft({ tool: bad, pattern: "", decision: "allow" }).ok, bad).toBe(false);
    }
    expect(checkRuleDraft({ tool: "x", pattern: "p".repeat(501), decision: "allow" }).ok).toBe(false);
  });

  it("suggests every tool, each server's wildcard, and every tool at all", () => {
    expect(ruleToolSuggestions(TOOLS)).toEqual([
      "read_file",
      "run_shell",
      "web__search",
      "github__create_issue",
      "github__list_issues",
      "github__*",
      "web__*",
      "*",
    ]);
  });
});
