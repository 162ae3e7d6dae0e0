import { useVirtualizer, type Virtualizer } from "@tanstack/react-virtual";
import { useCallback, useEffect, useLayoutEffect, useRef, useState, useSyncExternalStore } from "react";
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
  /**
   * Reads older messages (while `hasMore`): a page as the reader nears the top, or larger
   * pages (`seek`) while looking for a message jumped to. No older messages without it.
   */
  onLoadEarlier?(seek: boolean): void;
  /** Older messages are being read. */
  loadingEarlier?: boolean;
  /** The history is being read again: a message not among those shown may be in it. */
  reloading?: boolean;
}

/** Within this many pixels of the bottom counts as "at the bottom": new text keeps it there. */
const STICK_MARGIN = 48;

// A long conversation is virtualised: only the messages near the viewport are in the DOM,
// measured once rendered, the rest stood in for by their measured (or estimated) heights.
// @tanstack/react-virtual because it is headless — the list keeps its own elements, classes and
// test ids, and the scrolling element stays .chat-scroll with its stick-to-bottom logic below —
// small, and measures items of any height as they render. Shorter conversations render every
// message, exactly as before.
/** From this many messages on, the list is virtualised. */
export const VIRTUALIZE_FROM = 50;
/** Messages rendered beyond each edge of the viewport. */
const OVERSCAN = 6;
/** Within this many pixels of the top, older messages are read. */
const LOAD_EARLIER_MARGIN = 1200;

/** The open conversation's way to bring a message it does not render into view. */
let scrollToMessage: ((messageId: string) => boolean) | null = null;

/**
 * Scrolls the open conversation to a message so that it is rendered (`revealMessage` then
 * finds and highlights it), reading older messages first if it is further back. False when
 * the conversation has all its messages and this is not one of them.
 */
export function showMessage(messageId: string): boolean {
  return scrollToMessage?.(messageId) ?? true;
}

// The message jumped to. Kept outside the view, as a small store, so that it stays marked for
// its moment even if the chat is drawn again meanwhile (its history read again after a branch
// switch, or the view mounted anew).
let highlightedId: string | null = null;
let highlightTimer: ReturnType<typeof setTimeout> | undefined;
const highlightListeners = new Set<() => void>();

function setHighlighted(messageId: string | null) {
  highlightedId = messageId;
  for (const listener of highlightListeners) listener();
}

/** Marks a message as the one jumped to, for `ms`. */
export function highlightMessage(messageId: string, ms: number) {
  clearTimeout(highlightTimer);
  setHighlighted(messageId);
  highlightTimer = setTimeout(() => setHighlighted(null), ms);
}

function subscribeHighlight(listener: () => void) {
  highlightListeners.add(listener);
  return () => void highlightListeners.delete(listener);
}

const highlightSnapshot = () => highlightedId;

/**
 * Whether a message is the last of its run as shown: a run's steps (a reply that called
 * tools, then the reply after their results) are consecutive replies with its run id.
 */
function endsRun(message: ChatMessage, next: ChatMessage | undefined): boolean {
  return message.runId === null || next?.role !== "assistant" || next.runId !== message.runId;
}

