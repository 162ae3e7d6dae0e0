// First-run onboarding, as plain data: when it shows, its steps as a reducer, and what each
// provider's form starts with. Pure (but for `connectAccount`, which only sequences api
// calls), so it is tested without rendering.
import {
  checkAccountDraft,
  KIND_LABELS,
  type AccountDraft,
  type AccountDraftCheck,
  type AccountField,
  type AccountProblems,
} from "./accountForm";
import { toUiError, type HearthApi, type UiError } from "./api";
import type { AccountCheck } from "./bindings/AccountCheck";
import type { AccountInfo } from "./bindings/AccountInfo";
import type { AccountKind } from "./bindings/AccountKind";
import type { LocalServer } from "./bindings/LocalServer";
import type { ModelInfo } from "./bindings/ModelInfo";
import type { ModelList } from "./bindings/ModelList";
import type { NewAccount } from "./bindings/NewAccount";

// ---------------------------------------------------------------------------------------------
// When it shows.

/** `pending` until the first model list (or failure) at start-up decides. */
export type OnboardingVisibility = "pending" | "open" | "closed";

/**
 * What the first answer of `models_list` at start-up decides: onboarding opens when there is
 * no model at all (no account works) and the user has not opened a chat meanwhile. A failure
 * (`null`) does not open it: the app shows the error as usual. Once decided, later answers
 * (accounts changed in Settings) change nothing.
 */
export function visibilityAfterModels(
  current: OnboardingVisibility,
  list: ModelList | null,
  chatOpen: boolean,
): OnboardingVisibility {
  if (current !== "pending") return current;
  return list !== null && list.models.length === 0 && !chatOpen ? "open" : "closed";
}

// ---------------------------------------------------------------------------------------------
// Step 1: where the models are.

/** A provider card, or a local server the probe found. */
export type ProviderChoice = { type: "kind"; kind: AccountKind } | { type: "local"; server: LocalServer };

export interface ProviderCard {
  kind: AccountKind;
  title: string;
  description: string;
}

export const PROVIDER_CARDS: readonly ProviderCard[] = [
  { kind: "anthropic", title: "Anthropic", description: "Claude models, with an API key from the Anthropic Console." },
  { kind: "openai", title: "OpenAI", description: "GPT models, with an API key from the OpenAI platform." },
  {
    kind: "openai_compatible",
    title: "OpenAI-compatible server",
    description: "Any server that speaks the OpenAI API: a router, vLLM, llama.cpp…",
  },
];

/** "Ollama — 3 models found". */
export function localServerTitle(server: LocalServer): string {
  const n = server.models.length;
  return `${server.name} — ${n} ${n === 1 ? "model" : "models"} found`;
}

/** What step 2 is titled for a choice. */
export function choiceTitle(choice: ProviderChoice): string {
  if (choice.type === "local") return `Connect ${choice.server.name}`;
  return choice.kind === "openai_compatible" ? "Connect an OpenAI-compatible server" : `Connect ${KIND_LABELS[choice.kind]}`;
}

// ---------------------------------------------------------------------------------------------
// Step 2: the account's details.

/** The fields step 2 shows for a choice (the label always). */
export function fieldsFor(choice: ProviderChoice): { baseUrl: boolean; apiKey: boolean; keyRequired: boolean } {
  if (choice.type === "local") return { baseUrl: true, apiKey: false, keyRequired: false };
  const compatible = choice.kind === "openai_compatible";
  return { baseUrl: compatible, apiKey: true, keyRequired: !compatible };
}

/**
 * What step 2 starts with. OpenAI and Anthropic leave the URL blank (the backend uses their
 * own); a local server comes with the URL it answered at, and needs no key.
 */
export function draftFor(choice: ProviderChoice): AccountDraft {
  if (choice.type === "local") {
    const { server } = choice;
    return { kind: "openai_compatible", label: server.name, baseUrl: server.base_url, apiKey: "", defaultModel: "" };
  }
  return { kind: choice.kind, label: KIND_LABELS[choice.kind], baseUrl: "", apiKey: "", defaultModel: "" };
}

/** The Settings form's checks, on what step 2 holds; a local server's key is never sent. */
export function checkDetails(choice: ProviderChoice, draft: AccountDraft): AccountDraftCheck {
  return checkAccountDraft(choice.type === "local" ? { ...draft, apiKey: "" } : draft);
}

/** Adding then testing an account: the test's answer, or why it failed. */
export type ConnectResult = { ok: true; account: AccountInfo; check: AccountCheck } | { ok: false; error: UiError };

/**
 * Adds the account and tests it. If the test fails the account is removed again, so that
 * trying once more does not leave a broken duplicate behind.
 */
