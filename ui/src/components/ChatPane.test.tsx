import { act, fireEvent, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { AttachmentInfo } from "../bindings/AttachmentInfo";
import type { Frame } from "../bindings/Frame";
import type { ModelList } from "../bindings/ModelList";
import type { QueuedRun } from "../bindings/QueuedRun";
import type { UsageSummary } from "../bindings/UsageSummary";
import { retryLabel } from "../chatFormat";
import {
  conversationReducer,
  initialConversationState,
  type ConversationAction,
  type ConversationState,
} from "../conversation";
import { session } from "../test/fixtures";
import type { History } from "../bindings/History";
import { approval, FrameLog, historyAt, message, NO_USAGE, SESSION, snapshotAt } from "../test/frames";
import { ChatPane, type ChatPaneProps } from "./ChatPane";

const SESSION_ROW = session(SESSION, 1_000, { title: "Trip plans" });

const MODELS: ModelList = {
  models: [
    { id: "env:openai/gpt-4o-mini", provider: "openai", name: "gpt-4o-mini", capabilities: [] },
    { id: "env:openai/gpt-4o", provider: "openai", name: "gpt-4o", capabilities: [] },
  ],
  default: "env:openai/gpt-4o-mini",
};

/** The state a viewer reaches by watching `frames` (built with the real reducer). */
function watched(frames: readonly Frame[] = []): ConversationState {
  return reopened({ messages: [], watermark: 0, has_more: false }, frames, snapshotAt([], 0));
}

/** The state after opening a chat with `history`, its snapshot, then `frames`. */
function reopened(history: History, frames: readonly Frame[] = [], snapshot = snapshotAt(frames, 0)): ConversationState {
  const actions: ConversationAction[] = [
    { type: "opened", sessionId: SESSION },
    { type: "historyLoaded", sessionId: SESSION, history },
    { type: "snapshot", snapshot },
    ...frames.map((frame): ConversationAction => ({ type: "frame", frame })),
  ];
  return actions.reduce(conversationReducer, initialConversationState);
}

function renderPane(overrides: Partial<ChatPaneProps> = {}) {
  const props: ChatPaneProps = {
    session: SESSION_ROW,
    conversation: watched(),
    loadFailed: false,
    models: { list: MODELS, failed: false },
    usage: null,
    onNewSession: vi.fn(),
    onSend: vi.fn(() => Promise.resolve(true)),
    onSteer: vi.fn(() => Promise.resolve(true)),
    onStop: vi.fn(),
    onClearQueue: vi.fn(),
    onRetry: vi.fn(),
    onReload: vi.fn(),
    onModelChange: vi.fn(),
    onThinkingBudgetChange: vi.fn(),
    onChatSettingsChange: vi.fn(() => Promise.resolve(null)),
    onAnswerApproval: vi.fn(() => Promise.resolve(null)),
    ...overrides,
  };
  const user = userEvent.setup();
  const view = render(<ChatPane {...props} />);
  return { props, user, ...view, rerenderWith: (more: Partial<ChatPaneProps>) => view.rerender(<ChatPane {...props} {...more} />) };
}

const messages = () => screen.getAllByTestId("message");

describe("ChatPane messages", () => {
  it("shows the welcome screen with no session, and the empty chat for a session without messages", () => {
    const { rerenderWith } = renderPane({ session: null });
    expect(screen.getByTestId("chat-welcome")).toBeTruthy();
    rerenderWith({ session: SESSION_ROW });
    expect(screen.getByTestId("chat-header").textContent).toBe("Trip plans");
    expect(screen.getByTestId("chat-empty")).toBeTruthy();
    expect(screen.queryByTestId("message-list")).toBeNull();
  });

  it("shows Loading until this session's history is in, even if the previous one's still is", () => {
    const other = { ...watched(), sessionId: "other" };
    renderPane({ conversation: other });
    expect(screen.getByTestId("chat-loading")).toBeTruthy();
    expect(screen.queryByTestId("chat-empty")).toBeNull();
  });

  it("offers to try again when the chat could not be loaded", async () => {
    const { user, props } = renderPane({ conversation: { ...watched(), loaded: false }, loadFailed: true });
    await user.click(within(screen.getByTestId("chat-load-failed")).getByRole("button"));
    expect(props.onReload).toHaveBeenCalledOnce();
  });

  it("says when the live stream stopped, under a history that did load", async () => {
    const { user, props } = renderPane({ loadFailed: true });
    expect(screen.getByTestId("chat-empty"), "the history is still shown").toBeTruthy();
    await user.click(within(screen.getByTestId("chat-load-failed")).getByRole("button", { name: "Try again" }));
    expect(props.onReload).toHaveBeenCalledOnce();
  });

  it("renders each message with its role, id and status; user text as typed, assistant text as markdown", () => {
    const frames = new FrameLog()
      .startRun("r1", "u1", "Say **hi** <b>raw</b>")
      .reply("r1", "a1", ["Hi **there**", "\n\n<img src=x onerror=alert(1)>"])
      .finish("r1").frames;
    renderPane({ conversation: watched(frames) });
    const [user, reply] = messages();
    expect(user?.dataset).toMatchObject({ role: "user", messageId: "u1", status: "complete" });
    expect(reply?.dataset).toMatchObject({ role: "assistant", messageId: "a1", status: "complete" });
    const userText = within(user!).getByTestId("message-text");
    expect(userText.textContent, "the user's text is not interpreted").toBe("Say **hi** <b>raw</b>");
    const replyText = within(reply!).getByTestId("message-text");
    expect(replyText.querySelector("strong")?.textContent).toBe("there");
    expect(replyText.querySelector("img"), "no HTML from the model is rendered").toBeNull();
  });

  it("marks a proactive message as external, rendering its markdown no more than model text", () => {
    const frames = new FrameLog()
      .startRun("r1", "u1", "Hi")
      .reply("r1", "a1", ["Hello"])
      .finish("r1")
      .add(null, {
        type: "proactive_message",
        message_id: "p1",
        text: "Build **red** <img src=x onerror=alert(1)> [site](javascript:alert(1))",
        origin: "inbox",
        notify: true,
      }).frames;
    renderPane({ conversation: watched(frames) });
    const [, reply, posted] = messages();
    expect(within(reply!).queryByTestId("message-external-label"), "the model's own reply is not marked").toBeNull();
    expect(posted?.dataset).toMatchObject({ role: "assistant", source: "external", messageId: "p1" });
    expect(posted?.classList.contains("message-external")).toBe(true);
    expect(within(posted!).getByTestId("message-external-label").textContent).toBe("External message · not from the assistant");
    const text = within(posted!).getByTestId("message-text");
    expect(text.querySelector("strong")?.textContent).toBe("red");
    expect(text.querySelector("img"), "no HTML").toBeNull();
    expect(text.querySelector("a[href^='javascript']"), "no script links").toBeNull();
  });

  it("labels a webhook's turn, a user-role external message, as Webhook and shows it as typed", () => {
    const history: History = {
      messages: [
        { ...message("w1", "user", [{ type: "text", text: "New issue: **Crash**" }]), source: "external" },
        message("u2", "user", [{ type: "text", text: "Typed by me" }]),
      ],
      watermark: 0,
      has_more: false,
    };
    renderPane({ conversation: reopened(history) });
    const [hook, typed] = messages();
    expect(within(hook!).getByTestId("message-external-label").textContent).toBe("Webhook");
    expect(within(hook!).getByTestId("message-text").textContent).toBe("New issue: **Crash**");
    expect(within(typed!).queryByTestId("message-external-label")).toBeNull();
  });

  it("marks a streaming reply and shows the phase", () => {
    const frames = new FrameLog()
      .startRun("r1", "u1", "Hi")
      .add("r1", { type: "message_start", message_id: "a1" }, { type: "phase", phase: "streaming" })
      .add("r1", { type: "text_delta", index: 0, text: "Hel" }).frames;
    renderPane({ conversation: watched(frames) });
    expect(messages()[1]?.dataset.status).toBe("streaming");
    const phase = screen.getByTestId("phase-indicator");
    expect(phase.dataset.phase).toBe("streaming");
    expect(phase.textContent).toBe("Streaming…");
  });

  it("shows Connecting… and Thinking… and nothing once idle", () => {
    const log = new FrameLog().startRun("r1", "u1", "Hi");
    const { rerenderWith } = renderPane({ conversation: watched(log.frames) });
    expect(screen.getByTestId("phase-indicator").textContent).toBe("Connecting…");
    log.add("r1", { type: "phase", phase: "thinking" });
    rerenderWith({ conversation: watched(log.frames) });
    expect(screen.getByTestId("phase-indicator").textContent).toBe("Thinking…");
    log.finish("r1");
    rerenderWith({ conversation: watched(log.frames) });
    expect(screen.getByTestId("phase-indicator").dataset.phase).toBe("idle");
    expect(screen.getByTestId("phase-indicator").textContent).toBe("");
  });

  it("says when the provider is being retried", () => {
    const frames = new FrameLog()
      .startRun("r1", "u1", "Hi")
      .add("r1", { type: "retrying", attempt: 2, delay_ms: 2000, reason: "rate_limited" }).frames;
    renderPane({ conversation: watched(frames) });
    expect(screen.getByTestId("retrying-indicator").textContent).toBe("Rate limited, retrying in 2 s (attempt 2)");
  });

  it("keeps a stopped reply's text with a Stopped marker, and offers no retry", () => {
    const frames = new FrameLog()
      .startRun("r1", "u1", "Poem")
      .add("r1", { type: "message_start", message_id: "a1" }, { type: "text_delta", index: 0, text: "Roses are" })
      .finish("r1", "aborted").frames;
    renderPane({ conversation: watched(frames) });
    const reply = messages()[1]!;
    expect(reply.dataset.status).toBe("aborted");
    expect(within(reply).getByTestId("message-text").textContent?.trim()).toBe("Roses are");
    expect(within(reply).getByTestId("message-marker").textContent).toBe("Stopped");
    expect(screen.queryByTestId("run-retry")).toBeNull();
  });

  it("shows a failed run's error with a Retry that calls back", async () => {
    const frames = new FrameLog().startRun("r1", "u1", "Hi").finish("r1", "error", "401: invalid API key").frames;
    const { user, props } = renderPane({ conversation: watched(frames) });
    expect(screen.getByTestId("run-error").textContent).toBe("401: invalid API key");
    await user.click(screen.getByTestId("run-retry"));
    expect(props.onRetry).toHaveBeenCalledOnce();
  });

  it("says what to do under a failed run's error, when its code has a hint", () => {
    const frames = new FrameLog()
      .startRun("r1", "u1", "Hi")
      .add(
        "r1",
        { type: "phase", phase: "idle" },
        { type: "run_completed", status: "error", usage: NO_USAGE, error: { code: "RATE_LIMITED", message: "429: slow down" } },
      ).frames;
    renderPane({ conversation: watched(frames) });
    expect(screen.getByTestId("run-error").textContent, "the hint is not part of the message").toBe("429: slow down");
    expect(screen.getByTestId("run-error-hint").textContent).toBe("The provider is rate limiting. Wait a moment, then Retry.");
  });

  it("shows no hint for an error code without one, nor for a failure known only from the history", () => {
    const frames = new FrameLog().startRun("r1", "u1", "Hi").finish("r1", "error", "something broke").frames;
    const { rerenderWith } = renderPane({ conversation: watched(frames) });
    expect(screen.getByTestId("run-error").textContent).toBe("something broke");
    expect(screen.queryByTestId("run-error-hint")).toBeNull();

    const interrupted = new FrameLog()
      .startRun("r1", "u1", "Hi")
      .add("r1", { type: "phase", phase: "idle" }, { type: "run_completed", status: "interrupted", usage: NO_USAGE }).frames;
    rerenderWith({ conversation: watched(interrupted) });
    expect(screen.getByTestId("run-error").textContent).toBe("Interrupted");
    expect(screen.queryByTestId("run-error-hint")).toBeNull();
  });

  it("shows Interrupted with a Retry for a run cut off by a restart", () => {
    const frames = new FrameLog()
      .startRun("r1", "u1", "Hi")
      .add("r1", { type: "message_start", message_id: "a1" }, { type: "text_delta", index: 0, text: "Par" })
      .finish("r1", "interrupted").frames;
    renderPane({ conversation: watched(frames) });
    expect(messages()[1]?.dataset.status).toBe("interrupted");
    expect(screen.getByTestId("run-error").textContent).toBe("Interrupted");
    expect(screen.getByTestId("run-retry")).toBeTruthy();
  });

  it("hides thinking until asked", async () => {
    const frames = new FrameLog().add(
      "r1",
      { type: "message_start", message_id: "a1" },
      { type: "thinking_delta", index: 0, text: "secret plan" },
      { type: "thinking_end", index: 0 },
    ).frames;
    const { user } = renderPane({ conversation: watched(frames) });
    const block = screen.getByTestId("thinking-block");
    expect(block.textContent).not.toContain("secret plan");
    await user.click(within(block).getByRole("button", { name: /Thought process/ }));
    expect(block.textContent).toContain("secret plan");
  });
});

describe("ChatPane scrolling", () => {
  /** jsdom does no layout: give the scroller a size. */
  function sized(el: HTMLElement, scrollHeight: number, clientHeight = 200) {
    Object.defineProperty(el, "scrollHeight", { configurable: true, value: scrollHeight });
    Object.defineProperty(el, "clientHeight", { configurable: true, value: clientHeight });
  }

  it("follows new text at the bottom, but not after the user scrolled up to read", () => {
    const log = new FrameLog().startRun("r1", "u1", "Hi").add("r1", { type: "message_start", message_id: "a1" });
    const { container, rerenderWith } = renderPane({ conversation: watched(log.frames) });
    const scroller = container.querySelector(".chat-scroll") as HTMLElement;

    sized(scroller, 1_000);
    log.add("r1", { type: "text_delta", index: 0, text: "more" });
    rerenderWith({ conversation: watched(log.frames) });
    expect(scroller.scrollTop, "at the bottom: keep following").toBe(1_000);

    act(() => {
      scroller.scrollTop = 300;
      scroller.dispatchEvent(new Event("scroll"));
    });
    sized(scroller, 1_400);
    log.add("r1", { type: "text_delta", index: 0, text: " and more" });
    rerenderWith({ conversation: watched(log.frames) });
    expect(scroller.scrollTop, "scrolled up: stay where the user is reading").toBe(300);

    act(() => screen.getByRole("button", { name: "Scroll to the latest message" }).click());
    expect(scroller.scrollTop).toBe(1_400);
  });
});

describe("ChatPane queue", () => {
  const queue: QueuedRun[] = [
    { run_id: "r2", message_id: "u2", priority: "next", text: "do this next" },
    { run_id: "r3", message_id: "u3", priority: "later", text: "and this later" },
  ];

  it("lists queued messages with their priority above the composer, and clears them", async () => {
    const frames = new FrameLog()
      .startRun("r1", "u1", "Hi")
      .add("r2", { type: "user_message", message_id: "u2", text: "do this next" })
      .add(null, { type: "queue_changed", queue }).frames;
    const { user, props } = renderPane({ conversation: watched(frames) });
    const items = within(screen.getByTestId("queue-list")).getAllByTestId("queued-item");
    expect(items.map((i) => i.dataset.priority)).toEqual(["next", "later"]);
    expect(items[0]?.textContent).toContain("do this next");
    expect(messages().map((m) => m.dataset.messageId), "a queued message is shown in the queue only").toEqual(["u1"]);
    await user.click(screen.getByTestId("queue-clear"));
    expect(props.onClearQueue).toHaveBeenCalledOnce();
  });

  it("shows no queue when nothing is queued", () => {
    renderPane();
    expect(screen.queryByTestId("queue-list")).toBeNull();
  });
});

describe("ChatPane composer wiring", () => {
  it("sends through onSend, and offers Stop and Steer while the session runs", async () => {
    const log = new FrameLog();
    const { user, props, rerenderWith } = renderPane({ conversation: watched(log.frames) });
    await user.type(screen.getByTestId("composer-input"), "Hello{Enter}");
    expect(props.onSend).toHaveBeenCalledExactlyOnceWith("Hello", "later", []);

    log.startRun("r1", "u1", "Hello");
    rerenderWith({ conversation: watched(log.frames) });
    await user.click(screen.getByTestId("composer-stop"));
    expect(props.onStop).toHaveBeenCalledOnce();
    await user.type(screen.getByTestId("composer-input"), "shorter please");
    await user.click(screen.getByTestId("composer-steer"));
    expect(props.onSteer).toHaveBeenCalledExactlyOnceWith("shorter please");
  });

  it("runs when the snapshot says a run is going, even before any frame", () => {
    const state = conversationReducer(watched(), {
      type: "snapshot",
      snapshot: { session_id: SESSION, phase: "thinking", running_run_id: "r1", queue: [], pending_approvals: [], last_seq: 5 },
    });
    renderPane({ conversation: state });
    expect(screen.getByTestId("composer-stop")).toBeTruthy();
  });
});

describe("ChatPane model picker", () => {
  it("offers the default and every model, showing the session's choice", async () => {
    const { user, props } = renderPane({ session: { ...SESSION_ROW, model: "env:openai/gpt-4o" } });
    const picker = screen.getByTestId("model-picker") as HTMLSelectElement;
    expect([...picker.options].map((o) => o.value)).toEqual(["", "env:openai/gpt-4o-mini", "env:openai/gpt-4o"]);
    expect(picker.options[0]?.textContent).toBe("Default (gpt-4o-mini)");
    expect(picker.value).toBe("env:openai/gpt-4o");
    await user.selectOptions(picker, "");
    expect(props.onModelChange).toHaveBeenCalledExactlyOnceWith("");
  });

  it("uses the default when the session has no model, and keeps an unknown one selectable", () => {
    const { rerenderWith } = renderPane();
    expect((screen.getByTestId("model-picker") as HTMLSelectElement).value).toBe("");
    rerenderWith({ session: { ...SESSION_ROW, model: "env:anthropic/old" } });
    const picker = screen.getByTestId("model-picker") as HTMLSelectElement;
    expect(picker.value).toBe("env:anthropic/old");
    expect(picker.selectedOptions[0]?.textContent).toContain("unavailable");
  });

  it("says no model is configured, and how to configure one", () => {
    renderPane({ models: { list: { models: [], default: null }, failed: false } });
    expect(screen.queryByTestId("model-picker")).toBeNull();
    expect(screen.getByTestId("model-missing").textContent).toBe("No model configured");
    const hint = screen.getByTestId("model-hint").textContent;
    expect(hint).toContain("Add a model account in Settings");
    expect(hint).toContain("set OPENAI_API_KEY (and OPENAI_BASE_URL for a local server) and restart");
  });
});

describe("ChatPane model capabilities", () => {
  const CAPABLE: ModelList = {
    models: [
      {
        id: "env:anthropic/claude-sonnet-4-5",
        provider: "anthropic",
        name: "claude-sonnet-4-5",
        capabilities: ["vision", "tools", "reasoning"],
      },
      { id: "env:openai/gpt-4o-mini", provider: "openai", name: "gpt-4o-mini", capabilities: ["tools"] },
      { id: "ollama/llama3.2", provider: "openai_compatible", name: "llama3.2", capabilities: [] },
    ],
    default: "env:openai/gpt-4o-mini",
  };
  const badges = () => screen.queryAllByTestId("model-capability").map((b) => b.dataset.capability);

  it("lists each model's capabilities in its option", () => {
    renderPane({ models: { list: CAPABLE, failed: false } });
    const picker = screen.getByTestId("model-picker") as HTMLSelectElement;
    expect([...picker.options].map((o) => o.textContent)).toEqual([
      "Default (gpt-4o-mini)",
      "claude-sonnet-4-5 · anthropic · vision, tools, reasoning",
      "gpt-4o-mini · openai · tools",
      "llama3.2 · openai_compatible",
    ]);
  });

  it("shows the chosen model's capabilities beside the picker, with their meaning as a title", () => {
    const { rerenderWith } = renderPane({
      session: { ...SESSION_ROW, model: "env:anthropic/claude-sonnet-4-5" },
      models: { list: CAPABLE, failed: false },
    });
    expect(badges()).toEqual(["vision", "tools", "reasoning"]);
    const reasoning = screen.getAllByTestId("model-capability")[2]!;
    expect(reasoning.getAttribute("title")).toMatch(/think/);
    expect(reasoning.textContent, "named for screen readers").toBe("Reasoning");
    expect(screen.getByTestId("model-capabilities").closest("header")).toBeTruthy();

    rerenderWith({ session: SESSION_ROW, models: { list: CAPABLE, failed: false } });
    expect(badges(), "the default model's").toEqual(["tools"]);
    rerenderWith({ session: { ...SESSION_ROW, model: "ollama/llama3.2" }, models: { list: CAPABLE, failed: false } });
    expect(screen.queryByTestId("model-capabilities"), "nothing known, nothing shown").toBeNull();
    rerenderWith({ session: { ...SESSION_ROW, model: "env:anthropic/old" }, models: { list: CAPABLE, failed: false } });
    expect(screen.queryByTestId("model-capabilities")).toBeNull();
  });
});

describe("ChatPane thinking budget", () => {
  const REASONING: ModelList = {
    models: [
      { id: "env:anthropic/claude-sonnet-4-5", provider: "anthropic", name: "claude-sonnet-4-5", capabilities: ["reasoning"] },
      { id: "env:openai/gpt-4o-mini", provider: "openai", name: "gpt-4o-mini", capabilities: ["tools"] },
    ],
    default: "env:anthropic/claude-sonnet-4-5",
  };
  const select = () => screen.getByTestId("thinking-budget") as HTMLSelectElement;

  it("offers Off, Low, Medium and High for a model that reasons, and sends the budget", async () => {
    const { user, props } = renderPane({ models: { list: REASONING, failed: false } });
    expect(select().disabled, "the default model reasons").toBe(false);
    expect([...select().options].map((o) => [o.value, o.textContent])).toEqual([
      ["0", "Off"],
      ["4096", "Low 4k"],
      ["16384", "Medium 16k"],
      ["32768", "High 32k"],
    ]);
    expect(select().value).toBe("0");
    expect(select().closest("header")).toBeTruthy();
    await user.selectOptions(select(), "16384");
    expect(props.onThinkingBudgetChange).toHaveBeenCalledExactlyOnceWith(16384);
  });

  it("shows the session's budget, and one that is no preset as Custom", async () => {
    const { user, props, rerenderWith } = renderPane({
      session: { ...SESSION_ROW, thinking_budget: 4096 },
      models: { list: REASONING, failed: false },
    });
    expect(select().value).toBe("4096");
    rerenderWith({ session: { ...SESSION_ROW, thinking_budget: 10_000 } });
    expect(select().value).toBe("10000");
    expect(select().selectedOptions[0]?.textContent).toBe("Custom (10000)");
    await user.selectOptions(select(), "0");
    expect(props.onThinkingBudgetChange).toHaveBeenCalledExactlyOnceWith(0);
  });

  it("is disabled, saying why, when the model does not think", () => {
    renderPane({
      session: { ...SESSION_ROW, model: "env:openai/gpt-4o-mini" },
      models: { list: REASONING, failed: false },
    });
    expect(select().disabled).toBe(true);
    expect(select().getAttribute("title")).toMatch(/gpt-4o-mini does not think/);
  });

  it("is not shown while there are no models to think with", () => {
    const { rerenderWith } = renderPane({ models: { list: null, failed: false } });
    expect(screen.queryByTestId("thinking-budget")).toBeNull();
    rerenderWith({ models: { list: null, failed: true } });
    expect(screen.queryByTestId("thinking-budget")).toBeNull();
    rerenderWith({ models: { list: { models: [], default: null }, failed: false } });
    expect(screen.queryByTestId("thinking-budget")).toBeNull();
  });
});

describe("ChatPane composer focus", () => {
  it("puts the cursor in the composer when asked (a chat started from onboarding)", () => {
    renderPane({ focusComposer: true });
    expect(document.activeElement).toBe(screen.getByTestId("composer-input"));
  });

  it("leaves focus alone otherwise", () => {
    renderPane();
    expect(document.activeElement).not.toBe(screen.getByTestId("composer-input"));
  });
});

describe("ChatPane session usage", () => {
  const summary = (input: number, output: number, cost: number | null, fullyPriced = cost !== null): UsageSummary => ({
    usage: { input_tokens: input, output_tokens: output, cache_read_tokens: 0, cache_write_tokens: 0 },
    cost_usd: cost,
    fully_priced: fullyPriced,
  });

  it("shows the session's tokens and cost in the header", () => {
    renderPane({ usage: summary(1_000, 234, 0.42) });
    const label = screen.getByTestId("session-usage");
    expect(label.textContent).toBe("1.2k tokens · $0.42");
    expect(label.closest("header"), "in the chat header").toBeTruthy();
    expect(label.getAttribute("title")).toContain("Input: 1,000 tokens");
  });

  it("shows tokens only when no price is known, a tiny cost as <$0.01, and follows new numbers", () => {
    const { rerenderWith } = renderPane({ usage: summary(40, 2, null) });
    expect(screen.getByTestId("session-usage").textContent).toBe("42 tokens");
    rerenderWith({ usage: summary(900, 300, 0.003) });
    expect(screen.getByTestId("session-usage").textContent).toBe("1.2k tokens · <$0.01");
    rerenderWith({ usage: summary(900, 300, 0.5, false) });
    expect(screen.getByTestId("session-usage").textContent).toBe("1.2k tokens · ≥ $0.50");
  });

  it("is hidden until the session has used a token", () => {
    const { rerenderWith } = renderPane({ usage: null });
    expect(screen.queryByTestId("session-usage")).toBeNull();
    rerenderWith({ usage: summary(0, 0, 0) });
    expect(screen.queryByTestId("session-usage")).toBeNull();
  });
});

describe("retryLabel", () => {
  it("words common reasons", () => {
    expect(retryLabel({ attempt: 3, delayMs: 1500, reason: "overloaded" })).toBe(
      "The provider is overloaded, retrying in 2 s (attempt 3)",
    );
    expect(retryLabel({ attempt: 1, delayMs: 0, reason: "server_error" })).toBe("Server error, retrying in 1 s (attempt 1)");
  });
});

describe("ChatPane tool cards", () => {
  const cards = () => screen.getAllByTestId("tool-card");
  const card = (tool: string) => cards().find((c) => c.dataset.tool === tool)!;

  /** A reply that calls `calls` ([id, name, args]), ended, in run r1. */
  function callingLog(calls: Array<[string, string, string]>) {
    const log = new FrameLog().startRun("r1", "u1", "Go").add("r1", { type: "message_start", message_id: "a1" });
    calls.forEach(([id, name, args], i) => log.toolCall("r1", i, id, name, [args]));
    log.add("r1", ...calls.map((_, i) => ({ type: "tool_call_end" as const, index: i })));
    return log.add("r1", { type: "message_end", message_id: "a1", stop_reason: "tool_use", usage: NO_USAGE });
  }

  it("shows the arguments raw while they stream, and pretty once they parse", () => {
    const log = new FrameLog()
      .add("r1", { type: "message_start", message_id: "a1" })
      .toolCall("r1", 0, "t1", "read_file", ['{"path": "a.t']);
    const { rerenderWith } = renderPane({ conversation: watched(log.frames) });
    expect(card("read_file").dataset.status).toBe("streaming");
    expect(within(card("read_file")).getByTestId("tool-args").textContent).toBe('{"path": "a.t');
    log.add("r1", { type: "tool_call_delta", index: 0, partial_json: 'xt"}' });
    rerenderWith({ conversation: watched(log.frames) });
    expect(within(card("read_file")).getByTestId("tool-args").textContent).toBe('{\n  "path": "a.txt"\n}');
  });

  it("names an MCP tool's server beside the tool", () => {
    renderPane({ conversation: watched(callingLog([["t1", "github__create_issue", '{"title":"Bug"}']]).frames) });
    const c = card("github__create_issue");
    expect(within(c).getByTestId("tool-server").textContent).toBe("github");
    expect(within(c).getByTestId("tool-name").textContent).toBe("create_issue");
    expect(within(card("github__create_issue")).queryByTestId("approval-card")).toBeNull();
  });

  it("shows a call running, with how long it has run, then done with its duration and result", () => {
    const log = callingLog([["t1", "run_shell", '{"command":"make"}']]).add("r1", { type: "phase", phase: "tool" });
    const end = log.frames.find((f) => f.type === "message_end")!;
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(end.ts + 3_000);
      const { rerenderWith } = renderPane({ conversation: watched(log.frames) });
      expect(card("run_shell").dataset.status).toBe("running");
      expect(within(card("run_shell")).getByTestId("tool-status").textContent).toBe("Running · 3.0 s");
      log.add("r1", { type: "tool_result", tool_use_id: "t1", name: "run_shell", content: "built", is_error: false, duration_ms: 2_400 });
      rerenderWith({ conversation: watched(log.frames) });
    } finally {
      vi.useRealTimers();
    }
    const done = card("run_shell");
    expect(done.dataset.status).toBe("done");
    expect(within(done).getByTestId("tool-status").textContent).toBe("Done in 2.4 s");
    const result = within(done).getByTestId("tool-result");
    expect(result.textContent).toContain("built");
    expect(result.dataset.error).toBe("false");
    expect(within(result).queryByTestId("tool-result-toggle"), "a short result is simply shown").toBeNull();
  });

  it("collapses a long result to its first lines, shows it all on demand, and marks an error", async () => {
    const long = Array.from({ length: 40 }, (_, i) => `error line ${i + 1}`).join("\n");
    const log = callingLog([["t1", "run_shell", '{"command":"make"}']]).add("r1", {
      type: "tool_result",
      tool_use_id: "t1",
      name: "run_shell",
      content: long,
      is_error: true,
      duration_ms: 10,
    });
    const { user } = renderPane({ conversation: watched(log.frames) });
    expect(card("run_shell").dataset.status).toBe("error");
    const result = screen.getByTestId("tool-result");
    expect(result.dataset.error).toBe("true");
    expect(result.className).toContain("is-error");
    expect(result.dataset.collapsed).toBe("true");
    expect(result.textContent).toContain("error line 8");
    expect(result.textContent).not.toContain("error line 40");
    const toggle = screen.getByTestId("tool-result-toggle");
    expect(toggle.getAttribute("aria-expanded")).toBe("false");
    expect(toggle.textContent).toContain("40 lines");
    await user.click(toggle);
    expect(result.textContent).toContain("error line 40");
    expect(toggle.getAttribute("aria-expanded")).toBe("true");
  });

  it("builds the cards from the history, results inside their calls, not as a user bubble", () => {
    const history: History = {
      messages: [
        message("u1", "user", [{ type: "text", text: "What's in a.txt?" }]),
        message(
          "a1",
          "assistant",
          [
            { type: "text", text: "Reading it" },
            { type: "tool_use", id: "t1", name: "read_file", input: { path: "a.txt" } },
            { type: "tool_use", id: "t2", name: "fetch_url", input: { url: "https://x.org" } },
          ],
          "complete",
          "r1",
          9,
        ),
        {
          ...message(
            "res1",
            "user",
            [
              { type: "tool_result", tool_use_id: "t1", content: "hello", is_error: false },
              { type: "tool_result", tool_use_id: "t2", content: "The user denied this tool call.", is_error: true },
            ],
            "complete",
            "r1",
            12,
          ),
          source: "model",
        },
        message("a2", "assistant", [{ type: "text", text: "It says hello." }], "complete", "r1", 20),
      ],
      watermark: 20,
      has_more: false,
    };
    renderPane({ conversation: reopened(history) });
    expect(messages().map((m) => m.dataset.messageId)).toEqual(["u1", "a1", "a2"]);
    expect(card("read_file").dataset.status).toBe("done");
    expect(within(card("read_file")).getByTestId("tool-args").textContent).toBe('{\n  "path": "a.txt"\n}');
    expect(within(card("read_file")).getByTestId("tool-result").textContent).toContain("hello");
    expect(within(card("read_file")).getByTestId("tool-status").textContent, "no duration in the history").toBe("Done");
    expect(card("fetch_url").dataset.status).toBe("error");
    expect(within(card("fetch_url")).getByTestId("tool-result").textContent).toContain("The user denied this tool call.");
  });

  it("marks a call refused by a rule, and calls cut by a stop", () => {
    const log = callingLog([
      ["t1", "fetch_url", '{"url":"https://x.org"}'],
      ["t2", "run_shell", '{"command":"sleep 100"}'],
    ]);
    log.add("r1", { type: "phase", phase: "tool" });
    const refused = new FrameLog().add("r1", ...log.frames.map(({ session_id: _s, seq: _q, run_id: _r, ts: _t, ...body }) => body));
    refused.add("r1", { type: "tool_result", tool_use_id: "t2", name: "run_shell", content: "", is_error: false, duration_ms: 5 });
    refused.add("r1", { type: "phase", phase: "connecting" });
    const { rerenderWith } = renderPane({ conversation: watched(refused.frames) });
    expect(card("fetch_url").dataset.status).toBe("denied");
    expect(within(card("fetch_url")).getByTestId("tool-status").textContent).toBe("Denied by a rule");
    expect(within(card("run_shell")).getByTestId("tool-result").textContent).toContain("No output.");

    log.finish("r1", "aborted");
    rerenderWith({ conversation: watched(log.frames) });
    expect(cards().map((c) => c.dataset.status)).toEqual(["stopped", "stopped"]);
  });
});

