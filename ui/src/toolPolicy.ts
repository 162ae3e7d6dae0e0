// Settings → Tools and Rules, as plain data: the tools grouped by where they come from, the
// policy each has (a global rule without a pattern), what changing it means in rules, and the
// checks of the Add rule form. Pure, so it is tested without rendering.
import type { Decision } from "./bindings/Decision";
import type { NewRule } from "./bindings/NewRule";
import type { Rule } from "./bindings/Rule";
import type { ToolInfo } from "./bindings/ToolInfo";

export const DECISIONS: readonly Decision[] = ["allow", "ask", "deny"];

export const DECISION_LABELS: Record<Decision, string> = { allow: "Allow", ask: "Ask", deny: "Deny" };

const CLASS_LABELS: Record<string, string> = {
  read_only: "Reads",
  write: "Writes files",
  shell: "Runs commands",
  network: "Network",
  mcp: "MCP",
  memory: "Memory",
};

/** What a tool does, in a word or two (the class as the backend names it when unknown). */
export function classLabel(toolClass: string): string {
  return CLASS_LABELS[toolClass] ?? toolClass;
}

/** The rule name for every tool of an MCP server. */
export function serverRuleTool(server: string): string {
  return `${server}__*`;
}

export interface ToolGroup {
  /** null for the built-in tools. */
  server: string | null;
  tools: ToolInfo[];
}

/** Built-in tools first (in the backend's order), then each MCP server's, by server name. */
export function groupTools(tools: readonly ToolInfo[]): ToolGroup[] {
  const builtIn = tools.filter((t) => t.server === null);
  const servers = [...new Set(tools.flatMap((t) => (t.server === null ? [] : [t.server])))].sort();
  const groups: ToolGroup[] = servers.map((server) => ({ server, tools: tools.filter((t) => t.server === server) }));
  return builtIn.length > 0 ? [{ server: null, tools: builtIn }, ...groups] : groups;
}

/** The most cautious of some decisions, as the backend breaks a tie (deny, then ask, then allow). */
function mostCautious(decisions: readonly Decision[]): Decision | null {
  for (const d of ["deny", "ask", "allow"] as const) if (decisions.includes(d)) return d;
  return null;
}

/** The global rules without a pattern for `ruleTool` (a tool, `server__*` or `*`). */
function policyRules(rules: readonly Rule[], ruleTool: string): Rule[] {
  return rules.filter((r) => r.tool === ruleTool && r.pattern === null && r.session_id === null);
}

/** The policy set for `ruleTool` in Settings: its global rule without a pattern, or null (default). */
export function policyOf(rules: readonly Rule[], ruleTool: string): Decision | null {
  return mostCautious(policyRules(rules, ruleTool).map((r) => r.decision));
}

/** What setting `ruleTool`'s policy to `decision` (null: back to the default) takes. */
export function policyChange(
  rules: readonly Rule[],
  ruleTool: string,
  decision: Decision | null,
): { remove: string[]; add: NewRule | null } {
  const existing = policyRules(rules, ruleTool);
  if (decision !== null && existing.length === 1 && existing[0]!.decision === decision) return { remove: [], add: null };
  return { remove: existing.map((r) => r.id), add: decision === null ? null : { tool: ruleTool, decision } };
}

/**
 * What a tool does without a rule of its own: its server's policy (for an MCP tool), else the
 * one for every tool (`*`), else its default.
 */
export function inheritedPolicy(rules: readonly Rule[], tool: ToolInfo): { decision: Decision; from: "server" | "all" | "default" } {
  const server = tool.server === null ? null : policyOf(rules, serverRuleTool(tool.server));
  if (server !== null) return { decision: server, from: "server" };
  const all = policyOf(rules, "*");
  if (all !== null) return { decision: all, from: "all" };
  return { decision: tool.default, from: "default" };
}

/** The label of the select's first option: "Default (Ask)", "Server (Allow)"… */
export function inheritedLabel(inherited: ReturnType<typeof inheritedPolicy>): string {
  const word = { server: "Server", all: "All tools", default: "Default" }[inherited.from];
  return `${word} (${DECISION_LABELS[inherited.decision]})`;
}

// ---------------------------------------------------------------------------------------------
// Rules.

/** Session rules after the global ones; newest first within each. */
export function sortRules(rules: readonly Rule[]): Rule[] {
  return [...rules].sort(
    (a, b) => Number(a.session_id !== null) - Number(b.session_id !== null) || b.created_at - a.created_at,
  );
}

/** What a rule names, in words: "every tool", "every tool of github", or the tool's name. */
export function ruleToolLabel(tool: string): string {
  if (tool === "*") return "Every tool";
  if (tool.endsWith("__*")) return `Every tool of ${tool.slice(0, -3)}`;
  return tool;
}

export interface RuleDraft {
  tool: string;
  pattern: string;
  decision: Decision;
}

export type RuleDraftCheck = { ok: true; rule: NewRule } | { ok: false; problem: string };

const RULE_TOOL = /^(\*|[A-Za-z0-9_-]{1,64}(__\*)?)$/;

/** The Add rule form's checks (the backend checks again: INVALID_RULE). */
export function checkRuleDraft(draft: RuleDraft): RuleDraftCheck {
  const tool = draft.tool.trim();
  if (tool === "") return { ok: false, problem: "Name a tool, “server__*” for every tool of a server, or “*”." };
  if (!RULE_TOOL.test(tool)) {
    return { ok: false, problem: `“${tool}” is not a tool name, “server__*” or “*”.` };
  }
  const pattern = draft.pattern.trim();
  if (pattern.length > 500) return { ok: false, problem: "A pattern is at most 500 characters." };
  return { ok: true, rule: pattern === "" ? { tool, decision: draft.decision } : { tool, pattern, decision: draft.decision } };
}

/** The names the Add rule form suggests: every tool, each server's `server__*`, and `*`. */
export function ruleToolSuggestions(tools: readonly ToolInfo[]): string[] {
  const servers = [...new Set(tools.flatMap((t) => (t.server === null ? [] : [serverRuleTool(t.server)])))].sort();
  return [...tools.map((t) => t.name), ...servers, "*"];
}
