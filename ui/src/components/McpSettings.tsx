import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import type { UiError } from "../api";
import {
  checkMcpDraft,
  emptyMcpDraft,
  MCP_STATUS_LABELS,
  toolCountLabel,
  transportSummary,
  type McpDraft,
  type McpField,
  type McpTransportType,
} from "../mcpForm";
import type { McpServerInfo } from "../bindings/McpServerInfo";
import type { McpServerPatch } from "../bindings/McpServerPatch";
import type { NewMcpServer } from "../bindings/NewMcpServer";
import { splitToolName } from "../toolCalls";
import { useDraftForm } from "../useDraftForm";
import { FormError } from "./FormError";
import { FormField } from "./FormField";
import { KeyIcon, PlugIcon, TrashIcon } from "./icons";
import { ActionError, ConfirmBar, useRowAction } from "./RowActions";
import { SettingsStatus } from "./SettingsStatus";

/** What Test found: the server as it is now (its status and error say how it went), or why not. */
export type McpTestResult = { ok: true; server: McpServerInfo } | { ok: false; error: UiError };

export interface McpSettingsProps {
  /** null while loading. */
  servers: readonly McpServerInfo[] | null;
  failed: boolean;
  onReload(): void;
  /** Resolves null once added, or the backend's error (shown in the form). */
  onAdd(server: NewMcpServer): Promise<UiError | null>;
  /** Resolves null once stored, or the backend's error (shown on the row). */
  onUpdate(name: string, patch: McpServerPatch): Promise<UiError | null>;
  /** Resolves null once removed, or the backend's error (shown on the row). */
  onRemove(name: string): Promise<UiError | null>;
  onTest(name: string): Promise<McpTestResult>;
}

/** The MCP servers whose tools the model gets, and a form to add one. */
export function McpSettings({ servers, failed, onReload, onAdd, onUpdate, onRemove, onTest }: McpSettingsProps) {
  return (
    <>
      {servers === null ? (
        <SettingsStatus failed={failed} what="the MCP servers" onRetry={onReload} retryTestId="mcp-retry" />
      ) : (
        <ul className="account-list" data-testid="mcp-server-list" aria-label="MCP servers">
          {servers.length === 0 && <li className="account-list-empty">No MCP servers yet. Add one below.</li>}
          {servers.map((server) => (
            <McpServerItem key={server.name} server={server} onUpdate={onUpdate} onRemove={onRemove} onTest={onTest} />
          ))}
        </ul>
      )}
      <McpServerForm onAdd={onAdd} />
    </>
  );
}

interface ItemProps {
  server: McpServerInfo;
  onUpdate(name: string, patch: McpServerPatch): Promise<UiError | null>;
  onRemove(name: string): Promise<UiError | null>;
  onTest(name: string): Promise<McpTestResult>;
}

