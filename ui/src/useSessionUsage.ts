// The open session's token usage and cost, for the chat header: asked for when the session
// opens and again after each of its runs completes. Only the newest answer counts.
import { useEffect, useState } from "react";
import type { HearthApi } from "./api";
import type { UsageSummary } from "./bindings/UsageSummary";

/**
 * `runsCompleted` changes after each run_completed frame (see useConversation); each change
 * asks again. null until the open session's usage is known.
 */
export function useSessionUsage(api: HearthApi, sessionId: string | null, runsCompleted: number): UsageSummary | null {
  const [usage, setUsage] = useState<{ sessionId: string; summary: UsageSummary } | null>(null);

  useEffect(() => {
    if (sessionId === null) return;
    let active = true;
    api.sessionUsage(sessionId).then(
      (summary) => active && setUsage({ sessionId, summary }),
      // Secondary information: on failure the label keeps what it showed, or stays hidden.
      () => undefined,
    );
    return () => {
      active = false;
    };
  }, [api, sessionId, runsCompleted]);

  // Another session's numbers are never shown, even for the moment before the new ones arrive.
  return usage !== null && usage.sessionId === sessionId ? usage.summary : null;
}
