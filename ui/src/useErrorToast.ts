import { useCallback, useEffect, useRef, useState } from "react";
import { LINK_FAILED_EVENT, toUiError, type UiError } from "./api";

export interface ShownError {
  key: number;
  message: string;
}

/**
 * The one error shown as a toast (the newest replaces it), and `showError` for everything that
 * reports one there, including a link in a chat the system could not open (Markdown reports
 * it on window).
 */
export function useErrorToast(): { error: ShownError | null; showError(e: unknown): void; dismissError(key: number): void } {
  const [error, setError] = useState<ShownError | null>(null);
  const errorKey = useRef(0);

  const showError = useCallback((e: unknown) => {
    setError({ key: ++errorKey.current, message: toUiError(e).message });
  }, []);
  const dismissError = useCallback((key: number) => setError((current) => (current?.key === key ? null : current)), []);

  useEffect(() => {
    const onLinkFailed = (e: Event) => showError((e as CustomEvent<UiError>).detail);
    window.addEventListener(LINK_FAILED_EVENT, onLinkFailed);
    return () => window.removeEventListener(LINK_FAILED_EVENT, onLinkFailed);
  }, [showError]);

  return { error, showError, dismissError };
}
