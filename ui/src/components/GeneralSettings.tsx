import { useState } from "react";
import type { UiError } from "../api";
import type { Settings } from "../bindings/Settings";
import type { SettingsPatch } from "../bindings/SettingsPatch";
import { ErrorHint } from "./ErrorHint";
import { SettingsStatus } from "./SettingsStatus";

export interface GeneralSettingsProps {
  /** null while loading. */
  settings: Settings | null;
  failed: boolean;
  onReload(): void;
  /** Resolves null once stored (the settings then show it), or the error to show. */
  onUpdate(patch: SettingsPatch): Promise<UiError | null>;
}

/** The app's own preferences. */
export function GeneralSettings({ settings, failed, onReload, onUpdate }: GeneralSettingsProps) {
  const [saving, setSaving] = useState<SettingsPatch | null>(null);
  const [error, setError] = useState<UiError | null>(null);
  if (settings === null) return <SettingsStatus failed={failed} what="the settings" onRetry={onReload} retryTestId="settings-retry" />;

  const update = async (patch: SettingsPatch) => {
    setSaving(patch);
    setError(null);
    const failure = await onUpdate(patch);
    setSaving(null);
    setError(failure);
  };

  const autoTitle = saving?.auto_title ?? settings.auto_title;
  return (
    <div className="general-settings">
      <label className="checkbox-row">
        <input
          type="checkbox"
          data-testid="setting-auto-title"
          checked={autoTitle}
          disabled={saving !== null}
          onChange={(e) => void update({ auto_title: e.target.checked })}
        />
        <span className="checkbox-text">
          <span className="checkbox-label">Name chats automatically</span>
          <span className="form-hint">
            After a chat’s first reply, its model gives it a short title. A name you give a chat is never replaced.
          </span>
        </span>
      </label>
      {error && (
        <div className="form-error" data-testid="setting-error" role="alert">
          <p>Couldn’t save the setting: {error.message}</p>
          <ErrorHint error={error} testId="setting-error-hint" />
        </div>
      )}
    </div>
  );
}
