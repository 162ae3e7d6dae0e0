import { useId, useRef, useState, type FormEvent } from "react";
import type { UiError } from "../api";
import type { Decision } from "../bindings/Decision";
import type { NewRule } from "../bindings/NewRule";
import type { Rule } from "../bindings/Rule";
import type { ToolInfo } from "../bindings/ToolInfo";
import {
  checkRuleDraft,
  DECISION_LABELS,
  DECISIONS,
  ruleToolLabel,
  ruleToolSuggestions,
  sortRules,
  type RuleDraft,
} from "../toolPolicy";
import { ErrorHint } from "./ErrorHint";
import { FormError } from "./FormError";
import { FormField } from "./FormField";
import { SettingsStatus } from "./SettingsStatus";

export interface RulesSettingsProps {
  /** null while loading. */
  rules: readonly Rule[] | null;
  failed: boolean;
  /** The tools, to suggest names in the form; null when not known. */
  tools: readonly ToolInfo[] | null;
  onReload(): void;
  /** Resolves null once added, or the backend's error (shown in the form). */
  onAdd(rule: NewRule): Promise<UiError | null>;
  /** Resolves null once removed, or the backend's error (shown on the row). */
  onRemove(ruleId: string): Promise<UiError | null>;
}

/** The stored rules, each with Revoke, and a form to add one. */
export function RulesSettings({ rules, failed, tools, onReload, onAdd, onRemove }: RulesSettingsProps) {
  return (
    <>
      {rules === null ? (
        <SettingsStatus failed={failed} what="the rules" onRetry={onReload} retryTestId="rules-retry" />
      ) : (
        <ul className="account-list rule-list" data-testid="rules-list" aria-label="Rules">
          {rules.length === 0 && (
            <li className="account-list-empty">
              No rules yet. Answering “Always…” or “Allow for this chat” on an approval adds one here.
            </li>
          )}
          {sortRules(rules).map((rule) => (
            <RuleItem key={rule.id} rule={rule} onRemove={onRemove} />
          ))}
        </ul>
      )}
      <RuleForm tools={tools} onAdd={onAdd} />
    </>
  );
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

function RuleItem({ rule, onRemove }: { rule: Rule; onRemove(ruleId: string): Promise<UiError | null> }) {
  const [removing, setRemoving] = useState(false);
  const [error, setError] = useState<UiError | null>(null);

  const revoke = async () => {
    setRemoving(true);
    setError(null);
    const failure = await onRemove(rule.id);
    // On success the row goes away with the list.
    setRemoving(false);
    setError(failure);
  };

  const created = new Date(rule.created_at);
  return (
    <li className="rule-item" data-testid="rule-item" data-rule-id={rule.id} data-decision={rule.decision}>
      <div className="rule-main">
        <div className="rule-heading">
          <span className={`decision-badge is-${rule.decision}`} data-testid="rule-decision">
            {DECISION_LABELS[rule.decision]}
          </span>
          <code className="rule-tool" data-testid="rule-tool" title={rule.tool}>
            {ruleToolLabel(rule.tool)}
          </code>
          {rule.pattern === null ? (
            <span className="rule-any">any call</span>
          ) : (
            <code className="rule-pattern" data-testid="rule-pattern" title={rule.pattern}>
              {rule.pattern}
            </code>
          )}
        </div>
        <div className="rule-meta">
          {rule.session_id !== null && (
            <span className="badge badge-muted" data-testid="rule-session" title={`Only in the chat ${rule.session_id}`}>
              this chat only
            </span>
          )}
          <time dateTime={created.toISOString()} data-testid="rule-created">
            Added {dateFormat.format(created)}
          </time>
        </div>
        {error && (
          <div className="field-error" data-testid="rule-revoke-error" role="alert">
            <p>Couldn’t revoke it: {error.message}</p>
            <ErrorHint error={error} testId="rule-error-hint" />
          </div>
        )}
      </div>
      <button
        type="button"
        className="secondary-button"
        data-testid="rule-revoke"
        aria-label={`Revoke the rule for ${rule.tool}${rule.pattern ? ` (${rule.pattern})` : ""}`}
        disabled={removing}
        onClick={() => void revoke()}
      >
        {removing ? "Revoking…" : "Revoke"}
      </button>
    </li>
  );
}

const EMPTY: RuleDraft = { tool: "", pattern: "", decision: "allow" };

function RuleForm({ tools, onAdd }: { tools: readonly ToolInfo[] | null; onAdd(rule: NewRule): Promise<UiError | null> }) {
  const [draft, setDraft] = useState<RuleDraft>(EMPTY);
  const [problem, setProblem] = useState<string | null>(null);
  const [failure, setFailure] = useState<UiError | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const toolRef = useRef<HTMLInputElement>(null);
  const id = useId();

  const edit = (next: RuleDraft) => {
    setDraft(next);
    setProblem(null);
    setFailure(null);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (submitting) return;
    const check = checkRuleDraft(draft);
    if (!check.ok) {
      setProblem(check.problem);
      toolRef.current?.focus();
      return;
    }
    setSubmitting(true);
    const error = await onAdd(check.rule);
    setSubmitting(false);
    if (error) {
      setFailure(error);
      return;
    }
    setDraft(EMPTY);
  };

  return (
    <form className="account-form rule-form" aria-labelledby={`${id}-title`} noValidate onSubmit={(e) => void submit(e)}>
      <h4 className="account-form-title" id={`${id}-title`}>
        Add rule
      </h4>
      <div className="form-row">
        <FormField label="Tool" id={`${id}-tool`} invalid={problem !== null}>
          {(control) => (
            <>
              <input
                {...control}
                ref={toolRef}
                data-testid="rule-add-tool"
                type="text"
                list={`${id}-tools`}
                value={draft.tool}
                placeholder="run_shell, github__*, *"
                autoComplete="off"
                spellCheck={false}
                onChange={(e) => edit({ ...draft, tool: e.target.value })}
              />
              <datalist id={`${id}-tools`}>
                {ruleToolSuggestions(tools ?? []).map((name) => (
                  <option key={name} value={name} />
                ))}
              </datalist>
            </>
          )}
        </FormField>
        <FormField label="Pattern (optional)" id={`${id}-pattern`} className="is-wide" describedBy={`${id}-pattern-hint`}>
          {(control) => (
            <input
              {...control}
              data-testid="rule-add-pattern"
              type="text"
              value={draft.pattern}
              placeholder="git status, src/**"
              autoComplete="off"
              spellCheck={false}
              onChange={(e) => edit({ ...draft, pattern: e.target.value })}
            />
          )}
        </FormField>
        <FormField label="Decision" id={`${id}-decision`} className="rule-decision-field">
          {(control) => (
            <select
              {...control}
              data-testid="rule-add-decision"
              value={draft.decision}
              onChange={(e) => edit({ ...draft, decision: e.target.value as Decision })}
            >
              {DECISIONS.map((d) => (
                <option key={d} value={d}>
                  {DECISION_LABELS[d]}
                </option>
              ))}
            </select>
          )}
        </FormField>
      </div>
      <span className="form-hint" id={`${id}-pattern-hint`}>
        A command prefix for run_shell, a path glob (in the chat’s folder) for file tools, a URL for fetch_url
        (scheme, host or *.domain, port, and a path prefix in whole segments), the start of the JSON arguments for MCP
        tools. Empty: every call. The most specific rule wins; at a tie, Deny
        beats Ask beats Allow.
      </span>
      <FormError
        testId="rule-add-error"
        problem={problem}
        failure={failure}
        failed="Couldn’t add the rule"
        hintTestId="rule-error-hint"
      />
      <div className="form-actions">
        <button type="submit" className="primary-button" data-testid="rule-add-submit" disabled={submitting}>
          {submitting ? "Adding…" : "Add rule"}
        </button>
      </div>
    </form>
  );
}
