import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import type { UiError } from "../api";
import type { Memory } from "../bindings/Memory";
import type { MemoryKind } from "../bindings/MemoryKind";
import type { MemoryPatch } from "../bindings/MemoryPatch";
import type { MemoryTier } from "../bindings/MemoryTier";
import type { NewMemory } from "../bindings/NewMemory";
import { ErrorHint } from "./ErrorHint";
import { FormError } from "./FormError";
import { FormField } from "./FormField";
import { SettingsStatus } from "./SettingsStatus";

/** Core memories are in every system prompt: the backend keeps at most this many. */
export const MAX_CORE = 50;
/** How long typing in the search box pauses before it searches. */
export const MEMORY_SEARCH_DEBOUNCE_MS = 200;

const KINDS: ReadonlyArray<{ id: MemoryKind; label: string }> = [
  { id: "profile", label: "Profile" },
  { id: "preference", label: "Preference" },
  { id: "relationship", label: "Relationship" },
  { id: "fact", label: "Fact" },
];
const kindLabel = (kind: MemoryKind) => KINDS.find((k) => k.id === kind)?.label ?? kind;

export interface MemorySettingsProps {
  /** Every memory, core first; null while loading. */
  memories: readonly Memory[] | null;
  failed: boolean;
  onReload(): void;
  /** The memories matching `q`, best first. */
  onSearch(q: string): Promise<Memory[]>;
  /** Each resolves null once stored, or the backend's error (shown where it happened). */
  onAdd(memory: NewMemory): Promise<UiError | null>;
  onUpdate(id: string, patch: MemoryPatch): Promise<UiError | null>;
  onRemove(id: string): Promise<UiError | null>;
}

/**
 * What Hearth remembers about the user: core memories (in every chat's system prompt) and
 * archival ones (the agent searches them), each editable in place; a search; a form to add one.
 */
export function MemorySettings(props: MemorySettingsProps) {
  const { memories, failed, onReload, onSearch } = props;
  const [query, setQuery] = useState("");
  const [found, setFound] = useState<{ q: string; hits: Memory[] } | null>(null);
  const latest = useRef("");

  // Searches once typing pauses; only the latest query's answer is shown. A change to the
  // memories (an edit, a delete) searches again.
  useEffect(() => {
    const q = query.trim();
    latest.current = q;
    if (q === "") {
      setFound(null);
      return;
    }
    const timer = setTimeout(() => {
      onSearch(q).then(
        (hits) => latest.current === q && setFound({ q, hits }),
        () => latest.current === q && setFound({ q, hits: [] }),
      );
    }, MEMORY_SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [query, memories, onSearch]);

  if (memories === null) {
    return <SettingsStatus failed={failed} what="the memories" onRetry={onReload} retryTestId="memories-retry" />;
  }
  const core = memories.filter((m) => m.tier === "core");
  const archival = memories.filter((m) => m.tier === "archival");
  const searching = query.trim() !== "";
  return (
    <>
      <div className="form-field memory-search">
        <input
          type="search"
          data-testid="memory-search"
          aria-label="Search memories"
          placeholder="Search memories"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Escape" && query !== "") {
              e.preventDefault();
              e.stopPropagation();
              setQuery("");
            }
          }}
        />
      </div>
      {searching ? (
        <MemoryGroup
          title="Found"
          testId="memory-found"
          memories={found?.hits ?? null}
          empty={found ? `No memory mentions “${found.q}”.` : "Searching…"}
          coreFull={core.length >= MAX_CORE}
          onUpdate={props.onUpdate}
          onRemove={props.onRemove}
        />
      ) : memories.length === 0 ? (
        <p className="account-list-empty memory-empty" data-testid="memory-empty">
          Nothing remembered yet. Tell the agent something about yourself — your name, how you like answers — and it
          keeps it with its memory tool; or add it here. Core memories are part of every chat; archival ones are
          looked up when a chat needs them.
        </p>
      ) : (
        <>
          <MemoryGroup
            title={`Core — in every chat (${core.length}/${MAX_CORE})`}
            testId="memory-core"
            memories={core}
            empty="None: every memory is archival."
            coreFull={core.length >= MAX_CORE}
            onUpdate={props.onUpdate}
            onRemove={props.onRemove}
          />
          <MemoryGroup
            title="Archival — looked up when relevant"
            testId="memory-archival"
            memories={archival}
            empty="None yet."
            coreFull={core.length >= MAX_CORE}
            onUpdate={props.onUpdate}
            onRemove={props.onRemove}
          />
        </>
      )}
      <MemoryForm onAdd={props.onAdd} coreFull={core.length >= MAX_CORE} />
    </>
  );
}

