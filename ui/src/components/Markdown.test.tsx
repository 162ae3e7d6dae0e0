import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { LINK_FAILED_EVENT, type UiError } from "../api";
import { renderMarkdown } from "../markdown";
import { Markdown } from "./Markdown";

afterEach(() => {
  vi.useRealTimers();
  clearMocks();
});

const CODE = 'if (a < b && c > "d") {\n  x = 1; // <b>not bold</b>\n}';

describe("Markdown code blocks", () => {
  it("copies the code as written, not its highlighting, and says so for a moment", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    render(<Markdown text={"Here:\n\n```js\n" + CODE + "\n```\n"} />);
    const copy = screen.getByTestId("code-copy");
    expect(copy.closest(".code-block")?.querySelector(".code-block-lang")?.textContent).toBe("js");

    await user.click(copy);
    await expect(navigator.clipboard.readText()).resolves.toBe(CODE);
    expect(copy.textContent).toBe("Copied");
    act(() => vi.advanceTimersByTime(1_500));
    expect(copy.textContent).toBe("Copy");
  });

  it("copies from the keyboard, each block its own code", async () => {
    const user = userEvent.setup();
    render(<Markdown text={"```\nfirst\n```\n\n- in a list:\n\n  ```py\n  second = 2\n  ```\n"} />);
    const [first, second] = screen.getAllByTestId("code-copy");
    second!.focus();
    await user.keyboard("{Enter}");
    await expect(navigator.clipboard.readText()).resolves.toBe("second = 2");
    await user.tab({ shift: true });
    expect(document.activeElement).toBe(first);
    await user.keyboard(" ");
    await expect(navigator.clipboard.readText()).resolves.toBe("first");
  });

  it("says when the clipboard refused", async () => {
    const user = userEvent.setup();
    vi.spyOn(navigator.clipboard, "writeText").mockRejectedValue(new Error("denied"));
    render(<Markdown text={"```\ncode\n```"} />);
    await user.click(screen.getByTestId("code-copy"));
    expect(screen.getByTestId("code-copy").textContent).toBe("Copy failed");
  });
});

describe("Markdown while streaming", () => {
  const REPLY = [
    "# Plan\n\n",
    "First we look at the **code**:\n\n",
    "```ts\nconst a = 1;\n\n",
    "const b = 2;\n```\n\n",
    "| step | done |\n|---|---|\n| one | yes |\n\n",
    "> a note\n> > nested\n\n",
    "- then this\n- and that\n",
  ];

  it("keeps the blocks already written as they are, and ends as the whole text renders", () => {
    let text = REPLY[0]! + REPLY[1]!;
    const { container, rerender } = render(<Markdown text={text} testId="md" />);
    const heading = container.querySelector("h1");
    for (const delta of REPLY.slice(2)) {
      for (const piece of delta.match(/[\s\S]{1,5}/g)!) {
        text += piece;
        rerender(<Markdown text={text} testId="md" />);
      }
    }
    expect(container.querySelector("h1"), "the heading was not redrawn").toBe(heading);
    const blocks = [...screen.getByTestId("md").children].map((block) => block.innerHTML);
    expect(blocks.join("")).toBe(renderMarkdown(text));
  });
});

describe("Markdown links", () => {
  function recordOpens(fail = false) {
    const opened: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd !== "open_link") throw new Error(`unexpected ${cmd}`);
      opened.push(args);
      return fail ? Promise.reject({ code: "INTERNAL", message: "no program opened the link" }) : null;
    });
    return opened;
  }

  it("opens a web link in the system's browser on a click, Enter or a middle click, never in the window", async () => {
    const opened = recordOpens();
    const user = userEvent.setup();
    render(<Markdown text={"See [the docs](https://example.com/docs?a=1)."} />);
    const docs = screen.getByRole("link", { name: "the docs" });
    const click = new MouseEvent("click", { bubbles: true, cancelable: true, button: 0 });
    docs.dispatchEvent(click);
    expect(click.defaultPrevented, "the webview does not follow it").toBe(true);
    docs.focus();
    await user.keyboard("{Enter}");
    fireEvent(docs, new MouseEvent("auxclick", { bubbles: true, cancelable: true, button: 1 }));
    await waitFor(() => expect(opened).toHaveLength(3));
    expect(opened).toEqual([
      { url: "https://example.com/docs?a=1" },
      { url: "https://example.com/docs?a=1" },
      { url: "https://example.com/docs?a=1" },
    ]);
    expect(screen.queryByRole("dialog"), "a web link opens without a question").toBeNull();
  });

  it("asks before opening a link of any other scheme, showing its whole address", async () => {
    const opened = recordOpens();
    const user = userEvent.setup();
    const app = "vscode://file/home/me/.ssh/config?windowId=_blank";
    render(<Markdown text={`Mail <someone@example.com> or open [the file](${app}).`} />);

    const click = new MouseEvent("click", { bubbles: true, cancelable: true, button: 0 });
    screen.getByRole("link", { name: "someone@example.com" }).dispatchEvent(click);
    expect(click.defaultPrevented, "the webview does not follow it either").toBe(true);
    let dialog = await screen.findByRole("dialog");
    expect(dialog.textContent).toContain("mailto:someone@example.com");
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("dialog")).toBeNull();

    fireEvent(screen.getByRole("link", { name: "the file" }), new MouseEvent("auxclick", { bubbles: true, cancelable: true, button: 1 }));
    dialog = await screen.findByRole("dialog");
    expect(dialog.textContent, "the whole address, not the link's text").toContain(app);
    expect(document.activeElement, "the safe choice has the focus").toBe(screen.getByRole("button", { name: "Cancel" }));
    expect(opened, "nothing opens before the user says so").toEqual([]);
    await user.click(screen.getByRole("button", { name: "Open link" }));
    await waitFor(() => expect(opened).toEqual([{ url: app }]));
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it("never opens javascript:, data: or file: links, nor asks to", () => {
    const opened = recordOpens();
    render(
      <Markdown
        text={"[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) [c](data:text/html,<b>x</b>) [d](file:///etc/passwd) [e](vbscript:x)"}
      />,
    );
    for (const name of ["a", "b", "c", "d", "e"]) {
      const inert = screen.getByText(name);
      expect(inert.closest("a")?.getAttribute("href") ?? null, `${name} keeps no address`).toBeNull();
      inert.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true, button: 0 }));
    }
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(opened).toEqual([]);
  });

  it("opens nothing for a link the sanitiser emptied, nor on a right click", () => {
    const opened = recordOpens();
    render(<Markdown text={"[run me](javascript:alert(1)) and [site](https://example.com)"} />);
    const inert = screen.getByText("run me");
    const click = new MouseEvent("click", { bubbles: true, cancelable: true, button: 0 });
    inert.dispatchEvent(click);
    fireEvent(screen.getByRole("link", { name: "site" }), new MouseEvent("auxclick", { bubbles: true, cancelable: true, button: 2 }));
    expect(opened).toEqual([]);
  });

  it("reports a link the system could not open", async () => {
    recordOpens(true);
    const failures: UiError[] = [];
    const listener = (e: Event) => failures.push((e as CustomEvent<UiError>).detail);
    window.addEventListener(LINK_FAILED_EVENT, listener);
    render(<Markdown text={"[site](https://example.com)"} />);
    fireEvent.click(screen.getByRole("link", { name: "site" }));
    await waitFor(() => expect(failures).toEqual([{ code: "INTERNAL", message: "no program opened the link" }]));
    window.removeEventListener(LINK_FAILED_EVENT, listener);
  });
});