export async function connectAccount(
  api: Pick<HearthApi, "addAccount" | "testAccount" | "removeAccount">,
  req: NewAccount,
): Promise<ConnectResult> {
  let account: AccountInfo;
  try {
    account = await api.addAccount(req);
  } catch (e) {
    return { ok: false, error: toUiError(e) };
  }
  try {
    const check = await api.testAccount(account.id);
    return { ok: true, account, check };
  } catch (e) {
    // The test's error is what the user needs; a failed clean-up changes nothing they can do.
    await api.removeAccount(account.id).catch(() => undefined);
    return { ok: false, error: toUiError(e) };
  }
}

// ---------------------------------------------------------------------------------------------
// Step 3: the model to start with.

/** The account's models, as `models_list` names them (`<account>/<model>`). */
export function accountModels(list: ModelList, accountId: string): ModelInfo[] {
  return list.models.filter((m) => m.id.startsWith(`${accountId}/`));
}

/** The account's default model if it lists it, else the app's default if it is one of them, else the first. */
export function preselectModel(account: AccountInfo, models: readonly ModelInfo[], appDefault: string | null): string {
  const wanted = [account.default_model === null ? null : `${account.id}/${account.default_model}`, appDefault];
  for (const id of wanted) if (id !== null && models.some((m) => m.id === id)) return id;
  return models[0]?.id ?? "";
}

// ---------------------------------------------------------------------------------------------
// The steps.

export type OnboardingState =
  | { step: "provider" }
  | {
      step: "details";
      choice: ProviderChoice;
      draft: AccountDraft;
      problems: AccountProblems;
      error: UiError | null;
      /** Adding and testing the account. */
      busy: boolean;
    }
  | {
      step: "model";
      account: AccountInfo;
      /** The account's models; null while they load. */
      models: ModelInfo[] | null;
      /** The chosen model's id; "" = the app's default (when the account lists none). */
      model: string;
      /** Listing the models or starting the chat failed. */
      error: { at: "models" | "start"; error: UiError } | null;
      /** Starting the chat. */
      busy: boolean;
    };

export type OnboardingAction =
  | { type: "chose"; choice: ProviderChoice }
  | { type: "edited"; field: AccountField; value: string }
  | { type: "invalid"; problems: AccountProblems }
  | { type: "testing" }
  | { type: "testFailed"; error: UiError }
  | { type: "connected"; account: AccountInfo }
  | { type: "modelsLoaded"; list: ModelList }
  | { type: "modelsFailed"; error: UiError }
  | { type: "picked"; model: string }
  | { type: "starting" }
  | { type: "startFailed"; error: UiError }
  | { type: "back" };

export const initialOnboardingState: OnboardingState = { step: "provider" };

/** Actions that do not fit the current step (a late answer, a double click) change nothing. */
export function onboardingReducer(state: OnboardingState, action: OnboardingAction): OnboardingState {
  switch (action.type) {
    case "chose":
      if (state.step !== "provider") return state;
      return { step: "details", choice: action.choice, draft: draftFor(action.choice), problems: {}, error: null, busy: false };

    case "edited":
      if (state.step !== "details" || state.busy) return state;
      // Editing takes the old messages away; the next Test checks again.
      return { ...state, draft: { ...state.draft, [action.field]: action.value }, problems: {}, error: null };

    case "invalid":
      if (state.step !== "details" || state.busy) return state;
      return { ...state, problems: action.problems, error: null };

    case "testing":
      if (state.step !== "details" || state.busy) return state;
      // The key leaves the form as it is sent, whatever the answer (as in Settings).
      return { ...state, draft: { ...state.draft, apiKey: "" }, problems: {}, error: null, busy: true };

    case "testFailed":
      if (state.step !== "details" || !state.busy) return state;
      return { ...state, error: action.error, busy: false };

    case "connected":
      if (state.step !== "details" || !state.busy) return state;
      return { step: "model", account: action.account, models: null, model: "", error: null, busy: false };

    case "modelsLoaded": {
      if (state.step !== "model" || state.models !== null) return state;
      const models = accountModels(action.list, state.account.id);
      return { ...state, models, model: preselectModel(state.account, models, action.list.default), error: null };
    }

    case "modelsFailed":
      if (state.step !== "model" || state.models !== null) return state;
      return { ...state, models: [], model: "", error: { at: "models", error: action.error } };

    case "picked":
      if (state.step !== "model" || state.busy) return state;
      return { ...state, model: action.model };

    case "starting":
      if (state.step !== "model" || state.models === null || state.busy) return state;
      return { ...state, error: null, busy: true };

    case "startFailed":
      if (state.step !== "model" || !state.busy) return state;
      return { ...state, error: { at: "start", error: action.error }, busy: false };

    case "back":
      if (state.step !== "details" || state.busy) return state;
      return initialOnboardingState;
  }
}
