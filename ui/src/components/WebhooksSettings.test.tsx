// Settings → Webhooks, through the section's props.
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { Outcome } from "../api";
import type { Hook } from "../bindings/Hook";
import type { HookPatch } from "../bindings/HookPatch";
import type { HookWithSecret } from "../bindings/HookWithSecret";
import { session } from "../test/fixtures";
import { formatWhen } from "./SchedulesSettings";
import { WebhooksSettings, type WebhooksSettingsProps } from "./WebhooksSettings";

const SESSIONS = [session("s1", 1_000, { title: "Triage" })];
const API = "http://127.0.0.1:7821";
const FIRED = Date.UTC(2025, 0, 4, 12, 0);

const HOOKS: Hook[] = [
  {
    name: "github",
    session_id: null,
    template: "New issue: {{issue.title}}",
    enabled: true,
    auth: "bearer",
    created_at: 1,
    last_fired_at: FIRED,
  },
  { name: "ci", session_id: "s1", template: "{{payload}}", enabled: false, auth: "bearer", created_at: 2, last_fired_at: null },
];

const withSecret = (hook: Hook, secret?: string): Outcome<HookWithSecret> => ({
  ok: true,
  value: secret === undefined ? { hook } : { hook, secret },
});

function renderHooks(overrides: Partial<WebhooksSettingsProps> = {}) {
  const props: WebhooksSettingsProps = {
    hooks: HOOKS,
    failed: false,
    onReload: vi.fn(),
    sessions: SESSIONS,
    apiUrl: API,
    onAdd: vi.fn((hook) =>
      Promise.resolve(
        withSecret(
          {
            name: hook.name,
            template: hook.template,
            session_id: hook.session_id ?? null,
            enabled: true,
            auth: hook.auth ?? "bearer",
            created_at: 3,
            last_fired_at: null,
          },
          "whsec_new",
        ),
      ),
    ),
    // As the backend: a secret only when one was made.
    onUpdate: vi.fn((name: string, patch: HookPatch) => {
      const hook = HOOKS.find((h) => h.name === name)!;
      return Promise.resolve(withSecret({ ...hook, auth: patch.auth ?? hook.auth }, patch.rotate_secret ? "whsec_rotated" : undefined));
    }),
    onRemove: vi.fn(() => Promise.resolve(null)),
    onOpenSession: vi.fn(),
    ...overrides,
  };
  const user = userEvent.setup();
  const view = render(<WebhooksSettings {...props} />);
  return { props, user, ...view, rerenderWith: (more: Partial<WebhooksSettingsProps>) => view.rerender(<WebhooksSettings {...props} {...more} />) };
}

const row = (name: string) => screen.getAllByTestId("hook-row").find((r) => r.dataset.name === name)!;
const field = (testId: string) => screen.getByTestId(testId) as HTMLInputElement;

