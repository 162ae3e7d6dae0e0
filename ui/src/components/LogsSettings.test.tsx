// Settings → Logs, through the section's props.
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { LogLine } from "../bindings/LogLine";
import type { LogQuery } from "../bindings/LogQuery";
import { logLineText, logTime } from "../logs";
import { session } from "../test/fixtures";
import { LogsSettings, type LogsSettingsProps } from "./LogsSettings";

const SESSIONS = [session("s1", 1_000, { title: "Trip plans" })];

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

const LINES = [
  line(1, { level: "debug", message: "opened the store", target: "hearth_engine::store" }),
  line(2, { message: "run started", session_id: "s1", fields: "run=r1 model=gpt-4o" }),
  line(3, { level: "warn", message: "retrying", fields: "attempt=2" }),
  line(4, { level: "error", message: "provider refused the key", session_id: "s-old" }),
];

function renderLogs(overrides: Partial<LogsSettingsProps> = {}) {
  const props: LogsSettingsProps = {
    onQuery: vi.fn(() => Promise.resolve(LINES)),
    sessions: SESSIONS,
    onOpenSession: vi.fn(),
    // Long enough not to poll unless a test asks for it.
    pollMs: 60_000,
    ...overrides,
  };
  const user = userEvent.setup();
  const view = render(<LogsSettings {...props} />);
  return { props, user, ...view };
}

const shown = () => screen.queryAllByTestId("log-line");

describe("Settings → Logs", () => {
  it("shows the recent lines: time, level, target, message, fields and the chat", async () => {
    const { props } = renderLogs();
    await waitFor(() => expect(shown()).toHaveLength(4));
    expect(props.onQuery).toHaveBeenCalledExactlyOnceWith({});
    expect(shown().map((l) => l.dataset.level)).toEqual(["debug", "info", "warn", "error"]);
    const run = shown()[1]!;
    expect(run.textContent).toContain(logTime(LINES[1]!.ts));
    expect(run.textContent).toContain("INFO");
    expect(run.textContent).toContain("hearth_engine::run");
    expect(run.textContent).toContain("run started");
    expect(run.textContent).toContain("run=r1 model=gpt-4o");
    expect(within(run).getByTestId("log-session-link").textContent).toBe("Trip plans");
    expect(within(shown()[3]!).getByTestId("log-session-link").textContent, "a chat not in the list").toBe("Chat s-old…");
    expect(within(shown()[0]!).queryByTestId("log-session-link")).toBeNull();
  });

  it("opens a line's chat from its link", async () => {
    const { user, props } = renderLogs();
    await waitFor(() => expect(shown()).toHaveLength(4));
    await user.click(within(shown()[1]!).getByTestId("log-session-link"));
    expect(props.onOpenSession).toHaveBeenCalledExactlyOnceWith("s1");
  });

  it("asks again with the minimum level, the chat and the search text, and shows only that answer", async () => {
    const onQuery = vi.fn((query: LogQuery) =>
      Promise.resolve(query.level === "warn" ? LINES.filter((l) => l.level === "warn" || l.level === "error") : LINES),
    );
    const { user } = renderLogs({ onQuery });
    await waitFor(() => expect(shown()).toHaveLength(4));

    await user.selectOptions(screen.getByTestId("logs-level"), "warn");
    expect(onQuery).toHaveBeenLastCalledWith({ level: "warn" });
    await waitFor(() => expect(shown().map((l) => l.dataset.level)).toEqual(["warn", "error"]));

    await user.selectOptions(screen.getByTestId("logs-session"), "s1");
    expect(onQuery).toHaveBeenLastCalledWith({ level: "warn", session_id: "s1" });
    await user.type(screen.getByTestId("logs-search"), "retry");
    expect(onQuery).toHaveBeenLastCalledWith({ level: "warn", session_id: "s1", q: "retry" });

    await user.selectOptions(screen.getByTestId("logs-level"), "all");
    expect(onQuery).toHaveBeenLastCalledWith({ session_id: "s1", q: "retry" });
    const levels = [...(screen.getByTestId("logs-level") as HTMLSelectElement).options].map((o) => o.value);
    expect(levels).toEqual(["all", "debug", "info", "warn", "error"]);
  });

  it("polls for the lines after the last one it has and appends only those", async () => {
    const onQuery = vi.fn((query: LogQuery) => {
      if (query.after_seq === undefined) return Promise.resolve(LINES.slice(0, 2));
      if (query.after_seq === 2) return Promise.resolve([line(3), line(4)]);
      return Promise.resolve([]);
    });
    renderLogs({ onQuery, pollMs: 20 });
    await waitFor(() => expect(shown().map((l) => l.dataset.seq)).toEqual(["1", "2", "3", "4"]));
    await waitFor(() => expect(onQuery).toHaveBeenCalledWith({ after_seq: 4 }));
    expect(shown()).toHaveLength(4);
  });

  it("stops polling once the section is closed", async () => {
    const onQuery = vi.fn(() => Promise.resolve([]));
    const { unmount } = renderLogs({ onQuery, pollMs: 20 });
    await waitFor(() => expect(onQuery.mock.calls.length).toBeGreaterThan(1));
    unmount();
    const calls = onQuery.mock.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(onQuery).toHaveBeenCalledTimes(calls);
  });

  it("copies the lines shown as text", async () => {
    const { user } = renderLogs();
    await waitFor(() => expect(shown()).toHaveLength(4));
    await user.click(screen.getByTestId("logs-copy"));
    await expect(navigator.clipboard.readText()).resolves.toBe(LINES.map(logLineText).join("\n"));
    expect(screen.getByTestId("logs-copy").textContent).toBe("Copied");
  });

  it("says when nothing matches, and why the logs could not be read", async () => {
    const { unmount } = renderLogs({ onQuery: vi.fn(() => Promise.resolve([])) });
    await waitFor(() => expect(screen.getByTestId("logs-list").textContent).toContain("No lines match."));
    unmount();
    renderLogs({ onQuery: vi.fn(() => Promise.reject({ code: "INTERNAL", message: "the log ring is gone" })) });
    await waitFor(() => expect(screen.getByTestId("logs-error").textContent).toContain("the log ring is gone"));
  });
});