describe("ChatPane approvals", () => {
  const ASK = approval("ap1", "t1", "run_shell", { command: "git status --short", timeout_s: 30 }, "git status --short");

  function asking() {
    return new FrameLog()
      .startRun("r1", "u1", "Status?")
      .add("r1", { type: "message_start", message_id: "a1" })
      .toolCall("r1", 0, "t1", "run_shell", ['{"command":"git status --short","timeout_s":30}'])
      .add(
        "r1",
        { type: "tool_call_end", index: 0 },
        { type: "message_end", message_id: "a1", stop_reason: "tool_use", usage: NO_USAGE },
        { type: "approval_requested", approval: ASK },
        { type: "phase", phase: "waiting_approval" },
      );
  }
  const buttons = () =>
    ["approval-allow-once", "approval-allow-session", "approval-allow-always", "approval-deny"].map(
      (id) => screen.getByTestId(id) as HTMLButtonElement,
    );

  it("shows the approval card in the waiting call: what it acts on and its full arguments", () => {
    renderPane({ conversation: watched(asking().frames) });
    const c = screen.getByTestId("tool-card");
    expect(c.dataset.status).toBe("waiting_approval");
    const cardEl = within(c).getByTestId("approval-card");
    expect(within(cardEl).getByTestId("approval-subject").textContent).toBe("git status --short");
    expect(within(cardEl).getByTestId("tool-args").textContent).toBe(
      '{\n  "command": "git status --short",\n  "timeout_s": 30\n}',
    );
    expect(screen.getByTestId("phase-indicator").textContent).toBe("Waiting for approval…");
  });

  it("allows once, then keeps the buttons disabled until the answer's frame replaces the card", async () => {
    const log = asking();
    const { user, props, rerenderWith } = renderPane({ conversation: watched(log.frames) });
    await user.click(screen.getByTestId("approval-allow-once"));
    expect(props.onAnswerApproval).toHaveBeenCalledExactlyOnceWith("ap1", { allow: true });
    expect(buttons().every((b) => b.disabled), "no second answer while the first is on its way").toBe(true);
    log.add("r1", { type: "approval_resolved", approval_id: "ap1", tool_use_id: "t1", outcome: "allowed" });
    rerenderWith({ conversation: watched(log.frames) });
    expect(screen.queryByTestId("approval-card")).toBeNull();
    expect(screen.getByTestId("tool-card").dataset.status).toBe("running");
  });

  it("allows for this chat", async () => {
    const { user, props } = renderPane({ conversation: watched(asking().frames) });
    await user.click(screen.getByTestId("approval-allow-session"));
    expect(props.onAnswerApproval).toHaveBeenCalledExactlyOnceWith("ap1", { allow: true, remember: "session" });
  });

  it("always allows with the suggested pattern, an edited one, or none", async () => {
    const { user, props } = renderPane({ conversation: watched(asking().frames) });
    await user.click(screen.getByTestId("approval-allow-always"));
    const pattern = screen.getByTestId("approval-pattern") as HTMLInputElement;
    expect(pattern.value, "the command's first words").toBe("git status");
    expect(document.activeElement).toBe(pattern);
    await user.clear(pattern);
    await user.type(pattern, "git{Enter}");
    expect(props.onAnswerApproval).toHaveBeenLastCalledWith("ap1", { allow: true, remember: "always", pattern: "git" });
  });

  it("offers no rule for an interpreter, and says why", async () => {
    const cmd = "bash -c 'id'";
    const ask = approval("ap1", "t1", "run_shell", { command: cmd }, cmd);
    const log = new FrameLog()
      .startRun("r1", "u1", "Who?")
      .add("r1", { type: "message_start", message_id: "a1" })
      .toolCall("r1", 0, "t1", "run_shell", [JSON.stringify({ command: cmd })])
      .add(
        "r1",
        { type: "tool_call_end", index: 0 },
        { type: "message_end", message_id: "a1", stop_reason: "tool_use", usage: NO_USAGE },
        { type: "approval_requested", approval: ask },
      );
    const { user } = renderPane({ conversation: watched(log.frames) });
    await user.click(screen.getByTestId("approval-allow-always"));
    expect((screen.getByTestId("approval-pattern") as HTMLInputElement).value, "no pattern is suggested").toBe("");
    expect(screen.getByTestId("approval-no-rule").textContent).toMatch(/No rule can vouch for this command/);
  });

  it("warns before a fetch reaches this computer, and suggests a rule for exactly that origin", async () => {
    const url = "http://localhost:3000/admin?x=1";
    const ask = approval("ap1", "t1", "fetch_url", { url }, url);
    const log = new FrameLog()
      .startRun("r1", "u1", "Fetch")
      .add("r1", { type: "message_start", message_id: "a1" })
      .toolCall("r1", 0, "t1", "fetch_url", [JSON.stringify({ url })])
      .add(
        "r1",
        { type: "tool_call_end", index: 0 },
        { type: "message_end", message_id: "a1", stop_reason: "tool_use", usage: NO_USAGE },
        { type: "approval_requested", approval: ask },
      );
    const { user } = renderPane({ conversation: watched(log.frames) });
    expect(screen.getByTestId("approval-local").textContent).toMatch(/your computer or local network/);
    await user.click(screen.getByTestId("approval-allow-always"));
    expect((screen.getByTestId("approval-pattern") as HTMLInputElement).value).toBe("http://localhost:3000/");
  });

  it("says nothing about rules for a command a rule can cover", async () => {
    const { user } = renderPane({ conversation: watched(asking().frames) });
    await user.click(screen.getByTestId("approval-allow-always"));
    expect(screen.queryByTestId("approval-no-rule")).toBeNull();
  });

  it("always allows every call of the tool when the pattern is emptied", async () => {
    const { user, props } = renderPane({ conversation: watched(asking().frames) });
    await user.click(screen.getByTestId("approval-allow-always"));
    await user.clear(screen.getByTestId("approval-pattern"));
    await user.click(screen.getByTestId("approval-always-confirm"));
    expect(props.onAnswerApproval).toHaveBeenCalledExactlyOnceWith("ap1", { allow: true, remember: "always" });
  });

  it("runs the call with arguments the user edited, refusing what is not a JSON object", async () => {
    const { user, props } = renderPane({ conversation: watched(asking().frames) });
    await user.click(screen.getByTestId("approval-edit"));
    const box = screen.getByTestId("approval-edit-input") as HTMLTextAreaElement;
    expect(document.activeElement).toBe(box);
    expect(box.value).toBe('{\n  "command": "git status --short",\n  "timeout_s": 30\n}');
    await user.clear(box);
    await user.type(box, "[[1, 2]");
    await user.click(screen.getByTestId("approval-edit-confirm"));
    expect(screen.getByTestId("approval-edit-error").textContent).toMatch(/JSON object/);
    expect(props.onAnswerApproval).not.toHaveBeenCalled();
    await user.clear(box);
    await user.type(box, '{{"command": "git status"}');
    await user.click(screen.getByTestId("approval-edit-confirm"));
    expect(props.onAnswerApproval).toHaveBeenCalledExactlyOnceWith("ap1", { allow: true, input: { command: "git status" } });
  });

  it("denies with a message for the model, or without one", async () => {
    const { user, props } = renderPane({ conversation: watched(asking().frames) });
    await user.click(screen.getByTestId("approval-deny"));
    const input = screen.getByTestId("approval-deny-message");
    expect(document.activeElement).toBe(input);
    await user.type(input, "  not on this repo ");
    await user.click(screen.getByTestId("approval-deny-confirm"));
    expect(props.onAnswerApproval).toHaveBeenCalledExactlyOnceWith("ap1", { allow: false, message: "not on this repo" });
  });

  it("allows once with Enter on the focused card, and starts a denial with Esc", async () => {
    const { user, props } = renderPane({ conversation: watched(asking().frames) });
    const cardEl = screen.getByTestId("approval-card");
    act(() => cardEl.focus());
    await user.keyboard("{Escape}");
    expect(document.activeElement).toBe(screen.getByTestId("approval-deny-message"));
    await user.keyboard("{Escape}");
    expect(document.activeElement, "Esc again goes back to the card").toBe(cardEl);
    expect(screen.queryByTestId("approval-deny-message")).toBeNull();
    await user.keyboard("{Enter}");
    expect(props.onAnswerApproval).toHaveBeenCalledExactlyOnceWith("ap1", { allow: true });
  });

  it("says the request expired when the backend no longer has it, and offers no answer any more", async () => {
    const { user } = renderPane({
      conversation: watched(asking().frames),
      onAnswerApproval: vi.fn(() => Promise.resolve({ code: "APPROVAL_NOT_FOUND" as const, message: "no approval ap1" })),
    });
    await user.click(screen.getByTestId("approval-allow-session"));
    expect(screen.getByTestId("approval-expired").textContent).toContain("This request expired");
    expect(buttons().every((b) => b.disabled)).toBe(true);
  });

  it("shows another error and lets the user answer again", async () => {
    const onAnswerApproval = vi
      .fn()
      .mockResolvedValueOnce({ code: "UNKNOWN", message: "The backend went away" })
      .mockResolvedValueOnce(null);
    const { user } = renderPane({ conversation: watched(asking().frames), onAnswerApproval });
    await user.click(screen.getByTestId("approval-allow-once"));
    expect(screen.getByTestId("approval-error").textContent).toContain("The backend went away");
    expect(buttons().every((b) => !b.disabled)).toBe(true);
    await user.click(screen.getByTestId("approval-allow-once"));
    expect(onAnswerApproval).toHaveBeenCalledTimes(2);
  });

  it("shows an approval still waiting after a reload, from the snapshot", () => {
    const log = asking();
    const t = log.lastSeq;
    const history = historyAt(log.frames, t);
    // A watermark past the approval's frame: only the snapshot can tell it is waiting.
    const state = reopened({ ...history, watermark: history.messages[1]!.last_seq! + 1 }, [], snapshotAt(log.frames, t));
    renderPane({ conversation: state });
    expect(screen.getByTestId("approval-card").dataset.approvalId).toBe("ap1");
  });
});

