// A reply that is still streaming, rendered without re-parsing all of it on every delta.
//
// The text is cut into top-level blocks. Every block but the last is *settled*: no text
// appended later can change how it renders, so it is rendered once and kept. Only the last
// block, the one still growing, is parsed again when text arrives. Joined, the blocks' HTML
// is exactly what rendering the whole text at once gives (markdownStream.test.ts).
//
// Where a block is settled is left to marked's own lexer, run over the unsettled tail only:
// a block is settled once a blank line follows it and the whole first line of the next block
// has arrived. A blank line ends every block but the ones that can span it — a fenced or
// indented code block, a list whose items go on, raw HTML like <pre> — and for those the
// lexer does not start a new token there. Requiring the next line to be complete keeps a
// half-written line from being mistaken for a new block ("1" becoming "1. item" in the
// same list).
import type { Links, Token } from "marked";
import { lexMarkdown, renderMarkdownBlock } from "./markdown";

export interface RenderedBlock {
  /** The block's markdown: a slice of the text, the blank lines after it included. */
  readonly source: string;
  /** Its sanitised HTML, as it renders within the whole text. */
  readonly html: string;
  /** Whether a raw `<a …>` was open before it, and is after it (see BlockContext). */
  readonly inLinkBefore: boolean;
  readonly inLinkAfter: boolean;
}

export interface StreamedMarkdown {
  readonly text: string;
  /** In order; joined, their sources are `text`. All but the last are settled. */
  readonly blocks: readonly RenderedBlock[];
  /** How much of `text` the settled blocks cover. */
  readonly settledLength: number;
  /** The link definitions in the settled blocks. */
  readonly settledLinks: Links;
  /** All of the text's link definitions, and their JSON (to tell when they changed). */
  readonly links: Links;
  readonly linksKey: string;
}

/**
 * `text` rendered block by block. Given the rendering of a text that `text` continues (a
 * streaming reply before its latest delta), only the unsettled tail is parsed again.
 */
export function renderStreamed(text: string, previous?: StreamedMarkdown): StreamedMarkdown {
  const continues = previous !== undefined && text.startsWith(previous.text);
  const kept = continues ? previous.blocks.slice(0, -1) : [];
  const keptLength = continues ? previous.settledLength : 0;
  const tail = text.slice(keptLength);

  const normalized = tail.replace(/\r\n?/g, "\n");
  const tokens = lexMarkdown(normalized);
  const cuts = settledCuts(tokens, normalized.length);
  const sources: string[] = [];
  let from = 0;
  for (const cut of cuts) {
    const to = originalOffset(tail, cut);
    sources.push(tail.slice(from, to));
    from = to;
  }

  const settledLinks = firstWins(continues ? previous.settledLinks : NO_LINKS, linksBefore(tokens, cuts.at(-1) ?? 0));
  const links = firstWins(settledLinks, tokens.links);
  const linksKey = JSON.stringify(links);
  const linksChanged = continues && linksKey !== previous.linksKey;

  const blocks: RenderedBlock[] = [];
  const add = (source: string, before?: RenderedBlock) => {
    const inLink = blocks.at(-1)?.inLinkAfter ?? false;
    // A settled block renders as it did unless what it depends on changed: the definitions
    // (if it has a "[" to refer to one with) or an <a> left open before it.
    const same = before !== undefined && before.inLinkBefore === inLink && !(linksChanged && source.includes("["));
    blocks.push(same ? before : render(source, links, inLink));
  };
  for (const block of kept) add(block.source, block);
  for (const source of sources) add(source);
  add(tail.slice(from));

  return { text, blocks, settledLength: keptLength + from, settledLinks, links, linksKey };
}

function render(source: string, links: Links, inLink: boolean): RenderedBlock {
  const { html, inLink: inLinkAfter } = renderMarkdownBlock(source, { links, inLink });
  return { source, html, inLinkBefore: inLink, inLinkAfter };
}

/**
 * Offsets in the lexed text (`length` long) where a settled block ends: before each token
 * that follows a blank line and whose first line is complete.
 */
function settledCuts(tokens: readonly Token[], length: number): number[] {
  const cuts: number[] = [];
  let offset = 0;
  tokens.forEach((token, i) => {
    const previous = tokens[i - 1];
    const afterBlankLine = previous?.type === "space" && blankLine(previous.raw) && token.type !== "space";
    // A token ends where its line does (the newline starts the next token), so only the last
    // one can stop mid-line.
    const firstLineComplete = token.raw.includes("\n") || i < tokens.length - 1;
    if (afterBlankLine && firstLineComplete) cuts.push(offset);
    offset += token.raw.length;
  });
  // Tokens that do not add up to the text are not ones to cut it by: settle nothing.
  return offset === length ? cuts : [];
}

/** A space token holds a blank line: the newline ending the line before, and another. */
const blankLine = (raw: string) => raw.indexOf("\n") !== raw.lastIndexOf("\n");

/** Where an offset into the normalised text (\r\n and \r made \n) falls in `original`. */
function originalOffset(original: string, normalized: number): number {
  if (!original.includes("\r")) return normalized;
  let i = 0;
  for (let n = 0; n < normalized; n++) i += original.startsWith("\r\n", i) ? 2 : 1;
  return i;
}

// Link definitions are kept in objects without a prototype, as marked keeps them: a tag may
// be any text, "__proto__" too.
const NO_LINKS: Links = Object.create(null);

/** The link definitions among the tokens that start before `end` (an offset), in order. */
function linksBefore(tokens: readonly Token[], end: number): Links {
  const links: Links = Object.create(null);
  let offset = 0;
  for (const token of tokens) {
    if (offset >= end) break;
    collectDefinitions(token, links);
    offset += token.raw.length;
  }
  return links;
}

function collectDefinitions(token: Token, links: Links): void {
  if (token.type === "def") links[token.tag] ??= { href: token.href, title: token.title };
  const children =
    token.type === "blockquote" || token.type === "list_item" ? token.tokens : token.type === "list" ? token.items : [];
  for (const child of children as Token[]) collectDefinitions(child, links);
}

/** `first`'s definitions, then those of `second` for tags `first` lacks: the first one wins. */
function firstWins(first: Links, second: Links): Links {
  const links: Links = Object.assign(Object.create(null), first);
  for (const tag of Object.keys(second)) links[tag] ??= second[tag]!;
  return links;
}
