import { describe, expect, it } from "vitest";
import type { Frame } from "./bindings/Frame";
import type { FrameBody } from "./bindings/FrameBody";
import type { History } from "./bindings/History";
import type { QueuedRun } from "./bindings/QueuedRun";
import {
  conversationReducer,
  initialConversationState,
  isRunning,
  runFailure,
  visibleMessages,
  type ConversationAction,
  type ConversationState,
} from "./conversation";
import { approval, FrameLog, historyAt, message, NO_USAGE, SESSION, snapshotAt, storedWatermark } from "./test/frames";
import { toolCallView } from "./toolCalls";

const EMPTY_HISTORY: History = { messages: [], watermark: 0, has_more: false };

const apply = (state: ConversationState, actions: ConversationAction[]) => actions.reduce(conversationReducer, state);
const framesOf = (frames: readonly Frame[]): ConversationAction[] => frames.map((frame) => ({ type: "frame", frame }));

/** A viewer that opened the session before anything happened and watched every frame. */
function watchLive(frames: readonly Frame[]): ConversationState {
  return apply(initialConversationState, [
    { type: "opened", sessionId: SESSION },
    { type: "historyLoaded", sessionId: SESSION, history: EMPTY_HISTORY },
    { type: "snapshot", snapshot: snapshotAt([], 0) },
    ...framesOf(frames),
  ]);
}

function opened(history: History): ConversationState {
  return apply(initialConversationState, [
    { type: "opened", sessionId: SESSION },
    { type: "historyLoaded", sessionId: SESSION, history },
  ]);
}

/** What the screen shows: what must not depend on how the viewer got here. */
function screen(state: ConversationState) {
  return {
    messages: visibleMessages(state).map((m) => ({
      id: m.id,
      role: m.role,
      source: m.source,
      status: m.status,
      // The history numbers blocks by position, frames by the provider's index: only order counts.
      blocks: m.blocks.map(({ index: _index, ...block }) => block),
      // Each call's card (times aside: a clock, not the backend, moves those).
      tools: m.blocks.flatMap((b) => {
        if (b.kind !== "tool_use") return [];
        const view = toolCallView(m, state.tools[b.id], state.runningRunId);
        return [{ id: b.id, status: view.status, approval: view.approval?.id ?? null, result: view.result?.content ?? null }];
      }),
    })),
    phase: state.phase,
    running: isRunning(state),
    queue: state.queue,
    retrying: state.retrying,
    failure: failureOf(state),
  };
}
type Screen = ReturnType<typeof screen>;

function failureOf(state: ConversationState) {
  const failure = runFailure(state);
  return failure && { status: failure.status, error: failure.error?.message ?? null };
}

const BLOCK_FRAMES = new Set<Frame["type"]>([
  "text_start",
  "text_delta",
  "text_end",
  "thinking_start",
  "thinking_delta",
  "thinking_end",
  "tool_call_start",
  "tool_call_delta",
  "tool_call_end",
]);

function lastWhere<T>(items: readonly T[], test: (item: T) => boolean): T | undefined {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i]!)) return items[i];
  return undefined;
}

/**
 * The live screen at `t`, less what only a frame at or below the watermark W could have told:
 * a retry notice, a failed run's error text (a history message has no field for it), and why
 * a call whose result the history stores was not run (denied, expired: its stored result only
 * says so in words); and plus what only the history tells: the stored result of a call that
 * had no result frame (refused by a rule, denied, stopped).
 */
function expectedAfterReload(
  live: Screen,
  frames: readonly Frame[],
  t: number,
  watermark: number,
  history: History = EMPTY_HISTORY,
): Screen {
  const upToT = frames.filter((f) => f.seq <= t);
  const lastRetryChange = lastWhere(
    upToT,
    (f) => f.type === "retrying" || f.type === "run_started" || f.type === "message_start" || f.type === "run_completed" || BLOCK_FRAMES.has(f.type),
  );
  const lastRunChange = lastWhere(upToT, (f) => f.type === "run_started" || f.type === "run_completed");
  let { retrying, failure } = live;
  if (lastRetryChange?.type === "retrying" && lastRetryChange.seq <= watermark) retrying = null;
  if (lastRunChange?.type === "run_completed" && lastRunChange.seq <= watermark && failure) {
    const last = live.messages[live.messages.length - 1];
    const failedReply = last?.role === "assistant" && (last.status === "error" || last.status === "interrupted");
    failure = failedReply ? { status: last.status as "error" | "interrupted", error: null } : null;
  }
  const stored = new Map(
    history.messages.flatMap((m) => m.content.flatMap((b) => (b.type === "tool_result" ? [[b.tool_use_id, b] as const] : []))),
  );
  const messages = live.messages.map((m) => ({
    ...m,
    tools: m.tools.map((call) => {
      const result = stored.get(call.id);
      if (!result) return call;
      const answeredAgain = frames.some(
        (f) => f.type === "approval_resolved" && f.tool_use_id === call.id && f.outcome !== "allowed" && f.seq > watermark && f.seq <= t,
      );
      if (answeredAgain) return { ...call, result: result.content };
      return {
        ...call,
        status: result.is_error ? ("error" as const) : ("done" as const),
        approval: null,
        result: result.content,
      };
    }),
  }));
  return { ...live, messages, retrying, failure };
}

