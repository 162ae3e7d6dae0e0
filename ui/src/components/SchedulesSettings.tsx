import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import type { Outcome, UiError } from "../api";
import type { ModelList } from "../bindings/ModelList";
import type { NewSchedule } from "../bindings/NewSchedule";
import type { Schedule } from "../bindings/Schedule";
import type { SchedulePatch } from "../bindings/SchedulePatch";
import type { ScheduleRun } from "../bindings/ScheduleRun";
import type { Session } from "../bindings/Session";
import { modelOptionLabel } from "../capabilities";
import {
  checkScheduleDraft,
  CRON_PRESETS,
  describeCron,
  draftFromSchedule,
  emptyScheduleDraft,
  RUN_STATUS_LABELS,
  schedulePatch,
  timeZoneNames,
  type ScheduleDraft,
  type ScheduleField,
} from "../schedules";
import { useDraftForm } from "../useDraftForm";
import { ErrorHint } from "./ErrorHint";
import { ChevronIcon, PencilIcon, PlayIcon, TrashIcon } from "./icons";
import { ActionError, ConfirmBar, useRowAction } from "./RowActions";
import { SettingsStatus } from "./SettingsStatus";

export interface SchedulesSettingsProps {
  /** null while loading. */
  schedules: readonly Schedule[] | null;
  failed: boolean;
  onReload(): void;
  /** The chats a schedule can send to (the sidebar's), for the target and the titles. */
  sessions: readonly Session[];
  /** The models on offer; null when not known (the form then offers none). */
  models: ModelList | null;
  /** Schedules are paused (General): none fires until that is turned off. */
  paused: boolean;
  /** Resolves null once added, or the backend's error (shown in the form). */
  onAdd(schedule: NewSchedule): Promise<UiError | null>;
  /** Resolves null once stored, or the backend's error. */
  onUpdate(id: string, patch: SchedulePatch): Promise<UiError | null>;
  /** Resolves null once removed, or the backend's error (shown on the row). */
  onRemove(id: string): Promise<UiError | null>;
  onRunNow(id: string): Promise<Outcome<ScheduleRun>>;
  /** Its past runs, newest first. */
  onLoadRuns(id: string): Promise<Outcome<ScheduleRun[]>>;
  /** Opens a chat a run went to. */
  onOpenSession(sessionId: string): void;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

export function formatWhen(ms: number): string {
  return dateTime.format(new Date(ms));
}

/** A chat's title, or a stand-in for one that is not in the list (older, or deleted). */
export function chatTitle(sessions: readonly Session[], id: string): string {
  return sessions.find((s) => s.id === id)?.title ?? `Chat ${id.slice(0, 8)}…`;
}

/** The schedules, each with Run now, Edit, Delete and its past runs, and a form to add one. */
export function SchedulesSettings(props: SchedulesSettingsProps) {
  const { schedules, failed, onReload, paused } = props;
  /** "new", a schedule's id being edited, or null. */
  const [editing, setEditing] = useState<string | null>(null);
  const [added, setAdded] = useState<string | null>(null);
  const newButtonRef = useRef<HTMLButtonElement>(null);
  const refocus = useRef(false);

  // A form that closes gives the focus back to New schedule.
  useEffect(() => {
    if (editing !== null || !refocus.current) return;
    refocus.current = false;
    newButtonRef.current?.focus();
  }, [editing]);

  const closeForm = () => {
    refocus.current = true;
    setEditing(null);
  };

  return (
    <>
      {paused && (
        <p className="settings-notice" data-testid="schedules-paused" role="status">
          Schedules are paused: none runs until “Pause schedules” is turned off in General.
        </p>
      )}
      {schedules === null ? (
        <SettingsStatus failed={failed} what="the schedules" onRetry={onReload} retryTestId="schedules-retry" />
      ) : (
        <ul className="account-list" data-testid="schedule-list" aria-label="Schedules">
          {schedules.length === 0 && <li className="account-list-empty">No schedules yet.</li>}
          {schedules.map((schedule) =>
            editing === schedule.id ? (
              <li key={schedule.id} className="account-item is-editing" data-testid="schedule-row" data-schedule-id={schedule.id}>
                <ScheduleForm {...props} editing={schedule} onDone={closeForm} />
              </li>
            ) : (
              <ScheduleItem
                key={schedule.id}
                {...props}
                schedule={schedule}
                onEdit={() => {
                  setAdded(null);
                  setEditing(schedule.id);
                }}
              />
            ),
          )}
        </ul>
      )}
      {editing === "new" ? (
        <ScheduleForm
          {...props}
          editing={null}
          onDone={(name) => {
            if (name) setAdded(name);
            closeForm();
          }}
        />
      ) : (
        <div className="settings-list-actions">
          {added !== null && (
            <p className="form-done" data-testid="schedule-done" role="status">
              Added “{added}”.
            </p>
          )}
          <button
            ref={newButtonRef}
            type="button"
            className="secondary-button"
            data-testid="schedule-new"
            onClick={() => {
              setAdded(null);
              setEditing("new");
            }}
          >
            New schedule
          </button>
        </div>
      )}
    </>
  );
}

interface ItemProps extends SchedulesSettingsProps {
  schedule: Schedule;
  onEdit(): void;
}

function RunStatus({ run, testId }: { run: ScheduleRun; testId?: string }) {
  return (
    <span className={`run-status is-${run.status}`} data-testid={testId} data-status={run.status}>
      {RUN_STATUS_LABELS[run.status]}
    </span>
  );
}

function ScheduleItem({ schedule, sessions, onUpdate, onRemove, onRunNow, onLoadRuns, onOpenSession, onEdit }: ItemProps) {
  const [confirming, setConfirming] = useState(false);
  const { busy, error, act, clearError } = useRowAction<"toggle" | "run" | "remove">();
  const [started, setStarted] = useState<ScheduleRun | null>(null);
  const [runsOpen, setRunsOpen] = useState(false);
  const [runs, setRuns] = useState<Outcome<ScheduleRun[]> | null>(null);
  const runsRequest = useRef(0);
  const removeRef = useRef<HTMLButtonElement>(null);
  const moved = useRef(false);
  const id = useId();

  // Back on Delete when the question goes away (Cancel takes the focus as it comes).
  useEffect(() => {
    if (moved.current && !confirming) removeRef.current?.focus();
  }, [confirming]);

  const loadRuns = async () => {
    const current = ++runsRequest.current;
    const result = await onLoadRuns(schedule.id);
    if (current === runsRequest.current) setRuns(result);
  };

  const toggle = (enabled: boolean) =>
    act("toggle", enabled ? "enable" : "disable", () => onUpdate(schedule.id, { enabled }));
  const runNow = () =>
    act("run", "run", async () => {
      setStarted(null);
      const result = await onRunNow(schedule.id);
      if (!result.ok) return result.error;
      setStarted(result.value);
      if (runsOpen) void loadRuns();
      return null;
    });
  const remove = () =>
    act("remove", "delete", async () => {
      const failure = await onRemove(schedule.id);
      if (failure) {
        moved.current = true;
        setConfirming(false);
      }
      return failure;
    });

  const toggleRuns = () => {
    const open = !runsOpen;
    setRunsOpen(open);
    if (open) void loadRuns();
  };

  const human = describeCron(schedule.cron);
  const last = schedule.last_run;
  return (
    <li
      className={`account-item schedule-item${confirming ? " is-confirming" : ""}${schedule.enabled ? "" : " is-disabled"}`}
      data-testid="schedule-row"
      data-schedule-id={schedule.id}
      data-enabled={String(schedule.enabled)}
    >
      <div className="account-main">
        <div className="account-heading">
          <span className="account-label" data-testid="schedule-row-name">
            {schedule.name}
          </span>
          {!schedule.enabled && <span className="badge badge-muted">Off</span>}
        </div>
        <dl className="account-details">
          <div>
            <dt>When</dt>
            <dd data-testid="schedule-when" title={`${schedule.cron} (${schedule.timezone})`}>
              {human ?? <code className="schedule-cron-code">{schedule.cron}</code>}
              <span className="schedule-zone"> · {schedule.timezone}</span>
            </dd>
          </div>
          <div>
            <dt>Sends to</dt>
            <dd data-testid="schedule-target-label">
              {schedule.session_id === null ? "New chat each run" : chatTitle(sessions, schedule.session_id)}
            </dd>
          </div>
          <div>
            <dt>Next run</dt>
            <dd data-testid="schedule-next-run">
              {schedule.next_run_at !== null ? (
                <time dateTime={new Date(schedule.next_run_at).toISOString()}>{formatWhen(schedule.next_run_at)}</time>
              ) : schedule.enabled ? (
                "None coming"
              ) : (
                <span className="account-none">Off</span>
              )}
            </dd>
          </div>
          <div>
            <dt>Last run</dt>
            <dd className="schedule-last" data-testid="schedule-last-status" data-status={last?.status ?? "none"}>
              {last === null ? (
                <span className="account-none">Not yet</span>
              ) : (
                <>
                  <RunStatus run={last} /> {formatWhen(last.fired_at)}
                  {last.note && <span className="schedule-note"> · {last.note}</span>}
                </>
              )}
            </dd>
          </div>
        </dl>
        <p className="schedule-prompt" title={schedule.prompt}>
          {schedule.prompt}
        </p>
        {started && (
          <p className="account-test-result is-ok" data-testid="schedule-run-started" role="status">
            {started.status === "skipped" ? `Skipped${started.note ? `: ${started.note}` : "."}` : "Started."}
            {started.session_id !== null && (
              <>
                {" "}
                <button type="button" className="link-button" onClick={() => onOpenSession(started.session_id!)}>
                  Open chat
                </button>
              </>
            )}
          </p>
        )}
        {error && <ActionError failed={error} name={schedule.name} testId="schedule-action-error" hintTestId="schedule-error-hint" />}
        <button
          type="button"
          className="collapsible-toggle schedule-runs-toggle"
          data-testid="schedule-runs-toggle"
          aria-expanded={runsOpen}
          aria-controls={`${id}-runs`}
          onClick={toggleRuns}
        >
          <ChevronIcon size={13} className="collapsible-chevron" />
          <span>Past runs</span>
        </button>
        {runsOpen && (
          <div id={`${id}-runs`} className="schedule-runs" data-testid="schedule-runs">
            {runs === null ? (
              <p className="schedule-runs-status" role="status">
                Loading…
              </p>
            ) : !runs.ok ? (
              <div className="field-error" role="alert">
                <p>Couldn’t load its runs: {runs.error.message}</p>
              </div>
            ) : runs.value.length === 0 ? (
              <p className="schedule-runs-status">It has not run yet.</p>
            ) : (
              <ul className="schedule-run-list">
                {runs.value.map((run) => (
                  <li key={run.id} className="schedule-run" data-testid="schedule-run-row" data-status={run.status}>
                    <RunStatus run={run} />
                    <span className="schedule-run-times">
                      <span title="The time it was due">Due {formatWhen(run.due_at)}</span>
                      {run.fired_at !== run.due_at && <span> · fired {formatWhen(run.fired_at)}</span>}
                    </span>
                    {run.note && <span className="schedule-note">{run.note}</span>}
                    {run.session_id !== null && (
                      <button
                        type="button"
                        className="link-button schedule-run-open"
                        data-testid="schedule-run-open"
                        onClick={() => onOpenSession(run.session_id!)}
                      >
                        Open chat
                      </button>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
      </div>

      <div className="account-actions">
        {confirming ? (
          <ConfirmBar
            label={`Delete “${schedule.name}”?`}
            question="Delete this schedule?"
            confirm="Delete"
            working="Deleting…"
            busy={busy !== null}
            confirmTestId="schedule-delete-confirm"
            cancelTestId="schedule-delete-cancel"
            onConfirm={() => void remove()}
            onCancel={() => {
              moved.current = true;
              setConfirming(false);
            }}
          />
        ) : (
          <>
            <label className="switch" title={schedule.enabled ? "It runs on its schedule" : "It does not run"}>
              <input
                type="checkbox"
                role="switch"
                data-testid="schedule-toggle"
                checked={schedule.enabled}
                disabled={busy !== null}
                onChange={(e) => void toggle(e.target.checked)}
              />
              <span>Enabled</span>
            </label>
            <button
              type="button"
              className="secondary-button"
              data-testid="schedule-run-now"
              aria-label={`Run “${schedule.name}” now`}
              disabled={busy !== null}
              onClick={() => void runNow()}
            >
              <PlayIcon size={13} />
              <span>{busy === "run" ? "Starting…" : "Run now"}</span>
            </button>
            <button
              type="button"
              className="secondary-button"
              data-testid="schedule-edit"
              aria-label={`Edit “${schedule.name}”`}
              disabled={busy !== null}
              onClick={onEdit}
            >
              <PencilIcon size={13} />
              <span>Edit</span>
            </button>
            <button
              ref={removeRef}
              type="button"
              className="secondary-button"
              data-testid="schedule-delete"
              aria-label={`Delete “${schedule.name}”`}
              disabled={busy !== null}
              onClick={() => {
                moved.current = true;
                clearError();
                setConfirming(true);
              }}
            >
              <TrashIcon size={14} />
              <span>Delete</span>
            </button>
          </>
        )}
      </div>
    </li>
  );
}

const FIELD_ORDER: readonly ScheduleField[] = ["name", "cron", "timezone", "prompt"];

interface FormProps extends SchedulesSettingsProps {
  /** The schedule being edited, or null for a new one. */
  editing: Schedule | null;
  /** Saved (with the new schedule's name when one was added) or cancelled (no name). */
  onDone(addedName?: string): void;
}

/** Adds a schedule, or edits one in place (sending only what changed). */
function ScheduleForm({ editing, sessions, models, onAdd, onUpdate, onDone }: FormProps) {
  const form = useDraftForm<ScheduleDraft, ScheduleField>(
    () => (editing ? draftFromSchedule(editing) : emptyScheduleDraft()),
    FIELD_ORDER,
  );
  const { draft, edit, problems, shownProblems, failure, submitting, refs } = form;
  const [zones] = useState(timeZoneNames);
  const id = useId();

  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    // The whole form in view (the panel scrolls), the cursor in its first field.
    formRef.current?.scrollIntoView?.({ block: "start" });
    refs.current.name?.focus({ preventScroll: true });
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (submitting) return;
    const check = checkScheduleDraft(draft);
    if (!check.ok) {
      form.reject(check.problems);
      return;
    }
    const patch = editing ? schedulePatch(editing, check.schedule) : null;
    if (patch && Object.keys(patch).length === 0) {
      onDone();
      return;
    }
    const saved = await form.save(() => (editing && patch ? onUpdate(editing.id, patch) : onAdd(check.schedule)));
    if (saved) onDone(editing ? undefined : check.schedule.name);
  };

  const human = draft.cron.trim() === "" ? null : describeCron(draft.cron);
  const targetKnown = draft.target === "" || sessions.some((s) => s.id === draft.target);
  const modelList = models?.models ?? [];
  const modelKnown = draft.model === "" || modelList.some((m) => m.id === draft.model);
  const invalid = (f: ScheduleField) => problems[f] !== undefined;
  const setRef = form.fieldRef;

  return (
    <form
      ref={formRef}
      className={editing ? "account-edit schedule-form" : "account-form schedule-form"}
      aria-labelledby={`${id}-title`}
      data-testid="schedule-form"
      noValidate
      onSubmit={(e) => void submit(e)}
    >
      <h4 className="account-form-title" id={`${id}-title`}>
        {editing ? `Edit “${editing.name}”` : "New schedule"}
      </h4>
      <div className="form-field">
        <label className="form-label" htmlFor={`${id}-name`}>
          Name
        </label>
        <input
          ref={setRef("name")}
          id={`${id}-name`}
          data-testid="schedule-name"
          type="text"
          value={draft.name}
          placeholder="Morning briefing"
          autoComplete="off"
          aria-invalid={invalid("name")}
          onChange={(e) => edit({ name: e.target.value })}
        />
      </div>
      <div className="form-row">
        <div className="form-field is-wide">
          <label className="form-label" htmlFor={`${id}-cron`}>
            When (cron)
          </label>
          <input
            ref={setRef("cron")}
            id={`${id}-cron`}
            data-testid="schedule-cron"
            className="is-mono"
            type="text"
            value={draft.cron}
            placeholder="0 9 * * 1-5"
            autoComplete="off"
            spellCheck={false}
            aria-invalid={invalid("cron")}
            aria-describedby={`${id}-cron-hint`}
            onChange={(e) => edit({ cron: e.target.value })}
          />
        </div>
        <div className="form-field">
          <label className="form-label" htmlFor={`${id}-timezone`}>
            Time zone
          </label>
          <input
            ref={setRef("timezone")}
            id={`${id}-timezone`}
            data-testid="schedule-timezone"
            type="text"
            list={zones.length > 0 ? `${id}-zones` : undefined}
            value={draft.timezone}
            placeholder="Europe/Berlin"
            autoComplete="off"
            spellCheck={false}
            aria-invalid={invalid("timezone")}
            onChange={(e) => edit({ timezone: e.target.value })}
          />
          {zones.length > 0 && (
            <datalist id={`${id}-zones`}>
              {zones.map((zone) => (
                <option key={zone} value={zone} />
              ))}
            </datalist>
          )}
        </div>
      </div>
      <div className="form-presets" role="group" aria-label="Presets">
        {CRON_PRESETS.map((preset) => (
          <button
            key={preset.cron}
            type="button"
            className="chip-button"
            data-testid="schedule-preset"
            data-cron={preset.cron}
            onClick={() => edit({ cron: preset.cron })}
          >
            {preset.label}
          </button>
        ))}
      </div>
      <span className="form-hint" id={`${id}-cron-hint`}>
        Five fields: minute, hour, day of the month, month, day of the week (0 or 7 is Sunday). <code>30 8 * * 1-5</code>{" "}
        is 8:30 on weekdays, <code>*/15 * * * *</code> every quarter hour.
        {human && (
          <>
            {" "}
            <strong data-testid="schedule-cron-text">{human}.</strong>
          </>
        )}
      </span>
      <div className="form-field">
        <label className="form-label" htmlFor={`${id}-prompt`}>
          Prompt
        </label>
        <textarea
          ref={setRef("prompt")}
          id={`${id}-prompt`}
          data-testid="schedule-prompt"
          className="is-prose"
          rows={4}
          value={draft.prompt}
          placeholder="Summarise what changed in my repositories since yesterday."
          aria-invalid={invalid("prompt")}
          onChange={(e) => edit({ prompt: e.target.value })}
        />
      </div>
      <div className="form-row">
        <div className="form-field is-wide">
          <label className="form-label" htmlFor={`${id}-target`}>
            Sends to
          </label>
          <select
            id={`${id}-target`}
            data-testid="schedule-target"
            value={draft.target}
            onChange={(e) => edit({ target: e.target.value })}
          >
            <option value="">A new chat each run</option>
            {sessions.map((s) => (
              <option key={s.id} value={s.id}>
                {s.title}
              </option>
            ))}
            {!targetKnown && <option value={draft.target}>{chatTitle(sessions, draft.target)}</option>}
          </select>
        </div>
        {(modelList.length > 0 || !modelKnown) && (
          <div className="form-field">
            <label className="form-label" htmlFor={`${id}-model`}>
              Model
            </label>
            <select
              id={`${id}-model`}
              data-testid="schedule-model"
              value={draft.model}
              onChange={(e) => edit({ model: e.target.value })}
            >
              <option value="">Default model</option>
              {modelList.map((m) => (
                <option key={m.id} value={m.id} title={m.id}>
                  {modelOptionLabel(m)}
                </option>
              ))}
              {!modelKnown && <option value={draft.model}>{`${draft.model} (unavailable)`}</option>}
            </select>
          </div>
        )}
      </div>
      <div className="form-checks">
        <label className="switch">
          <input
            type="checkbox"
            data-testid="schedule-catch-up"
            checked={draft.catchUp}
            onChange={(e) => edit({ catchUp: e.target.checked })}
          />
          <span>Catch up a run missed while Hearth was closed</span>
        </label>
        <label className="switch">
          <input
            type="checkbox"
            data-testid="schedule-enabled"
            checked={draft.enabled}
            onChange={(e) => edit({ enabled: e.target.checked })}
          />
          <span>Enabled</span>
        </label>
      </div>
      {(shownProblems.length > 0 || failure) && (
        <div className="form-error" data-testid="schedule-form-error" data-error-code={failure?.code} role="alert">
          {failure ? (
            <>
              <p>
                Couldn’t {editing ? "save" : "add"} the schedule: {failure.message}
              </p>
              <ErrorHint error={failure} testId="schedule-error-hint" />
            </>
          ) : (
            <ul>
              {shownProblems.map((f) => (
                <li key={f}>{problems[f]}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      <div className="form-actions">
        <button
          type="button"
          className="secondary-button"
          data-testid="schedule-cancel"
          disabled={submitting}
          onClick={() => onDone()}
        >
          Cancel
        </button>
        <button type="submit" className="primary-button" data-testid="schedule-save" disabled={submitting}>
          {submitting ? "Saving…" : editing ? "Save changes" : "Add schedule"}
        </button>
      </div>
    </form>
  );
}
