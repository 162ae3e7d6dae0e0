import { describe, expect, it } from "vitest";
import type { ToolCallInfo } from "./conversation";
import { approval } from "./test/frames";
import {
  parseEditedInput,
  formatDuration,
  isLongResult,
  lineCount,
  patternKind,
  prettyArgs,
  prettyValue,
  resultPreview,
  RESULT_PREVIEW_LINES,
  splitToolName,
  statusLabel,
  subjectLabel,
  localReachNote,
  noRuleReason,
  suggestPattern,
  toolCallView,
} from "./toolCalls";

const info = (over: Partial<ToolCallInfo> = {}): ToolCallInfo => ({
  approval: null,
  outcome: null,
  remember: null,
  result: null,
  startedAt: null,
  movedOn: false,
  ...over,
});
const complete = { status: "complete" as const, runId: "r1" };

describe("toolCallView", () => {
  it("is streaming while its reply is", () => {
    expect(toolCallView({ status: "streaming", runId: "r1" }, undefined, "r1").status).toBe("streaming");
  });

  it("waits for an approval nobody answered yet", () => {
    const asked = approval("ap1", "t1", "run_shell", { command: "ls" }, "ls");
    const view = toolCallView(complete, info({ approval: asked }), "r1");
    expect(view).toMatchObject({ status: "waiting_approval", approval: asked });
  });

  it("lets an answer outrank the stored result that only says it in words", () => {
    const result = { content: "The user denied this tool call.", isError: true, durationMs: null };
    expect(toolCallView(complete, info({ outcome: "denied", result }), "r1").status).toBe("denied");
    expect(toolCallView(complete, info({ outcome: "expired", result }), null).status).toBe("expired");
    expect(toolCallView(complete, info({ result }), null).status, "without the answer, the result").toBe("error");
  });

  it("is done or failed by its result, once allowed", () => {
    const ok = { content: "fine", isError: false, durationMs: 20 };
    expect(toolCallView(complete, info({ outcome: "allowed", result: ok }), "r1").status).toBe("done");
    expect(toolCallView(complete, info({ result: { ...ok, isError: true } }), "r1").status).toBe("error");
  });

  it("is running while its run is, and stopped once it is not, without a result", () => {
    expect(toolCallView(complete, info({ startedAt: 7 }), "r1")).toMatchObject({ status: "running", startedAt: 7 });
    expect(toolCallView(complete, info({ startedAt: 7 }), "r2").status, "another run is going").toBe("stopped");
    expect(toolCallView(complete, undefined, null).status).toBe("stopped");
    expect(toolCallView({ status: "aborted", runId: "r1" }, undefined, "r1").status, "its reply was cut").toBe("stopped");
  });

  it("was refused by a rule when its run moved on without its result", () => {
    expect(toolCallView(complete, info({ movedOn: true }), "r1")).toMatchObject({ status: "denied", byRule: true });
  });
});

describe("statusLabel", () => {
  const base = toolCallView(complete, undefined, null);
  it("says how long a call ran or has been running", () => {
    expect(statusLabel({ ...base, status: "running", startedAt: 1_000 }, 4_500)).toBe("Running · 3.5 s");
    expect(statusLabel({ ...base, status: "running", startedAt: null })).toBe("Running…");
    expect(statusLabel({ ...base, status: "done", result: { content: "", isError: false, durationMs: 1_234 } })).toBe(
      "Done in 1.2 s",
    );
    expect(statusLabel({ ...base, status: "error", result: { content: "", isError: true, durationMs: null } })).toBe("Error");
  });

  it("tells a rule's refusal from the user's", () => {
    expect(statusLabel({ ...base, status: "denied" })).toBe("Denied");
    expect(statusLabel({ ...base, status: "denied", byRule: true })).toBe("Denied by a rule");
    expect(statusLabel({ ...base, status: "waiting_approval" })).toBe("Waiting for approval");
  });
});

describe("formatDuration", () => {
  it.each([
    [0, "0 ms"],
    [850, "850 ms"],
    [1_000, "1.0 s"],
    [1_299, "1.2 s"],
    [14_900, "14 s"],
    [60_000, "1 min"],
    [125_000, "2 min 5 s"],
  ])("%i ms is %s", (ms, text) => expect(formatDuration(ms)).toBe(text));
});

describe("splitToolName", () => {
  it("splits an MCP tool into its server and tool, and leaves a built-in whole", () => {
    expect(splitToolName("github__create_issue")).toEqual({ server: "github", tool: "create_issue" });
    expect(splitToolName("my-server__a__b")).toEqual({ server: "my-server", tool: "a__b" });
    expect(splitToolName("run_shell")).toEqual({ server: null, tool: "run_shell" });
    expect(splitToolName("__odd")).toEqual({ server: null, tool: "__odd" });
    expect(splitToolName("odd__")).toEqual({ server: null, tool: "odd__" });
  });
});