function scenarios() {
  const thinking = new FrameLog()
    .startRun("r1", "u1", "Hello")
    .add("r1", { type: "phase", phase: "thinking" }, { type: "message_start", message_id: "a1" })
    .add(
      "r1",
      { type: "thinking_start", index: 0 },
      { type: "thinking_delta", index: 0, text: "Let me" },
      { type: "thinking_delta", index: 0, text: " think" },
      { type: "thinking_end", index: 0 },
      { type: "phase", phase: "streaming" },
      { type: "text_start", index: 1 },
      { type: "text_delta", index: 1, text: "Hi" },
      { type: "text_delta", index: 1, text: " **there**" },
      { type: "text_end", index: 1 },
      { type: "message_end", message_id: "a1", stop_reason: "end_turn", usage: NO_USAGE },
    )
    .finish("r1");

  const toolsAndSteer = new FrameLog()
    .startRun("r1", "u1", "Read a.txt")
    .add(
      "r1",
      { type: "message_start", message_id: "a1" },
      { type: "text_start", index: 0 },
      { type: "text_delta", index: 0, text: "Looking" },
      { type: "text_end", index: 0 },
      // An empty block (a provider's empty first delta): the engine does not store it.
      { type: "text_start", index: 1 },
      { type: "text_delta", index: 1, text: "" },
      { type: "text_end", index: 1 },
      { type: "tool_call_start", index: 2, id: "t1", name: "read_file" },
      { type: "tool_call_delta", index: 2, partial_json: '{"path":' },
      { type: "tool_call_delta", index: 2, partial_json: ' "a.txt"}' },
      { type: "tool_call_end", index: 2 },
      { type: "message_end", message_id: "a1", stop_reason: "tool_use", usage: NO_USAGE },
      { type: "phase", phase: "tool" },
      { type: "tool_result", tool_use_id: "t1", name: "read_file", content: "contents of a", is_error: false, duration_ms: 4 },
    )
    // Steered text waits while tools run: it enters after the step's results.
    .saveResults("r1", "res1", [{ type: "tool_result", tool_use_id: "t1", content: "contents of a", is_error: false }])
    .add(
      "r1",
      { type: "steered", message_id: "u2", text: "also check b.txt" },
      { type: "phase", phase: "connecting" },
      { type: "phase", phase: "streaming" },
      { type: "message_start", message_id: "a2" },
      { type: "text_start", index: 0 },
      { type: "text_start", index: 1 },
      { type: "text_delta", index: 0, text: "A" },
      { type: "text_delta", index: 1, text: "B" },
      { type: "text_delta", index: 0, text: "A2" },
      { type: "text_delta", index: 1, text: "B2" },
      { type: "text_end", index: 0 },
      { type: "text_end", index: 1 },
      { type: "message_end", message_id: "a2", stop_reason: "end_turn", usage: NO_USAGE },
    )
    .finish("r1");

  const queued: QueuedRun = { run_id: "r2", message_id: "u2", priority: "later", text: "second" };
  const queue = new FrameLog()
    .startRun("r1", "u1", "first")
    .add(
      "r1",
      { type: "message_start", message_id: "a1" },
      { type: "text_start", index: 0 },
      { type: "text_delta", index: 0, text: "One" },
    )
    .add("r2", { type: "run_queued", message_id: "u2", priority: "later", position: 1 })
    .add(null, { type: "queue_changed", queue: [queued] })
    .add(
      "r1",
      { type: "text_delta", index: 0, text: " done" },
      { type: "text_end", index: 0 },
      { type: "message_end", message_id: "a1", stop_reason: "end_turn", usage: NO_USAGE },
    )
    .finish("r1")
    .add(null, { type: "queue_changed", queue: [] })
    .add(
      "r2",
      { type: "user_message", message_id: "u2", text: "second" },
      { type: "run_started", message_id: "u2", model: "m" },
    )
    .reply("r2", "a2", ["Two"])
    .finish("r2");

  const aborted = new FrameLog()
    .startRun("r1", "u1", "Write a poem")
    .add(
      "r1",
      { type: "message_start", message_id: "a1" },
      { type: "text_start", index: 0 },
      { type: "text_delta", index: 0, text: "Roses are" },
    )
    .finish("r1", "aborted");

  const interrupted = new FrameLog()
    .startRun("r1", "u1", "Write a poem")
    .add(
      "r1",
      { type: "message_start", message_id: "a1" },
      { type: "text_start", index: 0 },
      { type: "text_delta", index: 0, text: "Roses" },
    )
    .finish("r1", "interrupted");

  const errorAfterRetries = new FrameLog()
    .startRun("r1", "u1", "Hi")
    .add(
      "r1",
      { type: "retrying", attempt: 1, delay_ms: 1000, reason: "rate_limited" },
      { type: "retrying", attempt: 2, delay_ms: 2000, reason: "rate_limited" },
      { type: "message_start", message_id: "a1" },
      { type: "text_start", index: 0 },
      { type: "text_delta", index: 0, text: "Half an ans" },
    )
    .finish("r1", "error", "The provider closed the stream");

  // As the engine ends them: the reply closed by message_end (aborted / error), then the run.
  const abortedByEngine = new FrameLog()
    .startRun("r1", "u1", "Long story")
    .add(
      "r1",
      { type: "message_start", message_id: "a1" },
      { type: "phase", phase: "thinking" },
      { type: "thinking_start", index: 0 },
      { type: "thinking_delta", index: 0, text: "plot" },
      { type: "thinking_end", index: 0 },
      { type: "phase", phase: "streaming" },
      { type: "text_start", index: 1 },
      { type: "text_delta", index: 1, text: "Once upon" },
      { type: "text_end", index: 1 },
      { type: "message_end", message_id: "a1", stop_reason: "aborted", usage: NO_USAGE },
    )
    .finish("r1", "aborted");

  const failedByEngine = new FrameLog()
    .startRun("r1", "u1", "Call a tool")
    .add(
      "r1",
      { type: "message_start", message_id: "a1" },
      { type: "tool_call_start", index: 0, id: "t1", name: "search" },
      { type: "tool_call_delta", index: 0, partial_json: '{"q": "unfinis' },
      { type: "message_end", message_id: "a1", stop_reason: "error", usage: NO_USAGE },
    )
    .finish("r1", "error", "The stream ended early");

  // A read runs at once, a command asks and is denied, a fetch is refused by a rule (no frame).
  const approvals = new FrameLog()
    .startRun("r1", "u1", "Tidy the build")
    .add(
      "r1",
      { type: "message_start", message_id: "a1" },
      { type: "phase", phase: "streaming" },
      { type: "text_start", index: 0 },
      { type: "text_delta", index: 0, text: "Let me look" },
      { type: "text_end", index: 0 },
    )
    .toolCall("r1", 1, "t1", "read_file", ['{"path":', ' "a.txt"}'])
    .toolCall("r1", 2, "t2", "run_shell", ['{"command":', '"rm -rf build"}'])
    .toolCall("r1", 3, "t3", "fetch_url", ['{"url":"https://example.com/x"}'])
    .add(
      "r1",
      { type: "tool_call_end", index: 1 },
      { type: "tool_call_end", index: 2 },
      { type: "tool_call_end", index: 3 },
      { type: "message_end", message_id: "a1", stop_reason: "tool_use", usage: NO_USAGE },
      { type: "approval_requested", approval: approval("ap1", "t2", "run_shell", { command: "rm -rf build" }, "rm -rf build") },
      { type: "phase", phase: "tool" },
      { type: "tool_result", tool_use_id: "t1", name: "read_file", content: "hello", is_error: false, duration_ms: 12 },
      { type: "phase", phase: "waiting_approval" },
      { type: "approval_resolved", approval_id: "ap1", tool_use_id: "t2", outcome: "denied" },
    )
    .saveResults("r1", "res1", [
      { type: "tool_result", tool_use_id: "t1", content: "hello", is_error: false },
      { type: "tool_result", tool_use_id: "t2", content: "The user denied this tool call.", is_error: true },
      { type: "tool_result", tool_use_id: "t3", content: "The user's settings do not allow fetch_url to run.", is_error: true },
    ])
    .add("r1", { type: "phase", phase: "connecting" })
    .reply("r1", "a2", ["I left the build alone."])
    .finish("r1");

  // Stopped while a command runs and a write waits: the engine stores "stopped" results, then
  // expires the approval as the run ends.
  const stoppedDuringTools = new FrameLog()
    .startRun("r1", "u1", "Build it")
    .add("r1", { type: "message_start", message_id: "a1" })
    .toolCall("r1", 0, "t1", "run_shell", ['{"command":"make"}'])
    .toolCall("r1", 1, "t2", "write_file", ['{"path":"out/a.txt","content":"x"}'])
    .add(
      "r1",
      { type: "tool_call_end", index: 0 },
      { type: "tool_call_end", index: 1 },
      { type: "message_end", message_id: "a1", stop_reason: "tool_use", usage: NO_USAGE },
      { type: "approval_requested", approval: approval("ap1", "t2", "write_file", { path: "out/a.txt", content: "x" }, "out/a.txt") },
      { type: "phase", phase: "tool" },
    )
    .saveResults("r1", "res1", [
      { type: "tool_result", tool_use_id: "t1", content: "Stopped by the user before it finished.", is_error: true },
      { type: "tool_result", tool_use_id: "t2", content: "Stopped by the user before it finished.", is_error: true },
    ])
    .add("r1", { type: "approval_resolved", approval_id: "ap1", tool_use_id: "t2", outcome: "expired" })
    .finish("r1", "aborted");

  // An MCP tool allowed for the chat runs; the next step would pass the chat's step limit.
  const allowedThenStepLimit = new FrameLog()
    .startRun("r1", "u1", "Any open issues?")
    .add("r1", { type: "message_start", message_id: "a1" })
    .toolCall("r1", 0, "t1", "github__list_issues", ['{"repo":"a/b"}'])
    .add(
      "r1",
      { type: "tool_call_end", index: 0 },
      { type: "message_end", message_id: "a1", stop_reason: "tool_use", usage: NO_USAGE },
      { type: "approval_requested", approval: approval("ap1", "t1", "github__list_issues", { repo: "a/b" }, '{"repo":"a/b"}') },
      { type: "phase", phase: "waiting_approval" },
      { type: "approval_resolved", approval_id: "ap1", tool_use_id: "t1", outcome: "allowed", remember: "session" },
      { type: "phase", phase: "tool" },
      { type: "tool_result", tool_use_id: "t1", name: "github__list_issues", content: "[]", is_error: false, duration_ms: 340 },
    )
    .saveResults("r1", "res1", [{ type: "tool_result", tool_use_id: "t1", content: "[]", is_error: false }])
    .finish("r1", "error", "the agent stopped after 1 steps (this chat's limit)", "STEP_LIMIT");

  const errorThenSuccess = new FrameLog()
    .startRun("r1", "u1", "Hi")
    .add("r1", { type: "retrying", attempt: 1, delay_ms: 500, reason: "overloaded" })
    .finish("r1", "error", "Connection refused")
    .startRun("r2", "u2", "Hi again")
    .reply("r2", "a2", ["Hello", "!"])
    .finish("r2");

  // Posted from outside (the inbox) before and after a run: whole messages, not the model's.
  const proactive = new FrameLog()
    .add(null, { type: "proactive_message", message_id: "p1", text: "Build **green**", origin: "inbox", notify: true })
    .startRun("r1", "u1", "Thanks")
    .reply("r1", "a1", ["You're welcome"])
    .finish("r1")
    .add(null, { type: "proactive_message", message_id: "p2", text: "Deploy done", origin: "inbox:ci", notify: false });

  return {
    proactive,
    thinking,
    toolsAndSteer,
    queue,
    aborted,
    interrupted,
    errorAfterRetries,
    errorThenSuccess,
    abortedByEngine,
    failedByEngine,
    approvals,
    stoppedDuringTools,
    allowedThenStepLimit,
  };
}