interface GroupProps extends Pick<MemorySettingsProps, "onUpdate" | "onRemove"> {
  title: string;
  testId: string;
  /** null while searching. */
  memories: readonly Memory[] | null;
  empty: string;
  coreFull: boolean;
}

function MemoryGroup({ title, testId, memories, empty, coreFull, onUpdate, onRemove }: GroupProps) {
  const id = useId();
  return (
    <section className="memory-group" aria-labelledby={id}>
      <h4 className="memory-group-title" id={id}>
        {title}
      </h4>
      <ul className="account-list memory-list" data-testid={testId}>
        {memories === null || memories.length === 0 ? (
          <li className="account-list-empty">{memories === null ? "Searching…" : empty}</li>
        ) : (
          memories.map((m) => <MemoryItem key={m.id} memory={m} coreFull={coreFull} onUpdate={onUpdate} onRemove={onRemove} />)
        )}
      </ul>
    </section>
  );
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

interface ItemProps {
  memory: Memory;
  coreFull: boolean;
  onUpdate(id: string, patch: MemoryPatch): Promise<UiError | null>;
  onRemove(id: string): Promise<UiError | null>;
}

function MemoryItem({ memory, coreFull, onUpdate, onRemove }: ItemProps) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState({ text: memory.text, kind: memory.kind });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UiError | null>(null);
  const id = useId();

  const act = async (run: () => Promise<UiError | null>, after?: () => void) => {
    setBusy(true);
    setError(null);
    const failure = await run();
    setBusy(false);
    setError(failure);
    if (!failure) after?.();
  };

  const save = (e: FormEvent) => {
    e.preventDefault();
    const patch: MemoryPatch = {};
    if (draft.text.trim() !== memory.text) patch.text = draft.text;
    if (draft.kind !== memory.kind) patch.kind = draft.kind;
    if (Object.keys(patch).length === 0) return setEditing(false);
    void act(() => onUpdate(memory.id, patch), () => setEditing(false));
  };

  const otherTier: MemoryTier = memory.tier === "core" ? "archival" : "core";
  const updated = new Date(memory.updated_at);
  return (
    <li className="rule-item memory-item" data-testid="memory-item" data-memory-id={memory.id} data-tier={memory.tier}>
      {editing ? (
        <form
          className="memory-edit"
          data-testid="memory-edit-form"
          aria-label="Edit the memory"
          noValidate
          onSubmit={save}
          onKeyDown={(e) => {
            if (e.key === "Escape") {
              e.preventDefault();
              e.stopPropagation();
              setEditing(false);
            }
          }}
        >
          <FormField label="What to remember" labelHidden>
            {(control) => (
              <textarea
                {...control}
                className="is-prose"
                data-testid="memory-edit-text"
                rows={2}
                value={draft.text}
                autoFocus
                onChange={(e) => setDraft({ ...draft, text: e.target.value })}
              />
            )}
          </FormField>
          <div className="memory-edit-row">
            <FormField label="Kind" id={`${id}-kind`} layout="inline">
              {(control) => (
                <select
                  {...control}
                  data-testid="memory-edit-kind"
                  value={draft.kind}
                  onChange={(e) => setDraft({ ...draft, kind: e.target.value as MemoryKind })}
                >
                  {KINDS.map((k) => (
                    <option key={k.id} value={k.id}>
                      {k.label}
                    </option>
                  ))}
                </select>
              )}
            </FormField>
            <span className="memory-edit-spacer" />
            <button type="button" className="secondary-button" onClick={() => setEditing(false)}>
              Cancel
            </button>
            <button type="submit" className="primary-button" data-testid="memory-edit-save" disabled={busy}>
              {busy ? "Saving…" : "Save"}
            </button>
          </div>
        </form>
      ) : (
        <div className="rule-main">
          <div className="rule-heading">
            <span className="badge badge-muted" data-testid="memory-kind">
              {kindLabel(memory.kind)}
            </span>
            <time className="memory-updated" dateTime={updated.toISOString()}>
              {dateFormat.format(updated)}
            </time>
          </div>
          <p className="memory-text" data-testid="memory-text">
            {memory.text}
          </p>
        </div>
      )}
      {error && (
        <div className="field-error" data-testid="memory-error" data-error-code={error.code} role="alert">
          <p>Couldn’t change it: {error.message}</p>
          <ErrorHint error={error} testId="memory-error-hint" />
        </div>
      )}
      {!editing && (
        <div className="preset-actions">
          <button
            type="button"
            className="secondary-button"
            data-testid="memory-edit"
            aria-label={`Edit the memory “${memory.text}”`}
            onClick={() => {
              setDraft({ text: memory.text, kind: memory.kind });
              setEditing(true);
            }}
          >
            Edit
          </button>
          <button
            type="button"
            className="secondary-button"
            data-testid="memory-move"
            disabled={busy || (otherTier === "core" && coreFull)}
            title={
              otherTier === "core"
                ? coreFull
                  ? `There are already ${MAX_CORE} core memories`
                  : "Put it in every chat"
                : "Keep it out of every chat; the agent looks it up when relevant"
            }
            onClick={() => void act(() => onUpdate(memory.id, { tier: otherTier }))}
          >
            {otherTier === "core" ? "Make core" : "Make archival"}
          </button>
          <button
            type="button"
            className="secondary-button"
            data-testid="memory-remove"
            aria-label={`Forget “${memory.text}”`}
            disabled={busy}
            onClick={() => void act(() => onRemove(memory.id))}
          >
            Forget
          </button>
        </div>
      )}
    </li>
  );
}

