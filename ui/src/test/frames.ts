// Frame sequences for the conversation tests, and what the History and SubscribeSnapshot
// contracts say the backend answers after a given seq. These are data, written from the
// contracts in bindings/History.ts and bindings/SubscribeSnapshot.ts; nothing here serves
// calls or stands in for the backend.
import type { Approval } from "../bindings/Approval";
import type { ContentBlock } from "../bindings/ContentBlock";
import type { ErrorCode } from "../bindings/ErrorCode";
import type { Frame } from "../bindings/Frame";
import type { FrameBody } from "../bindings/FrameBody";
import type { History } from "../bindings/History";
import type { Message } from "../bindings/Message";
import type { MessageStatus } from "../bindings/MessageStatus";
import type { Phase } from "../bindings/Phase";
import type { QueuedRun } from "../bindings/QueuedRun";
import type { SubscribeSnapshot } from "../bindings/SubscribeSnapshot";
import type { Usage } from "../bindings/Usage";

export const SESSION = "s1";
export const NO_USAGE: Usage = { input_tokens: 0, output_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0 };

/** A tool result as the engine stores it (a `tool_result` content block). */
export type StoredResult = Extract<ContentBlock, { type: "tool_result" }>;

/**
 * A step's results, stored as one message (role user, source model) once every call has one.
 * No frame announces it: `last_seq` is the seq of the last frame written before it.
 */
export interface StoredResults {
  messageId: string;
  runId: string;
  lastSeq: number;
  results: StoredResult[];
}

/** An approval as the engine asks for it (the fields the UI reads, with readable defaults). */
export function approval(id: string, toolUseId: string, tool: string, input: unknown, subject: string | null = null): Approval {
  return { id, session_id: SESSION, run_id: "r1", tool_use_id: toolUseId, tool, input, subject, created_at: 1_000 };
}

/** Appends frames with consecutive seqs, as the writer would. */
export class FrameLog {
  readonly frames: Frame[] = [];
  /** The tool-result messages stored between frames. */
  readonly stored: StoredResults[] = [];
  private seq: number;

  constructor(
    readonly sessionId = SESSION,
    startSeq = 0,
  ) {
    this.seq = startSeq;
  }

  add(runId: string | null, ...bodies: FrameBody[]): this {
    for (const body of bodies) {
      this.seq += 1;
      const head = { session_id: this.sessionId, seq: this.seq, ts: 1_000 + this.seq };
      this.frames.push((runId === null ? { ...head, ...body } : { ...head, run_id: runId, ...body }) as Frame);
    }
    return this;
  }

  /** A user message sent while idle: committed, queued at position 0, started at once. */
  startRun(runId: string, userId: string, text: string): this {
    return this.add(
      runId,
      { type: "run_queued", message_id: userId, priority: "later", position: 0 },
      { type: "user_message", message_id: userId, text },
      { type: "run_started", message_id: userId, model: "env:openai/gpt-4o-mini" },
      { type: "phase", phase: "connecting" },
    );
  }

  /** An assistant message with one text block streamed in `parts`. */
  reply(runId: string, messageId: string, parts: string[], index = 0): this {
    this.add(runId, { type: "message_start", message_id: messageId }, { type: "phase", phase: "streaming" });
    this.add(runId, { type: "text_start", index });
    for (const text of parts) this.add(runId, { type: "text_delta", index, text });
    return this.add(
      runId,
      { type: "text_end", index },
      { type: "message_end", message_id: messageId, stop_reason: "end_turn", usage: NO_USAGE },
    );
  }

  /** A tool call streamed in `parts` of its JSON arguments. */
  toolCall(runId: string, index: number, id: string, name: string, parts: string[]): this {
    this.add(runId, { type: "tool_call_start", index, id, name });
    for (const partial_json of parts) this.add(runId, { type: "tool_call_delta", index, partial_json });
    return this;
  }

  /** Every call of the step has its result: the engine stores them (no frame). */
  saveResults(runId: string, messageId: string, results: StoredResult[]): this {
    this.stored.push({ messageId, runId, lastSeq: this.seq, results });
    return this;
  }

  /** The end of a run, in the backend's order: phase idle, then run_completed. */
  finish(
    runId: string,
    status: "done" | "error" | "aborted" | "interrupted" = "done",
    message?: string,
    code: ErrorCode = "INTERNAL",
  ): this {
    const error = message === undefined ? {} : { error: { code, message } };
    return this.add(
      runId,
      { type: "phase", phase: "idle" },
      { type: "run_completed", status, usage: NO_USAGE, ...error },
    );
  }

  get lastSeq(): number {
    return this.seq;
  }
}

interface OpenMessage {
  id: string;
  runId: string | null;
  startSeq: number;
  blocks: Map<number, ContentBlock & { partial?: string }>;
}

/**
 * The history the backend answers once every frame with seq <= k is committed. Messages are
 * stored whole: a user message when it is announced (its run starts, or it is steered in),
 * an assistant message when it ends (message_end, or the run ending under it), its blocks as
 * the engine's assembler keeps them (empty text and thinking dropped, tool input that does
 * not parse kept as a string), and a step's tool results as `stored` says. The watermark is
 * the highest seq such that every frame up to it is reflected: k, held back to just before
 * the message_start of a reply still streaming, and to the end of a reply whose tool calls'
 * results are not stored yet (their approvals and results are in no message).
 * (The engine answers a lower one, the last stored message's last_seq: see `storedWatermark`.)
 */
