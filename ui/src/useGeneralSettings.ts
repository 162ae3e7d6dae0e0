import { toUiError, type HearthApi, type UiError } from "./api";
import type { SettingsPatch } from "./bindings/SettingsPatch";
import type { SettingsDialogProps, SettingsTab } from "./components/SettingsDialog";
import { useLoadable } from "./useLoadable";

export type GeneralSettingsData = Pick<
  SettingsDialogProps,
  "settings" | "settingsFailed" | "onReloadSettings" | "onUpdateSettings" | "health" | "healthFailed" | "onCheckHealth"
>;

/**
 * Settings' General section: the app's settings and its health check. The settings are read
 * again for Schedules too (whether they are paused).
 */
export function useGeneralSettings(api: HearthApi): { props: GeneralSettingsData; onTabShown(tab: SettingsTab): void } {
  const [settings, reloadSettings, setSettings] = useLoadable(() => api.getSettings());
  const [health, checkHealth] = useLoadable(() => api.health());

  const onTabShown = (tab: SettingsTab) => {
    if (tab === "schedules") {
      void reloadSettings(); // whether they are paused
    } else if (tab === "general") {
      void reloadSettings();
      void checkHealth();
    }
  };

  const updateSettings = async (patch: SettingsPatch): Promise<UiError | null> => {
    try {
      const value = await api.updateSettings(patch);
      setSettings({ value, failed: false });
      return null;
    } catch (e) {
      return toUiError(e);
    }
  };

  return {
    onTabShown,
    props: {
      settings: settings.value,
      settingsFailed: settings.failed,
      onReloadSettings: () => void reloadSettings(),
      onUpdateSettings: updateSettings,
      health: health.value,
      healthFailed: health.failed,
      onCheckHealth: checkHealth,
    },
  };
}
