import { describe, expect, it } from "vitest";
import { renderMarkdown } from "./markdown";
import { renderStreamed, type StreamedMarkdown } from "./markdownStream";

/** Streams `text` in pieces of `size(i)` characters; the rendering after each, in order. */
function stream(text: string, size: (i: number) => number): StreamedMarkdown[] {
  const states: StreamedMarkdown[] = [];
  for (let at = 0, i = 0; at < text.length; i++) {
    at = Math.min(text.length, at + Math.max(1, size(i)));
    states.push(renderStreamed(text.slice(0, at), states.at(-1)));
  }
  return states;
}

const html = (state: StreamedMarkdown) => state.blocks.map((b) => b.html).join("");
const sources = (state: StreamedMarkdown) => state.blocks.map((b) => b.source);

// Markdown whose blocks interact across blank lines, or do not, in the ways marked knows.
const CORPUS: [string, string][] = [
  ["paragraphs and headings", "# Title\n\nSome **bold** text\nwrapped.\n\nSetext\n===\n\n## Two\nright under\n\nend"],
  ["fenced code with blank lines", "Run:\n\n```ts\nconst a = 1;\n\n\nconst b = 2;\n```\n\n~~~\nraw ``` inside\n~~~\nafter"],
  ["indented code", "Code:\n\n    one\n\n    two\n\nafter"],
  ["tight and loose lists", "- a\n- b\n\n- c\n\nbreak\n\n* x\n* y\n\n1. one\n\n1. again\n\n3. three\n\n10) ten\n"],
  ["list items that go on", "- item\n\n  more of it\n\n      code in it\n\n- next\n\n---\n\n- [x] done\n- [ ] todo"],
  ["tables", "| a | b |\n|---|:-:|\n| 1 | 2 |\n| 3 | 4 |\n\npara\na | b\n--|--\n1 | 2\n\nend"],
  ["nested quotes", "> quote\n> > nested\n> > more\n>\n> back\n\n> another\n\n> - list in quote\n>\n>   more\n\nplain"],
  ["references defined later", "See [docs][1], [this] and ![img][1].\n\n- [in a list][this]\n\n[1]: https://example.com \"Title\"\n\n> [this]: https://x.test\n\nAnd [this][1] too.\n"],
  ["raw HTML", "<pre>\n\nraw\n\n</pre>\n\n<!-- a\n\nb -->\n\n<div>\nx\n</div>\n\nUse <a href=x> then\n\nhttps://example.com\n\nand </a> https://b.test"],
  ["CRLF line ends", "para\r\n\r\nnext para\r\n\r\n- a\r\n- b\r\n\r\n```\r\ncode\r\n```\r\n"],
  ["emphasis across blank lines", "**bold\n\nstill** _x_\n\n`code\n\nspan` end"],
];

describe("renderStreamed", () => {
  it.each(CORPUS)("renders %s, streamed a character at a time, as the whole text at every step", (_name, text) => {
    for (const state of stream(text, () => 1)) {
      expect(html(state), `after ${JSON.stringify(state.text)}`).toBe(renderMarkdown(state.text));
      expect(sources(state).join(""), "the blocks are the text, cut").toBe(state.text);
    }
  }, 30_000);

  it.each(CORPUS)("renders %s, streamed in uneven pieces, as the whole text", (_name, text) => {
    for (const size of [(i: number) => (i * 7) % 13, () => 40, () => text.length]) {
      expect(html(stream(text, size).at(-1)!)).toBe(renderMarkdown(text));
    }
  });

  it("keeps an open fence one block, blank lines and all, and settles it once closed", () => {
    const open = "Intro\n\n```py\ndef f():\n\n    return 1\n\n";
    expect(sources(stream(open, () => 3).at(-1)!)).toEqual(["Intro\n\n", "```py\ndef f():\n\n    return 1\n\n"]);
    const closed = `${open}\`\`\`\n\nAfter\n`;
    expect(sources(stream(closed, () => 3).at(-1)!)).toEqual(["Intro\n\n", "```py\ndef f():\n\n    return 1\n\n```\n\n", "After\n"]);
  });

  it("does not settle a block on a half-written line that could still continue it", () => {
    // "1" may become "1. b", the list's second item: the list is not settled until the line is whole.
    expect(renderStreamed("1. a\n\n1").blocks).toHaveLength(1);
    expect(renderStreamed("1. a\n\n1. b\n").blocks, "one loose list").toHaveLength(1);
    expect(sources(renderStreamed("1. a\n\nSo\n"))).toEqual(["1. a\n\n", "So\n"]);
  });

  it("renders a text that does not continue the last one afresh", () => {
    const before = renderStreamed("# One\n\nfirst\n\nsecond");
    const after = renderStreamed("# Two\n\nthird", before);
    expect(html(after)).toBe(renderMarkdown("# Two\n\nthird"));
  });

  it("keeps the settled blocks' rendering, the same strings", () => {
    const [first, ...rest] = stream("# Title\n\nOne paragraph.\n\nAnother one, growing", () => 4).slice(-3);
    for (const state of rest) expect(state.blocks[0]).toBe(first!.blocks[0]);
  });

});
