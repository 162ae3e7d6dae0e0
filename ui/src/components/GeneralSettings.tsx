import { useEffect, useId, useState, type FormEvent, type ReactNode } from "react";
import type { UiError } from "../api";
import type { HealthCheck } from "../bindings/HealthCheck";
import type { Settings } from "../bindings/Settings";
import type { SettingsPatch } from "../bindings/SettingsPatch";
import { FormError } from "./FormError";
import { FormField } from "./FormField";
import { SettingsStatus } from "./SettingsStatus";

export interface GeneralSettingsProps {
  /** null while loading. */
  settings: Settings | null;
  failed: boolean;
  onReload(): void;
  /** Resolves null once stored (the settings then show it), or the error to show. */
  onUpdate(patch: SettingsPatch): Promise<UiError | null>;
  /** The health check's lines; null while checking the first time. */
  health: readonly HealthCheck[] | null;
  healthFailed: boolean;
  /** Checks again; resolves once the answer is in. */
  onCheckHealth(): Promise<void>;
}

export const MIN_RETENTION_DAYS = 1;
export const MAX_RETENTION_DAYS = 3650;
export const MIN_ATTACHMENT_MB = 1;
export const MAX_ATTACHMENT_MB = 512;

type BooleanSetting = "auto_title" | "close_to_tray" | "start_at_login" | "notifications_muted" | "schedules_paused";

const TOGGLES: ReadonlyArray<{ key: BooleanSetting; testId: string; label: string; hint: ReactNode }> = [
  {
    key: "auto_title",
    testId: "setting-auto-title",
    label: "Name chats automatically",
    hint: "After a chat’s first reply, its model gives it a short title. A name you give a chat is never replaced.",
  },
  {
    key: "close_to_tray",
    testId: "setting-close-to-tray",
    label: "Close to tray",
    hint: "Closing the window keeps Hearth running in the tray, so runs, schedules and webhooks go on.",
  },
  {
    key: "start_at_login",
    testId: "setting-start-at-login",
    label: "Start at login",
    hint: "Start Hearth in the tray when you log in.",
  },
  {
    key: "notifications_muted",
    testId: "setting-notifications-muted",
    label: "Mute notifications",
    hint: "No desktop notifications at all, for finished runs, approvals or messages from outside.",
  },
  {
    key: "schedules_paused",
    testId: "setting-schedules-paused",
    label: "Pause schedules",
    hint: "No schedule runs while this is on; the runs it skips are listed as skipped.",
  },
];

/** The app's own preferences, and how its parts are doing. */
export function GeneralSettings(props: GeneralSettingsProps) {
  const { settings, failed, onReload } = props;
  return (
    <>
      {settings === null ? (
        <SettingsStatus failed={failed} what="the settings" onRetry={onReload} retryTestId="settings-retry" />
      ) : (
        <GeneralForm settings={settings} onUpdate={props.onUpdate} />
      )}
      <HealthBlock health={props.health} failed={props.healthFailed} onCheck={props.onCheckHealth} />
    </>
  );
}

