// Markdown from the model, turned into HTML that is safe to put in the page.
//
// Two layers: marked renders no HTML of the model's own (raw HTML is shown as text) and no
// images (shown as links, so nothing remote ever loads); DOMPurify then keeps only an
// allowlist of tags and attributes, and only links whose scheme may be opened (links.ts: never
// javascript:, data:, file: …; anything but http(s) is opened only after the user confirms).
//
// Code blocks are highlighted inside that pipeline: highlight.js turns the code into escaped
// text in <span class="hljs-…">, which the allowlist keeps, and the block's header (language,
// Copy button) is written here with every model-supplied part escaped. highlight.js because it
// is maintained, synchronous (a streaming reply re-renders its last block on every delta) and
// can be loaded as its core plus a chosen set of grammars; Shiki and Prism's full builds are
// several times larger. Code in a language not registered here is shown unhighlighted: no
// auto-detection, which would run every grammar over every block.
import DOMPurify from "dompurify";
import hljs from "highlight.js/lib/core";
import bash from "highlight.js/lib/languages/bash";
import c from "highlight.js/lib/languages/c";
import cpp from "highlight.js/lib/languages/cpp";
import csharp from "highlight.js/lib/languages/csharp";
import css from "highlight.js/lib/languages/css";
import diff from "highlight.js/lib/languages/diff";
import go from "highlight.js/lib/languages/go";
import ini from "highlight.js/lib/languages/ini";
import java from "highlight.js/lib/languages/java";
import javascript from "highlight.js/lib/languages/javascript";
import json from "highlight.js/lib/languages/json";
import markdownLanguage from "highlight.js/lib/languages/markdown";
import python from "highlight.js/lib/languages/python";
import rust from "highlight.js/lib/languages/rust";
import shell from "highlight.js/lib/languages/shell";
import sql from "highlight.js/lib/languages/sql";
import typescript from "highlight.js/lib/languages/typescript";
import xml from "highlight.js/lib/languages/xml";
import yaml from "highlight.js/lib/languages/yaml";
import { Lexer, Marked, Parser, type Links, type MarkedOptions, type TokensList } from "marked";
import { ALLOWED_LINK } from "./links";

// The languages agents write most; each brings its aliases (js, ts, py, sh, html, toml, yml…).
const LANGUAGES = {
  bash, c, cpp, csharp, css, diff, go, ini, java, javascript, json, markdown: markdownLanguage, python,
  rust, shell, sql, typescript, xml, yaml,
};
for (const [name, grammar] of Object.entries(LANGUAGES)) hljs.registerLanguage(name, grammar);

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** The code of a block, highlighted when its language is one registered above. */
function highlighted(code: string, language: string): string {
  if (language === "" || hljs.getLanguage(language) === undefined) return escapeHtml(code);
  return hljs.highlight(code, { language, ignoreIllegals: true }).value;
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
    // The Copy button works through the Markdown component's click handler (this is a string).
    code({ text, lang }) {
      const language = (lang ?? "").match(/^\S*/)?.[0] ?? "";
      const name = escapeHtml(language);
      const code = `${highlighted(text.replace(/\n$/, ""), language)}\n`;
      return (
        `<div class="code-block"><div class="code-block-header"><span class="code-block-lang">${name}</span>` +
        `<button type="button" class="code-copy" data-testid="code-copy" title="Copy the code">Copy</button></div>` +
        `<pre><code${language ? ` class="language-${name}"` : ""}>${code}</code></pre></div>\n`
      );
    },
  },
});

const ALLOWED_TAGS = [
  "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "s", "code", "pre",
  "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td", "span",
  // A code block's frame and its Copy button (written by the code renderer above only: the
  // model's own HTML never reaches here as markup).
  "div", "button",
];

const purifier = DOMPurify();
purifier.addHook("afterSanitizeAttributes", (node) => {
  if (node.tagName === "A") {
    node.setAttribute("rel", "noreferrer noopener");
    const href = node.getAttribute("href");
    if (href && !node.hasAttribute("title")) node.setAttribute("title", href);
  }
});

function sanitize(html: string): string {
  return purifier.sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR: ["href", "title", "class", "start", "align", "aria-label", "type", "data-testid"],
    ALLOWED_URI_REGEXP: ALLOWED_LINK,
    // Attributes that hold no address (DOMPurify checks any other's value as one).
    ADD_URI_SAFE_ATTR: ["start", "type", "data-testid"],
    ALLOW_DATA_ATTR: false,
  });
}

/** A fresh copy of the options per parse, as `marked.parse` does (the lexer writes into them). */
const options = (): MarkedOptions => ({ ...marked.defaults });

/** Sanitised HTML for `markdown`. */
export function renderMarkdown(markdown: string): string {
  return sanitize(marked.parse(markdown) as string);
}

/** `markdown`'s top-level tokens, with its link definitions in `links`. */
export function lexMarkdown(markdown: string): TokensList {
  return new Lexer(options()).lex(markdown);
}

/** What rendering one block of a longer text needs to know of the rest of it. */
export interface BlockContext {
  /** The whole text's link definitions (`[ref]: url`): a reference may come before its definition. */
  links: Links;
  /** The text before left a raw `<a …>` open: marked links no bare URL until it closes. */
  inLink: boolean;
}

/**
 * Sanitised HTML for one top-level block of a longer text (see markdownStream.ts), as it
 * renders within the whole, and whether a raw `<a …>` is still open after it.
 */
export function renderMarkdownBlock(markdown: string, context: BlockContext): { html: string; inLink: boolean } {
  const opts = options();
  const lexer = new Lexer(opts);
  Object.assign(lexer.tokens.links, context.links);
  lexer.state.inLink = context.inLink;
  const tokens = lexer.lex(markdown);
  return { html: sanitize(Parser.parse(tokens, opts) as string), inLink: lexer.state.inLink };
}
