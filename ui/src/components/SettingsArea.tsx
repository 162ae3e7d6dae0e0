import type { RefObject } from "react";
import type { HearthApi } from "../api";
import type { ModelList } from "../bindings/ModelList";
import type { Session } from "../bindings/Session";
import { useAccountSettings } from "../useAccountSettings";
import { useAssistantSettings } from "../useAssistantSettings";
import { useAutomationSettings } from "../useAutomationSettings";
import { useGeneralSettings } from "../useGeneralSettings";
import { useToolSettings } from "../useToolSettings";
import { SettingsDialog, type SettingsTab } from "./SettingsDialog";

export interface SettingsAreaProps {
  api: HearthApi;
  /** The sidebar's chats, for the schedules' and webhooks' target. */
  sessions: readonly Session[];
  models: ModelList | null;
  onOpenSession(sessionId: string): void;
  /** An account was added, edited, tested or removed: the models on offer may have changed. */
  onAccountsChanged(): void;
  onClose(): void;
  returnFocusRef: RefObject<HTMLButtonElement | null>;
}

/**
 * The open Settings dialog. Mounted only while open, so it asks for the accounts each time;
 * every other section loads when its tab is shown (see the use…Settings hooks).
 */
export function SettingsArea({ api, sessions, models, onOpenSession, onAccountsChanged, onClose, returnFocusRef }: SettingsAreaProps) {
  const accounts = useAccountSettings(api, onAccountsChanged);
  const tools = useToolSettings(api);
  const assistant = useAssistantSettings(api);
  const automation = useAutomationSettings(api);
  const general = useGeneralSettings(api);

  const onTabShown = (tab: SettingsTab) => {
    tools.onTabShown(tab);
    assistant.onTabShown(tab);
    automation.onTabShown(tab);
    general.onTabShown(tab); // after Schedules' own: whether they are paused
  };

  return (
    <SettingsDialog
      onTabShown={onTabShown}
      {...accounts}
      {...tools.props}
      {...assistant.props}
      {...automation.props}
      {...general.props}
      sessions={sessions}
      models={models}
      onOpenSession={onOpenSession}
      onQueryLogs={(query) => api.recentLogs(query)}
      onClose={onClose}
      returnFocusRef={returnFocusRef}
    />
  );
}