export function historyAt(frames: readonly Frame[], k: number, stored: readonly StoredResults[] = []): History {
  const messages: Message[] = [];
  let open: OpenMessage | null = null;
  /** The last reply that ended with tool calls and has no stored results yet. */
  let openStep: { lastSeq: number } | null = null;
  const storeResults = (seq: number) => {
    for (const step of stored) {
      if (step.lastSeq !== seq) continue;
      messages.push({
        ...message(step.messageId, "user", step.results, "complete", step.runId, step.lastSeq),
        source: "model",
      });
      openStep = null;
    }
  };
  const store = (status: MessageStatus, lastSeq: number) => {
    if (!open) return;
    const hasCalls = [...open.blocks.values()].some((b) => b.type === "tool_use");
    if (hasCalls && status === "complete") openStep = { lastSeq };
    const content = [...open.blocks.entries()]
      .sort(([a], [b]) => a - b)
      .filter(([, block]) => !((block.type === "text" || block.type === "thinking") && block.text === ""))
      .map(([, block]) => {
        if (block.type !== "tool_use") return block;
        const { partial = "", ...rest } = block;
        let input: unknown;
        try {
          input = JSON.parse(partial);
        } catch {
          input = partial;
        }
        return { ...rest, input };
      });
    messages.push(message(open.id, "assistant", content, status, open.runId, lastSeq));
    open = null;
  };
  storeResults(0);
  for (const f of frames) {
    if (f.seq > k) break;
    const runId = f.run_id ?? null;
    switch (f.type) {
      case "user_message":
      case "steered":
        messages.push(message(f.message_id, "user", [{ type: "text", text: f.text }], "complete", runId, null));
        break;
      case "proactive_message":
        // Stored whole as it is posted: an assistant message from outside, not the model.
        messages.push({
          ...message(f.message_id, "assistant", [{ type: "text", text: f.text }], "complete", runId, f.seq),
          source: "external",
        });
        break;
      case "message_start":
        open = { id: f.message_id, runId, startSeq: f.seq, blocks: new Map() };
        break;
      case "text_start":
        open?.blocks.set(f.index, { type: "text", text: "" });
        break;
      case "text_delta":
      case "thinking_delta": {
        const block = open?.blocks.get(f.index);
        if (block && (block.type === "text" || block.type === "thinking")) block.text += f.text;
        break;
      }
      case "thinking_start":
        open?.blocks.set(f.index, { type: "thinking", text: "" });
        break;
      case "tool_call_start":
        open?.blocks.set(f.index, { type: "tool_use", id: f.id, name: f.name, input: {}, partial: "" });
        break;
      case "tool_call_delta": {
        const block = open?.blocks.get(f.index);
        if (block?.type === "tool_use") block.partial = (block.partial ?? "") + f.partial_json;
        break;
      }
      case "message_end":
        store(
          f.stop_reason === "aborted" ? "aborted" : f.stop_reason === "error" ? "error" : "complete",
          f.seq,
        );
        break;
      case "run_completed":
        store(f.status === "done" ? "complete" : f.status, f.seq);
        break;
      default:
        break;
    }
    storeResults(f.seq);
  }
  const openMessage = open as OpenMessage | null;
  const step = openStep as { lastSeq: number } | null;
  const watermark = openMessage ? openMessage.startSeq - 1 : step ? Math.min(step.lastSeq, k) : k;
  return { messages, watermark, has_more: false };
}

/** The watermark the engine answers: the highest last_seq of a stored message. */
export function storedWatermark(history: History): number {
  return Math.max(0, ...history.messages.map((m) => m.last_seq ?? 0));
}

export function message(
  id: string,
  role: Message["role"],
  content: ContentBlock[],
  status: MessageStatus = "complete",
  runId: string | null = null,
  lastSeq: number | null = null,
): Message {
  return {
    id,
    session_id: SESSION,
    run_id: runId,
    role,
    source: role === "user" ? "user" : "model",
    content,
    status,
    usage: null,
    last_seq: lastSeq,
    created_at: 1_000,
  };
}

/** The subscription snapshot once frames up to `t` are committed. */
export function snapshotAt(frames: readonly Frame[], t: number): SubscribeSnapshot {
  let phase: Phase = "idle";
  let queue: QueuedRun[] = [];
  let running: string | null = null;
  const pending = new Map<string, Approval>();
  for (const f of frames) {
    if (f.seq > t) break;
    if (f.type === "approval_requested") pending.set(f.approval.id, f.approval);
    else if (f.type === "approval_resolved") pending.delete(f.approval_id);
    else if (f.type === "phase") phase = f.phase;
    else if (f.type === "queue_changed") queue = f.queue;
    else if (f.type === "run_started") running = f.run_id ?? null;
    else if (f.type === "run_completed") {
      running = null;
      phase = "idle";
    }
  }
  return { session_id: SESSION, phase, running_run_id: running, queue, pending_approvals: [...pending.values()], last_seq: t };
}
