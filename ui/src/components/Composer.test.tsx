import { fireEvent, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { Composer, type ComposerProps } from "./Composer";

function renderComposer(overrides: Partial<ComposerProps> = {}) {
  const props: ComposerProps = {
    running: false,
    onSend: vi.fn(() => Promise.resolve(true)),
    onSteer: vi.fn(() => Promise.resolve(true)),
    onStop: vi.fn(),
    ...overrides,
  };
  const user = userEvent.setup();
  const view = render(<Composer {...props} />);
  const input = () => screen.getByTestId("composer-input") as HTMLTextAreaElement;
  return { props, user, input, ...view };
}

describe("Composer while idle", () => {
  it("sends the trimmed text on Enter and empties the box", async () => {
    const { user, props, input } = renderComposer();
    await user.type(input(), "  Hello there  {Enter}");
    expect(props.onSend).toHaveBeenCalledExactlyOnceWith("Hello there", "later");
    expect(input().value, "the box is ready for the next message").toBe("");
  });

  it("inserts a newline on Shift+Enter instead of sending", async () => {
    const { user, props, input } = renderComposer();
    await user.type(input(), "line one{Shift>}{Enter}{/Shift}line two");
    expect(props.onSend).not.toHaveBeenCalled();
    expect(input().value).toBe("line one\nline two");
    await user.keyboard("{Enter}");
    expect(props.onSend).toHaveBeenCalledExactlyOnceWith("line one\nline two", "later");
  });

  it("sends with the Send button, which is disabled while the box is blank", async () => {
    const { user, props, input } = renderComposer();
    const send = screen.getByTestId("composer-send") as HTMLButtonElement;
    expect(send.disabled, "nothing to send").toBe(true);
    await user.type(input(), "   ");
    expect(send.disabled, "whitespace is not a message").toBe(true);
    await user.keyboard("{Enter}");
    expect(props.onSend).not.toHaveBeenCalled();
    await user.type(input(), "hi");
    await user.click(send);
    expect(props.onSend).toHaveBeenCalledExactlyOnceWith("hi", "later");
  });

  it("does not send on Enter while an input method is composing", () => {
    const { props, input } = renderComposer();
    fireEvent.change(input(), { target: { value: "にほん" } });
    fireEvent.keyDown(input(), { key: "Enter", isComposing: true });
    expect(props.onSend).not.toHaveBeenCalled();
  });

  it("puts the text back when the backend refuses it", async () => {
    const onSend = vi.fn(() => Promise.resolve(false));
    const { user, input } = renderComposer({ onSend });
    await user.type(input(), "keep me{Enter}");
    expect(onSend).toHaveBeenCalledOnce();
    await vi.waitFor(() => expect(input().value).toBe("keep me"));
  });

  it("offers no Stop, priority or Steer when nothing is running", () => {
    renderComposer();
    expect(screen.queryByTestId("composer-stop")).toBeNull();
    expect(screen.queryByTestId("composer-priority")).toBeNull();
    expect(screen.queryByTestId("composer-steer")).toBeNull();
  });
});

describe("Composer while a run is going", () => {
  it("turns Send into Stop, which aborts", async () => {
    const { user, props } = renderComposer({ running: true });
    expect(screen.queryByTestId("composer-send"), "Send becomes Stop").toBeNull();
    await user.click(screen.getByTestId("composer-stop"));
    expect(props.onStop).toHaveBeenCalledOnce();
  });

  it("stops on Escape when the box is empty, not when it holds text", async () => {
    const { user, props, input } = renderComposer({ running: true });
    await user.click(input());
    await user.type(input(), "draft{Escape}");
    expect(props.onStop, "Escape with a draft does not stop the run").not.toHaveBeenCalled();
    await user.clear(input());
    await user.keyboard("{Escape}");
    expect(props.onStop).toHaveBeenCalledOnce();
  });

  it("does not stop on Escape when idle", async () => {
    const { user, props, input } = renderComposer({ running: false });
    await user.click(input());
    await user.keyboard("{Escape}");
    expect(props.onStop).not.toHaveBeenCalled();
  });

  it("queues with the chosen priority, then goes back to Queue (later)", async () => {
    const { user, props, input } = renderComposer({ running: true });
    const priority = screen.getByTestId("composer-priority") as HTMLSelectElement;
    expect([...priority.options].map((o) => o.value)).toEqual(["later", "next", "now"]);
    expect(priority.value, "queueing is the default").toBe("later");

    await user.type(input(), "first{Enter}");
    expect(props.onSend).toHaveBeenLastCalledWith("first", "later");

    await user.selectOptions(priority, "now");
    await user.type(input(), "interrupt with this{Enter}");
    expect(props.onSend).toHaveBeenLastCalledWith("interrupt with this", "now");
    expect(priority.value, "an interrupt is never sticky").toBe("later");

    await user.selectOptions(priority, "next");
    await user.type(input(), "after this reply");
    await user.click(screen.getByTestId("composer-queue"));
    expect(props.onSend).toHaveBeenLastCalledWith("after this reply", "next");
  });

  it("steers the running turn with the typed text", async () => {
    const { user, props, input } = renderComposer({ running: true });
    const steer = screen.getByTestId("composer-steer") as HTMLButtonElement;
    expect(steer.disabled, "nothing to steer with").toBe(true);
    await user.type(input(), "  use tabs, not spaces ");
    await user.click(steer);
    expect(props.onSteer).toHaveBeenCalledExactlyOnceWith("use tabs, not spaces");
    expect(props.onSend, "a steer is not a send").not.toHaveBeenCalled();
    expect(input().value).toBe("");
  });
});
