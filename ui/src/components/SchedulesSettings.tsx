import { useEffect, useRef, useState } from "react";
import type { Outcome, UiError } from "../api";
import type { ModelList } from "../bindings/ModelList";
import type { NewSchedule } from "../bindings/NewSchedule";
import type { Schedule } from "../bindings/Schedule";
import type { SchedulePatch } from "../bindings/SchedulePatch";
import type { ScheduleRun } from "../bindings/ScheduleRun";
import type { Session } from "../bindings/Session";
import { ScheduleForm } from "./ScheduleForm";
import { ScheduleItem } from "./ScheduleItem";
import { SettingsStatus } from "./SettingsStatus";

// Where they are now (settingsFormat.ts); the tests still read them from here.
export { chatTitle, formatWhen } from "../settingsFormat";

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
