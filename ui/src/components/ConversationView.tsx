import { useLayoutEffect, useRef, useState } from "react";
import type { UiError } from "../api";
import type { ApprovalAnswer } from "../bindings/ApprovalAnswer";
import type { Phase } from "../bindings/Phase";
import { failureText, phaseLabel, retryLabel } from "../chatFormat";
import type { ChatMessage, Retrying, RunFailure, ToolCallInfo } from "../conversation";
import { ErrorHint } from "./ErrorHint";
import { AlertIcon, ArrowDownIcon, ChatIcon, RetryIcon } from "./icons";
import { MessageView } from "./MessageView";

export interface ConversationViewProps {
  messages: readonly ChatMessage[];
  phase: Phase;
  running: boolean;
  retrying: Retrying | null;
  /** Shown with a Retry (never while a run is going). */
  failure: RunFailure | null;
  /** Older messages exist than the first one shown. */
  hasMore: boolean;
  /** What became of each tool call, by tool_use id. */
  tools: Readonly<Record<string, ToolCallInfo>>;
  runningRunId: string | null;
  onRetry(): void;
  /** Resolves null once the backend took the answer, or its error (shown on the card). */
  onAnswerApproval(approvalId: string, answer: ApprovalAnswer): Promise<UiError | null>;
}

/** Within this many pixels of the bottom counts as "at the bottom": new text keeps it there. */
const STICK_MARGIN = 48;

export function ConversationView({
  messages,
  phase,
  running,
  retrying,
  failure,
  hasMore,
  tools,
  runningRunId,
  onRetry,
  onAnswerApproval,
}: ConversationViewProps) {
  const scrollerRef = useRef<HTMLDivElement>(null);
  // Follows the stream unless the user has scrolled up to read.
  const stick = useRef(true);
  const [awayFromBottom, setAwayFromBottom] = useState(false);

  const onScroll = () => {
    const el = scrollerRef.current;
    if (!el) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight <= STICK_MARGIN;
    stick.current = atBottom;
    setAwayFromBottom(!atBottom);
  };

  // After every render (new message, delta, phase…): keep the bottom in view if it was.
  useLayoutEffect(() => {
    const el = scrollerRef.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  });

  const jumpToBottom = () => {
    const el = scrollerRef.current;
    if (!el) return;
    stick.current = true;
    setAwayFromBottom(false);
    el.scrollTop = el.scrollHeight;
  };

  const empty = messages.length === 0 && !running && !failure;
  const label = phaseLabel(phase);

  return (
    <div className="chat-scroll" ref={scrollerRef} onScroll={onScroll}>
      {empty ? (
        <div className="chat-body">
          <div className="empty-state" data-testid="chat-empty">
            <div className="empty-state-mark">
              <ChatIcon size={26} />
            </div>
            <h2>Start a conversation</h2>
            <p>Messages between you and the agent will appear here.</p>
          </div>
        </div>
      ) : (
        <div className="chat-column">
          {hasMore && <p className="history-more">Earlier messages are not shown.</p>}
          <div className="message-list" data-testid="message-list" role="log" aria-label="Messages">
            {messages.map((message) => (
              <MessageView
                key={message.id}
                message={message}
                tools={tools}
                runningRunId={runningRunId}
                onAnswerApproval={onAnswerApproval}
              />
            ))}
          </div>
        </div>
      )}
      <div className="chat-column run-footer">
        <div className="phase-indicator" data-testid="phase-indicator" data-phase={phase} role="status" aria-live="polite">
          {label && (
            <>
              <span className="phase-dots" aria-hidden="true">
                <span />
                <span />
                <span />
              </span>
              <span>{label}</span>
            </>
          )}
        </div>
        {retrying && (
          <div className="retrying-indicator" data-testid="retrying-indicator" role="status">
            {retryLabel(retrying)}
          </div>
        )}
        {failure && (
          <div className={`run-failure is-${failure.status}`} role="alert">
            <AlertIcon size={16} className="run-failure-icon" />
            <div className="run-failure-body">
              <span className="run-failure-text" data-testid="run-error">
                {failureText(failure)}
              </span>
              {failure.error && <ErrorHint error={failure.error} testId="run-error-hint" className="run-failure-hint" />}
            </div>
            <button type="button" className="secondary-button" data-testid="run-retry" onClick={onRetry}>
              <RetryIcon size={14} />
              <span>Retry</span>
            </button>
          </div>
        )}
      </div>
      {awayFromBottom && !empty && (
        <button type="button" className="jump-to-bottom" aria-label="Scroll to the latest message" onClick={jumpToBottom}>
          <ArrowDownIcon size={16} />
        </button>
      )}
    </div>
  );
}