function GeneralForm({ settings, onUpdate }: { settings: Settings; onUpdate(patch: SettingsPatch): Promise<UiError | null> }) {
  const [saving, setSaving] = useState<SettingsPatch | null>(null);
  const [error, setError] = useState<UiError | null>(null);
  const [shortcut, setShortcut] = useState(settings.global_shortcut);
  const id = useId();

  // What is stored wins once it changes (saved here, or read again).
  useEffect(() => setShortcut(settings.global_shortcut), [settings.global_shortcut]);

  const update = async (patch: SettingsPatch) => {
    setSaving(patch);
    setError(null);
    const failure = await onUpdate(patch);
    setSaving(null);
    setError(failure);
    return failure;
  };

  const saveShortcut = async (e: FormEvent) => {
    e.preventDefault();
    if (saving !== null) return;
    const failure = await update({ global_shortcut: shortcut.trim() });
    if (failure) setShortcut(settings.global_shortcut);
  };

  const shortcutChanged = shortcut.trim() !== settings.global_shortcut;
  return (
    <div className="general-settings">
      {TOGGLES.map(({ key, testId, label, hint }) => (
        <FormField key={key} label={label} hint={hint} layout="check">
          {(control) => (
            <input
              {...control}
              type="checkbox"
              data-testid={testId}
              checked={saving?.[key] ?? settings[key]}
              disabled={saving !== null}
              onChange={(e) => void update({ [key]: e.target.checked })}
            />
          )}
        </FormField>
      ))}

      <form className="setting-row" aria-labelledby={`${id}-shortcut-label`} noValidate onSubmit={(e) => void saveShortcut(e)}>
        <FormField
          label="Global shortcut"
          id={`${id}-shortcut`}
          layout="setting"
          hint="Shows or hides Hearth from any app, e.g. CmdOrCtrl+Shift+Space. Empty: none."
        >
          {(control) => (
            <>
              <input
                {...control}
                data-testid="setting-global-shortcut"
                type="text"
                value={shortcut}
                placeholder="CmdOrCtrl+Shift+Space"
                autoComplete="off"
                spellCheck={false}
                onChange={(e) => setShortcut(e.target.value)}
              />
              <button
                type="submit"
                className="secondary-button"
                data-testid="setting-global-shortcut-save"
                disabled={saving !== null || !shortcutChanged}
              >
                Save
              </button>
            </>
          )}
        </FormField>
      </form>

      <NumberSetting
        label="Keep run event logs"
        hint="The step-by-step events of finished runs are dropped after this many days; their messages stay."
        testId="setting-event-retention"
        value={settings.event_retention_days}
        min={MIN_RETENTION_DAYS}
        max={MAX_RETENTION_DAYS}
        unit="days"
        problem={`Keep them for a whole number of days, from ${MIN_RETENTION_DAYS} to ${MAX_RETENTION_DAYS}.`}
        disabled={saving !== null}
        onSave={(days) => update({ event_retention_days: days })}
      />
      <NumberSetting
        label="Largest attachment"
        hint="Files over this size are not attached (images, PDFs and text files, per file)."
        testId="setting-attachment-max"
        value={settings.attachment_max_mb}
        min={MIN_ATTACHMENT_MB}
        max={MAX_ATTACHMENT_MB}
        unit="MB"
        problem={`Use a whole number of megabytes, from ${MIN_ATTACHMENT_MB} to ${MAX_ATTACHMENT_MB}.`}
        disabled={saving !== null}
        onSave={(mb) => update({ attachment_max_mb: mb })}
      />

      <PathSetting
        label="Claude Code CLI"
        hint="The claude program Claude Code chats run. Empty: HEARTH_CLAUDE_PATH, else claude on PATH, else the copy make installs in .tools/. Install it with npm install -g @anthropic-ai/claude-code@2.1.332."
        testId="setting-claude-path"
        value={settings.claude_code_path}
        disabled={saving !== null}
        onSave={(path) => update({ claude_code_path: path })}
      />
      <PathSetting
        label="Codex CLI"
        hint="The codex program Codex chats run. Empty: HEARTH_CODEX_PATH, else codex on PATH, else the copy make installs in .tools/. Install it with npm install -g @openai/codex@0.171.0."
        testId="setting-codex-path"
        value={settings.codex_path}
        disabled={saving !== null}
        onSave={(path) => update({ codex_path: path })}
      />
      <NumberSetting
        label="Agent silence limit"
        hint="An agent CLI that prints nothing for this long (while no approval waits) is stopped and its run fails."
        testId="setting-runtime-silence"
        value={settings.runtime_silence_secs}
        min={5}
        max={86400}
        unit="seconds"
        problem="Use a whole number of seconds, from 5 to 86400."
        disabled={saving !== null}
        onSave={(secs) => update({ runtime_silence_secs: secs })}
      />

      <FormError testId="setting-error" failure={error} failed="Couldn’t save the setting" hintTestId="setting-error-hint" />
    </div>
  );
}

const HEALTH_LABELS: Record<string, string> = {
  store: "Data store",
  keyring: "Keyring",
  notifications: "Notifications",
  api: "HTTP API",
};