describe("reload equals live (the UI invents no state)", () => {
  for (const [name, { frames, stored }] of Object.entries(scenarios())) {
    it(`${name}: history at any point + snapshot + frames after its watermark give the live screen`, () => {
      const last = frames[frames.length - 1]?.seq ?? 0;
      const liveAt = (t: number) => screen(watchLive(frames.filter((f) => f.seq <= t)));
      const liveEnd = liveAt(last);
      let checked = 0;
      // The window reloads once frames up to t are committed; history was read at k <= t.
      for (let t = 0; t <= last; t++) {
        const liveT = liveAt(t);
        for (let k = 0; k <= t; k++) {
          const history = historyAt(frames, k, stored);
          // Any lower watermark keeps the contract too (frames <= W are reflected): then frames
          // after W repeat messages the history already holds, which must fold in by id.
          const watermarks = new Set([
            history.watermark,
            storedWatermark(history),
            history.watermark - 1,
            Math.floor(history.watermark / 2),
            0,
          ]);
          for (const watermark of watermarks) {
            if (watermark < 0) continue;
            const replay = framesOf(frames.filter((f) => f.seq > watermark && f.seq <= t));
            const after = framesOf(frames.filter((f) => f.seq > t));
            const snapshot: ConversationAction = { type: "snapshot", snapshot: snapshotAt(frames, t) };
            for (const snapshotFirst of [true, false]) {
              const start = opened({ ...history, watermark });
              const caughtUp = apply(start, snapshotFirst ? [snapshot, ...replay] : [...replay, snapshot]);
              const where = `reload at t=${t}, history at k=${k}, W=${watermark}, snapshot ${snapshotFirst ? "before" : "after"} the replay`;
              expect(screen(caughtUp), `${where}: the screen once caught up`).toEqual(
                expectedAfterReload(liveT, frames, t, watermark, history),
              );
              expect(screen(apply(caughtUp, after)), `${where}: the screen after the live tail`).toEqual(
                expectedAfterReload(liveEnd, frames, last, watermark, history),
              );
              checked++;
            }
          }
        }
      }
      expect(checked).toBeGreaterThan(last * 2);
    });
  }

  it("a reload after the run shows the same messages and statuses as watching it", () => {
    const { frames, stored } = scenarios().toolsAndSteer;
    const last = frames[frames.length - 1]!.seq;
    const reloaded = apply(opened(historyAt(frames, last, stored)), [{ type: "snapshot", snapshot: snapshotAt(frames, last) }]);
    expect(screen(reloaded)).toEqual(screen(watchLive(frames)));
    expect(screen(reloaded).messages.map((m) => `${m.role}:${m.id}:${m.status}`)).toEqual([
      "user:u1:complete",
      "assistant:a1:complete",
      "user:u2:complete",
      "assistant:a2:complete",
    ]);
  });
});

