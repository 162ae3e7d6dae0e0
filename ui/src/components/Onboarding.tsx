import { useEffect, useId, useReducer, useRef, useState, type FormEvent, type ReactNode } from "react";
import type { AccountField } from "../accountForm";
import type { UiError } from "../api";
import type { LocalServer } from "../bindings/LocalServer";
import type { ModelList } from "../bindings/ModelList";
import type { NewAccount } from "../bindings/NewAccount";
import { modelOptionLabel } from "../capabilities";
import {
  checkDetails,
  choiceTitle,
  fieldsFor,
  initialOnboardingState,
  localServerTitle,
  onboardingReducer,
  PROVIDER_CARDS,
  type ConnectResult,
  type OnboardingState,
  type ProviderChoice,
} from "../onboarding";
import { FormError } from "./FormError";
import { FormField } from "./FormField";
import { ArrowLeftIcon, CheckIcon, ChevronIcon, FlameIcon, KeyIcon, PlugIcon, ServerIcon } from "./icons";

export type ModelsResult = { ok: true; list: ModelList } | { ok: false; error: UiError };

export interface OnboardingProps {
  /** The local servers that answered the probe; null while it is still looking. */
  localServers: readonly LocalServer[] | null;
  /** Adds the account and tests it (removing it again if the test fails). */
  onConnect(req: NewAccount): Promise<ConnectResult>;
  /** Every model, to pick the new account's from. */
  onListModels(): Promise<ModelsResult>;
  /** Starts a chat with the model (null = the default). Resolves null once it is open, or the error. */
  onStart(model: string | null): Promise<UiError | null>;
  onSkip(): void;
}

const STEPS: ReadonlyArray<{ step: OnboardingState["step"]; label: string }> = [
  { step: "provider", label: "Provider" },
  { step: "details", label: "Connect" },
  { step: "model", label: "Model" },
];

/** Where the cursor goes when step 2 opens, and after a failed test: where the user goes next. */
function entryField(choice: ProviderChoice): "apiKey" | "baseUrl" | "test" {
  if (choice.type === "local") return "test";
  return choice.kind === "openai_compatible" ? "baseUrl" : "apiKey";
}

function leadFor(choice: ProviderChoice): string {
  if (choice.type === "local") {
    const n = choice.server.models.length;
    return `${choice.server.name} answered on this computer with ${n} ${n === 1 ? "model" : "models"}. It needs no key.`;
  }
  switch (choice.kind) {
    case "anthropic":
      return "Paste an API key from the Anthropic Console (console.anthropic.com).";
    case "openai":
      return "Paste an API key from the OpenAI platform (platform.openai.com).";
    case "openai_compatible":
      return "Give the server’s base URL, usually ending in /v1. Local servers mostly need no key.";
  }
}

/**
 * First-run setup, in place of the chat: choose a provider (or a local server the probe
 * found), connect an account and test it, then pick a model and start chatting.
 */
