import { memo, useState, type MouseEvent } from "react";
import { copyText } from "../clipboard";
import { renderStreamed, type StreamedMarkdown } from "../markdownStream";

export interface MarkdownProps {
  text: string;
  testId?: string;
}

// Following a link would take the webview itself away from Hearth: links are shown (with the
// address as their tooltip) but not followed.
function keepInApp(e: MouseEvent<HTMLDivElement>) {
  if (e.target instanceof Element && e.target.closest("a")) e.preventDefault();
}

/** How long a code block's Copy button says "Copied". */
const COPIED_MS = 1500;
const copiedTimers = new WeakMap<Element, ReturnType<typeof setTimeout>>();

/**
 * A code block's Copy button (it is in the rendered HTML, so its clicks are handled here):
 * copies the code as the model wrote it, not the highlighted HTML.
 */
async function copyCode(e: MouseEvent<HTMLDivElement>) {
  const button = e.target instanceof Element ? e.target.closest("button.code-copy") : null;
  const code = button?.closest(".code-block")?.querySelector("pre > code");
  if (!button || !code) return;
  // The renderer ends the code with one newline of its own.
  const ok = await copyText((code.textContent ?? "").replace(/\n$/, ""));
  button.textContent = ok ? "Copied" : "Copy failed";
  clearTimeout(copiedTimers.get(button));
  copiedTimers.set(
    button,
    setTimeout(() => (button.textContent = "Copy"), COPIED_MS),
  );
}

function onClick(e: MouseEvent<HTMLDivElement>) {
  keepInApp(e);
  void copyCode(e);
}

/**
 * Markdown from the model, sanitised (see markdown.ts). Rendered block by block: while a
 * reply streams, only its last block is parsed again as text arrives (see markdownStream.ts).
 */
export const Markdown = memo(function Markdown({ text, testId }: MarkdownProps) {
  const rendered = useStreamedMarkdown(text);
  return (
    <div className="markdown" data-testid={testId} onClick={onClick}>
      {rendered.blocks.map((block, i) => block.html && <MarkdownBlock key={i} html={block.html} />)}
    </div>
  );
});

/** `text` rendered, continuing from its rendering before it grew. */
function useStreamedMarkdown(text: string): StreamedMarkdown {
  const [rendered, setRendered] = useState(() => renderStreamed(text));
  if (rendered.text === text) return rendered;
  // Derived from the previous render's result (React's "storing information from previous
  // renders"): this render is redone at once with it.
  const next = renderStreamed(text, rendered);
  setRendered(next);
  return next;
}

/** One top-level block; a settled block's HTML is the same string, so it is not redrawn. */
const MarkdownBlock = memo(function MarkdownBlock({ html }: { html: string }) {
  return <div className="markdown-block" dangerouslySetInnerHTML={{ __html: html }} />;
});