describe("exactly once", () => {
  it("ignores every frame delivered a second time", () => {
    for (const [name, { frames }] of Object.entries(scenarios())) {
      const twice = frames.flatMap((f) => [f, f]);
      expect(screen(watchLive(twice)), `${name}: a repeated frame must change nothing`).toEqual(screen(watchLive(frames)));
    }
  });

  it("ignores a frame older than the last one applied, even if never seen", () => {
    const frames = new FrameLog().startRun("r1", "u1", "Hi").reply("r1", "a1", ["Hello"]).frames;
    const late = frames.find((f) => f.type === "text_delta")!;
    const state = watchLive(frames);
    const replayed = conversationReducer(state, { type: "frame", frame: { ...late, text: "XXX" } as Frame });
    expect(replayed, "seq <= lastSeq is already reflected").toBe(state);
  });

  it("ignores frames at or below the history's watermark", () => {
    const frames = new FrameLog().startRun("r1", "u1", "Hi").reply("r1", "a1", ["Hello"]).finish("r1").frames;
    const history = historyAt(frames, frames.length);
    const state = apply(opened(history), framesOf(frames));
    expect(state.messages).toHaveLength(2);
    expect(state.messages[1]?.blocks).toEqual([{ kind: "text", index: 0, text: "Hello" }]);
  });

  it("ignores frames and snapshots of another session", () => {
    const other = new FrameLog("other").startRun("r9", "u9", "elsewhere").frames;
    const state = apply(opened(EMPTY_HISTORY), [
      ...framesOf(other),
      { type: "snapshot", snapshot: { ...snapshotAt(other, 4), session_id: "other", phase: "streaming" } },
    ]);
    expect(state.messages).toEqual([]);
    expect(state.phase).toBe("idle");
  });

  it("ignores frames before the history has loaded", () => {
    const frames = new FrameLog().startRun("r1", "u1", "Hi").frames;
    const state = apply(initialConversationState, [{ type: "opened", sessionId: SESSION }, ...framesOf(frames)]);
    expect(state.messages).toEqual([]);
    expect(state.lastSeq, "nothing applied, so the subscription must start from the history").toBe(0);
  });

  it("drops a history that arrives for a session no longer open", () => {
    const state = apply(initialConversationState, [
      { type: "opened", sessionId: "s2" },
      { type: "historyLoaded", sessionId: SESSION, history: { ...EMPTY_HISTORY, watermark: 9 } },
    ]);
    expect(state.loaded).toBe(false);
    expect(state.sessionId).toBe("s2");
  });
});

describe("reading the history again (a branch switch)", () => {
  const text = (t: string) => [{ type: "text" as const, text: t }];
  const before = {
    messages: [message("u1", "user", text("first question")), message("a1", "assistant", text("Reply one."))],
    watermark: 6,
    has_more: false,
  };
  const after = {
    messages: [message("u2", "user", text("second question")), message("a2", "assistant", text("Reply two."))],
    watermark: 9,
    has_more: false,
  };

  it("keeps the version before on screen until the new history replaces it", () => {
    const shown = opened(before);
    const reloading = conversationReducer(shown, { type: "reloading", sessionId: SESSION });
    expect(reloading).toMatchObject({ loaded: true, reloading: true });
    expect(reloading.messages, "the same messages, not redrawn").toBe(shown.messages);
    expect(conversationReducer(reloading, { type: "reloading", sessionId: SESSION }), "once is enough").toBe(reloading);

    const replaced = conversationReducer(reloading, { type: "historyLoaded", sessionId: SESSION, history: after });
    expect(replaced).toMatchObject({ loaded: true, reloading: false, lastSeq: 9 });
    expect(replaced.messages.map((m) => m.id)).toEqual(["u2", "a2"]);
  });

  it("starts from nothing for a session not shown yet", () => {
    const other = conversationReducer(opened(before), { type: "reloading", sessionId: "s2" });
    expect(other).toEqual({ ...initialConversationState, sessionId: "s2" });
    const loading = apply(initialConversationState, [{ type: "opened", sessionId: SESSION }, { type: "reloading", sessionId: SESSION }]);
    expect(loading, "nothing shown to keep").toMatchObject({ loaded: false, reloading: false });
  });
});

describe("user messages fold by id", () => {
  it("does not duplicate a user message the history already holds", () => {
    const history: History = {
      messages: [message("u1", "user", [{ type: "text", text: "Hello" }])],
      watermark: 0,
      has_more: false,
    };
    const frames = new FrameLog().startRun("r1", "u1", "Hello").frames;
    const state = apply(opened(history), framesOf(frames));
    expect(state.messages.map((m) => m.id), "same message_id: one message").toEqual(["u1"]);
  });

  it("does not duplicate a steered message the history already holds", () => {
    const history: History = {
      messages: [
        message("u1", "user", [{ type: "text", text: "Go" }]),
        message("u2", "user", [{ type: "text", text: "faster" }]),
      ],
      watermark: 0,
      has_more: false,
    };
    const frames = new FrameLog().add("r1", { type: "steered", message_id: "u2", text: "faster" }).frames;
    const state = apply(opened(history), framesOf(frames));
    expect(state.messages.map((m) => m.id)).toEqual(["u1", "u2"]);
  });

  it("shows steered text as a user message after the reply it interrupted", () => {
    const frames = new FrameLog()
      .startRun("r1", "u1", "Go")
      .reply("r1", "a1", ["Working"])
      .add("r1", { type: "steered", message_id: "u2", text: "use tabs" })
      .reply("r1", "a2", ["OK, tabs"]).frames;
    const shown = visibleMessages(watchLive(frames));
    expect(shown.map((m) => `${m.role}:${m.id}`)).toEqual(["user:u1", "assistant:a1", "user:u2", "assistant:a2"]);
    expect(shown[2]?.blocks).toEqual([{ kind: "text", index: 0, text: "use tabs" }]);
  });
});

