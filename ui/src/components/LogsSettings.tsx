import { useCallback, useEffect, useId, useLayoutEffect, useRef, useState } from "react";
import { toUiError, type UiError } from "../api";
import type { LogLine } from "../bindings/LogLine";
import type { LogQuery } from "../bindings/LogQuery";
import type { Session } from "../bindings/Session";
import { copyText } from "../clipboard";
import {
  appendLines,
  capLines,
  LEVEL_FILTERS,
  LOG_POLL_MS,
  logLineText,
  logQuery,
  logTime,
  NO_LOG_FILTERS,
  type LevelFilter,
  type LogFilters,
} from "../logs";
import { chatTitle } from "../settingsFormat";
import { CopyIcon } from "./icons";

export interface LogsSettingsProps {
  /** The recent lines that match, oldest first (logs_recent). */
  onQuery(query: LogQuery): Promise<LogLine[]>;
  /** The chats, to filter by and to name a line's chat. */
  sessions: readonly Session[];
  onOpenSession(sessionId: string): void;
  /** How often new lines are asked for while the section is shown. */
  pollMs?: number;
}

/**
 * Hearth's recent log lines, newest at the bottom. While shown it asks every `pollMs` for the
 * lines after the last one it has, and keeps at most MAX_LOG_LINES.
 */