describe("arguments and results", () => {
  it("pretty-prints arguments once they parse, and shows them raw until then", () => {
    expect(prettyArgs('{"path":"a.txt"}')).toBe('{\n  "path": "a.txt"\n}');
    expect(prettyArgs('{"path": "a.t')).toBe('{"path": "a.t');
    expect(prettyArgs("")).toBe("");
    expect(prettyValue({ command: "ls" })).toBe('{\n  "command": "ls"\n}');
    expect(prettyValue('{"a":1}'), "input stored as a string that parses").toBe('{\n  "a": 1\n}');
  });

  it("collapses long results to their first lines", () => {
    const long = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join("\n");
    expect(isLongResult(long)).toBe(true);
    expect(isLongResult("short\nresult")).toBe(false);
    expect(isLongResult("x".repeat(2_000)), "one very long line").toBe(true);
    expect(resultPreview(long).split("\n")).toHaveLength(RESULT_PREVIEW_LINES);
    expect(resultPreview("x".repeat(2_000)).length).toBeLessThan(1_000);
    expect(lineCount(long)).toBe(30);
    expect(lineCount("one\n")).toBe(1);
    expect(lineCount("")).toBe(0);
  });
});

describe("suggestPattern (what the Always input starts with)", () => {
  it.each([
    ["run_shell", "git status --short", "git status"],
    ["run_shell", "  npm run build ", "npm run"],
    ["run_shell", "ls -la /tmp", "ls"],
    ["run_shell", "git -C repo log", "git"],
    ["run_shell", "cargo test -p engine", "cargo test"],
  ])("%s %j → %j (the program, and its subcommand)", (tool, subject, pattern) => {
    expect(suggestPattern(tool, subject)).toBe(pattern);
  });

  it.each([
    ["read_file", "src/lib/a.rs", "src/lib/**"],
    ["write_file", "notes.md", "*"],
    ["edit_file", "docs/x.md", "docs/**"],
    ["list_dir", ".", "**"],
    ["grep", "src", "{src,src/**}"],
  ])("%s %j → %j (the folder's glob)", (tool, subject, pattern) => {
    expect(suggestPattern(tool, subject)).toBe(pattern);
  });

  it.each([
    "python3 script.py",
    "bash -c 'id'",
    "/usr/bin/env sh",
    "sudo ls",
    "xargs rm",
    "FOO=1 ls",
    "ls $HOME",
    "find . -exec rm {} +",
    "git -c alias.x=!id x",
  ])("offers no rule for %j, and says why", (subject) => {
    expect(suggestPattern("run_shell", subject)).toBe("");
    expect(noRuleReason("run_shell", subject)).toMatch(/No rule can vouch/);
  });

  it("says nothing when a rule can cover the command", () => {
    expect(noRuleReason("run_shell", "git status --short")).toBeNull();
    expect(noRuleReason("read_file", "bash")).toBeNull();
  });

  it("offers a URL's origin, and nothing narrower for MCP tools or unknown subjects", () => {
    expect(suggestPattern("fetch_url", "https://docs.rs/serde/latest?x=1")).toBe("https://docs.rs/");
    expect(suggestPattern("fetch_url", "https://example.com")).toBe("https://example.com/");
    expect(suggestPattern("fetch_url", "HTTP://Docs.RS:80/x")).toBe("http://docs.rs/");
    expect(suggestPattern("fetch_url", "http://docs.rs@127.0.0.1/")).toBe("");
    expect(suggestPattern("fetch_url", "not a url")).toBe("");
    expect(suggestPattern("github__create_issue", '{"repo":"a/b"}')).toBe("");
    expect(suggestPattern("memory_remember", "core")).toBe("core");
    expect(suggestPattern("run_shell", null)).toBe("");
    expect(suggestPattern("run_shell", "   ")).toBe("");
  });

  it.each([
    ["http://localhost:3000/", true],
    ["http://api.localhost/", true],
    ["http://127.0.0.1:8080/x", true],
    ["http://0x7f.1/", true],
    ["http://192.168.1.10/", true],
    ["http://172.20.0.1/", true],
    ["http://169.254.169.254/latest/meta-data", true],
    ["http://[::1]:8080/", true],
    ["http://[fd00::1]/", true],
    ["https://docs.rs/", false],
    ["https://172.32.0.1/", false],
    ["https://localhost.example/", false],
  ])("warns when %j reaches this computer or the local network: %j", (url, local) => {
    expect(localReachNote("fetch_url", url) !== null).toBe(local);
  });

  it("names what the pattern is matched against", () => {
    expect(patternKind("run_shell")).toBe("command");
    expect(patternKind("glob")).toBe("path");
    expect(patternKind("fetch_url")).toBe("url");
    expect(patternKind("github__x")).toBe("arguments");
    expect(patternKind("mystery")).toBe("none");
    expect(subjectLabel("run_shell")).toBe("Command");
    expect(subjectLabel("Bash"), "Claude Code's shell is matched like run_shell").toBe("Command");
    expect(subjectLabel("shell"), "and Codex's").toBe("Command");
    expect(subjectLabel("Write")).toBe("Path");
    expect(subjectLabel("apply_patch"), "a Codex change's subject is its paths").toBe("Path");
    expect(subjectLabel("WebFetch")).toBe("URL");
    expect(subjectLabel("github__x"), "an MCP call's subject is its arguments, shown already").toBeNull();
  });
});

describe("parseEditedInput", () => {
  it("takes a JSON object and says what is wrong with anything else", () => {
    expect(parseEditedInput('{"command": "ls"}')).toEqual({ ok: true, input: { command: "ls" } });
    const notJson = parseEditedInput("{command: ls}");
    expect(notJson.ok === false && notJson.problem).toMatch(/not JSON/);
    for (const other of ["[1]", "null", "\"ls\"", "3"]) {
      const r = parseEditedInput(other);
      expect(r.ok === false && r.problem, other).toMatch(/JSON object/);
    }
  });
});