describe("proactive messages", () => {
  const posted = (id: string, text: string): FrameBody => ({
    type: "proactive_message",
    message_id: id,
    text,
    origin: "inbox",
    notify: true,
  });

  it("appear live as a whole assistant message from outside, with the frame's id", () => {
    const frames = new FrameLog()
      .startRun("r1", "u1", "Hi")
      .reply("r1", "a1", ["Hello"])
      .finish("r1")
      .add(null, posted("p1", "CI is **red**")).frames;
    const state = watchLive(frames);
    const shown = visibleMessages(state);
    expect(shown.map((m) => `${m.role}:${m.source}:${m.id}`)).toEqual([
      "user:user:u1",
      "assistant:model:a1",
      "assistant:external:p1",
    ]);
    expect(shown[2]).toMatchObject({ status: "complete", blocks: [{ kind: "text", index: 0, text: "CI is **red**" }] });
    expect(isRunning(state), "no run comes with it").toBe(false);
  });

  it("do not duplicate a proactive message the history already holds (same id)", () => {
    const frames = new FrameLog().add(null, posted("p1", "Deploy done")).frames;
    const history: History = {
      messages: [{ ...message("p1", "assistant", [{ type: "text", text: "Deploy done" }], "complete", null, 1), source: "external" }],
      watermark: 0,
      has_more: false,
    };
    const state = apply(opened(history), framesOf(frames));
    expect(state.messages.map((m) => `${m.source}:${m.id}`), "same message_id: one message").toEqual(["external:p1"]);
  });

  it("keep their source from the history", () => {
    const history: History = {
      messages: [
        { ...message("w1", "user", [{ type: "text", text: "Issue opened" }]), source: "external" },
        message("a1", "assistant", [{ type: "text", text: "Noted" }]),
      ],
      watermark: 0,
      has_more: false,
    };
    expect(opened(history).messages.map((m) => `${m.role}:${m.source}`)).toEqual(["user:external", "assistant:model"]);
  });

  it("do not take the block frames of a reply streaming meanwhile", () => {
    const frames = new FrameLog()
      .startRun("r1", "u1", "Go")
      .add(
        "r1",
        { type: "message_start", message_id: "a1" },
        { type: "text_start", index: 0 },
        { type: "text_delta", index: 0, text: "Work" },
      )
      .add(null, posted("p1", "Heads up"))
      .add("r1", { type: "text_delta", index: 0, text: "ing" }).frames;
    const state = watchLive(frames);
    expect(state.messages.find((m) => m.id === "a1")?.blocks).toEqual([{ kind: "text", index: 0, text: "Working" }]);
    expect(state.messages.find((m) => m.id === "p1")?.blocks).toEqual([{ kind: "text", index: 0, text: "Heads up" }]);
  });
});

describe("assistant messages from frames", () => {
  it("builds two blocks from interleaved deltas by index", () => {
    const frames = new FrameLog().startRun("r1", "u1", "Hi").add(
      "r1",
      { type: "message_start", message_id: "a1" },
      { type: "text_start", index: 0 },
      { type: "text_start", index: 1 },
      { type: "text_delta", index: 1, text: "second" },
      { type: "text_delta", index: 0, text: "first" },
      { type: "text_delta", index: 1, text: " block" },
      { type: "text_delta", index: 0, text: " block" },
    ).frames;
    const state = watchLive(frames);
    const reply = state.messages[1]!;
    expect(reply.status).toBe("streaming");
    expect(reply.blocks).toEqual([
      { kind: "text", index: 0, text: "first block" },
      { kind: "text", index: 1, text: "second block" },
    ]);
  });

  it("keeps blocks in index order whatever order they start in", () => {
    const frames = new FrameLog().add(
      "r1",
      { type: "message_start", message_id: "a1" },
      { type: "text_delta", index: 2, text: "c" },
      { type: "text_delta", index: 0, text: "a" },
      { type: "text_delta", index: 1, text: "b" },
    ).frames;
    expect(watchLive(frames).messages[0]?.blocks.map((b) => b.index)).toEqual([0, 1, 2]);
  });

  it("finalizes on message_end, with the status its stop reason gives", () => {
    const frames = new FrameLog().startRun("r1", "u1", "Hi").reply("r1", "a1", ["Hel", "lo"]).frames;
    const state = watchLive(frames);
    expect(state.messages[1]).toMatchObject({ id: "a1", role: "assistant", status: "complete" });
    expect(state.messages[1]?.blocks).toEqual([{ kind: "text", index: 0, text: "Hello" }]);
    expect(state.currentId, "no message is open after message_end").toBeNull();
    expect(isRunning(state), "the run is still going until run_completed").toBe(true);
  });

  it("collects a tool call's streamed JSON and normalises it when the call ends", () => {
    const frames = new FrameLog().add(
      "r1",
      { type: "message_start", message_id: "a1" },
      { type: "tool_call_start", index: 0, id: "t1", name: "read_file" },
      { type: "tool_call_delta", index: 0, partial_json: '{"path": ' },
    ).frames;
    const streaming = watchLive(frames);
    expect(streaming.messages[0]?.blocks[0]).toEqual({
      kind: "tool_use",
      index: 0,
      id: "t1",
      name: "read_file",
      input: '{"path": ',
      done: false,
    });
    const ended = watchLive(
      new FrameLog()
        .add("r1", ...frames.map(({ session_id: _s, seq: _q, run_id: _r, ts: _t, ...body }) => body))
        .add("r1", { type: "tool_call_delta", index: 0, partial_json: '"a.txt"}' }, { type: "tool_call_end", index: 0 }).frames,
    );
    expect(ended.messages[0]?.blocks[0]).toMatchObject({ input: '{"path":"a.txt"}', done: true });
  });

  it("keeps the partial text of an aborted run, marked aborted", () => {
    const frames = scenarios().aborted.frames;
    const state = watchLive(frames);
    const reply = state.messages[1]!;
    expect(reply.status).toBe("aborted");
    expect(reply.blocks).toEqual([{ kind: "text", index: 0, text: "Roses are" }]);
    expect(state.lastFailure, "a stop is not a failure: no Retry").toBeNull();
    expect(isRunning(state)).toBe(false);
  });

  it("marks an interrupted reply and offers a retry", () => {
    const state = watchLive(scenarios().interrupted.frames);
    expect(state.messages[1]?.status).toBe("interrupted");
    expect(state.lastFailure).toEqual({ runId: "r1", status: "interrupted", error: null });
  });

  it("records the error of a failed run and the reply it cut short", () => {
    const state = watchLive(scenarios().errorAfterRetries.frames);
    expect(state.messages[1]).toMatchObject({ status: "error" });
    expect(state.messages[1]?.blocks).toEqual([{ kind: "text", index: 0, text: "Half an ans" }]);
    expect(state.lastFailure).toEqual({
      runId: "r1",
      status: "error",
      error: { code: "INTERNAL", message: "The provider closed the stream" },
    });
    expect(state.retrying, "the retry notice ends with the run").toBeNull();
  });

  it("records an error even when no reply started, and clears it when the next run starts", () => {
    const frames = scenarios().errorThenSuccess.frames;
    const failedAt = frames.find((f) => f.type === "run_completed")!.seq;
    const failed = watchLive(frames.filter((f) => f.seq <= failedAt));
    expect(failed.lastFailure?.error?.message).toBe("Connection refused");
    expect(visibleMessages(failed).map((m) => m.id)).toEqual(["u1"]);
    expect(watchLive(frames).lastFailure, "a new run replaces the failure").toBeNull();
  });

  it("keeps unchanged messages as the same objects while a reply streams (so they are not redrawn)", () => {
    const log = new FrameLog().startRun("r1", "u1", "Hi").reply("r1", "a1", ["Done"]).finish("r1").startRun("r2", "u2", "More");
    log.add("r2", { type: "message_start", message_id: "a2" }, { type: "text_delta", index: 0, text: "x" });
    const before = watchLive(log.frames);
    const after = conversationReducer(before, {
      type: "frame",
      frame: { session_id: SESSION, seq: log.lastSeq + 1, run_id: "r2", ts: 0, type: "text_delta", index: 0, text: "y" },
    });
    expect(after.messages.slice(0, 3)).toEqual(before.messages.slice(0, 3));
    after.messages.slice(0, 3).forEach((m, i) => expect(m, `message ${i} is untouched`).toBe(before.messages[i]));
    expect(after.messages[3]).not.toBe(before.messages[3]);
  });
});

