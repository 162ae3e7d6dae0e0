import { useEffect, useState } from "react";
import { toUiError, type HearthApi, type UiError } from "../api";
import type { LocalServer } from "../bindings/LocalServer";
import { connectAccount } from "../onboarding";
import { Onboarding } from "./Onboarding";

export interface OnboardingAreaProps {
  api: HearthApi;
  /** An account was connected: the models on offer changed. */
  onAccountsChanged(): void;
  onStart(model: string | null): Promise<UiError | null>;
  onSkip(): void;
}

/** First-run setup. Mounted only while open, so it looks for local servers each time. */
export function OnboardingArea({ api, onAccountsChanged, onStart, onSkip }: OnboardingAreaProps) {
  const [localServers, setLocalServers] = useState<LocalServer[] | null>(null);
  useEffect(() => {
    let active = true;
    // Only the servers that answered; if the probe itself fails, there are none to offer.
    api.probeLocalServers().then(
      (servers) => active && setLocalServers(servers),
      () => active && setLocalServers([]),
    );
    return () => {
      active = false;
    };
  }, [api]);

  return (
    <Onboarding
      localServers={localServers}
      onConnect={async (req) => {
        const result = await connectAccount(api, req);
        if (result.ok) onAccountsChanged();
        return result;
      }}
      onListModels={() =>
        api.listModels().then(
          (list) => ({ ok: true as const, list }),
          (e: unknown) => ({ ok: false as const, error: toUiError(e) }),
        )
      }
      onStart={onStart}
      onSkip={onSkip}
    />
  );
}
