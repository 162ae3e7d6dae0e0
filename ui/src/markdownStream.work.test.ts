import { Lexer } from "marked";
import { expect, it, vi } from "vitest";
import { renderMarkdown } from "./markdown";
import { renderStreamed, type StreamedMarkdown } from "./markdownStream";

// What is measured here is parsing. Sanitising is left out: jsdom gets slower with every
// document it parses (DOMPurify parses one per call), which would make 2,000 deltas take
// minutes; markdownStream.test.ts checks the sanitised output.
vi.mock("dompurify", () => ({
  default: () => ({ addHook() {}, sanitize: (html: string) => html }),
}));

const html = (state: StreamedMarkdown) => state.blocks.map((b) => b.html).join("");

it("parses only the growing end of a long reply for each delta, and each settled block once", () => {
  const kinds = [
    (i: number) => `Paragraph ${i} says something about **part ${i}** of the answer, with \`code\` and a [link](https://example.com/${i}).`,
    (i: number) => `- point ${i}\n- another point\n  - nested under it\n- last point`,
    (i: number) => `\`\`\`ts\nfunction f${i}(x: number): number {\n\n  return x * ${i};\n}\n\`\`\``,
    (i: number) => `| name | value |\n|------|-------|\n| a${i} | ${i} |\n| b${i} | ${i * 2} |`,
    (i: number) => `> quoted ${i}\n> > nested quote\n>\n> back out`,
    (i: number) => `### Heading ${i}`,
  ];
  const blocks = Array.from({ length: 540 }, (_, i) => kinds[i % kinds.length]!(i));
  const text = blocks.join("\n\n");
  const longestBlock = Math.max(...blocks.map((b) => b.length));
  const deltaSize = Math.floor(text.length / 2_000);
  expect(text.length, "a long reply").toBeGreaterThan(30_000);

  const lex = vi.spyOn(Lexer.prototype, "lex");
  let previous: StreamedMarkdown | undefined;
  let deltas = 0;
  let lexedChars = 0;
  let lexCalls = 0;
  for (let at = 0; at < text.length; deltas++) {
    at = Math.min(text.length, at + deltaSize);
    lex.mockClear();
    previous = renderStreamed(text.slice(0, at), previous);
    const seen = lex.mock.calls.reduce((sum, [src]) => sum + src.length, 0);
    expect(seen, `parsed for the delta to ${at} of ${text.length}`).toBeLessThanOrEqual(3 * (longestBlock + 2 * deltaSize));
    lexedChars += seen;
    lexCalls += lex.mock.calls.length;
  }
  lex.mockRestore();

  expect(deltas).toBeGreaterThanOrEqual(2_000);
  // The tail is lexed to find where blocks end, and the open block to render it; every block
  // that settles is rendered once more.
  expect(lexCalls, "parser runs").toBeLessThanOrEqual(2 * deltas + previous!.blocks.length);
  const wholeEachTime = (deltas * text.length) / 2;
  expect(lexedChars, "characters parsed in all, against re-parsing the whole text each time").toBeLessThan(wholeEachTime / 50);
  expect(html(previous!), "and the end result is the same").toBe(renderMarkdown(text));
});