describe("phase, retrying, queue", () => {
  it("follows phase frames and goes idle when the run completes", () => {
    const log = new FrameLog().startRun("r1", "u1", "Hi").add("r1", { type: "phase", phase: "thinking" });
    expect(watchLive(log.frames).phase).toBe("thinking");
    expect(isRunning(watchLive(log.frames))).toBe(true);
    log.add("r1", { type: "run_completed", status: "done", usage: NO_USAGE });
    const done = watchLive(log.frames);
    expect(done.phase, "run_completed ends the phase even without a phase frame").toBe("idle");
    expect(isRunning(done)).toBe(false);
  });

  it("shows a retry until the reply starts", () => {
    const log = new FrameLog()
      .startRun("r1", "u1", "Hi")
      .add("r1", { type: "retrying", attempt: 2, delay_ms: 2000, reason: "rate_limited" });
    expect(watchLive(log.frames).retrying).toEqual({ attempt: 2, delayMs: 2000, reason: "rate_limited" });
    log.add("r1", { type: "message_start", message_id: "a1" });
    expect(watchLive(log.frames).retrying).toBeNull();
  });

  it("replaces the queue on queue_changed and hides queued user messages from the conversation", () => {
    const item: QueuedRun = { run_id: "r2", message_id: "u2", priority: "next", text: "later please" };
    const log = new FrameLog()
      .startRun("r1", "u1", "first")
      // This backend announces the queued message at once; it must still show only in the queue.
      .add("r2", { type: "user_message", message_id: "u2", text: "later please" })
      .add(null, { type: "queue_changed", queue: [item] });
    const queued = watchLive(log.frames);
    expect(queued.queue).toEqual([item]);
    expect(visibleMessages(queued).map((m) => m.id)).toEqual(["u1"]);
    log.add(null, { type: "queue_changed", queue: [] });
    const dequeued = watchLive(log.frames);
    expect(dequeued.queue).toEqual([]);
    expect(visibleMessages(dequeued).map((m) => m.id)).toEqual(["u1", "u2"]);
  });

  it("lets the snapshot win over older replayed frames, and newer frames win over the snapshot", () => {
    const item: QueuedRun = { run_id: "r2", message_id: "u2", priority: "later", text: "q" };
    const log = new FrameLog()
      .startRun("r1", "u1", "Hi")
      .add(null, { type: "queue_changed", queue: [item] })
      .add("r1", { type: "phase", phase: "streaming" });
    const snapshot = snapshotAt(log.frames, log.lastSeq);
    // Snapshot first, then a replay of older frames: the phase must not go back to "connecting".
    const replayed = apply(opened(EMPTY_HISTORY), [{ type: "snapshot", snapshot }, ...framesOf(log.frames.slice(0, 4))]);
    expect(replayed.phase).toBe("streaming");
    expect(replayed.queue).toEqual([item]);
    // A frame newer than a snapshot that arrives late: the snapshot is stale.
    log.add("r1", { type: "phase", phase: "tool" });
    const late = apply(opened(EMPTY_HISTORY), [...framesOf(log.frames), { type: "snapshot", snapshot }]);
    expect(late.phase).toBe("tool");
  });

  it("takes phase, queue and the running run from the snapshot", () => {
    const item: QueuedRun = { run_id: "r3", message_id: "u3", priority: "now", text: "stop that" };
    const state = conversationReducer(opened(EMPTY_HISTORY), {
      type: "snapshot",
      snapshot: { session_id: SESSION, phase: "thinking", running_run_id: "r2", queue: [item], pending_approvals: [], last_seq: 40 },
    });
    expect(state).toMatchObject({ phase: "thinking", runningRunId: "r2", queue: [item] });
    expect(isRunning(state)).toBe(true);
    expect(state.lastSeq, "a snapshot is not a watermark: frames after the history's still come").toBe(0);
  });
});

