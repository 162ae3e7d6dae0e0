// Markdown from the model, turned into HTML that is safe to put in the page.
//
// Two layers: marked renders no HTML of the model's own (raw HTML is shown as text) and no
// images (shown as links, so nothing remote ever loads); DOMPurify then keeps only an
// allowlist of tags and attributes, and only http(s) and mailto links.
import DOMPurify from "dompurify";
import { Marked } from "marked";

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const marked = new Marked({
  async: false,
  gfm: true,
  breaks: false,
  renderer: {
    html({ text, block }) {
      const escaped = escapeHtml(text);
      return block ? `<p>${escaped}</p>\n` : escaped;
    },
    image({ href, text }) {
      const label = escapeHtml(text || href);
      return `<a href="${escapeHtml(href)}" class="md-image-link" title="Image: ${escapeHtml(href)}">${label}</a>`;
    },
    checkbox({ checked }) {
      return `<span class="md-checkbox" aria-label="${checked ? "done" : "not done"}">${checked ? "☑" : "☐"}</span> `;
    },
  },
});

const ALLOWED_TAGS = [
  "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "s", "code", "pre",
  "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td", "span",
];

const purifier = DOMPurify();
purifier.addHook("afterSanitizeAttributes", (node) => {
  if (node.tagName === "A") {
    node.setAttribute("rel", "noreferrer noopener");
    const href = node.getAttribute("href");
    if (href && !node.hasAttribute("title")) node.setAttribute("title", href);
  }
});

/** Sanitised HTML for `markdown`. */
export function renderMarkdown(markdown: string): string {
  const html = marked.parse(markdown) as string;
  return purifier.sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR: ["href", "title", "class", "start", "align", "aria-label"],
    ALLOWED_URI_REGEXP: /^(?:https?:|mailto:)/i,
    ALLOW_DATA_ATTR: false,
  });
}
