import { useEffect, useRef } from "react";
import type { HearthApi } from "./api";

export interface AppEventHandlers {
  /** A notification's "Open". */
  onOpenSession(sessionId: string): void;
  /** The tray's "New chat". */
  onNewChat(): void;
}

/**
 * The backend's app events: a notification's "Open", the tray's "New chat", and Quit from the
 * tray while runs are in flight (asked here before they end interrupted). Registered once;
 * they act through the latest handlers.
 */
export function useAppEvents(api: HearthApi, handlers: AppEventHandlers): void {
  const latest = useRef(handlers);
  latest.current = handlers;
  useEffect(() => {
    const stopOpen = api.onOpenSession((id) => latest.current.onOpenSession(id));
    const stopNewChat = api.onNewChat(() => latest.current.onNewChat());
    const stopQuit = api.onConfirmQuit((a) => {
      const busy = [`${a.running} running`, a.queued > 0 ? `${a.queued} queued` : null, a.waiting_approval > 0 ? `${a.waiting_approval} waiting for approval` : null]
        .filter(Boolean)
        .join(", ");
      if (window.confirm(`Hearth is still working (${busy}). Quit anyway? Runs in flight will stop and be marked interrupted.`)) {
        void api.appQuit();
      }
    });
    return () => {
      stopOpen();
      stopNewChat();
      stopQuit();
    };
  }, [api]);
}
