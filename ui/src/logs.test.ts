import { describe, expect, it } from "vitest";
import type { LogLine } from "./bindings/LogLine";
import { appendLines, capLines, logLineText, logQuery, logTime, MAX_LOG_LINES, NO_LOG_FILTERS } from "./logs";

const line = (seq: number, change: Partial<LogLine> = {}): LogLine => ({
  seq,
  ts: Date.UTC(2025, 0, 5, 10, 0, 0, seq),
  level: "info",
  target: "hearth_engine::run",
  message: `line ${seq}`,
  session_id: null,
  fields: "",
  ...change,
});

describe("logQuery", () => {
  it("leaves out every filter not set, and asks after a seq only when given one", () => {
    expect(logQuery(NO_LOG_FILTERS)).toEqual({});
    expect(logQuery({ level: "warn", sessionId: "s1", search: "  timeout " }, 41)).toEqual({
      level: "warn",
      session_id: "s1",
      q: "timeout",
      after_seq: 41,
    });
    expect(logQuery(NO_LOG_FILTERS, 0)).toEqual({ after_seq: 0 });
  });
});

describe("appendLines", () => {
  it("adds only lines newer than the last kept, and keeps the list when none are", () => {
    const kept = [line(1), line(2)];
    expect(appendLines(kept, [line(2), line(3)]).map((l) => l.seq)).toEqual([1, 2, 3]);
    expect(appendLines(kept, [line(1)])).toBe(kept);
    expect(appendLines([], [line(5)]).map((l) => l.seq)).toEqual([5]);
  });

  it("keeps the newest MAX_LOG_LINES", () => {
    const many = Array.from({ length: MAX_LOG_LINES }, (_, i) => line(i + 1));
    const next = appendLines(many, [line(MAX_LOG_LINES + 1), line(MAX_LOG_LINES + 2)]);
    expect(next).toHaveLength(MAX_LOG_LINES);
    expect(next[0]?.seq).toBe(3);
    expect(next[next.length - 1]?.seq).toBe(MAX_LOG_LINES + 2);
    expect(capLines([...many, line(MAX_LOG_LINES + 1)])[0]?.seq).toBe(2);
  });
});

describe("a line as text", () => {
  it("has its time, level, target, message, fields and chat", () => {
    expect(logLineText(line(7, { level: "warn", fields: "attempt=2", session_id: "s1" }))).toBe(
      "2025-01-05T10:00:00.007Z WARN  hearth_engine::run line 7 attempt=2 session=s1",
    );
    expect(logLineText(line(8))).toBe("2025-01-05T10:00:00.008Z INFO  hearth_engine::run line 8");
  });

  it("shows the local time of day to the millisecond", () => {
    expect(logTime(new Date(2025, 0, 5, 9, 3, 7, 42).getTime())).toBe("09:03:07.042");
  });
});
