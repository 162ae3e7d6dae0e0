import { useCallback } from "react";
import { toUiError, type HearthApi, type UiError } from "./api";
import type { SettingsDialogProps, SettingsTab } from "./components/SettingsDialog";
import { useLoadable } from "./useLoadable";

export type AssistantSettings = Pick<SettingsDialogProps, "presets" | "memory">;

/**
 * Settings' Presets and Memory sections: what the assistant is told and what it remembers.
 * Each loads when its tab is shown, and again each time; after a change, the list as the
 * backend has it.
 */
export function useAssistantSettings(api: HearthApi): { props: AssistantSettings; onTabShown(tab: SettingsTab): void } {
  const [presets, reloadPresets] = useLoadable(() => api.listPresets());
  const [memories, reloadMemories] = useLoadable(() => api.listMemories());
  const searchMemories = useCallback((q: string) => api.listMemories({ q }), [api]);

  const onTabShown = (tab: SettingsTab) => {
    if (tab === "presets") void reloadPresets();
    else if (tab === "memory") void reloadMemories();
  };

  /** A preset change, then the list as the backend has it (sorted by name there). */
  const presetCall = async (act: () => Promise<unknown>): Promise<UiError | null> => {
    try {
      await act();
    } catch (e) {
      return toUiError(e);
    }
    await reloadPresets();
    return null;
  };

  /** A memory change, then the memories as the backend has them. */
  const memoryCall = async (act: () => Promise<unknown>): Promise<UiError | null> => {
    try {
      await act();
    } catch (e) {
      return toUiError(e);
    }
    await reloadMemories();
    return null;
  };

  return {
    onTabShown,
    props: {
      presets: {
        presets: presets.value,
        failed: presets.failed,
        onReload: () => void reloadPresets(),
        onAdd: (preset) => presetCall(() => api.addPreset(preset)),
        onUpdate: (id, patch) => presetCall(() => api.updatePreset(id, patch)),
        onRemove: (id) => presetCall(() => api.removePreset(id)),
      },
      memory: {
        memories: memories.value,
        failed: memories.failed,
        onReload: () => void reloadMemories(),
        onSearch: searchMemories,
        onAdd: (memory) => memoryCall(() => api.addMemory(memory)),
        onUpdate: (id, patch) => memoryCall(() => api.updateMemory(id, patch)),
        onRemove: (id) => memoryCall(() => api.removeMemory(id)),
      },
    },
  };
}
