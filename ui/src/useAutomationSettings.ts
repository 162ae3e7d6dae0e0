import { outcomeOf, toUiError, type HearthApi, type UiError } from "./api";
import type { Hook } from "./bindings/Hook";
import type { HookWithSecret } from "./bindings/HookWithSecret";
import type { Schedule } from "./bindings/Schedule";
import type { SettingsDialogProps, SettingsTab } from "./components/SettingsDialog";
import { useLoadable } from "./useLoadable";

export type AutomationSettings = Pick<
  SettingsDialogProps,
  | "schedules"
  | "schedulesFailed"
  | "onReloadSchedules"
  | "onAddSchedule"
  | "onUpdateSchedule"
  | "onRemoveSchedule"
  | "onRunScheduleNow"
  | "onLoadScheduleRuns"
  | "hooks"
  | "hooksFailed"
  | "onReloadHooks"
  | "apiUrl"
  | "onAddHook"
  | "onUpdateHook"
  | "onRemoveHook"
>;

/**
 * Settings' Schedules and Webhooks sections: what starts turns without the user. Each loads
 * when its tab is shown, and again each time.
 */
export function useAutomationSettings(api: HearthApi): { props: AutomationSettings; onTabShown(tab: SettingsTab): void } {
  const [schedules, reloadSchedules, setSchedules] = useLoadable(() => api.listSchedules());
  const [hooks, reloadHooks, setHooks] = useLoadable(() => api.listHooks());
  // Wrapped, so "not known yet" (null) differs from "the API is off" ({ url: null }).
  const [apiUrl, reloadApiUrl] = useLoadable(() => api.apiUrl().then((url) => ({ url })));

  const onTabShown = (tab: SettingsTab) => {
    if (tab === "schedules") {
      void reloadSchedules();
    } else if (tab === "hooks") {
      void reloadHooks();
      void reloadApiUrl();
    }
  };

  /** Shows a schedule as the backend answered it, then the list as it has it. */
  const scheduleCall = async (act: () => Promise<Schedule | void>, removedId?: string): Promise<UiError | null> => {
    try {
      const schedule = await act();
      setSchedules((state) => {
        if (!state.value) return state;
        if (removedId !== undefined) return { ...state, value: state.value.filter((s) => s.id !== removedId) };
        if (!schedule) return state;
        const known = state.value.some((s) => s.id === schedule.id);
        return {
          ...state,
          value: known ? state.value.map((s) => (s.id === schedule.id ? schedule : s)) : [...state.value, schedule],
        };
      });
    } catch (e) {
      return toUiError(e);
    }
    void reloadSchedules();
    return null;
  };

  /** Shows a hook as the backend answered it; its secret goes to the section only. */
  const hookCall = async (act: () => Promise<HookWithSecret>) => {
    const result = await outcomeOf(act());
    if (result.ok) {
      const hook: Hook = result.value.hook;
      setHooks((state) => {
        if (!state.value) return state;
        const known = state.value.some((h) => h.name === hook.name);
        return { ...state, value: known ? state.value.map((h) => (h.name === hook.name ? hook : h)) : [...state.value, hook] };
      });
      void reloadHooks();
    }
    return result;
  };

  return {
    onTabShown,
    props: {
      schedules: schedules.value,
      schedulesFailed: schedules.failed,
      onReloadSchedules: () => void reloadSchedules(),
      onAddSchedule: (schedule) => scheduleCall(() => api.addSchedule(schedule)),
      onUpdateSchedule: (id, patch) => scheduleCall(() => api.updateSchedule(id, patch)),
      onRemoveSchedule: (id) =>
        scheduleCall(async () => {
          await api.removeSchedule(id).catch((e: unknown) => {
            if (toUiError(e).code !== "SCHEDULE_NOT_FOUND") throw e; // already gone is what we wanted
          });
        }, id),
      onRunScheduleNow: async (id) => {
        const result = await outcomeOf(api.runScheduleNow(id));
        void reloadSchedules(); // its last run
        return result;
      },
      onLoadScheduleRuns: (id) => outcomeOf(api.scheduleRuns(id)),
      hooks: hooks.value,
      hooksFailed: hooks.failed,
      onReloadHooks: () => void reloadHooks(),
      apiUrl: apiUrl.value?.url,
      onAddHook: (hook) => hookCall(() => api.addHook(hook)),
      onUpdateHook: (name, patch) => hookCall(() => api.updateHook(name, patch)),
      onRemoveHook: async (name) => {
        try {
          await api.removeHook(name);
        } catch (e) {
          const error = toUiError(e);
          if (error.code !== "HOOK_NOT_FOUND") return error;
        }
        setHooks((state) => (state.value ? { ...state, value: state.value.filter((h) => h.name !== name) } : state));
        void reloadHooks();
        return null;
      },
    },
  };
}
