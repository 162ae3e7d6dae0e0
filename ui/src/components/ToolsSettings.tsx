import { useState } from "react";
import type { UiError } from "../api";
import type { Decision } from "../bindings/Decision";
import type { Rule } from "../bindings/Rule";
import type { ToolInfo } from "../bindings/ToolInfo";
import { splitToolName } from "../toolCalls";
import {
  classLabel,
  DECISION_LABELS,
  DECISIONS,
  groupTools,
  inheritedLabel,
  inheritedPolicy,
  policyOf,
  serverRuleTool,
} from "../toolPolicy";
import { ErrorHint } from "./ErrorHint";
import { SettingsStatus } from "./SettingsStatus";

export interface ToolsSettingsProps {
  /** null while loading. */
  tools: readonly ToolInfo[] | null;
  failed: boolean;
  /** The rules (a tool's policy is its global rule without a pattern); null while loading. */
  rules: readonly Rule[] | null;
  onReload(): void;
  /**
   * Sets the policy of a tool, or of every tool of a server (`server__*`); null removes it
   * (back to the default). Resolves null once the rules say so, or the error to show.
   */
  onSetPolicy(ruleTool: string, decision: Decision | null): Promise<UiError | null>;
}

/** The tools the model may call, by where they come from, each with a policy to set. */
export function ToolsSettings({ tools, failed, rules, onReload, onSetPolicy }: ToolsSettingsProps) {
  if (tools === null) return <SettingsStatus failed={failed} what="the tools" onRetry={onReload} retryTestId="tools-retry" />;
  const groups = groupTools(tools);
  return (
    <div className="tool-groups" data-testid="tools-list">
      {groups.length === 0 && <p className="account-list-empty">No tools.</p>}
      {groups.map((group) => (
        <section key={group.server ?? ""} className="tool-group" aria-label={group.server ?? "Built-in tools"}>
          <div className="tool-group-head">
            <h4 className="tool-group-title">
              {group.server === null ? "Built-in" : <>MCP server <code>{group.server}</code></>}
            </h4>
            {group.server !== null && (
              <div className="tool-group-policy">
                <span className="form-hint" aria-hidden="true">
                  All its tools
                </span>
                <PolicySelect
                  ruleTool={serverRuleTool(group.server)}
                  label={`Policy for every tool of ${group.server}`}
                  inherited="Default"
                  rules={rules}
                  onSetPolicy={onSetPolicy}
                />
              </div>
            )}
          </div>
          <ul className="tool-list">
            {group.tools.map((tool) => (
              <li key={tool.name} className="tool-item" data-testid="tool-item" data-tool={tool.name}>
                <div className="tool-item-main">
                  <div className="tool-item-heading">
                    <code className="tool-item-name">{splitToolName(tool.name).tool}</code>
                    <span className="badge badge-muted" data-testid="tool-class">
                      {classLabel(tool.class)}
                    </span>
                    <span className="tool-item-default" data-testid="tool-default">
                      default: {DECISION_LABELS[tool.default].toLowerCase()}
                    </span>
                  </div>
                  {tool.description && (
                    <p className="tool-item-description" title={tool.description}>
                      {tool.description}
                    </p>
                  )}
                </div>
                <PolicySelect
                  ruleTool={tool.name}
                  label={`Policy for ${tool.name}`}
                  inherited={rules ? inheritedLabel(inheritedPolicy(rules, tool)) : "Default"}
                  rules={rules}
                  onSetPolicy={onSetPolicy}
                />
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}

interface PolicySelectProps {
  ruleTool: string;
  label: string;
  /** The first option's words: what applies without a rule. */
  inherited: string;
  rules: readonly Rule[] | null;
  onSetPolicy(ruleTool: string, decision: Decision | null): Promise<UiError | null>;
}

/** Default / Allow / Ask / Deny for a tool or a server; disabled while the rules load or save. */
function PolicySelect({ ruleTool, label, inherited, rules, onSetPolicy }: PolicySelectProps) {
  const [saving, setSaving] = useState<Decision | "" | null>(null);
  const [error, setError] = useState<UiError | null>(null);
  const current = rules === null ? "" : (policyOf(rules, ruleTool) ?? "");

  const change = async (value: Decision | "") => {
    setSaving(value);
    setError(null);
    const failure = await onSetPolicy(ruleTool, value === "" ? null : value);
    setSaving(null);
    setError(failure);
  };

  return (
    <div className="policy-select">
      <select
        data-testid="tool-policy"
        data-tool={ruleTool}
        aria-label={label}
        className={current === "" ? "" : `is-${current}`}
        value={saving ?? current}
        disabled={rules === null || saving !== null}
        onChange={(e) => void change(e.target.value as Decision | "")}
      >
        <option value="">{inherited}</option>
        {DECISIONS.map((d) => (
          <option key={d} value={d}>
            {DECISION_LABELS[d]}
          </option>
        ))}
      </select>
      {error && (
        <div className="field-error" data-testid="tool-policy-error" role="alert">
          <p>Couldn’t change it: {error.message}</p>
          <ErrorHint error={error} testId="tool-policy-error-hint" />
        </div>
      )}
    </div>
  );
}