describe("history", () => {
  it("maps every content block kind", () => {
    const history: History = {
      messages: [
        message("u1", "user", [{ type: "text", text: "Look" }, { type: "image", attachment_id: "att1", mime: "image/png" }]),
        message(
          "a1",
          "assistant",
          [
            { type: "thinking", text: "hmm", signature: "sig" },
            { type: "redacted_thinking", data: "xx" },
            { type: "text", text: "Reading" },
            { type: "tool_use", id: "t1", name: "read_file", input: { path: "a" } },
          ],
          "complete",
          "r1",
          9,
        ),
        message("u2", "user", [{ type: "tool_result", tool_use_id: "t1", content: "contents", is_error: false }]),
        message("sys", "system", [{ type: "text", text: "be nice" }]),
      ],
      watermark: 9,
      has_more: true,
    };
    const state = opened(history);
    expect(state.hasMore).toBe(true);
    expect(state.lastSeq).toBe(9);
    expect(state.messages[0]?.blocks).toEqual([
      { kind: "text", index: 0, text: "Look" },
      { kind: "image", index: 1, attachmentId: "att1", mime: "image/png" },
    ]);
    expect(state.messages[1]?.blocks).toEqual([
      { kind: "thinking", index: 0, text: "hmm", done: true },
      { kind: "redacted_thinking", index: 1 },
      { kind: "text", index: 2, text: "Reading" },
      { kind: "tool_use", index: 3, id: "t1", name: "read_file", input: '{"path":"a"}', done: true },
    ]);
    expect(state.messages[2]?.blocks).toEqual([
      { kind: "tool_result", index: 0, toolUseId: "t1", content: "contents", isError: false },
    ]);
    expect(state.tools.t1?.result, "the stored result goes to its call").toEqual({
      content: "contents",
      isError: false,
      durationMs: null,
    });
    expect(
      visibleMessages(state).map((m) => m.id),
      "system messages are not drawn, nor tool results (they show in their calls' cards)",
    ).toEqual(["u1", "a1"]);
  });

  it("offers a retry when the history ends with a failed or interrupted reply", () => {
    for (const status of ["error", "interrupted"] as const) {
      const state = opened({
        messages: [message("u1", "user", [{ type: "text", text: "Hi" }]), message("a1", "assistant", [], status, "r1", 5)],
        watermark: 5,
        has_more: false,
      });
      expect(runFailure(state)).toEqual({ runId: "r1", status, error: null });
      const running = conversationReducer(state, {
        type: "snapshot",
        snapshot: { ...snapshotAt([], 5), phase: "connecting", running_run_id: "r2" },
      });
      expect(runFailure(running), "no Retry while a run is going").toBeNull();
    }
    const fine = opened({ messages: [message("a1", "assistant", [], "aborted", "r1", 5)], watermark: 5, has_more: false });
    expect(runFailure(fine), "a stopped reply is not a failure").toBeNull();
  });

  it("continues a reply the history holds in part: frames after its last_seq extend it", () => {
    const log = new FrameLog()
      .startRun("r1", "u1", "Hi")
      .add("r1", { type: "message_start", message_id: "a1" }, { type: "text_delta", index: 0, text: "Hel" });
    const stored = message("a1", "assistant", [{ type: "text", text: "Hel" }], "complete", "r1", log.lastSeq);
    log.add("r1", { type: "text_delta", index: 0, text: "lo" });
    const state = apply(
      opened({ messages: [message("u1", "user", [{ type: "text", text: "Hi" }]), stored], watermark: 0, has_more: false }),
      framesOf(log.frames),
    );
    expect(state.messages.map((m) => m.id)).toEqual(["u1", "a1"]);
    expect(state.messages[1]).toMatchObject({ status: "streaming", blocks: [{ kind: "text", index: 0, text: "Hello" }] });
  });
});

describe("tool calls", () => {
  /** Each call of the visible messages: its status, approval and result, by id. */
  function calls(state: ConversationState) {
    return Object.fromEntries(
      visibleMessages(state).flatMap((m) =>
        m.blocks.flatMap((b) => (b.kind === "tool_use" ? [[b.id, toolCallView(m, state.tools[b.id], state.runningRunId)]] : [])),
      ),
    );
  }
  const upTo = (frames: readonly Frame[], test: (f: Frame) => boolean) => frames.slice(0, frames.findIndex(test) + 1);

  it("shows a call waiting for approval, running once allowed, then done with its duration", () => {
    const { frames } = scenarios().allowedThenStepLimit;
    const asked = watchLive(upTo(frames, (f) => f.type === "approval_requested"));
    expect(calls(asked).t1).toMatchObject({ status: "waiting_approval", approval: { id: "ap1", tool: "github__list_issues" } });
    const allowedAt = frames.find((f) => f.type === "approval_resolved")!;
    const allowed = watchLive(upTo(frames, (f) => f.type === "approval_resolved"));
    expect(calls(allowed).t1, "allowed: it runs from the answer on").toMatchObject({
      status: "running",
      approval: null,
      startedAt: allowedAt.ts,
      remember: "session",
    });
    const done = watchLive(upTo(frames, (f) => f.type === "tool_result"));
    expect(calls(done).t1).toMatchObject({ status: "done", result: { content: "[]", isError: false, durationMs: 340 } });
  });

  it("runs an allowed call from the end of its reply, and shows it running while its run goes on", () => {
    const { frames } = scenarios().approvals;
    const end = frames.find((f) => f.type === "message_end")!;
    const state = watchLive(upTo(frames, (f) => f.type === "message_end"));
    expect(calls(state).t1).toMatchObject({ status: "running", startedAt: end.ts });
    expect(state.openStep?.ids).toEqual(["t1", "t2", "t3"]);
  });

  it("marks a call the user denied, and a call without a result when the run moves on as refused by a rule", () => {
    const { frames } = scenarios().approvals;
    const denied = watchLive(upTo(frames, (f) => f.type === "approval_resolved"));
    expect(calls(denied).t2).toMatchObject({ status: "denied", byRule: false });
    expect(calls(denied).t3, "still in its step: nothing says yet").toMatchObject({ status: "running" });
    const next = watchLive(upTo(frames, (f) => f.type === "phase" && f.phase === "connecting" && f.seq > denied.lastSeq));
    expect(calls(next).t3, "the next step began without its result").toMatchObject({ status: "denied", byRule: true, result: null });
    expect(calls(next).t1).toMatchObject({ status: "done", result: { content: "hello" } });
    expect(next.openStep).toBeNull();
  });

  it("stops a running call when its run is stopped, and expires its unanswered approval", () => {
    const { frames } = scenarios().stoppedDuringTools;
    const state = watchLive(frames);
    expect(calls(state).t1).toMatchObject({ status: "stopped", result: null });
    expect(calls(state).t2).toMatchObject({ status: "expired", approval: null });
    expect(state.phase).toBe("idle");
  });

  it("marks the calls of a reply cut mid-call stopped", () => {
    const state = watchLive(scenarios().failedByEngine.frames);
    expect(calls(state).t1?.status).toBe("stopped");
  });

  it("records a run stopped by its step limit with its code", () => {
    const state = watchLive(scenarios().allowedThenStepLimit.frames);
    expect(runFailure(state)?.error?.code).toBe("STEP_LIMIT");
    expect(calls(state).t1?.status, "its calls are done").toBe("done");
  });

  it("shows the approvals still waiting after a reload, from the subscription's snapshot", () => {
    const { frames, stored } = scenarios().approvals;
    const t = frames.find((f) => f.type === "approval_requested")!.seq;
    // The engine's watermark: the reply's end (its approvals are in no message).
    const history = historyAt(frames, t, stored);
    const reloaded = apply(opened({ ...history, watermark: storedWatermark(history) }), [
      { type: "snapshot", snapshot: snapshotAt(frames, t) },
    ]);
    expect(snapshotAt(frames, t).pending_approvals.map((a) => a.id)).toEqual(["ap1"]);
    expect(calls(reloaded).t2).toMatchObject({ status: "waiting_approval", approval: { id: "ap1", subject: "rm -rf build" } });
  });

  it("keeps an answer that arrived before an older snapshot still listing the approval", () => {
    const { frames } = scenarios().approvals;
    const requested = frames.find((f) => f.type === "approval_requested")!.seq;
    const live = watchLive(upTo(frames, (f) => f.type === "approval_resolved"));
    // A snapshot as of the request, delivered after the answer (it is then stale and ignored for
    // phase; it must not bring the approval back either way).
    const late = conversationReducer(live, {
      type: "snapshot",
      snapshot: { ...snapshotAt(frames, requested), last_seq: live.lastSeq },
    });
    expect(calls(late).t2?.status).toBe("denied");
  });

  it("folds the history's results into their calls, with no duration (only frames carry it)", () => {
    const { frames, stored } = scenarios().approvals;
    const last = frames[frames.length - 1]!.seq;
    const state = opened(historyAt(frames, last, stored));
    expect(calls(state).t1).toMatchObject({ status: "done", result: { content: "hello", durationMs: null } });
    expect(calls(state).t2, "the history keeps no answer: the result says it").toMatchObject({
      status: "error",
      result: { content: "The user denied this tool call.", isError: true },
    });
    expect(calls(state).t3?.result?.content).toBe("The user's settings do not allow fetch_url to run.");
    expect(visibleMessages(state).map((m) => m.id), "the results message is not drawn").toEqual(["u1", "a1", "a2"]);
  });

  it("takes a reply's calls as still running after a reload while its run is, from the reply's time", () => {
    const log = new FrameLog().startRun("r1", "u1", "Build");
    log.add("r1", { type: "message_start", message_id: "a1" }).toolCall("r1", 0, "t1", "run_shell", ['{"command":"make"}']);
    log.add(
      "r1",
      { type: "tool_call_end", index: 0 },
      { type: "message_end", message_id: "a1", stop_reason: "tool_use", usage: NO_USAGE },
      { type: "phase", phase: "tool" },
    );
    const history = historyAt(log.frames, log.lastSeq);
    const stored = history.messages.find((m) => m.id === "a1")!;
    const state = apply(opened({ ...history, messages: history.messages.map((m) => (m === stored ? { ...m, created_at: 5_000 } : m)) }), [
      { type: "snapshot", snapshot: snapshotAt(log.frames, log.lastSeq) },
    ]);
    expect(calls(state).t1).toMatchObject({ status: "running", startedAt: 5_000 });
    const ended = conversationReducer(state, {
      type: "frame",
      frame: { session_id: SESSION, seq: log.lastSeq + 1, run_id: "r1", ts: 9_000, type: "run_completed", status: "error", usage: NO_USAGE },
    });
    expect(calls(ended).t1?.status, "its run ended without its result").toBe("stopped");
  });

  it("keeps the tool map the same object while text streams (cards are not redrawn)", () => {
    const { frames } = scenarios().approvals;
    const before = watchLive(upTo(frames, (f) => f.type === "message_start" && f.message_id === "a2"));
    const delta = frames.find((f) => f.type === "text_delta" && f.seq > before.lastSeq)!;
    const after = conversationReducer(before, { type: "frame", frame: delta });
    expect(after.tools).toBe(before.tools);
  });
});

