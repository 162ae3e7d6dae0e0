import { memo, useMemo, type MouseEvent } from "react";
import { renderMarkdown } from "../markdown";

export interface MarkdownProps {
  text: string;
  testId?: string;
}

// Following a link would take the webview itself away from Hearth: links are shown (with the
// address as their tooltip) but not followed.
function keepInApp(e: MouseEvent<HTMLDivElement>) {
  if (e.target instanceof Element && e.target.closest("a")) e.preventDefault();
}

/** Markdown from the model, sanitised (see markdown.ts). Re-rendered only when `text` changes. */
export const Markdown = memo(function Markdown({ text, testId }: MarkdownProps) {
  const html = useMemo(() => renderMarkdown(text), [text]);
  return <div className="markdown" data-testid={testId} onClick={keepInApp} dangerouslySetInnerHTML={{ __html: html }} />;
});
