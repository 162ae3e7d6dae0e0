import { useEffect, useState } from "react";
import type { UiError } from "../api";
import type { ApprovalAnswer } from "../bindings/ApprovalAnswer";
import type { ToolResult } from "../conversation";
import {
  isLongResult,
  lineCount,
  prettyArgs,
  resultPreview,
  splitToolName,
  statusLabel,
  type ToolCallView,
} from "../toolCalls";
import { ApprovalCard } from "./ApprovalCard";
import { ChevronIcon, ToolIcon } from "./icons";

export interface ToolCardProps {
  /** The call's tool_use id. */
  id: string;
  name: string;
  /** Its arguments as streamed or stored (JSON text, possibly partial). */
  input: string;
  view: ToolCallView;
  onAnswerApproval(approvalId: string, answer: ApprovalAnswer): Promise<UiError | null>;
}

const REMEMBER_NOTES = { session: "Allowed for this chat", always: "Allowed by a new rule" } as const;

/**
 * One tool call: its tool (an MCP tool's server beside it), its arguments as they stream,
 * its status, the approval card while the user is asked, and its result.
 */
export function ToolCard({ id, name, input, view, onAnswerApproval }: ToolCardProps) {
  const { server, tool } = splitToolName(name);
  const now = useNow(view.status === "running" && view.startedAt !== null);
  const args = prettyArgs(input);
  const waiting = view.status === "waiting_approval" && view.approval !== null;
  return (
    <div
      className={`tool-card is-${view.status}`}
      data-testid="tool-card"
      data-tool={name}
      data-tool-use-id={id}
      data-status={view.status}
    >
      <div className="tool-card-header">
        <ToolIcon size={14} className="tool-card-icon" />
        <span className="tool-card-name" title={name}>
          {server !== null && (
            <>
              <span className="tool-card-server" data-testid="tool-server">
                {server}
              </span>
              <span className="tool-card-sep" aria-hidden="true">
                /
              </span>
            </>
          )}
          <code data-testid="tool-name">{tool}</code>
        </span>
        <span className="tool-card-status" data-testid="tool-status">
          <span className="tool-status-dot" aria-hidden="true" />
          {statusLabel(view, now)}
        </span>
      </div>
      {waiting ? (
        <ApprovalCard key={view.approval!.id} approval={view.approval!} onAnswer={onAnswerApproval} />
      ) : (
        args !== "" && (
          <pre className="tool-code tool-card-args" data-testid="tool-args">
            {args}
          </pre>
        )
      )}
      {view.remember && (view.status === "running" || view.status === "done" || view.status === "error") && (
        <p className="tool-card-note">{REMEMBER_NOTES[view.remember]}</p>
      )}
      {view.byRule && view.result === null && (
        <p className="tool-card-note">A rule in Settings → Rules refused this call.</p>
      )}
      {view.result && <ResultView result={view.result} />}
    </div>
  );
}

/** A tool's output, collapsed to its first lines when long; errors in the error style. */
function ResultView({ result }: { result: ToolResult }) {
  const long = isLongResult(result.content);
  const [open, setOpen] = useState(!long);
  const lines = lineCount(result.content);
  const shown = open || !long ? result.content : resultPreview(result.content);
  return (
    <div
      className={`tool-result${result.isError ? " is-error" : ""}${open ? "" : " is-collapsed"}`}
      data-testid="tool-result"
      data-error={String(result.isError)}
      data-collapsed={String(!open)}
    >
      <div className="tool-result-head">
        <span className="tool-result-label">{result.isError ? "Error" : "Result"}</span>
        {long && (
          <button
            type="button"
            className="tool-result-toggle"
            data-testid="tool-result-toggle"
            aria-expanded={open}
            onClick={() => setOpen(!open)}
          >
            <ChevronIcon size={12} className="collapsible-chevron" />
            {open ? "Show less" : `Show all ${lines} ${lines === 1 ? "line" : "lines"}`}
          </button>
        )}
      </div>
      {result.content === "" ? (
        <p className="tool-result-empty">No output.</p>
      ) : (
        <pre className="tool-code tool-result-body">{shown}</pre>
      )}
    </div>
  );
}

/** The time now, ticking each second while `active` (a running call's elapsed time). */
function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}
