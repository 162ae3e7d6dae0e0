import { act, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { revealMessage } from "../App";
import { messageFromHistory, type ChatMessage } from "../conversation";
import { message } from "../test/frames";
import { ConversationView, showMessage, VIRTUALIZE_FROM, type ConversationViewProps } from "./ConversationView";

// jsdom does no layout. As @tanstack/react-virtual's own tests do, give elements sizes: the
// scroller a viewport, each message a height (`heightOf`), and the scroller a content height
// that adds up what is rendered, spacers included. As in a browser, a ResizeObserver reports
// sizes after the DOM changed, and setting scrollTop fires "scroll" afterwards.
const VIEWPORT = 600;
/** ConversationView's overscan: rows rendered beyond the viewport's edge. */
const OVERSCAN_ROWS = 6;
let heightOf: (el: HTMLElement) => number = () => 100;

function contentHeight(scroller: HTMLElement): number {
  let height = 0;
  for (const el of scroller.querySelectorAll<HTMLElement>(".message-list > *")) {
    height += el.classList.contains("message-list-spacer") ? parseFloat(el.style.height) : heightOf(el);
  }
  return height;
}

const maxScrollTop = (scroller: HTMLElement) => Math.max(0, contentHeight(scroller) - VIEWPORT);

class FakeResizeObserver {
  constructor(private readonly callback: ResizeObserverCallback) {}
  observe(target: HTMLElement) {
    const blockSize = target.classList.contains("chat-scroll") ? VIEWPORT : heightOf(target);
    const entry = { target, borderBoxSize: [{ blockSize, inlineSize: 0 }] } as unknown as ResizeObserverEntry;
    setTimeout(() => this.callback([entry], this as unknown as ResizeObserver));
  }
  unobserve() {}
  disconnect() {}
}

/** Lets the observers, scroll events and the re-renders they cause run. */
async function settle() {
  for (let i = 0; i < 5; i++) await act(() => new Promise((resolve) => setTimeout(resolve, 0)));
}

async function scrollTo(scroller: HTMLElement, top: number) {
  scroller.scrollTop = top;
  await settle();
}

beforeEach(() => {
  heightOf = () => 100;
  vi.stubGlobal("ResizeObserver", FakeResizeObserver);
  vi.stubGlobal("CSS", { escape: (s: string) => s });
  vi.spyOn(HTMLElement.prototype, "clientHeight", "get").mockImplementation(function (this: HTMLElement) {
    return this.classList.contains("chat-scroll") ? VIEWPORT : 0;
  });
  vi.spyOn(HTMLElement.prototype, "offsetHeight", "get").mockImplementation(function (this: HTMLElement) {
    return this.dataset.testid === "message" ? heightOf(this) : 0;
  });
  vi.spyOn(HTMLElement.prototype, "scrollHeight", "get").mockImplementation(function (this: HTMLElement) {
    return this.classList.contains("chat-scroll") ? contentHeight(this) : 0;
  });
  // As in a browser, scrollTop stays within the content, and "scroll" fires a moment later.
  const scrollTop = Object.getOwnPropertyDescriptor(Element.prototype, "scrollTop")!;
  vi.spyOn(Element.prototype, "scrollTop", "set").mockImplementation(function (this: Element, value: number) {
    const max = this instanceof HTMLElement && this.classList.contains("chat-scroll") ? maxScrollTop(this) : 0;
    scrollTop.set!.call(this, Math.max(0, Math.min(value, max)));
    setTimeout(() => this.dispatchEvent(new Event("scroll")));
  });
  Object.defineProperty(HTMLElement.prototype, "scrollTo", {
    configurable: true,
    value(this: HTMLElement, options: ScrollToOptions) {
      this.scrollTop = options.top ?? this.scrollTop;
    },
  });
  Object.defineProperty(HTMLElement.prototype, "scrollIntoView", { configurable: true, value: vi.fn() });
});

afterEach(() => {
  delete (HTMLElement.prototype as Partial<HTMLElement>).scrollTo;
  delete (HTMLElement.prototype as Partial<HTMLElement>).scrollIntoView;
});

const chat = (n: number, text = (i: number) => `Message ${i}`): ChatMessage[] =>
  Array.from({ length: n }, (_, i) =>
    messageFromHistory(message(`m${i}`, i % 2 ? "assistant" : "user", [{ type: "text", text: text(i) }])),
  );

function renderView(overrides: Partial<ConversationViewProps>) {
  const props: ConversationViewProps = {
    messages: [],
    phase: "idle",
    running: false,
    retrying: null,
    failure: null,
    hasMore: false,
    tools: {},
    runningRunId: null,
    onRetry: vi.fn(),
    onAnswerApproval: vi.fn(() => Promise.resolve(null)),
    ...overrides,
  };
  const view = render(<ConversationView {...props} />);
  const scroller = view.container.querySelector<HTMLElement>(".chat-scroll")!;
  return { ...view, scroller, rerenderWith: (more: Partial<ConversationViewProps>) => view.rerender(<ConversationView {...props} {...more} />) };
}

const shownIds = () => screen.getAllByTestId("message").map((el) => el.dataset.messageId);

describe("ConversationView, a long conversation", () => {
  it("puts only the messages near the viewport in the DOM, out of 10,000, starting at the latest", async () => {
    const { scroller } = renderView({ messages: chat(10_000), hasMore: true });
    await settle();
    const shown = shownIds();
    expect(shown.length, "a screenful (6 of 100px) and the overscan, not 10,000").toBeLessThanOrEqual(20);
    expect(shown.at(-1), "opened at the bottom").toBe("m9999");
    expect(screen.getByText("Earlier messages are not shown.")).toBeTruthy();
    expect(scroller.scrollTop, "scrolled to the end of the whole list").toBe(maxScrollTop(scroller));
    expect(contentHeight(scroller), "the messages not rendered still take their room").toBeGreaterThan(10_000 * 50);

    await scrollTo(scroller, 0);
    const top = shownIds();
    expect(top[0]).toBe("m0");
    expect(top.length).toBeLessThanOrEqual(20);
    expect(top).not.toContain("m9999");

    await scrollTo(scroller, maxScrollTop(scroller) / 2);
    const middle = shownIds();
    expect(middle.length).toBeLessThanOrEqual(20);
    expect(middle).not.toContain("m0");
    expect(middle).not.toContain("m9999");
  });

  it("measures each message rather than assuming a height", async () => {
    heightOf = () => 20;
    const { unmount } = renderView({ messages: chat(10_000) });
    await settle();
    const manyShort = shownIds().length;
    unmount();
    heightOf = () => 400;
    renderView({ messages: chat(10_000) });
    await settle();
    const fewTall = shownIds().length;
    expect(manyShort, "30 messages of 20px fill the viewport").toBeGreaterThanOrEqual(30);
    expect(fewTall, "two of 400px do").toBeLessThanOrEqual(10);
  });

  it("follows a streaming reply at the bottom, but not after the user scrolled up", async () => {
    const messages = chat(1_000);
    const { scroller, rerenderWith } = renderView({ messages });
    await settle();
    const grown = [...messages.slice(0, -1), { ...messages.at(-1)!, status: "streaming" as const }];
    heightOf = (el) => (el.dataset.messageId === "m999" ? 900 : 100);
    rerenderWith({ messages: grown, running: true });
    await settle();
    expect(scroller.scrollTop, "at the bottom: keep following").toBe(maxScrollTop(scroller));

    // Up in the history (where, as messages are measured, the list keeps the reader's place).
    await scrollTo(scroller, 50_000);
    const reading = { top: scroller.scrollTop, shown: shownIds() };
    expect(reading.shown).not.toContain("m999");
    heightOf = (el) => (el.dataset.messageId === "m999" ? 1_500 : 100);
    rerenderWith({ messages: [...grown.slice(0, -1), { ...grown.at(-1)! }], running: true });
    await settle();
    expect({ top: scroller.scrollTop, shown: shownIds() }, "scrolled up: stay where the user is reading").toEqual(reading);

    fireEvent.click(screen.getByRole("button", { name: "Scroll to the latest message" }));
    await settle();
    expect(shownIds()).toContain("m999");
    expect(scroller.scrollTop).toBe(maxScrollTop(scroller));
  });

  it("brings a message it does not render into view for a jump to it, and highlights it", async () => {
    renderView({ messages: chat(10_000) });
    await settle();
    expect(shownIds()).not.toContain("m42");
    let found = false;
    await act(async () => {
      found = await revealMessage("m42", 2_000);
    });
    expect(found, "the message was found").toBe(true);
    const shown = screen.getAllByTestId("message").find((el) => el.dataset.messageId === "m42");
    expect(shown?.dataset.highlighted).toBe("true");
    expect(HTMLElement.prototype.scrollIntoView).toHaveBeenCalled();
  });
});

describe("ConversationView, older messages", () => {
  it("reads older messages as the reader nears the top, and keeps what is on screen in place", async () => {
    const all = chat(400);
    const onLoadEarlier = vi.fn();
    const { scroller, rerenderWith } = renderView({ messages: all.slice(200), hasMore: true, onLoadEarlier });
    await settle();
    expect(onLoadEarlier, "not at the bottom").not.toHaveBeenCalled();
    expect(screen.getByTestId("history-more").textContent).toBe("Load earlier messages");

    await scrollTo(scroller, 300);
    expect(onLoadEarlier).toHaveBeenCalledWith(false);
    const reading = shownIds();
    rerenderWith({ messages: all.slice(200), hasMore: true, onLoadEarlier, loadingEarlier: true });
    expect(screen.getByTestId("history-more").textContent).toBe("Loading earlier messages…");
    rerenderWith({ messages: all, hasMore: false, onLoadEarlier, loadingEarlier: false });
    await settle();
    // Those read before are still rendered (with the overscan now reaching above them).
    expect(shownIds(), "the same messages on screen").toEqual(expect.arrayContaining(reading));
    expect(shownIds().length).toBeLessThanOrEqual(reading.length + OVERSCAN_ROWS);
    expect(scroller.scrollTop, "by as much as the list grew above them").toBeGreaterThan(200 * 50);
    expect(screen.queryByTestId("history-more"), "nothing older").toBeNull();
  });

  it("reads further back for a message jumped to, and says when a chat with all its messages lacks it", async () => {
    const all = chat(400);
    const onLoadEarlier = vi.fn();
    const { rerenderWith } = renderView({ messages: all.slice(200), hasMore: true, onLoadEarlier });
    await settle();
    expect(showMessage("m42"), "looking further").toBe(true);
    expect(onLoadEarlier).toHaveBeenCalledWith(true);

    rerenderWith({ messages: all, hasMore: false, onLoadEarlier });
    await settle();
    let found = false;
    await act(async () => {
      found = await revealMessage("m42", 2_000);
    });
    expect(found).toBe(true);
    expect(screen.getAllByTestId("message").find((el) => el.dataset.messageId === "m42")?.dataset.highlighted).toBe("true");
    expect(showMessage("not-in-this-chat")).toBe(false);
  });
});

describe("ConversationView, a short conversation", () => {
  it("renders every message as it always did, below the virtualising size", async () => {
    const { container } = renderView({ messages: chat(VIRTUALIZE_FROM - 1) });
    await settle();
    expect(shownIds()).toHaveLength(VIRTUALIZE_FROM - 1);
    expect(container.querySelector("[data-index]"), "no virtual rows").toBeNull();
    expect(container.querySelector(".message-list-spacer")).toBeNull();
  });
});

describe("ConversationView, a jump to another version of the chat", () => {
  it("waits for the history read again, and keeps the message highlighted when the chat is drawn anew", async () => {
    const before = chat(4);
    const { rerenderWith, unmount } = renderView({ messages: before, reloading: true });
    await settle();
    expect(showMessage("v2"), "not shown yet, but the chat is being read again: keep looking").toBe(true);
    rerenderWith({ messages: before, reloading: false });
    await settle();
    expect(showMessage("v2"), "the chat is read and lacks it").toBe(false);

    const after = [...before.slice(0, 2), { ...before[2]!, id: "v2" }];
    rerenderWith({ messages: after, reloading: false });
    await settle();
    let found = false;
    await act(async () => {
      found = await revealMessage("v2", 2_000);
    });
    expect(found).toBe(true);
    const highlighted = () => screen.getAllByTestId("message").filter((el) => el.dataset.highlighted === "true");
    expect(highlighted().map((el) => el.dataset.messageId)).toEqual(["v2"]);

    // Drawn again from scratch (another reload): still marked for its moment.
    unmount();
    renderView({ messages: after });
    await settle();
    expect(highlighted().map((el) => el.dataset.messageId)).toEqual(["v2"]);
  });
});