function McpServerItem({ server, onUpdate, onRemove, onTest }: ItemProps) {
  const [confirming, setConfirming] = useState(false);
  const { busy, error, act: run, clearError } = useRowAction<"toggle" | "test" | "remove">();
  const [tested, setTested] = useState(false);
  const removeRef = useRef<HTMLButtonElement>(null);
  const moved = useRef(false);

  // Back on Remove when the question goes away (Cancel takes the focus as it comes).
  useEffect(() => {
    if (moved.current && !confirming) removeRef.current?.focus();
  }, [confirming]);

  const toggle = (enabled: boolean) => run("toggle", enabled ? "enable" : "disable", () => onUpdate(server.name, { enabled }));
  const test = () =>
    run("test", "test", async () => {
      setTested(false);
      const result = await onTest(server.name);
      if (!result.ok) return result.error;
      setTested(true);
      return null;
    });
  const remove = () =>
    run("remove", "remove", async () => {
      const failure = await onRemove(server.name);
      if (failure) {
        moved.current = true;
        setConfirming(false);
      }
      return failure;
    });

  const tools = toolCountLabel(server);
  const toolNames = server.tools.map((t) => splitToolName(t).tool).join(", ");
  return (
    <li
      className={`account-item mcp-server-item${confirming ? " is-confirming" : ""}${server.enabled ? "" : " is-disabled"}`}
      data-testid="mcp-server-item"
      data-name={server.name}
      data-status={server.status}
      data-enabled={String(server.enabled)}
    >
      <div className="account-main">
        <div className="account-heading">
          <span className="account-label">{server.name}</span>
          <span className={`status-badge is-${server.status}`} data-testid="mcp-server-status">
            <span className="tool-status-dot" aria-hidden="true" />
            {MCP_STATUS_LABELS[server.status]}
          </span>
          {tools !== null && (
            <span className="mcp-server-tools" data-testid="mcp-server-tools" title={toolNames || undefined}>
              {tools}
            </span>
          )}
        </div>
        <code className="mcp-server-transport" data-testid="mcp-server-transport" title={transportSummary(server.transport)}>
          <span className="mcp-transport-type">{server.transport.type === "http" ? "HTTP" : "stdio"}</span>{" "}
          {transportSummary(server.transport)}
        </code>
        {server.secret_keys.length > 0 && (
          <div className="account-badges">
            {server.secret_keys.map((key) => (
              <span key={key} className="badge badge-ok" title="Its value is in your system’s keyring">
                <KeyIcon size={12} />
                {key}
              </span>
            ))}
          </div>
        )}
        {server.error !== null && (
          <p className="mcp-server-error" data-testid="mcp-server-error" role="alert">
            {server.error}
          </p>
        )}
        {tested && server.status === "running" && (
          <p className="account-test-result is-ok" data-testid="mcp-test-result" role="status">
            Connected{tools ? `: ${tools}` : ""}.
          </p>
        )}
        {error && <ActionError failed={error} name={server.name} testId="mcp-server-action-error" hintTestId="mcp-error-hint" />}
      </div>

      <div className="account-actions">
        {confirming ? (
          <ConfirmBar
            label={`Remove “${server.name}”?`}
            question="Remove this server?"
            confirm="Remove"
            working="Removing…"
            busy={busy !== null}
            confirmTestId="mcp-server-remove-confirm"
            cancelTestId="mcp-server-remove-cancel"
            onConfirm={() => void remove()}
            onCancel={() => {
              moved.current = true;
              setConfirming(false);
            }}
          />
        ) : (
          <>
            <label className="switch" title={server.enabled ? "Its tools are offered to the model" : "Its tools are not offered"}>
              <input
                type="checkbox"
                role="switch"
                data-testid="mcp-server-enabled"
                checked={server.enabled}
                disabled={busy !== null}
                onChange={(e) => void toggle(e.target.checked)}
              />
              <span>Enabled</span>
            </label>
            <button
              type="button"
              className="secondary-button"
              data-testid="mcp-server-test"
              aria-label={`Test “${server.name}”`}
              title="Start the server and list its tools"
              disabled={busy !== null}
              onClick={() => void test()}
            >
              <PlugIcon size={14} />
              <span>{busy === "test" ? "Testing…" : "Test"}</span>
            </button>
            <button
              ref={removeRef}
              type="button"
              className="secondary-button"
              data-testid="mcp-server-remove"
              aria-label={`Remove “${server.name}”`}
              disabled={busy !== null}
              onClick={() => {
                moved.current = true;
                clearError();
                setConfirming(true);
              }}
            >
              <TrashIcon size={14} />
              <span>Remove</span>
            </button>
          </>
        )}
      </div>
    </li>
  );
}

const FIELD_ORDER: readonly McpField[] = ["name", "command", "args", "env", "url", "headers", "secrets"];

/**
 * Adds a server. Secret values stay in this form's state only until submitted: they are
 * cleared as they are sent, whatever the answer, and never shown again.
 */
