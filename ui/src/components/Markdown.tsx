import { memo, useState, type MouseEvent } from "react";
import { LINK_FAILED_EVENT, tauriApi, toUiError } from "../api";
import { copyText } from "../clipboard";
import { linkKind } from "../links";
import { renderStreamed, type StreamedMarkdown } from "../markdownStream";
import { LinkConfirm } from "./LinkConfirm";

export interface MarkdownProps {
  text: string;
  testId?: string;
}

/**
 * A link opens outside the app, never in the window: following it there would take the
 * webview itself away from Hearth. A click or Enter opens it, and so does a middle click: a
 * web link at once, any other (see links.ts) after `ask` showed its whole address and the user
 * said yes. The sanitiser left no never-openable link; the backend checks again.
 */
function followLink(e: MouseEvent<HTMLDivElement>, ask: (href: string) => void) {
  const link = e.target instanceof Element ? e.target.closest("a") : null;
  if (!link) return;
  e.preventDefault();
  const href = link.getAttribute("href");
  if (e.button > 1 || !href) return;
  const kind = linkKind(href);
  if (kind === "web") openOutside(href);
  else if (kind === "ask") ask(href);
}

function openOutside(href: string) {
  tauriApi.openLink(href).catch((error: unknown) => {
    window.dispatchEvent(new CustomEvent(LINK_FAILED_EVENT, { detail: toUiError(error) }));
  });
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

/**
 * Markdown from the model, sanitised (see markdown.ts). Rendered block by block: while a
 * reply streams, only its last block is parsed again as text arrives (see markdownStream.ts).
 */
export const Markdown = memo(function Markdown({ text, testId }: MarkdownProps) {
  const rendered = useStreamedMarkdown(text);
  // A link that is not a web address, waiting for the user's answer.
  const [asking, setAsking] = useState<string | null>(null);
  const onClick = (e: MouseEvent<HTMLDivElement>) => {
    followLink(e, setAsking);
    void copyCode(e);
  };
  return (
    <>
      <div className="markdown" data-testid={testId} onClick={onClick} onAuxClick={(e) => followLink(e, setAsking)}>
        {rendered.blocks.map((block, i) => block.html && <MarkdownBlock key={i} html={block.html} />)}
      </div>
      {asking !== null && (
        <LinkConfirm
          url={asking}
          onCancel={() => setAsking(null)}
          onOpen={() => {
            setAsking(null);
            openOutside(asking);
          }}
        />
      )}
    </>
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