/** A guess at a message's height until it is measured: its text in lines, and its cards. */
function estimatedHeight(message: ChatMessage | undefined): number {
  let height = 24;
  for (const block of message?.blocks ?? []) {
    height += block.kind === "text" ? 12 + 26 * Math.ceil(block.text.length / 80) : 44;
  }
  return Math.min(height, 3000);
}

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
  onLoadEarlier,
  loadingEarlier = false,
  reloading = false,
}: ConversationViewProps) {
  const highlighted = useSyncExternalStore(subscribeHighlight, highlightSnapshot);
  const scrollerRef = useRef<HTMLDivElement>(null);
  const listRef = useRef<HTMLDivElement>(null);
  // Follows the stream unless the user has scrolled up to read.
  const stick = useRef(true);
  const [awayFromBottom, setAwayFromBottom] = useState(false);

  const virtual = messages.length >= VIRTUALIZE_FROM;
  // Where the first message starts in the scroller, and the space between messages (CSS's).
  const [listLayout, setListLayout] = useState({ top: 0, gap: 0 });
  const virtualizer: Virtualizer<HTMLDivElement, Element> = useVirtualizer({
    enabled: virtual,
    count: messages.length,
    getScrollElement: () => scrollerRef.current,
    getItemKey: useCallback((index: number) => messages[index]?.id ?? index, [messages]),
    estimateSize: useCallback((index: number) => estimatedHeight(messages[index]), [messages]),
    overscan: OVERSCAN,
    // A chat: older messages put above keep the ones on screen in place.
    anchorTo: "end",
    gap: listLayout.gap,
    scrollMargin: listLayout.top,
    // Opened (or grown long enough to virtualise) at the bottom, it starts out rendering the
    // last messages; otherwise from where the reader is.
    initialOffset: (): number =>
      stick.current ? virtualizer.getTotalSize() + listLayout.top : (scrollerRef.current?.scrollTop ?? 0),
  });

  useLayoutEffect(() => {
    const list = listRef.current;
    if (!virtual || !list) return;
    const style = getComputedStyle(list);
    const top = list.offsetTop + (parseFloat(style.paddingTop) || 0);
    const gap = parseFloat(style.rowGap) || 0;
    setListLayout((l) => (l.top === top && l.gap === gap ? l : { top, gap }));
  }, [virtual, hasMore]);

  useEffect(() => {
    scrollToMessage = (messageId) => {
      const index = messages.findIndex((m) => m.id === messageId);
      if (index < 0) {
        // What is shown is about to be replaced: ask again once it is.
        if (reloading) return true;
        // Further back than what is loaded: read on until it is.
        if (hasMore && onLoadEarlier) onLoadEarlier(true);
        return hasMore && onLoadEarlier !== undefined;
      }
      if (virtual) {
        stick.current = false;
        virtualizer.scrollToIndex(index, { align: "center" });
      }
      return true;
    };
    return () => {
      scrollToMessage = null;
    };
  }, [messages, virtual, virtualizer, hasMore, onLoadEarlier, reloading]);

  const onScroll = () => {
    const el = scrollerRef.current;
    if (!el) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight <= STICK_MARGIN;
    stick.current = atBottom;
    setAwayFromBottom(!atBottom);
    if (hasMore && !loadingEarlier && el.scrollTop < LOAD_EARLIER_MARGIN) onLoadEarlier?.(false);
  };

  // Older messages put above a list that is not virtualised: the ones on screen stay where
  // they were (the content grew above them by as much as the list did). A virtualised list
  // does this itself (anchorTo "end").
  const firstId = messages[0]?.id;
  const shape = useRef({ firstId, scrollHeight: 0 });
  useLayoutEffect(() => {
    const el = scrollerRef.current;
    const was = shape.current;
    const prepended = was.firstId !== undefined && was.firstId !== firstId && messages.some((m) => m.id === was.firstId);
    if (el && prepended && !virtual && !stick.current) el.scrollTop += el.scrollHeight - was.scrollHeight;
    shape.current = { firstId, scrollHeight: el?.scrollHeight ?? 0 };
  });

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

  // The messages to render: all of them, or those near the viewport with spacers standing in
  // for the rest (each spacer is followed by the list's gap, as a message would be).
  const items = virtual ? virtualizer.getVirtualItems() : null;
  const rows = items
    ? items.map((item) => ({ message: messages[item.index]!, index: item.index }))
    : messages.map((message, index) => ({ message, index }));
  const first = items?.[0];
  const last = items?.at(-1);
  const before = first ? first.start - listLayout.top - listLayout.gap : 0;
  const after = last ? virtualizer.getTotalSize() + listLayout.top - last.end - listLayout.gap : 0;

  return (
    <div className={virtual ? "chat-scroll is-virtual" : "chat-scroll"} ref={scrollerRef} onScroll={onScroll}>
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
          {hasMore && (
            <div className="history-more">
              {onLoadEarlier ? (
                <button
                  type="button"
                  className="history-more-button"
                  data-testid="history-more"
                  disabled={loadingEarlier}
                  onClick={() => onLoadEarlier(false)}
                >
                  {loadingEarlier ? "Loading earlier messages…" : "Load earlier messages"}
                </button>
              ) : (
                <p>Earlier messages are not shown.</p>
              )}
            </div>
          )}
          <div className="message-list" data-testid="message-list" role="log" aria-label="Messages" ref={listRef}>
            {before > 0 && <div className="message-list-spacer" aria-hidden="true" style={{ height: before }} />}
            {rows.map(({ message, index }) => (
              <MessageView
                key={message.id}
                message={message}
                tools={tools}
                runningRunId={runningRunId}
                onAnswerApproval={onAnswerApproval}
                rowIndex={virtual ? index : undefined}
                rowRef={virtual ? virtualizer.measureElement : undefined}
                highlighted={message.id === highlighted}
                endsRun={endsRun(message, messages[index + 1])}
              />
            ))}
            {after > 0 && <div className="message-list-spacer" aria-hidden="true" style={{ height: after }} />}
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