function HealthBlock({
  health,
  failed,
  onCheck,
}: {
  health: readonly HealthCheck[] | null;
  failed: boolean;
  onCheck(): Promise<void>;
}) {
  const [checking, setChecking] = useState(false);
  const id = useId();
  const check = async () => {
    setChecking(true);
    try {
      await onCheck();
    } finally {
      setChecking(false);
    }
  };
  return (
    <section className="health" aria-labelledby={`${id}-title`} data-testid="health">
      <div className="health-head">
        <h4 className="account-form-title" id={`${id}-title`}>
          Health
        </h4>
        <button
          type="button"
          className="secondary-button"
          data-testid="health-refresh"
          disabled={checking}
          onClick={() => void check()}
        >
          {checking ? "Checking…" : "Check again"}
        </button>
      </div>
      {health === null ? (
        <SettingsStatus failed={failed} what="the health check" onRetry={() => void check()} retryTestId="health-retry" />
      ) : (
        <ul className="health-list">
          {health.map((line) => (
            <li
              key={line.name}
              className={`health-line ${line.ok ? "is-ok" : "is-failed"}`}
              data-testid="health-line"
              data-name={line.name}
              data-ok={String(line.ok)}
            >
              <span className="health-dot" aria-hidden="true" />
              <span className="health-name">{HEALTH_LABELS[line.name] ?? line.name}</span>
              <span className="visually-hidden">{line.ok ? "OK" : "Not working"}</span>
              <span className="health-detail">{line.detail}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

interface NumberSettingProps {
  label: string;
  hint: string;
  /** The input's test id; its Save button and error add "-save" and "-error". */
  testId: string;
  value: number;
  min: number;
  max: number;
  unit: string;
  /** What to say when the typed value is not a whole number from min to max. */
  problem: string;
  disabled: boolean;
  onSave(value: number): Promise<unknown>;
}

/** A whole-number setting with its unit and a Save button; checked before it is sent. */
function NumberSetting({ label, hint, testId, value, min, max, unit, problem, disabled, onSave }: NumberSettingProps) {
  const [draft, setDraft] = useState(String(value));
  const [shownProblem, setShownProblem] = useState<string | null>(null);
  const id = useId();
  // What is stored wins once it changes (saved here, or read again).
  useEffect(() => setDraft(String(value)), [value]);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (disabled) return;
    const n = Number(draft.trim());
    if (draft.trim() === "" || !Number.isInteger(n) || n < min || n > max) {
      setShownProblem(problem);
      return;
    }
    setShownProblem(null);
    await onSave(n);
  };

  return (
    <form className="setting-row" aria-labelledby={`${id}-label`} noValidate onSubmit={(e) => void save(e)}>
      <FormField
        label={label}
        id={id}
        layout="setting"
        hint={hint}
        invalid={shownProblem !== null}
        error={shownProblem}
        errorTestId={`${testId}-error`}
      >
        {(control) => (
          <>
            <input
              {...control}
              data-testid={testId}
              className="is-number"
              type="number"
              inputMode="numeric"
              min={min}
              max={max}
              step={1}
              value={draft}
              onChange={(e) => {
                setDraft(e.target.value);
                setShownProblem(null);
              }}
            />
            <span className="setting-unit">{unit}</span>
            <button
              type="submit"
              className="secondary-button"
              data-testid={`${testId}-save`}
              disabled={disabled || draft.trim() === String(value)}
            >
              Save
            </button>
          </>
        )}
      </FormField>
    </form>
  );
}

/** An absolute path setting (empty = found by Hearth), checked before it is sent. */
function PathSetting(props: { label: string; hint: string; testId: string; value: string; disabled: boolean; onSave(path: string): Promise<unknown> }) {
  const { label, hint, testId, value, disabled, onSave } = props;
  const [draft, setDraft] = useState(value);
  const [problem, setProblem] = useState<string | null>(null);
  const id = useId();
  useEffect(() => setDraft(value), [value]);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    const path = draft.trim();
    if (disabled) return;
    if (path !== "" && !path.startsWith("/")) {
      setProblem("Use an absolute path, such as /usr/local/bin/claude, or leave it empty.");
      return;
    }
    setProblem(null);
    await onSave(path);
  };
  return (
    <form className="setting-row" aria-labelledby={`${id}-label`} noValidate onSubmit={(e) => void save(e)}>
      <FormField label={label} id={id} layout="setting" hint={hint} invalid={problem !== null} error={problem} errorTestId={`${testId}-error`}>
        {(control) => (
          <>
            <input
              {...control}
              data-testid={testId}
              type="text"
              value={draft}
              placeholder="(found automatically)"
              autoComplete="off"
              spellCheck={false}
              onChange={(e) => {
                setDraft(e.target.value);
                setProblem(null);
              }}
            />
            <button type="submit" className="secondary-button" data-testid={`${testId}-save`} disabled={disabled || draft.trim() === value}>
              Save
            </button>
          </>
        )}
      </FormField>
    </form>
  );
}