describe("Settings → Webhooks list", () => {
  it("shows each hook: URL, curl example, chat, enabled, last call", async () => {
    const { user, props } = renderHooks();
    const github = row("github");
    expect(within(github).getByTestId("hook-url").textContent).toBe(`${API}/v1/hooks/github`);
    expect(within(github).getByTestId("hook-curl").textContent).toBe(
      `curl -X POST -H "Authorization: Bearer <secret>" -H "Content-Type: application/json" -d '{"title": "Hello from curl"}' ${API}/v1/hooks/github`,
    );
    expect(within(github).getByTestId("hook-target-label").textContent).toBe("Its own chat");
    expect(within(github).getByTestId("hook-last-fired").textContent).toBe(formatWhen(FIRED));
    expect((within(github).getByTestId("hook-enabled") as HTMLInputElement).checked).toBe(true);
    expect(screen.queryByTestId("hook-secret"), "a stored secret is never shown").toBeNull();

    const ci = row("ci");
    expect(within(ci).getByTestId("hook-last-fired").textContent).toBe("Never");
    await user.click(within(ci).getByRole("button", { name: "Triage" }));
    expect(props.onOpenSession).toHaveBeenCalledExactlyOnceWith("s1");
    await user.click(within(ci).getByTestId("hook-enabled"));
    expect(props.onUpdate).toHaveBeenCalledExactlyOnceWith("ci", { enabled: true });
  });

  it("says when the HTTP API is off, and shows no URL; nothing either way until it is known", () => {
    const { rerenderWith } = renderHooks({ apiUrl: null });
    expect(screen.getByTestId("hooks-api-off")).toBeTruthy();
    expect(screen.queryByTestId("hook-url")).toBeNull();
    rerenderWith({ apiUrl: undefined });
    expect(screen.queryByTestId("hooks-api-off")).toBeNull();
    expect(screen.queryByTestId("hook-url")).toBeNull();
  });

  it("rotates the secret once confirmed, and shows the new one once", async () => {
    const { user, props, rerenderWith } = renderHooks();
    await user.click(within(row("github")).getByTestId("hook-rotate"));
    expect(props.onUpdate).not.toHaveBeenCalled();
    await user.click(within(row("github")).getByTestId("hook-rotate-confirm"));
    expect(props.onUpdate).toHaveBeenCalledExactlyOnceWith("github", { rotate_secret: true });

    const panel = within(row("github")).getByTestId("hook-secret-panel");
    expect(within(panel).getByTestId("hook-secret").textContent).toBe("whsec_rotated");
    expect(panel.textContent).toContain("will not be shown again");
    expect(panel.textContent).toContain("The old secret no longer works");

    // The list comes back from the backend: still shown until dismissed.
    rerenderWith({ hooks: [...HOOKS] });
    expect(within(row("github")).getByTestId("hook-secret").textContent).toBe("whsec_rotated");
    await user.click(screen.getByTestId("hook-secret-dismiss"));
    expect(screen.queryByTestId("hook-secret")).toBeNull();
  });

  it("deletes only once confirmed", async () => {
    const { user, props } = renderHooks();
    await user.click(within(row("ci")).getByTestId("hook-delete"));
    await user.click(within(row("ci")).getByTestId("hook-confirm-cancel"));
    expect(props.onRemove).not.toHaveBeenCalled();
    await user.click(within(row("ci")).getByTestId("hook-delete"));
    await user.click(within(row("ci")).getByTestId("hook-delete-confirm"));
    expect(props.onRemove).toHaveBeenCalledExactlyOnceWith("ci");
  });

  it("shows why an action failed on the row", async () => {
    const { user } = renderHooks({
      onRemove: vi.fn(() => Promise.resolve({ code: "HOOK_NOT_FOUND" as const, message: "no hook named ci" })),
    });
    await user.click(within(row("ci")).getByTestId("hook-delete"));
    await user.click(within(row("ci")).getByTestId("hook-delete-confirm"));
    expect(within(row("ci")).getByTestId("hook-action-error").textContent).toContain("no hook named ci");
    expect(within(row("ci")).getByTestId("hook-error-hint").textContent).toContain("removed meanwhile");
  });
});