describe("older messages", () => {
  const text = (id: string, role: "user" | "assistant") => message(id, role, [{ type: "text", text: id }]);
  const page = (ids: string[], has_more: boolean): History => ({
    messages: ids.map((id, i) => text(id, i % 2 ? "assistant" : "user")),
    watermark: 40,
    has_more,
  });

  it("puts a page of older messages before those shown, each once, with their calls' results", () => {
    const state = opened(page(["m4", "m5"], true));
    const older: History = {
      messages: [
        text("m1", "user"),
        message("m2", "assistant", [{ type: "tool_use", id: "t1", name: "run_shell", input: { command: "ls" } }]),
        message("m3", "user", [{ type: "tool_result", tool_use_id: "t1", content: "a.txt", is_error: false }]),
        // Already shown (a message on both pages): kept once.
        text("m4", "user"),
      ],
      watermark: 40,
      has_more: false,
    };
    const next = conversationReducer(state, { type: "earlierLoaded", sessionId: SESSION, beforeId: "m4", history: older });
    expect(next.messages.map((m) => m.id)).toEqual(["m1", "m2", "m3", "m4", "m5"]);
    expect(next.hasMore).toBe(false);
    expect(next.tools.t1?.result?.content).toBe("a.txt");
    expect(next.lastSeq, "live position unchanged").toBe(state.lastSeq);
  });

  it("drops a page read for a list that has since been replaced, or for another chat", () => {
    const state = opened(page(["m4", "m5"], true));
    const stale = { type: "earlierLoaded" as const, sessionId: SESSION, beforeId: "m9", history: page(["m1"], false) };
    expect(conversationReducer(state, stale)).toBe(state);
    const elsewhere = { type: "earlierLoaded" as const, sessionId: "other", beforeId: "m4", history: page(["m1"], false) };
    expect(conversationReducer(state, elsewhere)).toBe(state);
  });
});

describe("frames applied together", () => {
  it("end as the same state as frames applied one by one, in any grouping", () => {
    const log = new FrameLog()
      .startRun("r1", "u1", "Hello")
      .add(
        "r1",
        { type: "phase", phase: "streaming" },
        { type: "message_start", message_id: "a1" },
        { type: "text_start", index: 0 },
        { type: "text_delta", index: 0, text: "Hi" },
        { type: "text_delta", index: 0, text: " there" },
        { type: "text_end", index: 0 },
      );
    const one = watchLive(log.frames);
    const start = apply(initialConversationState, [
      { type: "opened", sessionId: SESSION },
      { type: "historyLoaded", sessionId: SESSION, history: EMPTY_HISTORY },
      { type: "snapshot", snapshot: snapshotAt([], 0) },
    ]);
    for (const size of [1, 2, 3, log.frames.length]) {
      const groups: ConversationAction[] = [];
      for (let i = 0; i < log.frames.length; i += size) groups.push({ type: "frames", frames: log.frames.slice(i, i + size) });
      expect(apply(start, groups), `groups of ${size}`).toEqual(one);
    }
    // A group that repeats frames already applied changes nothing.
    expect(conversationReducer(one, { type: "frames", frames: log.frames })).toEqual(one);
  });
});
