import { describe, expect, it } from "vitest";
import { renderMarkdown } from "./markdown";

const dom = (markdown: string) => {
  const div = document.createElement("div");
  div.innerHTML = renderMarkdown(markdown);
  return div;
};

describe("renderMarkdown", () => {
  it("renders common markdown: emphasis, code, lists, tables", () => {
    const div = dom("Hi **there** and `code`\n\n- a\n- b\n\n```js\nlet x = 1;\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |");
    expect(div.querySelector("strong")?.textContent).toBe("there");
    expect(div.querySelector("p > code")?.textContent).toBe("code");
    expect(div.querySelectorAll("li")).toHaveLength(2);
    expect(div.querySelector("pre > code")?.textContent).toBe("let x = 1;\n");
    expect(div.querySelector("pre > code")?.className).toBe("language-js");
    expect(div.querySelectorAll("td")).toHaveLength(2);
  });

  it("keeps the number an ordered list starts at", () => {
    expect(dom("3. three\n4. four").querySelector("ol")?.getAttribute("start")).toBe("3");
  });

  it("shows the model's raw HTML as text instead of rendering it", () => {
    const div = dom('Hello <b onmouseover="alert(1)">bold</b>\n\n<div><script>alert(1)</script></div>');
    expect(div.querySelector("b"), "inline HTML is not rendered").toBeNull();
    expect(div.querySelector("script")).toBeNull();
    expect(div.querySelector("div")).toBeNull();
    expect(div.textContent).toContain('<b onmouseover="alert(1)">bold</b>');
    expect(div.textContent).toContain("<script>alert(1)</script>");
  });

  it("never loads an image: it becomes a link", () => {
    const div = dom("![a cat](https://example.com/cat.png) and ![](http://x.test/y.gif)");
    expect(div.querySelector("img"), "no <img>, so nothing remote loads").toBeNull();
    const links = [...div.querySelectorAll("a")];
    expect(links.map((a) => a.textContent)).toEqual(["a cat", "http://x.test/y.gif"]);
    expect(links[0]?.getAttribute("href")).toBe("https://example.com/cat.png");
  });

  it("keeps http(s) and mailto links and drops script and relative ones", () => {
    const div = dom("[ok](https://example.com) [mail](mailto:a@b.c) [bad](javascript:alert(1)) [rel](other.html) [data](data:text/html,hi)");
    const hrefs = [...div.querySelectorAll("a")].map((a) => a.getAttribute("href"));
    expect(hrefs).toEqual(["https://example.com", "mailto:a@b.c", null, null, null]);
    expect(div.querySelector("a")?.getAttribute("rel")).toBe("noreferrer noopener");
  });

  it("renders task lists without form controls", () => {
    const div = dom("- [x] done\n- [ ] todo");
    expect(div.querySelector("input")).toBeNull();
    expect(div.textContent).toContain("☑");
    expect(div.textContent).toContain("☐");
  });

  it("copes with half-streamed markdown", () => {
    expect(() => dom("```py\nprint(1")).not.toThrow();
    expect(dom("**bold").textContent?.trim()).toBe("**bold");
  });

  it("highlights a code block in a known language, under a header with the language and Copy", () => {
    const div = dom("```ts\nconst n: number = 1; // one\n```");
    const block = div.querySelector(".code-block");
    expect(block?.querySelector(".code-block-lang")?.textContent).toBe("ts");
    const copy = block?.querySelector("button[data-testid='code-copy']");
    expect(copy?.getAttribute("type"), "a plain button, never a submit").toBe("button");
    expect(copy?.textContent).toBe("Copy");
    const code = block?.querySelector("pre > code.language-ts");
    expect(code?.querySelector(".hljs-keyword")?.textContent).toBe("const");
    expect(code?.querySelector(".hljs-comment")?.textContent).toBe("// one");
    expect(code?.textContent, "the code itself, unchanged").toBe("const n: number = 1; // one\n");
  });

  it("shows code in a language it does not know, or none, as plain text", () => {
    for (const markdown of ["```cobol\nDISPLAY 'HI'.\n```", "```\nconst x = 1;\n```", "    const x = 1;"]) {
      const code = dom(markdown).querySelector(".code-block pre > code");
      expect(code?.children, markdown).toHaveLength(0);
      expect(code?.textContent?.trim(), markdown).toMatch(/^(DISPLAY 'HI'\.|const x = 1;)$/);
    }
  });

  it("cannot be made to write markup or attributes through a code block's language or code", () => {
    const language = '"><img/src=x/onerror=alert(1)><b';
    const code = '</code></pre><script>alert(1)</script><button onclick="alert(1)">x</button>';
    const div = dom("```" + language + "\n" + code + "\n```");
    // Exactly the block the renderer writes: nothing added, every attribute its own.
    const shape = [...div.querySelectorAll("*")].map((el) => [
      el.tagName,
      [...el.attributes].map((a) => a.name).sort().join(" "),
    ]);
    expect(shape).toEqual([
      ["DIV", "class"],
      ["DIV", "class"],
      ["SPAN", "class"],
      ["BUTTON", "class data-testid title type"],
      ["PRE", ""],
      ["CODE", "class"],
    ]);
    expect(div.querySelector(".code-block-lang")?.textContent).toBe(language);
    expect(div.querySelector("code")?.className).toBe(`language-${language}`);
    expect(div.querySelector("code")?.textContent).toBe(`${code}\n`);
  });

  // Whatever a model writes renders inert: nothing runs, nothing loads, nothing navigates by
  // script. Each row is one hostile output; every rendered element is checked.
  const HOSTILE: [string, string][] = [
    ["script tag", "<script>alert(1)</script>"],
    ["script in a paragraph", "Hi <script src=https://evil.test/x.js></script> there"],
    ["event handler", '<img src=x onerror="alert(1)">'],
    ["handler on an allowed tag", '<a href="https://ok.test" onclick="alert(1)">x</a>'],
    ["svg with script", "<svg><script>alert(1)</script><circle onload=alert(1)/></svg>"],
    ["iframe", '<iframe src="https://evil.test"></iframe>'],
    ["javascript: link", "[click](javascript:alert(1))"],
    ["encoded javascript: link", "[click](jav&#x61;script:alert(1))"],
    ["javascript: autolink", "<javascript:alert(1)>"],
    ["data: link", "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"],
    ["vbscript: link", "[x](vbscript:msgbox(1))"],
    ["remote image", "![t](https://evil.test/track.png)"],
    ["reference image", "![t][r]\n\n[r]: https://evil.test/t.png"],
    ["style with remote url", '<div style="background:url(https://evil.test/t.png)">x</div>'],
    ["link tag", '<link rel="stylesheet" href="https://evil.test/x.css">'],
    ["meta refresh", '<meta http-equiv="refresh" content="0;url=https://evil.test">'],
    ["form", '<form action="https://evil.test"><button>go</button></form>'],
    ["object and embed", '<object data="https://evil.test/x.swf"></object><embed src="x.swf">'],
    ["html in a code span", "`<img src=x onerror=alert(1)>`"],
    ["html in a fenced block", "```html\n<script>alert(1)</script>\n```"],
    ["markup as a code block's language", '```"><img src=x onerror=alert(1)>\nx\n```'],
    ["script as a code block's language", "```<script>alert(1)</script>\nx\n```"],
    ["attribute as a code block's language", "```js\"onmouseover=\"alert(1)\nx\n```"],
    ["handler in highlighted code", '```js\nel.innerHTML = "<img src=x onerror=alert(1)>";\n```'],
  ];

  it.each(HOSTILE)("renders hostile output inert: %s", (_name, markdown) => {
    const div = dom(markdown);
    for (const el of div.querySelectorAll("*")) {
      expect(["SCRIPT", "IMG", "IFRAME", "SVG", "svg", "OBJECT", "EMBED", "LINK", "META", "FORM", "STYLE", "BASE"]).not.toContain(
        el.tagName,
      );
      for (const attr of el.attributes) {
        expect(attr.name.startsWith("on"), `${el.tagName} ${attr.name}`).toBe(false);
        expect(attr.name).not.toBe("style");
        expect(attr.name).not.toBe("src");
      }
      const href = el.getAttribute("href");
      if (href !== null) expect(href, `href of ${el.tagName}`).toMatch(/^(https?:|mailto:)/);
    }
  });
});