describe("ChatPane workspace and step limit", () => {
  const open = async (user: ReturnType<typeof userEvent.setup>) => {
    await user.click(screen.getByTestId("workspace-button"));
    return screen.getByTestId("chat-settings");
  };

  it("shows the chat's folder in the header, or that it has none", () => {
    const { rerenderWith } = renderPane();
    const button = screen.getByTestId("workspace-button");
    expect(button.textContent).toBe("No folder");
    expect(button.closest("header")).toBeTruthy();
    rerenderWith({ session: { ...SESSION_ROW, workspace: "/home/me/projects/hearth" } });
    expect(screen.getByTestId("workspace-button").textContent).toBe("hearth");
    expect(screen.getByTestId("workspace-button").getAttribute("title")).toContain("/home/me/projects/hearth");
  });

  it("saves a folder and a step limit typed in the popover, then closes it", async () => {
    const { user, props } = renderPane();
    await open(user);
    expect(document.activeElement).toBe(screen.getByTestId("workspace-input"));
    await user.type(screen.getByTestId("workspace-input"), "/home/me/p");
    await user.type(screen.getByTestId("max-steps-input"), "120");
    await user.click(screen.getByTestId("workspace-save"));
    expect(props.onChatSettingsChange).toHaveBeenCalledExactlyOnceWith({ workspace: "/home/me/p", max_steps: 120 });
    expect(screen.queryByTestId("chat-settings")).toBeNull();
    expect(document.activeElement).toBe(screen.getByTestId("workspace-button"));
  });

  it("shows the backend's refusal of a folder and stays open", async () => {
    const { user } = renderPane({
      onChatSettingsChange: vi.fn(() =>
        Promise.resolve({ code: "INVALID_WORKSPACE" as const, message: "/nope is not a directory" }),
      ),
    });
    await open(user);
    await user.type(screen.getByTestId("workspace-input"), "/nope{Enter}");
    const error = screen.getByTestId("workspace-error");
    expect(error.textContent).toContain("/nope is not a directory");
    expect(error.dataset.errorCode).toBe("INVALID_WORKSPACE");
    expect(screen.getByTestId("workspace-input").getAttribute("aria-invalid")).toBe("true");
  });

  it("refuses a step limit out of range before sending, and clears the folder", async () => {
    const { user, props } = renderPane({ session: { ...SESSION_ROW, workspace: "/w", max_steps: 80 } });
    await open(user);
    expect((screen.getByTestId("max-steps-input") as HTMLInputElement).value).toBe("80");
    await user.clear(screen.getByTestId("max-steps-input"));
    await user.type(screen.getByTestId("max-steps-input"), "900");
    await user.click(screen.getByTestId("workspace-save"));
    expect(screen.getByTestId("workspace-error").textContent).toMatch(/1 to 500/);
    expect(props.onChatSettingsChange).not.toHaveBeenCalled();
    await user.click(screen.getByTestId("workspace-clear"));
    expect(props.onChatSettingsChange).toHaveBeenCalledExactlyOnceWith({ workspace: "" });
  });

  it("closes on Escape without saving", async () => {
    const { user, props } = renderPane();
    await open(user);
    await user.type(screen.getByTestId("workspace-input"), "/x");
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("chat-settings")).toBeNull();
    expect(props.onChatSettingsChange).not.toHaveBeenCalled();
  });
});