function McpServerForm({ onAdd }: { onAdd(server: NewMcpServer): Promise<UiError | null> }) {
  const form = useDraftForm<McpDraft, McpField>(emptyMcpDraft, FIELD_ORDER);
  const { draft, setDraft, problems, shownProblems, failure, submitting } = form;
  const [added, setAdded] = useState<string | null>(null);
  const id = useId();

  const edit = (change: Partial<McpDraft>) => {
    form.edit(change);
    setAdded(null);
  };
  const set = (field: keyof McpDraft, value: string) => edit({ [field]: value });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (submitting) return;
    const check = checkMcpDraft(draft);
    setAdded(null);
    if (!check.ok) {
      form.reject(check.problems);
      return;
    }
    // The secrets leave the form as they are sent.
    setDraft((d) => ({ ...d, secrets: "" }));
    if (!(await form.save(() => onAdd(check.server)))) return;
    setDraft(emptyMcpDraft());
    setAdded(check.server.name);
  };

  const field = (
    name: McpField,
    label: string,
    kind: "input" | "textarea",
    extra: { placeholder?: string; hint?: string; secret?: boolean; wide?: boolean } = {},
  ) => {
    const common = {
      "data-testid": `mcp-add-${name}`,
      value: draft[name],
      placeholder: extra.placeholder,
      autoComplete: "off",
      spellCheck: false,
    };
    return (
      <FormField
        label={label}
        id={`${id}-${name}`}
        className={extra.wide ? "is-wide" : undefined}
        invalid={problems[name] !== undefined}
        hint={extra.hint}
      >
        {(control) =>
          kind === "input" ? (
            <input {...control} {...common} ref={form.fieldRef(name)} type="text" onChange={(e) => set(name, e.target.value)} />
          ) : (
            <textarea
              {...control}
              {...common}
              ref={form.fieldRef(name)}
              className={extra.secret ? "is-secret" : undefined}
              rows={3}
              onChange={(e) => set(name, e.target.value)}
            />
          )
        }
      </FormField>
    );
  };

  const stdio = draft.type === "stdio";
  return (
    <form className="account-form mcp-form" aria-labelledby={`${id}-title`} noValidate onSubmit={(e) => void submit(e)}>
      <h4 className="account-form-title" id={`${id}-title`}>
        Add MCP server
      </h4>
      <div className="form-row">
        <FormField label="Transport" id={`${id}-type`}>
          {(control) => (
            <select
              {...control}
              data-testid="mcp-add-type"
              value={draft.type}
              onChange={(e) => edit({ type: e.target.value as McpTransportType })}
            >
              <option value="stdio">stdio (a command)</option>
              <option value="http">HTTP (a URL)</option>
            </select>
          )}
        </FormField>
        {field("name", "Name", "input", { placeholder: "github", wide: true })}
      </div>
      {stdio ? (
        <>
          {field("command", "Command", "input", { placeholder: "npx" })}
          <div className="form-row">
            {field("args", "Arguments (one per line)", "textarea", { placeholder: "-y\n@modelcontextprotocol/server-github" })}
            {field("env", "Environment (KEY=value per line)", "textarea", { placeholder: "LOG_LEVEL=info" })}
          </div>
        </>
      ) : (
        <>
          {field("url", "URL", "input", { placeholder: "https://mcp.example.com/mcp" })}
          {field("headers", "Headers (Name: value per line)", "textarea", { placeholder: "X-Team: docs" })}
        </>
      )}
      {field("secrets", stdio ? "Secret environment (KEY=value per line)" : "Secret headers (Name: value per line)", "textarea", {
        placeholder: stdio ? "GITHUB_TOKEN=…" : "Authorization: Bearer …",
        hint: "Kept in your system’s keyring, never in Hearth’s files, and never shown again.",
        secret: true,
      })}
      <FormError
        testId="mcp-add-error"
        problems={shownProblems.map((f) => ({ key: f, message: problems[f] }))}
        failure={failure}
        failed="Couldn’t add the server"
        hintTestId="mcp-error-hint"
      />
      {added !== null && (
        <p className="form-done" data-testid="mcp-add-done" role="status">
          Added “{added}”. Test it to start it and list its tools.
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="primary-button" data-testid="mcp-add-submit" disabled={submitting}>
          {submitting ? "Adding…" : "Add server"}
        </button>
      </div>
    </form>
  );
}
