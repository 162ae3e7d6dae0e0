import { useCallback, useEffect, useRef, useState, type Dispatch, type SetStateAction } from "react";

export interface Loadable<T> {
  /** null while loading (the first time) or after a failure. */
  value: T | null;
  failed: boolean;
}

/**
 * Something Settings reads from the backend: `reload` asks again (what is shown stays until
 * the answer), resolving once it is in; only the newest answer counts, and none after unmount.
 */
export function useLoadable<T>(load: () => Promise<T>): [Loadable<T>, () => Promise<void>, Dispatch<SetStateAction<Loadable<T>>>] {
  const [state, setState] = useState<Loadable<T>>({ value: null, failed: false });
  const request = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(
    () => () => {
      request.current += 1;
    },
    [],
  );
  const reload = useCallback(async () => {
    const current = ++request.current;
    setState((s) => (s.failed ? { value: null, failed: false } : s));
    try {
      const value = await loadRef.current();
      if (current === request.current) setState({ value, failed: false });
    } catch {
      if (current === request.current) setState({ value: null, failed: true });
    }
  }, []);
  return [state, reload, setState];
}
