import { describe, expect, it } from "vitest";
import type { Hook } from "./bindings/Hook";
import { checkHookDraft, curlExample, draftFromHook, hookPatch, hookUrl } from "./webhooks";

const HOOK: Hook = {
  name: "ci",
  session_id: null,
  template: "{{payload}}",
  enabled: true,
  auth: "bearer",
  created_at: 1,
  last_fired_at: null,
};
const DRAFT = { auth: "bearer", secret: "" } as const;

describe("checkHookDraft", () => {
  it("makes a NewHook with a trimmed name, the chat only when chosen", () => {
    expect(checkHookDraft({ ...DRAFT, name: " github-issues ", template: "New: {{issue.title}}", target: "" })).toEqual({
      ok: true,
      hook: { name: "github-issues", template: "New: {{issue.title}}" },
    });
    expect(checkHookDraft({ ...DRAFT, name: "ci_1", template: "x", target: "s1" })).toEqual({
      ok: true,
      hook: { name: "ci_1", template: "x", session_id: "s1" },
    });
  });

  it.each(["", "has space", "dots.no", "a/b", "x".repeat(65)])("refuses the name %j", (name) => {
    const check = checkHookDraft({ ...DRAFT, name, template: "x", target: "" });
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.problems.name).toBeTruthy();
  });

  it("needs a template", () => {
    const check = checkHookDraft({ ...DRAFT, name: "ci", template: "  ", target: "" });
    expect(check.ok || check.problems).toEqual({ template: "Write the prompt template its calls send." });
  });
});

describe("checkHookDraft and secrets", () => {
  const draft = (auth: "bearer" | "github" | "standard_webhooks", secret: string) =>
    checkHookDraft({ name: "ci", template: "x", target: "", auth, secret });

  it("sends the way only when it is not the default, and a pasted secret trimmed", () => {
    expect(draft("github", "")).toEqual({ ok: true, hook: { name: "ci", template: "x", auth: "github" } });
    expect(draft("github", "  a-long-enough-secret ")).toEqual({
      ok: true,
      hook: { name: "ci", template: "x", auth: "github", secret: "a-long-enough-secret" },
    });
  });

  it.each([
    ["standard_webhooks", "plain-secret-long-enough", "starts with whsec_"],
    ["standard_webhooks", "whsec_not base64", "starts with whsec_"],
    ["bearer", "short", "16 to 256"],
    ["github", "has a space in it somewhere", "16 to 256"],
  ] as const)("refuses a %s secret %j", (auth, secret, problem) => {
    const check = draft(auth, secret);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.problems.secret).toContain(problem);
  });
});

describe("hookPatch", () => {
  it("sends only the template and the chat that changed; an empty chat is its own again", () => {
    expect(hookPatch(HOOK, { name: "ci", template: "{{payload}}" })).toEqual({});
    expect(hookPatch(HOOK, { name: "ci", template: "Build: {{status}}", session_id: "s1" })).toEqual({
      template: "Build: {{status}}",
      session_id: "s1",
    });
    const inChat = { ...HOOK, session_id: "s1" };
    expect(hookPatch(inChat, { name: "ci", template: "{{payload}}" })).toEqual({ session_id: "" });
    expect(draftFromHook(inChat)).toEqual({ name: "ci", template: "{{payload}}", target: "s1", auth: "bearer", secret: "" });
  });

  it("sends a new way of proving the secret; Standard Webhooks needs a new whsec_ secret unless one is pasted", () => {
    expect(hookPatch(HOOK, { name: "ci", template: "{{payload}}", auth: "github" })).toEqual({ auth: "github" });
    expect(hookPatch(HOOK, { name: "ci", template: "{{payload}}", auth: "standard_webhooks" })).toEqual({
      auth: "standard_webhooks",
      rotate_secret: true,
    });
    expect(hookPatch(HOOK, { name: "ci", template: "{{payload}}", auth: "standard_webhooks", secret: "whsec_AAAA" })).toEqual({
      auth: "standard_webhooks",
      secret: "whsec_AAAA",
    });
    const signed = { ...HOOK, auth: "github" as const };
    expect(hookPatch(signed, { name: "ci", template: "{{payload}}" })).toEqual({ auth: "bearer" });
  });
});

describe("hookUrl and curlExample", () => {
  it("put the hook's name under /v1/hooks/ of the API's URL", () => {
    expect(hookUrl("http://127.0.0.1:7821", "ci")).toBe("http://127.0.0.1:7821/v1/hooks/ci");
    expect(hookUrl("http://127.0.0.1:7821/", "ci")).toBe("http://127.0.0.1:7821/v1/hooks/ci");
  });

  it("posts JSON with the secret as a bearer token, a placeholder unless given", () => {
    const url = "http://127.0.0.1:7821/v1/hooks/ci";
    expect(curlExample(url)).toBe(
      `curl -X POST -H "Authorization: Bearer <secret>" -H "Content-Type: application/json" -d '{"title": "Hello from curl"}' ${url}`,
    );
    expect(curlExample(url, "whsec_1")).toContain('"Authorization: Bearer whsec_1"');
  });
});
