import { useEffect, useRef, useState, type KeyboardEvent, type Ref } from "react";
import type { SearchHit } from "../bindings/SearchHit";
import type { SearchResults } from "../bindings/SearchResults";
import { toUiError, type UiError } from "../api";

/** How long typing must pause before a search is sent. */
export const SEARCH_DEBOUNCE_MS = 150;
const SEARCH_LIMIT = 30;

export interface MessageSearchProps {
  search(q: string, limit: number): Promise<SearchResults>;
  onOpenHit(hit: SearchHit): void;
  inputRef?: Ref<HTMLInputElement>;
  /** Whether there is a query (the sidebar shows results instead of the chat list). */
  onActiveChange(active: boolean): void;
}

type Found =
  | { state: "idle" }
  | { state: "searching" }
  | { state: "done"; hits: SearchHit[] }
  | { state: "failed"; error: UiError };

/**
 * The sidebar's search over every chat's messages. Only the answer to the latest query is
 * shown: an older one that arrives late is dropped.
 */
export function MessageSearch({ search, onOpenHit, inputRef, onActiveChange }: MessageSearchProps) {
  const [q, setQ] = useState("");
  const [found, setFound] = useState<Found>({ state: "idle" });
  const latest = useRef(0);
  const active = q.trim() !== "";

  useEffect(() => onActiveChange(active), [active, onActiveChange]);

  useEffect(() => {
    const ticket = ++latest.current;
    if (!active) {
      setFound({ state: "idle" });
      return;
    }
    setFound((f) => (f.state === "done" ? f : { state: "searching" }));
    const timer = setTimeout(() => {
      search(q, SEARCH_LIMIT).then(
        (r) => ticket === latest.current && setFound({ state: "done", hits: r.hits }),
        (e) => ticket === latest.current && setFound({ state: "failed", error: toUiError(e) }),
      );
    }, SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [q, active, search]);

  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    if (e.key === "Escape" && active) {
      e.preventDefault();
      setQ("");
      return;
    }
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    const hits = [...e.currentTarget.closest(".message-search")!.querySelectorAll<HTMLElement>("[data-testid='search-hit']")];
    if (hits.length === 0) return;
    e.preventDefault();
    const at = hits.indexOf(document.activeElement as HTMLElement);
    const next = e.key === "ArrowDown" ? Math.min(at + 1, hits.length - 1) : at - 1;
    if (next < 0) (e.currentTarget.closest(".message-search")!.querySelector("input") as HTMLInputElement).focus();
    else hits[next]!.focus();
  };

  return (
    <div className={`message-search${active ? " is-active" : ""}`} onKeyDown={onKeyDown}>
      <input
        ref={inputRef}
        type="search"
        className="search-input"
        data-testid="search-input"
        placeholder="Search messages"
        aria-label="Search messages in all chats"
        aria-keyshortcuts="Control+K Meta+K"
        value={q}
        maxLength={500}
        onChange={(e) => setQ(e.target.value)}
      />
      {active && (
        <div className="search-results" data-testid="search-results" role="region" aria-label="Messages found">
          {found.state === "searching" && (
            <div className="session-list-loading" role="status">
              <span className="spinner" aria-hidden="true" />
              <span>Searching…</span>
            </div>
          )}
          {found.state === "failed" && (
            <p className="search-failed" role="alert">
              Search failed: {found.error.message}
            </p>
          )}
          {found.state === "done" && found.hits.length === 0 && (
            <p className="search-empty" data-testid="search-empty">
              No messages match.
            </p>
          )}
          {found.state === "done" && found.hits.length > 0 && (
            <ul className="search-hits">
              {found.hits.map((hit) => (
                <li key={hit.message_id}>
                  <button
                    type="button"
                    className="search-hit"
                    data-testid="search-hit"
                    data-session-id={hit.session_id}
                    data-message-id={hit.message_id}
                    data-active={hit.active}
                    title={hit.active ? undefined : "In an earlier version of the chat (before an edit or a regenerated reply): opening it shows that version"}
                    onClick={() => onOpenHit(hit)}
                  >
                    <span className="search-hit-title">
                      {hit.session_title}
                      {!hit.active && (
                        <span className="search-hit-version" data-testid="search-hit-version">
                          earlier version
                        </span>
                      )}
                    </span>
                    <span className="search-hit-snippet">
                      {hit.snippet.map((part, i) => (part.hit ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>))}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