describe("ChatPane attachments", () => {
  const png = () => new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], "chart.png", { type: "image/png" });
  const notes = () => new File(["# Plan"], "plan.md", { type: "text/markdown" });

  /** An upload the test settles by hand. */
  function deferredUploads() {
    const pending: { file: File; resolve(info: AttachmentInfo): void; reject(e: unknown): void }[] = [];
    const onUpload = vi.fn(
      (file: File) => new Promise<AttachmentInfo>((resolve, reject) => pending.push({ file, resolve, reject })),
    );
    return { onUpload, pending };
  }
  const info = (id: string, name: string, mime: string, size: number): AttachmentInfo => ({
    attachment_id: id,
    name,
    mime,
    size,
  });

  it("uploads picked files at once, waits for them, then sends their ids with the text", async () => {
    const { onUpload, pending } = deferredUploads();
    const { user, props } = renderPane({ onUpload });
    await user.upload(screen.getByTestId("composer-attach-input"), [png(), notes()]);
    expect(onUpload.mock.calls.map(([f]) => f.name)).toEqual(["chart.png", "plan.md"]);
    const chips = () => screen.getAllByTestId("pending-attachment");
    expect(chips().map((c) => c.dataset.status)).toEqual(["uploading", "uploading"]);

    await user.type(screen.getByTestId("composer-input"), "Compare these");
    expect((screen.getByTestId("composer-send") as HTMLButtonElement).disabled, "not while uploading").toBe(true);
    await user.keyboard("{Enter}");
    expect(props.onSend).not.toHaveBeenCalled();

    await act(async () => {
      pending[0]?.resolve(info("a1", "chart.png", "image/png", 4));
      pending[1]?.resolve(info("a2", "plan.md", "text/plain", 6));
    });
    expect(chips().map((c) => c.dataset.status)).toEqual(["ready", "ready"]);
    expect(chips()[1]?.textContent).toContain("Text · 6 B");
    await user.click(screen.getByTestId("composer-send"));
    expect(props.onSend).toHaveBeenCalledExactlyOnceWith("Compare these", "later", ["a1", "a2"]);
    expect(screen.queryByTestId("pending-attachment"), "sent: the chips are gone").toBeNull();
  });

  it("shows a refused file with its reason and hint, sends files alone, and keeps them when the send fails", async () => {
    const { onUpload, pending } = deferredUploads();
    const onSend = vi.fn(() => Promise.resolve(false));
    const { user } = renderPane({ onUpload, onSend });
    await user.upload(screen.getByTestId("composer-attach-input"), [png(), notes()]);
    await act(async () => {
      pending[0]?.reject({ code: "UNSUPPORTED_ATTACHMENT", message: "this file is application/zip" });
      pending[1]?.resolve(info("a2", "plan.md", "text/plain", 6));
    });
    const error = screen.getByTestId("pending-attachment-error");
    expect(error.textContent).toContain("this file is application/zip");
    expect(error.textContent).toContain("PDFs");
    await user.click(screen.getAllByTestId("pending-attachment-remove")[0]!);
    expect(screen.getAllByTestId("pending-attachment")).toHaveLength(1);

    await user.click(screen.getByTestId("composer-send"));
    expect(onSend).toHaveBeenCalledExactlyOnceWith("", "later", ["a2"]);
    expect(screen.getAllByTestId("pending-attachment"), "refused send: the file stays").toHaveLength(1);
  });

  it("attaches pasted and dropped files, not pasted text", async () => {
    const { onUpload } = deferredUploads();
    const { user } = renderPane({ onUpload });
    const input = screen.getByTestId("composer-input");
    await user.click(input);
    await user.paste("just text");
    expect(onUpload).not.toHaveBeenCalled();
    expect((input as HTMLTextAreaElement).value).toBe("just text");
    await user.paste({ files: [png()] } as unknown as DataTransfer);
    expect(onUpload).toHaveBeenCalledTimes(1);

    const frame = screen.getByTestId("chat-frame");
    const dataTransfer = { files: [notes()], types: ["Files"], dropEffect: "none" };
    fireEvent.dragOver(frame, { dataTransfer });
    expect(screen.getByTestId("chat-drop-overlay")).toBeTruthy();
    fireEvent.drop(frame, { dataTransfer });
    expect(screen.queryByTestId("chat-drop-overlay")).toBeNull();
    expect(onUpload.mock.calls.map(([f]) => f.name)).toEqual(["chart.png", "plan.md"]);
  });

  it("offers no attaching without an upload", () => {
    renderPane();
    expect(screen.queryByTestId("composer-attach")).toBeNull();
  });

  it("shows a message's files as they arrive on the stream", () => {
    const frames = new FrameLog().add("r1", {
      type: "user_message",
      message_id: "u1",
      text: "See attached",
      attachments: [
        { type: "image", attachment_id: "a1", mime: "image/png" },
        { type: "file", attachment_id: "a2", mime: "application/pdf", name: "q3.pdf", size: 2_500_000 },
      ],
    }).frames;
    renderPane({ conversation: watched(frames) });
    const shown = within(screen.getByTestId("message-attachments"));
    expect(shown.getByTestId("attached-file").textContent).toContain("q3.pdf");
    expect(shown.getByTestId("attached-file").textContent).toContain("PDF · 2.4 MB");
    // No loader in this render: the image says so instead of a broken picture.
    expect(shown.getByText(/Image \(PNG\) no longer available/)).toBeTruthy();
    expect(screen.getByTestId("message-text").textContent).toBe("See attached");
  });
});