describe("Settings → Webhooks form", () => {
  it("adds a hook, then shows its secret once with a copy button, and its URL", async () => {
    const { user, props, rerenderWith } = renderHooks({ hooks: [] });
    await user.click(screen.getByTestId("hook-new"));
    expect(screen.getByTestId("hook-template").closest(".form-field")?.textContent).toContain("{{payload}}");
    await user.type(field("hook-name"), "deploys");
    await user.type(field("hook-template"), "Deploy of {{{{service}} finished: {{{{status}}");
    await user.selectOptions(screen.getByTestId("hook-target"), "s1");
    await user.click(screen.getByTestId("hook-save"));

    expect(props.onAdd).toHaveBeenCalledExactlyOnceWith({
      name: "deploys",
      template: "Deploy of {{service}} finished: {{status}}",
      session_id: "s1",
    });
    expect(screen.queryByTestId("hook-form")).toBeNull();
    // Before the list shows the new hook, its secret is above it.
    const panel = screen.getByTestId("hook-secret-panel");
    expect(within(panel).getByTestId("hook-secret").textContent).toBe("whsec_new");
    expect(panel.textContent).toContain(`${API}/v1/hooks/deploys`);
    expect(panel.textContent).toContain("Copy it now: it will not be shown again.");

    await user.click(within(panel).getByTestId("hook-secret-copy"));
    await expect(navigator.clipboard.readText()).resolves.toBe("whsec_new");
    expect(within(panel).getByTestId("hook-secret-copy").textContent).toBe("Copied");

    const added: Hook = {
      name: "deploys",
      session_id: "s1",
      template: "x",
      enabled: true,
      auth: "bearer",
      created_at: 3,
      last_fired_at: null,
    };
    rerenderWith({ hooks: [added] });
    expect(within(row("deploys")).getByTestId("hook-secret").textContent, "on its row now").toBe("whsec_new");
    expect(within(row("deploys")).getByTestId("hook-url").textContent).toBe(`${API}/v1/hooks/deploys`);
    await user.click(screen.getByTestId("hook-secret-dismiss"));
    expect(screen.queryByTestId("hook-secret")).toBeNull();
  });

  it("offers its own chat or an existing chat, its own first", async () => {
    const { user } = renderHooks();
    await user.click(screen.getByTestId("hook-new"));
    const options = [...(screen.getByTestId("hook-target") as HTMLSelectElement).options];
    expect(options.map((o) => o.value)).toEqual(["", "s1"]);
    expect(options[0]?.textContent).toContain("Its own chat");
  });

  it("checks the name and template before sending, and shows the backend's refusal", async () => {
    const { user, props, rerenderWith } = renderHooks();
    await user.click(screen.getByTestId("hook-new"));
    await user.type(field("hook-name"), "bad name");
    await user.click(screen.getByTestId("hook-save"));
    expect(props.onAdd).not.toHaveBeenCalled();
    const error = screen.getByTestId("hook-form-error");
    expect(error.textContent).toContain("1 to 64 letters");
    expect(error.textContent).toContain("Write the prompt template");
    await waitFor(() => expect(document.activeElement).toBe(field("hook-name")));

    rerenderWith({
      onAdd: vi.fn(() =>
        Promise.resolve<Outcome<HookWithSecret>>({
          ok: false,
          error: { code: "INVALID_HOOK", message: "there is already a hook named github" },
        }),
      ),
    });
    await user.clear(field("hook-name"));
    await user.type(field("hook-name"), "github");
    await user.type(field("hook-template"), "x");
    await user.click(screen.getByTestId("hook-save"));
    expect(screen.getByTestId("hook-form-error").textContent).toContain("already a hook named github");
    expect(screen.getByTestId("hook-error-hint")).toBeTruthy();
    expect(screen.queryByTestId("hook-secret")).toBeNull();
  });

  it("edits a hook's template and chat, not its name, and shows no secret", async () => {
    const { user, props } = renderHooks();
    await user.click(within(row("ci")).getByTestId("hook-edit"));
    expect(field("hook-name").disabled).toBe(true);
    await user.selectOptions(screen.getByTestId("hook-target"), "");
    await user.click(screen.getByTestId("hook-save"));
    expect(props.onUpdate).toHaveBeenCalledExactlyOnceWith("ci", { session_id: "" });
    expect(screen.queryByTestId("hook-secret")).toBeNull();
  });

  it("adds a GitHub-signed hook: the way is chosen, said with its secret, shown on its row, no curl", async () => {
    const { user, props, rerenderWith } = renderHooks({ hooks: [] });
    await user.click(screen.getByTestId("hook-new"));
    const ways = [...(screen.getByTestId("hook-auth") as HTMLSelectElement).options].map((o) => o.value);
    expect(ways).toEqual(["bearer", "github", "standard_webhooks"]);
    await user.type(field("hook-name"), "issues");
    await user.type(field("hook-template"), "{{{{issue.title}}");
    await user.selectOptions(screen.getByTestId("hook-auth"), "github");
    await user.click(screen.getByTestId("hook-save"));
    expect(props.onAdd).toHaveBeenCalledExactlyOnceWith({ name: "issues", template: "{{issue.title}}", auth: "github" });
    expect(screen.getByTestId("hook-secret-panel").textContent).toContain("Paste it as the webhook’s Secret in GitHub");

    const signed: Hook = { ...HOOKS[0]!, name: "issues", auth: "github" };
    rerenderWith({ hooks: [signed] });
    expect(within(row("issues")).getByTestId("hook-auth-label").textContent).toBe("GitHub signature (X-Hub-Signature-256)");
    expect(within(row("issues")).queryByTestId("hook-curl"), "curl cannot sign").toBeNull();
  });

  it("takes the sender's own whsec_ secret, checked before sending and never shown back", async () => {
    const { user, props } = renderHooks({ hooks: [] });
    await user.click(screen.getByTestId("hook-new"));
    await user.type(field("hook-name"), "svix");
    await user.type(field("hook-template"), "x");
    await user.selectOptions(screen.getByTestId("hook-auth"), "standard_webhooks");
    await user.type(field("hook-secret-input"), "not-a-whsec-secret");
    await user.click(screen.getByTestId("hook-save"));
    expect(props.onAdd).not.toHaveBeenCalled();
    expect(screen.getByTestId("hook-form-error").textContent).toContain("starts with whsec_");
    await user.clear(field("hook-secret-input"));
    await user.type(field("hook-secret-input"), "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    await user.click(screen.getByTestId("hook-save"));
    expect(props.onAdd).toHaveBeenCalledExactlyOnceWith({
      name: "svix",
      template: "x",
      auth: "standard_webhooks",
      secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    });
  });

  it("switching a hook to Standard Webhooks asks for a new whsec_ secret and shows it once", async () => {
    const { user, props } = renderHooks();
    await user.click(within(row("github")).getByTestId("hook-edit"));
    await user.selectOptions(screen.getByTestId("hook-auth"), "standard_webhooks");
    await user.click(screen.getByTestId("hook-save"));
    expect(props.onUpdate).toHaveBeenCalledExactlyOnceWith("github", { auth: "standard_webhooks", rotate_secret: true });
    const panel = within(row("github")).getByTestId("hook-secret-panel");
    expect(within(panel).getByTestId("hook-secret").textContent).toBe("whsec_rotated");
  });
});
