import { useEffect, useId, useRef, useState } from "react";
import type { Outcome, UiError } from "../api";
import type { Schedule } from "../bindings/Schedule";
import type { SchedulePatch } from "../bindings/SchedulePatch";
import type { ScheduleRun } from "../bindings/ScheduleRun";
import type { Session } from "../bindings/Session";
import { describeCron, RUN_STATUS_LABELS } from "../schedules";
import { chatTitle, formatWhen } from "../settingsFormat";
import { ChevronIcon, PencilIcon, PlayIcon, TrashIcon } from "./icons";
import { ActionError, ConfirmBar, useRowAction } from "./RowActions";

export interface ScheduleItemProps {
  schedule: Schedule;
  /** The sidebar's chats, for the title of the one it sends to. */
  sessions: readonly Session[];
  onUpdate(id: string, patch: SchedulePatch): Promise<UiError | null>;
  onRemove(id: string): Promise<UiError | null>;
  onRunNow(id: string): Promise<Outcome<ScheduleRun>>;
  onLoadRuns(id: string): Promise<Outcome<ScheduleRun[]>>;
  onOpenSession(sessionId: string): void;
  onEdit(): void;
}

function RunStatus({ run, testId }: { run: ScheduleRun; testId?: string }) {
  return (
    <span className={`run-status is-${run.status}`} data-testid={testId} data-status={run.status}>
      {RUN_STATUS_LABELS[run.status]}
    </span>
  );
}

/** A schedule's row: what it does and when, its last and past runs, Run now, Edit, Delete. */
export function ScheduleItem({ schedule, sessions, onUpdate, onRemove, onRunNow, onLoadRuns, onOpenSession, onEdit }: ScheduleItemProps) {
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