export function Onboarding({ localServers, onConnect, onListModels, onStart, onSkip }: OnboardingProps) {
  const [state, dispatch] = useReducer(onboardingReducer, initialOnboardingState);
  const id = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const fieldRefs = useRef<Partial<Record<AccountField | "test" | "model" | "start", HTMLElement | null>>>({});

  const stepIndex = STEPS.findIndex((s) => s.step === state.step);
  const modelsReady = state.step === "model" && state.models !== null;

  // Each step puts the cursor where the user goes next; so does a failed test. Not on the first
  // render: the app has just opened.
  const [failures, setFailures] = useState(0);
  const focusKey = `${state.step === "model" ? `model-${modelsReady}` : state.step}-${failures}`;
  const focusNext = useRef<() => void>(() => undefined);
  focusNext.current = () => {
    const refs = fieldRefs.current;
    if (state.step === "provider") headingRef.current?.focus();
    else if (state.step === "details") refs[entryField(state.choice)]?.focus();
    else if (state.models !== null) (state.models.length > 0 ? refs.model : refs.start)?.focus();
  };
  const focusedFor = useRef(focusKey);
  useEffect(() => {
    if (focusedFor.current === focusKey) return;
    focusedFor.current = focusKey;
    focusNext.current();
  }, [focusKey]);

  const connect = async (e: FormEvent) => {
    e.preventDefault();
    if (state.step !== "details" || state.busy) return;
    const check = checkDetails(state.choice, state.draft);
    if (!check.ok) {
      dispatch({ type: "invalid", problems: check.problems });
      const first = (["label", "baseUrl", "apiKey"] as const).find((f) => check.problems[f] !== undefined);
      if (first) fieldRefs.current[first]?.focus();
      return;
    }
    dispatch({ type: "testing" });
    const result = await onConnect(check.req);
    if (!result.ok) {
      dispatch({ type: "testFailed", error: result.error });
      setFailures((n) => n + 1);
      return;
    }
    dispatch({ type: "connected", account: result.account });
    const models = await onListModels();
    dispatch(models.ok ? { type: "modelsLoaded", list: models.list } : { type: "modelsFailed", error: models.error });
  };

  const start = async () => {
    if (state.step !== "model" || state.models === null || state.busy) return;
    dispatch({ type: "starting" });
    const error = await onStart(state.model === "" ? null : state.model);
    // On success the app closes onboarding and opens the chat.
    if (error) dispatch({ type: "startFailed", error });
  };

  let body: ReactNode;
  if (state.step === "provider") {
    body = (
      <>
        <h1 className="onboarding-title" id={`${id}-title`} ref={headingRef} tabIndex={-1}>
          Welcome to Hearth
        </h1>
        <p className="onboarding-lead">
          Hearth talks to models through your own accounts. Choose where yours are; you can add more later in
          Settings.
        </p>
        <div className="provider-grid">
          {PROVIDER_CARDS.map((card) => (
            <ChoiceCard
              key={card.kind}
              testId={`onboarding-provider-${card.kind}`}
              icon={card.kind === "openai_compatible" ? <PlugIcon size={18} /> : <KeyIcon size={18} />}
              title={card.title}
              description={card.description}
              onClick={() => dispatch({ type: "chose", choice: { type: "kind", kind: card.kind } })}
            />
          ))}
        </div>
        <section className="onboarding-local" aria-labelledby={`${id}-local`}>
          <h2 className="onboarding-subtitle" id={`${id}-local`}>
            On this computer
          </h2>
          {localServers === null ? (
            <p className="onboarding-note" role="status" data-testid="onboarding-probing">
              <span className="spinner" aria-hidden="true" />
              Looking for Ollama and LM Studio…
            </p>
          ) : localServers.length === 0 ? (
            <p className="onboarding-note" data-testid="onboarding-no-local">
              No Ollama or LM Studio server answered. Running another one? Choose OpenAI-compatible server.
            </p>
          ) : (
            <div className="provider-grid">
              {localServers.map((server) => (
                <ChoiceCard
                  key={server.id}
                  testId={`onboarding-local-${server.id}`}
                  icon={<ServerIcon size={18} />}
                  title={localServerTitle(server)}
                  description={server.base_url}
                  local
                  onClick={() => dispatch({ type: "chose", choice: { type: "local", server } })}
                />
              ))}
            </div>
          )}
        </section>
      </>
    );
  } else if (state.step === "details") {
    const { choice, draft, problems, error, busy } = state;
    const fields = fieldsFor(choice);
    const shownProblems = (["label", "baseUrl", "apiKey"] as const).filter((f) => problems[f] !== undefined);
    const fieldId = (field: AccountField) => `${id}-${field}`;
    const errorId = (field: AccountField) => `${id}-${field}-error`;
    /** A checked field's id, whether it is wrong, and where its problem is listed. */
    const fieldProps = (field: AccountField) => ({
      id: fieldId(field),
      invalid: problems[field] !== undefined,
      errorId: errorId(field),
    });
    const set = (field: AccountField, value: string) => dispatch({ type: "edited", field, value });
    body = (
      <>
        <h1 className="onboarding-title" id={`${id}-title`}>
          {choiceTitle(choice)}
        </h1>
        <p className="onboarding-lead">{leadFor(choice)}</p>
        <form className="onboarding-form" noValidate onSubmit={(e) => void connect(e)}>
          <FormField label="Label" {...fieldProps("label")}>
            {(control) => (
              <input
                {...control}
                ref={(el) => {
                  fieldRefs.current.label = el;
                }}
                data-testid="onboarding-label"
                type="text"
                value={draft.label}
                autoComplete="off"
                spellCheck={false}
                readOnly={busy}
                onChange={(e) => set("label", e.target.value)}
              />
            )}
          </FormField>
          {fields.baseUrl && (
            <FormField label="Base URL" {...fieldProps("baseUrl")}>
              {(control) => (
                <input
                  {...control}
                  ref={(el) => {
                    fieldRefs.current.baseUrl = el;
                  }}
                  data-testid="onboarding-base-url"
                  type="url"
                  inputMode="url"
                  value={draft.baseUrl}
                  placeholder="http://127.0.0.1:8000/v1"
                  autoComplete="off"
                  spellCheck={false}
                  readOnly={busy}
                  onChange={(e) => set("baseUrl", e.target.value)}
                />
              )}
            </FormField>
          )}
          {fields.apiKey && (
            <FormField
              label={`API key${fields.keyRequired ? "" : " (optional)"}`}
              {...fieldProps("apiKey")}
              hint="Kept in your system’s keyring; it is never shown again."
            >
              {(control) => (
                <input
                  {...control}
                  ref={(el) => {
                    fieldRefs.current.apiKey = el;
                  }}
                  data-testid="onboarding-api-key"
                  type="password"
                  value={draft.apiKey}
                  placeholder={choice.type === "kind" && choice.kind === "anthropic" ? "sk-ant-…" : "sk-…"}
                  autoComplete="off"
                  spellCheck={false}
                  readOnly={busy}
                  onChange={(e) => set("apiKey", e.target.value)}
                />
              )}
            </FormField>
          )}

          {busy && (
            <p className="onboarding-note" role="status" data-testid="onboarding-testing">
              <span className="spinner" aria-hidden="true" />
              Testing the connection…
            </p>
          )}
          <FormError
            testId="onboarding-error"
            problems={shownProblems.map((field) => ({ key: field, message: problems[field], id: errorId(field) }))}
            failure={error}
            failed="Couldn’t connect"
            hintTestId="onboarding-error-hint"
            hintContext="setup"
          />

          <div className="onboarding-actions">
            <button
              type="button"
              className="secondary-button"
              data-testid="onboarding-back"
              disabled={busy}
              onClick={() => dispatch({ type: "back" })}
            >
              <ArrowLeftIcon size={14} />
              <span>Back</span>
            </button>
            <button
              ref={(el) => {
                fieldRefs.current.test = el;
              }}
              type="submit"
              className="primary-button"
              data-testid="onboarding-test"
              disabled={busy}
            >
              {busy ? "Testing…" : "Test and continue"}
            </button>
          </div>
        </form>
      </>
    );
  } else {
    const { account, models, model, error, busy } = state;
    body = (
      <>
        <h1 className="onboarding-title" id={`${id}-title`}>
          Pick a model
        </h1>
        <p className="onboarding-lead onboarding-connected" data-testid="onboarding-connected">
          <CheckIcon size={16} />
          <span>
            Connected to “{account.label}”. You can switch models any time from the chat’s header.
          </span>
        </p>
        {models === null ? (
          <p className="onboarding-note" role="status">
            <span className="spinner" aria-hidden="true" />
            Loading its models…
          </p>
        ) : (
          <FormField
            label="Model"
            id={`${id}-model`}
            hint={
              models.length === 0 && !error
                ? "This account lists no models yet; the chat starts with the default model."
                : undefined
            }
            hintTestId="onboarding-no-models"
          >
            {(control) => (
              <select
                {...control}
                ref={(el) => {
                  fieldRefs.current.model = el;
                }}
                data-testid="onboarding-model"
                value={model}
                disabled={busy || models.length === 0}
                onChange={(e) => dispatch({ type: "picked", model: e.target.value })}
              >
                {models.length === 0 ? (
                  <option value="">Default model</option>
                ) : (
                  models.map((m) => (
                    <option key={m.id} value={m.id} title={m.id}>
                      {modelOptionLabel(m, { provider: false })}
                    </option>
                  ))
                )}
              </select>
            )}
          </FormField>
        )}
        <FormError
          testId="onboarding-error"
          failure={error?.error ?? null}
          failed={error?.at === "models" ? "Couldn’t list the models" : "Couldn’t start the chat"}
          hintTestId="onboarding-error-hint"
          hintContext="setup"
        />
        <div className="onboarding-actions is-end">
          <button
            ref={(el) => {
              fieldRefs.current.start = el;
            }}
            type="button"
            className="primary-button"
            data-testid="onboarding-start"
            disabled={models === null || busy}
            onClick={() => void start()}
          >
            {busy ? "Starting…" : "Start chatting"}
          </button>
        </div>
      </>
    );
  }

  return (
    <main className="onboarding" data-testid="onboarding" data-step={state.step} aria-labelledby={`${id}-title`}>
      <div className="onboarding-panel">
        <div className="onboarding-top">
          <div className="onboarding-mark brand-mark" aria-hidden="true">
            <FlameIcon size={22} />
          </div>
          <ol className="onboarding-steps" aria-label="Setup steps">
            {STEPS.map((s, i) => (
              <li
                key={s.step}
                className={i < stepIndex ? "is-done" : i === stepIndex ? "is-current" : undefined}
                aria-current={i === stepIndex ? "step" : undefined}
              >
                <span className="onboarding-step-dot" aria-hidden="true">
                  {i < stepIndex ? <CheckIcon size={11} /> : i + 1}
                </span>
                <span>{s.label}</span>
              </li>
            ))}
          </ol>
        </div>
        {body}
        <div className="onboarding-footer">
          <button type="button" className="link-button onboarding-skip" data-testid="onboarding-skip" onClick={onSkip}>
            Skip for now
          </button>
        </div>
      </div>
    </main>
  );
}

interface ChoiceCardProps {
  testId: string;
  icon: ReactNode;
  title: string;
  description: string;
  /** A server found running on this computer. */
  local?: boolean;
  onClick(): void;
}

function ChoiceCard({ testId, icon, title, description, local = false, onClick }: ChoiceCardProps) {
  return (
    <button type="button" className={`provider-card${local ? " is-local" : ""}`} data-testid={testId} onClick={onClick}>
      <span className="provider-card-icon">{icon}</span>
      <span className="provider-card-text">
        <span className="provider-card-title">{title}</span>
        <span className={`provider-card-description${local ? " is-url" : ""}`}>{description}</span>
      </span>
      <ChevronIcon size={16} className="provider-card-chevron" />
    </button>
  );
}