const EMPTY: NewMemory = { text: "", kind: "fact", tier: "archival" };

function MemoryForm({ onAdd, coreFull }: { onAdd(memory: NewMemory): Promise<UiError | null>; coreFull: boolean }) {
  const [draft, setDraft] = useState<NewMemory>(EMPTY);
  const [problem, setProblem] = useState<string | null>(null);
  const [failure, setFailure] = useState<UiError | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const id = useId();

  const edit = (next: NewMemory) => {
    setDraft(next);
    setProblem(null);
    setFailure(null);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (submitting) return;
    if (draft.text.trim() === "") return setProblem("Write what to remember.");
    setSubmitting(true);
    const error = await onAdd(draft);
    setSubmitting(false);
    if (error) return setFailure(error);
    setDraft({ ...EMPTY, kind: draft.kind, tier: draft.tier });
  };

  return (
    <form className="account-form memory-form" aria-labelledby={`${id}-title`} noValidate onSubmit={(e) => void submit(e)}>
      <h4 className="account-form-title" id={`${id}-title`}>
        Add a memory
      </h4>
      <FormField label="What to remember" id={`${id}-text`}>
        {(control) => (
          <textarea
            {...control}
            className="is-prose"
            data-testid="memory-add-text"
            rows={2}
            value={draft.text}
            placeholder="Prefers answers in metric units."
            onChange={(e) => edit({ ...draft, text: e.target.value })}
          />
        )}
      </FormField>
      <div className="form-row">
        <FormField label="Kind" id={`${id}-kind`}>
          {(control) => (
            <select
              {...control}
              data-testid="memory-add-kind"
              value={draft.kind}
              onChange={(e) => edit({ ...draft, kind: e.target.value as MemoryKind })}
            >
              {KINDS.map((k) => (
                <option key={k.id} value={k.id}>
                  {k.label}
                </option>
              ))}
            </select>
          )}
        </FormField>
        <FormField label="Where" id={`${id}-tier`}>
          {(control) => (
            <select
              {...control}
              data-testid="memory-add-tier"
              value={draft.tier}
              onChange={(e) => edit({ ...draft, tier: e.target.value as MemoryTier })}
            >
              <option value="archival">Archival: looked up when relevant</option>
              <option value="core" disabled={coreFull}>
                Core: in every chat{coreFull ? ` (${MAX_CORE} already)` : ""}
              </option>
            </select>
          )}
        </FormField>
      </div>
      <FormError
        testId="memory-add-error"
        problem={problem}
        failure={failure}
        failed="Couldn’t add it"
        hintTestId="memory-add-error-hint"
      />
      <div className="form-actions">
        <button type="submit" className="primary-button" data-testid="memory-add-submit" disabled={submitting}>
          {submitting ? "Adding…" : "Remember"}
        </button>
      </div>
    </form>
  );
}
