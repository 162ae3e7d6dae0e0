import { act, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderMarkdown } from "../markdown";
import { Markdown } from "./Markdown";

afterEach(() => {
  vi.useRealTimers();
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