describe("ChatPane branches", () => {
  const versions = (index: number) => ({ index, siblings: ["u0", "u1", "u2"] });
  function withBranches() {
    const history: History = {
      messages: [
        { ...message("u1", "user", [{ type: "text", text: "Second try" }]), branch: versions(1) },
        message("a1", "assistant", [{ type: "text", text: "Answer" }]),
      ],
      watermark: 0,
      has_more: false,
    };
    return reopened(history);
  }
  const actions = () => ({
    onEdit: vi.fn(() => Promise.resolve(true)),
    onRegenerate: vi.fn(),
    onSwitchBranch: vi.fn(),
  });

  it("shows ‹ 2/3 › on a message with versions and switches to the one before or after", async () => {
    const on = actions();
    const { user } = renderPane({ conversation: withBranches(), ...on });
    expect(screen.getByTestId("branch-position").textContent).toBe("2/3");
    await user.click(screen.getByTestId("branch-prev"));
    await user.click(screen.getByTestId("branch-next"));
    expect(on.onSwitchBranch.mock.calls).toEqual([["u0"], ["u2"]]);
  });

  it("edits a message in place: Enter sends the new version, Escape cancels", async () => {
    const on = actions();
    const { user } = renderPane({ conversation: withBranches(), ...on });
    await user.click(screen.getByTestId("message-edit"));
    const editor = screen.getByTestId("message-editor-input") as HTMLTextAreaElement;
    expect(editor.value).toBe("Second try");
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("message-editor")).toBeNull();
    expect(on.onEdit).not.toHaveBeenCalled();

    await user.click(screen.getByTestId("message-edit"));
    await user.clear(screen.getByTestId("message-editor-input"));
    await user.type(screen.getByTestId("message-editor-input"), "Third try{Enter}");
    expect(on.onEdit).toHaveBeenCalledExactlyOnceWith("u1", "Third try");
    expect(screen.queryByTestId("message-editor"), "closed once taken").toBeNull();
  });

  it("regenerates a reply, and offers nothing while a reply is being written", async () => {
    const on = actions();
    const { user, rerenderWith } = renderPane({ conversation: withBranches(), ...on });
    await user.click(screen.getByTestId("message-regenerate"));
    expect(on.onRegenerate).toHaveBeenCalledExactlyOnceWith("a1");

    const running = new FrameLog().startRun("r9", "u9", "more").frames;
    rerenderWith({ conversation: reopened(withBranchesHistory(), running) });
    expect(screen.queryByTestId("message-edit")).toBeNull();
    expect(screen.queryByTestId("message-regenerate")).toBeNull();
    expect((screen.getByTestId("branch-prev") as HTMLButtonElement).disabled, "no switching mid-run").toBe(true);
  });

  it("offers Regenerate once per run: on its last reply, not on the steps that called tools", async () => {
    const on = actions();
    const history: History = {
      messages: [
        message("u1", "user", [{ type: "text", text: "List the files" }]),
        message("a1", "assistant", [{ type: "tool_use", id: "t1", name: "list_dir", input: {} }], "complete", "r1"),
        message("u2", "user", [{ type: "tool_result", tool_use_id: "t1", content: "a.txt", is_error: false }], "complete", "r1"),
        message("a2", "assistant", [{ type: "text", text: "One file: a.txt" }], "complete", "r1"),
        message("u3", "user", [{ type: "text", text: "Thanks" }]),
        message("a3", "assistant", [{ type: "text", text: "Welcome" }], "complete", "r2"),
      ],
      watermark: 0,
      has_more: false,
    };
    const { user } = renderPane({ conversation: reopened(history), ...on });
    const offered = screen.getAllByTestId("message-regenerate").map((b) => b.closest<HTMLElement>("[data-testid='message']")?.dataset.messageId);
    expect(offered).toEqual(["a2", "a3"]);
    await user.click(screen.getAllByTestId("message-regenerate")[0]!);
    expect(on.onRegenerate).toHaveBeenCalledExactlyOnceWith("a2");
  });

  it("copies a reply as its markdown and a message as typed, even while a reply is being written", async () => {
    const history: History = {
      messages: [
        message("u1", "user", [{ type: "text", text: "Sum *these*" }]),
        message("a1", "assistant", [{ type: "text", text: "**3**, from" }, { type: "text", text: "`1 + 2`." }], "complete", "r1"),
      ],
      watermark: 0,
      has_more: false,
    };
    const running = new FrameLog().startRun("r9", "u9", "more").frames;
    const { user } = renderPane({ conversation: reopened(history, running), ...actions() });
    const copyOf = (id: string) =>
      within(screen.getAllByTestId("message").find((m) => m.dataset.messageId === id)!).getByTestId("message-copy");

    await user.click(copyOf("a1"));
    await expect(navigator.clipboard.readText()).resolves.toBe("**3**, from\n\n`1 + 2`.");
    expect(copyOf("a1").title).toBe("Copied");
    await user.click(copyOf("u1"));
    await expect(navigator.clipboard.readText()).resolves.toBe("Sum *these*");
  });

  it("↑ in an empty composer edits the last message; Mod+Enter steers a running reply", async () => {
    const on = actions();
    const { user, props, rerenderWith } = renderPane({ conversation: withBranches(), ...on });
    await user.click(screen.getByTestId("composer-input"));
    await user.keyboard("{ArrowUp}");
    expect((screen.getByTestId("message-editor-input") as HTMLTextAreaElement).value).toBe("Second try");
    await user.keyboard("{Escape}");

    const running = new FrameLog().startRun("r9", "u9", "more").frames;
    rerenderWith({ conversation: reopened(withBranchesHistory(), running) });
    await user.type(screen.getByTestId("composer-input"), "be brief");
    await user.keyboard("{Control>}{Enter}{/Control}");
    expect(props.onSteer).toHaveBeenCalledExactlyOnceWith("be brief");
    expect(props.onSend).not.toHaveBeenCalled();
  });

  function withBranchesHistory(): History {
    return {
      messages: [
        { ...message("u1", "user", [{ type: "text", text: "Second try" }]), branch: versions(1) },
        message("a1", "assistant", [{ type: "text", text: "Answer" }]),
      ],
      watermark: 0,
      has_more: false,
    };
  }
});
