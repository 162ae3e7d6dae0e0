import { useCallback, useEffect, useRef, useState } from "react";
import type { HearthApi } from "./api";
import type { ModelList } from "./bindings/ModelList";
import type { ModelsState } from "./components/ChatPane";

/**
 * The models on offer: asked for at startup, and again by `loadModels` whenever the accounts
 * change. The list on screen stays until the new one arrives; only the newest answer counts,
 * and none after unmount. `onListed` hears each answer (null: the request failed).
 */
export function useModels(
  api: HearthApi,
  showError: (e: unknown) => void,
  onListed: (list: ModelList | null) => void,
): { models: ModelsState; loadModels(): void } {
  const [models, setModels] = useState<ModelsState>({ list: null, failed: false });
  const modelsRequest = useRef(0);
  // The latest, so a new callback does not ask again.
  const onListedRef = useRef(onListed);
  onListedRef.current = onListed;

  const loadModels = useCallback(() => {
    const request = ++modelsRequest.current;
    api.listModels().then(
      (list) => {
        if (request !== modelsRequest.current) return;
        setModels({ list, failed: false });
        onListedRef.current(list);
      },
      (e: unknown) => {
        if (request !== modelsRequest.current) return;
        setModels({ list: null, failed: true });
        onListedRef.current(null);
        showError(e);
      },
    );
  }, [api, showError]);
  useEffect(() => {
    loadModels();
    return () => {
      modelsRequest.current += 1; // an answer after unmount is dropped
    };
  }, [loadModels]);

  return { models, loadModels };
}