export function LogsSettings({ onQuery, sessions, onOpenSession, pollMs = LOG_POLL_MS }: LogsSettingsProps) {
  const [filters, setFilters] = useState<LogFilters>(NO_LOG_FILTERS);
  const [lines, setLines] = useState<readonly LogLine[] | null>(null);
  const [error, setError] = useState<UiError | null>(null);
  const [copied, setCopied] = useState<boolean | null>(null);
  const id = useId();

  // Read by the poll, which must see the latest of each.
  const onQueryRef = useRef(onQuery);
  onQueryRef.current = onQuery;
  const filtersRef = useRef(filters);
  filtersRef.current = filters;
  /** Bumped when the filters change (and on unmount): older answers are dropped. */
  const generation = useRef(0);
  const lastSeq = useRef<number | null>(null);
  const inFlight = useRef(false);

  const fetchLines = useCallback(async (fresh: boolean) => {
    if (inFlight.current && !fresh) return;
    const current = fresh ? ++generation.current : generation.current;
    const after = fresh ? null : lastSeq.current;
    inFlight.current = true;
    try {
      const got = await onQueryRef.current(logQuery(filtersRef.current, after));
      if (current !== generation.current) return;
      setError(null);
      if (after === null) {
        const kept = capLines(got);
        lastSeq.current = kept.length > 0 ? kept[kept.length - 1]!.seq : null;
        setLines(kept);
      } else if (got.length > 0) {
        setLines((previous) => {
          const next = appendLines(previous ?? [], got);
          lastSeq.current = next.length > 0 ? next[next.length - 1]!.seq : lastSeq.current;
          return next;
        });
      }
    } catch (e) {
      if (current === generation.current) setError(toUiError(e));
    } finally {
      if (current === generation.current) inFlight.current = false;
    }
  }, []);

  // A fresh read whenever the filters change.
  useEffect(() => {
    lastSeq.current = null;
    void fetchLines(true);
  }, [filters, fetchLines]);

  useEffect(() => {
    const timer = setInterval(() => void fetchLines(false), pollMs);
    return () => {
      clearInterval(timer);
      generation.current += 1;
    };
  }, [fetchLines, pollMs]);

  // Stays at the bottom as lines arrive, unless the user scrolled up to read.
  const viewRef = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  useLayoutEffect(() => {
    const view = viewRef.current;
    if (view && atBottom.current) view.scrollTop = view.scrollHeight;
  }, [lines]);

  const set = (change: Partial<LogFilters>) => {
    setCopied(null);
    setFilters((f) => ({ ...f, ...change }));
  };

  const copy = async () => {
    const text = (lines ?? []).map(logLineText).join("\n");
    setCopied(await copyText(text));
  };

  const sessionKnown = filters.sessionId === "" || sessions.some((s) => s.id === filters.sessionId);
  return (
    <div className="logs">
      <div className="logs-filters" role="group" aria-label="Filters">
        <label className="logs-filter">
          <span className="visually-hidden">Level</span>
          <select
            data-testid="logs-level"
            value={filters.level}
            onChange={(e) => set({ level: e.target.value as LevelFilter })}
          >
            {LEVEL_FILTERS.map((l) => (
              <option key={l.value} value={l.value}>
                {l.label}
              </option>
            ))}
          </select>
        </label>
        <label className="logs-filter">
          <span className="visually-hidden">Chat</span>
          <select data-testid="logs-session" value={filters.sessionId} onChange={(e) => set({ sessionId: e.target.value })}>
            <option value="">All chats</option>
            {sessions.map((s) => (
              <option key={s.id} value={s.id}>
                {s.title}
              </option>
            ))}
            {!sessionKnown && <option value={filters.sessionId}>{chatTitle(sessions, filters.sessionId)}</option>}
          </select>
        </label>
        <label className="logs-filter is-search">
          <span className="visually-hidden">Search</span>
          <input
            type="search"
            data-testid="logs-search"
            value={filters.search}
            placeholder="Search messages, targets, fields"
            spellCheck={false}
            onChange={(e) => set({ search: e.target.value })}
          />
        </label>
        <button
          type="button"
          className="secondary-button"
          data-testid="logs-copy"
          disabled={!lines || lines.length === 0}
          onClick={() => void copy()}
        >
          <CopyIcon size={13} />
          <span>{copied ? "Copied" : "Copy"}</span>
        </button>
      </div>
      {error && (
        <div className="field-error" data-testid="logs-error" role="alert">
          <p>Couldn’t read the logs: {error.message}</p>
        </div>
      )}
      {copied === false && (
        <p className="field-error" role="alert">
          The clipboard is not available.
        </p>
      )}
      <div
        ref={viewRef}
        className="log-view"
        data-testid="logs-list"
        role="log"
        aria-labelledby={`${id}-count`}
        tabIndex={0}
        onScroll={(e) => {
          const view = e.currentTarget;
          atBottom.current = view.scrollHeight - view.scrollTop - view.clientHeight < 24;
        }}
      >
        {lines === null ? (
          error ? null : (
            <p className="log-empty" role="status">
              Loading…
            </p>
          )
        ) : lines.length === 0 ? (
          <p className="log-empty">No lines match.</p>
        ) : (
          lines.map((line) => (
            <div
              key={line.seq}
              className={`log-line is-${line.level}`}
              data-testid="log-line"
              data-level={line.level}
              data-seq={line.seq}
            >
              <time className="log-time" dateTime={new Date(line.ts).toISOString()}>
                {logTime(line.ts)}
              </time>
              <span className="log-level">{line.level.toUpperCase()}</span>
              <span className="log-target">{line.target}</span>
              <span className="log-message">{line.message}</span>
              {line.fields && <span className="log-fields">{line.fields}</span>}
              {line.session_id && (
                <button
                  type="button"
                  className="link-button log-session"
                  data-testid="log-session-link"
                  title={`Open the chat ${line.session_id}`}
                  onClick={() => onOpenSession(line.session_id!)}
                >
                  {chatTitle(sessions, line.session_id)}
                </button>
              )}
            </div>
          ))
        )}
      </div>
      <p className="form-hint" id={`${id}-count`}>
        {lines === null ? "Recent log lines" : `${lines.length} recent ${lines.length === 1 ? "line" : "lines"}`}, newest at
        the bottom; new ones appear every {Math.round(pollMs / 1000)} s while this is open.
      </p>
    </div>
  );
}
