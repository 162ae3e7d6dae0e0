import { useRef } from "react";
import { toUiError, type HearthApi, type UiError } from "./api";
import type { Decision } from "./bindings/Decision";
import type { McpServerInfo } from "./bindings/McpServerInfo";
import type { NewRule } from "./bindings/NewRule";
import type { McpTestResult } from "./components/McpSettings";
import type { SettingsDialogProps, SettingsTab } from "./components/SettingsDialog";
import { policyChange } from "./toolPolicy";
import { useLoadable } from "./useLoadable";

export type ToolSettings = Pick<
  SettingsDialogProps,
  | "tools"
  | "toolsFailed"
  | "onReloadTools"
  | "rules"
  | "rulesFailed"
  | "onReloadRules"
  | "onSetToolPolicy"
  | "onAddRule"
  | "onRemoveRule"
  | "mcpServers"
  | "mcpServersFailed"
  | "onReloadMcpServers"
  | "onAddMcpServer"
  | "onUpdateMcpServer"
  | "onRemoveMcpServer"
  | "onTestMcpServer"
>;

/**
 * Settings' Tools, Rules and MCP servers sections: what the model may call. Each loads when
 * its tab is shown (tools_list may start MCP servers), and again each time, so a rule made
 * from a chat shows up.
 */
export function useToolSettings(api: HearthApi): { props: ToolSettings; onTabShown(tab: SettingsTab): void } {
  const [tools, reloadTools] = useLoadable(() => api.listTools());
  const [rules, reloadRules, setRules] = useLoadable(() => api.listRules());
  const [mcpServers, reloadMcpServers, setMcpServers] = useLoadable(() => api.listMcpServers());
  const rulesRef = useRef(rules);
  rulesRef.current = rules;

  const onTabShown = (tab: SettingsTab) => {
    if (tab === "tools") {
      void reloadTools();
      void reloadRules();
    } else if (tab === "rules") {
      void reloadRules();
      void reloadTools(); // names for the form to suggest
    } else if (tab === "mcp") {
      void reloadMcpServers();
    }
  };

  const setToolPolicy = async (ruleTool: string, decision: Decision | null): Promise<UiError | null> => {
    try {
      const current = rulesRef.current.value ?? (await api.listRules());
      const change = policyChange(current, ruleTool, decision);
      // The new rule first: if removing the old one then fails, the safer of the two decides.
      if (change.add) await api.addRule(change.add);
      for (const ruleId of change.remove) {
        await api.removeRule(ruleId).catch((e: unknown) => {
          if (toUiError(e).code !== "RULE_NOT_FOUND") throw e; // already gone is what we wanted
        });
      }
      return null;
    } catch (e) {
      return toUiError(e);
    } finally {
      await reloadRules();
    }
  };

  const addRule = async (rule: NewRule): Promise<UiError | null> => {
    try {
      const added = await api.addRule(rule);
      setRules((state) => (state.value ? { ...state, value: [...state.value, added] } : state));
    } catch (e) {
      return toUiError(e);
    }
    void reloadRules();
    return null;
  };

  const removeRule = async (ruleId: string): Promise<UiError | null> => {
    try {
      await api.removeRule(ruleId);
    } catch (e) {
      const error = toUiError(e);
      if (error.code !== "RULE_NOT_FOUND") return error;
    }
    setRules((state) => (state.value ? { ...state, value: state.value.filter((r) => r.id !== ruleId) } : state));
    void reloadRules();
    return null;
  };

  /** Shows a server as the backend answered it (added, changed or tested). */
  const putServer = (server: McpServerInfo) =>
    setMcpServers((state) => {
      if (!state.value) return state;
      const known = state.value.some((s) => s.name === server.name);
      return {
        ...state,
        value: known ? state.value.map((s) => (s.name === server.name ? server : s)) : [...state.value, server],
      };
    });

  const mcpCall = async (act: () => Promise<McpServerInfo | void>): Promise<UiError | null> => {
    try {
      const server = await act();
      if (server) putServer(server);
    } catch (e) {
      return toUiError(e);
    }
    void reloadMcpServers();
    return null;
  };

  const testMcpServer = async (name: string): Promise<McpTestResult> => {
    try {
      const server = await api.testMcpServer(name);
      putServer(server);
      return { ok: true, server };
    } catch (e) {
      return { ok: false, error: toUiError(e) };
    }
  };

  return {
    onTabShown,
    props: {
      tools: tools.value,
      toolsFailed: tools.failed,
      onReloadTools: () => void reloadTools(),
      rules: rules.value,
      rulesFailed: rules.failed,
      onReloadRules: () => void reloadRules(),
      onSetToolPolicy: setToolPolicy,
      onAddRule: addRule,
      onRemoveRule: removeRule,
      mcpServers: mcpServers.value,
      mcpServersFailed: mcpServers.failed,
      onReloadMcpServers: () => void reloadMcpServers(),
      onAddMcpServer: (server) => mcpCall(() => api.addMcpServer(server)),
      onUpdateMcpServer: (name, patch) => mcpCall(() => api.updateMcpServer(name, patch)),
      onRemoveMcpServer: (name) =>
        mcpCall(async () => {
          await api.removeMcpServer(name);
          setMcpServers((state) => (state.value ? { ...state, value: state.value.filter((s) => s.name !== name) } : state));
        }),
      onTestMcpServer: testMcpServer,
    },
  };
}
