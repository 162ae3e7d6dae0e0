import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import type { UiError } from "../api";
import type { ModelList } from "../bindings/ModelList";
import type { NewSchedule } from "../bindings/NewSchedule";
import type { Schedule } from "../bindings/Schedule";
import type { SchedulePatch } from "../bindings/SchedulePatch";
import type { Session } from "../bindings/Session";
import { modelOptionLabel } from "../capabilities";
import {
  checkScheduleDraft,
  CRON_PRESETS,
  describeCron,
  draftFromSchedule,
  emptyScheduleDraft,
  schedulePatch,
  timeZoneNames,
  type ScheduleDraft,
  type ScheduleField,
} from "../schedules";
import { chatTitle } from "../settingsFormat";
import { useDraftForm } from "../useDraftForm";
import { FormError } from "./FormError";
import { FormField } from "./FormField";

const FIELD_ORDER: readonly ScheduleField[] = ["name", "cron", "timezone", "prompt"];

export interface ScheduleFormProps {
  /** The schedule being edited, or null for a new one. */
  editing: Schedule | null;
  /** The sidebar's chats, to send to. */
  sessions: readonly Session[];
  /** The models on offer; null when not known (the form then offers none). */
  models: ModelList | null;
  onAdd(schedule: NewSchedule): Promise<UiError | null>;
  onUpdate(id: string, patch: SchedulePatch): Promise<UiError | null>;
  /** Saved (with the new schedule's name when one was added) or cancelled (no name). */
  onDone(addedName?: string): void;
}

/** Adds a schedule, or edits one in place (sending only what changed). */
export function ScheduleForm({ editing, sessions, models, onAdd, onUpdate, onDone }: ScheduleFormProps) {
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
      <FormField label="Name" id={`${id}-name`} invalid={invalid("name")}>
        {(field) => (
          <input
            {...field}
            ref={setRef("name")}
            data-testid="schedule-name"
            type="text"
            value={draft.name}
            placeholder="Morning briefing"
            autoComplete="off"
            onChange={(e) => edit({ name: e.target.value })}
          />
        )}
      </FormField>
      <div className="form-row">
        <FormField
          label="When (cron)"
          id={`${id}-cron`}
          className="is-wide"
          invalid={invalid("cron")}
          describedBy={`${id}-cron-hint`}
        >
          {(field) => (
            <input
              {...field}
              ref={setRef("cron")}
              data-testid="schedule-cron"
              className="is-mono"
              type="text"
              value={draft.cron}
              placeholder="0 9 * * 1-5"
              autoComplete="off"
              spellCheck={false}
              onChange={(e) => edit({ cron: e.target.value })}
            />
          )}
        </FormField>
        <FormField label="Time zone" id={`${id}-timezone`} invalid={invalid("timezone")}>
          {(field) => (
            <>
              <input
                {...field}
                ref={setRef("timezone")}
                data-testid="schedule-timezone"
                type="text"
                list={zones.length > 0 ? `${id}-zones` : undefined}
                value={draft.timezone}
                placeholder="Europe/Berlin"
                autoComplete="off"
                spellCheck={false}
                onChange={(e) => edit({ timezone: e.target.value })}
              />
              {zones.length > 0 && (
                <datalist id={`${id}-zones`}>
                  {zones.map((zone) => (
                    <option key={zone} value={zone} />
                  ))}
                </datalist>
              )}
            </>
          )}
        </FormField>
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
      <FormField label="Prompt" id={`${id}-prompt`} invalid={invalid("prompt")}>
        {(field) => (
          <textarea
            {...field}
            ref={setRef("prompt")}
            data-testid="schedule-prompt"
            className="is-prose"
            rows={4}
            value={draft.prompt}
            placeholder="Summarise what changed in my repositories since yesterday."
            onChange={(e) => edit({ prompt: e.target.value })}
          />
        )}
      </FormField>
      <div className="form-row">
        <FormField label="Sends to" id={`${id}-target`} className="is-wide">
          {(field) => (
            <select {...field} data-testid="schedule-target" value={draft.target} onChange={(e) => edit({ target: e.target.value })}>
              <option value="">A new chat each run</option>
              {sessions.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.title}
                </option>
              ))}
              {!targetKnown && <option value={draft.target}>{chatTitle(sessions, draft.target)}</option>}
            </select>
          )}
        </FormField>
        {(modelList.length > 0 || !modelKnown) && (
          <FormField label="Model" id={`${id}-model`}>
            {(field) => (
              <select {...field} data-testid="schedule-model" value={draft.model} onChange={(e) => edit({ model: e.target.value })}>
                <option value="">Default model</option>
                {modelList.map((m) => (
                  <option key={m.id} value={m.id} title={m.id}>
                    {modelOptionLabel(m)}
                  </option>
                ))}
                {!modelKnown && <option value={draft.model}>{`${draft.model} (unavailable)`}</option>}
              </select>
            )}
          </FormField>
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
      <FormError
        testId="schedule-form-error"
        problems={shownProblems.map((f) => ({ key: f, message: problems[f] }))}
        failure={failure}
        failed={`Couldn’t ${editing ? "save" : "add"} the schedule`}
        hintTestId="schedule-error-hint"
      />
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
