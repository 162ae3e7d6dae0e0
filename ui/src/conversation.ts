// Pure state of one open conversation: no React, no IPC.
//
// The screen is a function of what the backend says and nothing else ("the UI invents no
// state"): a history (messages that reflect every frame up to its watermark W), a
// subscription snapshot (phase, queue and running run as of its `last_seq`), and the frames
// after W, in order. Whatever point W falls on, and however the snapshot interleaves with the
// replayed frames, the result is the screen a viewer who watched every frame live would have.
//
// How that holds:
// - A frame with seq <= `lastSeq` was already applied (or is reflected in the history) and is
//   ignored, so a frame delivered twice changes nothing.
// - History may already hold a message that a later frame announces again (same id): user
//   messages and proactive (external) messages fold by id, and an assistant message from
//   history ignores frames up to its own `last_seq` (the last frame it reflects).
// - Phase, queue and the running run come from the snapshot or from frames, whichever is
//   newer by seq (`liveSeq`): replayed frames older than the snapshot do not overwrite it.
// - Tool calls are blocks of assistant messages; what became of each (its approval, its
//   result) is kept apart, by tool_use id (`tools`), from frames, from the snapshot's pending
//   approvals and from the history's tool-result messages, which are folded in there and not
//   drawn as messages. Every source only adds to what is known, so the order they arrive in
//   does not matter.
import type { ApiError } from "./bindings/ApiError";
import type { Approval } from "./bindings/Approval";
import type { ApprovalOutcome } from "./bindings/ApprovalOutcome";
import type { ContentBlock } from "./bindings/ContentBlock";
import type { Frame } from "./bindings/Frame";
import type { History } from "./bindings/History";
import type { Message } from "./bindings/Message";
import type { MessageSource } from "./bindings/MessageSource";
import type { BranchInfo } from "./bindings/BranchInfo";
import type { MessageStatus } from "./bindings/MessageStatus";
import type { Phase } from "./bindings/Phase";
import type { QueuedRun } from "./bindings/QueuedRun";
import type { Remember } from "./bindings/Remember";
import type { Role } from "./bindings/Role";
import type { RunStatus } from "./bindings/RunStatus";
import type { StopReason } from "./bindings/StopReason";
import type { SubscribeSnapshot } from "./bindings/SubscribeSnapshot";

/** One content block as shown. `index` orders the blocks of a message. */
export type Block =
  | { kind: "text"; index: number; text: string }
  | { kind: "thinking"; index: number; text: string; done: boolean }
  | { kind: "redacted_thinking"; index: number }
  | { kind: "tool_use"; index: number; id: string; name: string; input: string; done: boolean }
  | { kind: "tool_result"; index: number; toolUseId: string; content: string; isError: boolean }
  | { kind: "image"; index: number; attachmentId: string; mime: string }
  | { kind: "file"; index: number; attachmentId: string; mime: string; name: string; size: number };

export type ChatMessageStatus = "streaming" | MessageStatus;

export interface ChatMessage {
  id: string;
  role: Role;
  /**
   * Who wrote it: the user, the model, or something outside Hearth (a proactive message from
   * the inbox, a webhook's or a schedule's turn). External text is shown as such.
   */
  source: MessageSource;
  runId: string | null;
  /** Sorted by `index`. */
  blocks: readonly Block[];
  status: ChatMessageStatus;
  /** The seq of the last frame reflected in this message (0 when unknown). */
  lastSeq: number;
  /** Its versions, when it has more than one (from the history). */
  branch?: BranchInfo;
}

/** The last run ended badly: shown under the conversation with a Retry. */
export interface RunFailure {
  runId: string | null;
  status: "error" | "interrupted";
  /** The backend's error; null when only the history is known (it keeps no error text). */
  error: ApiError | null;
}

/** A tool call's result: from its `tool_result` frame, or from the history's result message. */
export interface ToolResult {
  content: string;
  isError: boolean;
  /** How long it ran; only its frame says (null when known from the history alone). */
  durationMs: number | null;
}

/** What became of one tool call, apart from the call itself (a `tool_use` block). */
export interface ToolCallInfo {
  /** The approval asked for it, from its frame or the snapshot's pending approvals. */
  approval: Approval | null;
  /** How the approval was answered; null while waiting, or when none was asked. */
  outcome: ApprovalOutcome | null;
  remember: Remember | null;
  result: ToolResult | null;
  /** When it started running (ms since the epoch), when known. */
  startedAt: number | null;
  /**
   * Its run went on to the next step without a result frame for it: a rule refused it (the
   * only call that gets none). Its result is then only in the history.
   */
  movedOn: boolean;
}

/** The calls of the last reply that ended with tool calls, until its run moves on. */
interface OpenStep {
  runId: string | null;
  ids: readonly string[];
  /** The seq that ended the reply: only later frames can move the run past its calls. */
  endSeq: number;
}

export interface Retrying {
  attempt: number;
  delayMs: number;
  reason: string;
}

export interface ConversationState {
  /** The session shown; frames and snapshots of any other session are ignored. */
  sessionId: string | null;
  /** The history has arrived. */
  loaded: boolean;
  /**
   * The history is being read again (a branch switch rewrote it): what is shown is the version
   * before, kept on screen until the new one arrives.
   */
  reloading: boolean;
  /** In conversation order; each id once. */
  messages: readonly ChatMessage[];
  /** Older messages exist before the first one. */
  hasMore: boolean;
  /** The assistant message that block frames go to, while one is open. */
  currentId: string | null;
  phase: Phase;
  runningRunId: string | null;
  queue: readonly QueuedRun[];
  retrying: Retrying | null;
  /** How the last run failed, from its run_completed frame (see `runFailure`). */
  lastFailure: RunFailure | null;
  /** Every frame with seq <= lastSeq is reflected here. */
  lastSeq: number;
  /** The seq as of which `phase`, `queue` and `runningRunId` are known. */
  liveSeq: number;
  /** What became of each tool call, by its tool_use id. */
  tools: Readonly<Record<string, ToolCallInfo>>;
  /** The last step's calls, while they may still be running. */
  openStep: OpenStep | null;
}

export type ConversationAction =
  /** A session was opened: nothing is known yet. */
  | { type: "opened"; sessionId: string | null }
  /** The open session's history is read again; what is shown stays until it arrives. */
  | { type: "reloading"; sessionId: string }
  | { type: "historyLoaded"; sessionId: string; history: History }
  /** A page of older messages, read with `before` = the first message shown. */
  | { type: "earlierLoaded"; sessionId: string; beforeId: string; history: History }
  | { type: "snapshot"; snapshot: SubscribeSnapshot }
  | { type: "frame"; frame: Frame }
  /** Frames that arrived since the last screen update, in order (see useConversation). */
  | { type: "frames"; frames: readonly Frame[] };

export const initialConversationState: ConversationState = {
  sessionId: null,
  loaded: false,
  reloading: false,
  messages: [],
  hasMore: false,
  currentId: null,
  phase: "idle",
  runningRunId: null,
  queue: [],
  retrying: null,
  lastFailure: null,
  lastSeq: 0,
  liveSeq: 0,
  tools: {},
  openStep: null,
};

const NO_TOOL_INFO: ToolCallInfo = {
  approval: null,
  outcome: null,
  remember: null,
  result: null,
  startedAt: null,
  movedOn: false,
};

function updateTool(
  tools: Readonly<Record<string, ToolCallInfo>>,
  id: string,
  change: (info: ToolCallInfo) => ToolCallInfo,
): Readonly<Record<string, ToolCallInfo>> {
  return { ...tools, [id]: change(tools[id] ?? NO_TOOL_INFO) };
}

/** The ids of a message's tool calls, in order. */
function toolUseIds(message: ChatMessage): string[] {
  return message.blocks.flatMap((b) => (b.kind === "tool_use" ? [b.id] : []));
}

/** A user-role message that only carries tool results: the tools' output, drawn in the calls' cards. */
export function isToolResultMessage(message: ChatMessage): boolean {
  return message.role === "user" && message.blocks.length > 0 && message.blocks.every((b) => b.kind === "tool_result");
}

/**
 * What the history tells of tool calls: the results it stores, and the last step's calls
 * when their results are not stored yet (they may still be running; `createdAt` of their
 * reply, stored as it ended, is about when they started).
 */
function toolsFromHistory(history: History): Pick<ConversationState, "tools" | "openStep"> {
  const tools: Record<string, ToolCallInfo> = {};
  let openStep: OpenStep | null = null;
  let openCreatedAt = 0;
  for (const message of history.messages) {
    for (const block of message.content) {
      if (block.type !== "tool_result") continue;
      const known = tools[block.tool_use_id] ?? NO_TOOL_INFO;
      tools[block.tool_use_id] = {
        ...known,
        result: { content: block.content, isError: block.is_error, durationMs: null },
      };
    }
    const calls = message.content.flatMap((b) => (b.type === "tool_use" ? [b.id] : []));
    if (message.role === "assistant" && calls.length > 0) {
      openStep = { runId: message.run_id, ids: calls, endSeq: message.last_seq ?? 0 };
      openCreatedAt = message.created_at;
    }
  }
  if (openStep && openStep.ids.every((id) => tools[id]?.result)) openStep = null;
  if (openStep) {
    for (const id of openStep.ids) if (!tools[id]) tools[id] = { ...NO_TOOL_INFO, startedAt: openCreatedAt };
  }
  return { tools, openStep };
}

/**
 * The run of the open step moved on (its next model call, steered text, or its end): its
 * calls without a result frame or an answer got none because a rule refused them.
 */
function closeStep(state: ConversationState, frame: Frame, movedOn: boolean): ConversationState {
  const step = state.openStep;
  if (!step || step.runId !== (frame.run_id ?? null) || frame.seq <= step.endSeq) return state;
  let tools = state.tools;
  if (movedOn) {
    for (const id of step.ids) {
      const info = tools[id];
      if (info?.result || info?.outcome) continue;
      tools = updateTool(tools, id, (t) => ({ ...t, movedOn: true }));
    }
  }
  return { ...state, tools, openStep: null };
}

/** A user message as it enters: its files (as stored: first), then its text. */
function userBlocks(frame: { text: string; attachments?: ContentBlock[] }): Block[] {
  const files = (frame.attachments ?? []).map(blockFromContent);
  return frame.text || files.length === 0 ? [...files, { kind: "text", index: files.length, text: frame.text }] : files;
}

function blockFromContent(block: ContentBlock, index: number): Block {
  switch (block.type) {
    case "text":
      return { kind: "text", index, text: block.text };
    case "thinking":
      return { kind: "thinking", index, text: block.text, done: true };
    case "redacted_thinking":
      return { kind: "redacted_thinking", index };
    case "tool_use":
      // Input that was not valid JSON is stored as the raw string.
      return {
        kind: "tool_use",
        index,
        id: block.id,
        name: block.name,
        input: typeof block.input === "string" ? block.input : compactJson(block.input),
        done: true,
      };
    case "tool_result":
      return { kind: "tool_result", index, toolUseId: block.tool_use_id, content: block.content, isError: block.is_error };
    case "image":
      return { kind: "image", index, attachmentId: block.attachment_id, mime: block.mime };
    case "file":
      return {
        kind: "file",
        index,
        attachmentId: block.attachment_id,
        mime: block.mime,
        name: block.name,
        size: block.size,
      };
  }
}

/** One spelling of a JSON value, so streamed and stored tool input compare equal. */
function compactJson(value: unknown): string {
  return JSON.stringify(value) ?? "";
}

/** Streamed tool input, once complete, in the same spelling as stored input (raw if it does not parse). */
function normaliseJson(raw: string): string {
  try {
    return compactJson(JSON.parse(raw));
  } catch {
    return raw;
  }
}

export function messageFromHistory(message: Message): ChatMessage {
  return {
    id: message.id,
    role: message.role,
    source: message.source,
    runId: message.run_id,
    blocks: message.content.map(blockFromContent),
    status: message.status,
    lastSeq: message.last_seq ?? 0,
    ...(message.branch && { branch: message.branch }),
  };
}

function statusFromStopReason(reason: StopReason): MessageStatus {
  if (reason === "aborted") return "aborted";
  if (reason === "error") return "error";
  return "complete";
}

function statusFromRun(status: RunStatus): MessageStatus {
  return status === "done" ? "complete" : status;
}

/** A text or thinking block with no text yet: not shown, and not kept when the message ends. */
export function isEmptyBlock(block: Block): boolean {
  return (block.kind === "text" || block.kind === "thinking") && block.text === "";
}

/**
 * The blocks of a message that has ended, as the backend stores them: streamed blocks
 * finished (a message that ends mid-block keeps what it has), empty text and thinking dropped.
 */
function finishBlocks(blocks: readonly Block[]): readonly Block[] {
  const unfinished = (b: Block) => (b.kind === "thinking" || b.kind === "tool_use") && !b.done;
  if (!blocks.some((b) => unfinished(b) || isEmptyBlock(b))) return blocks;
  return blocks
    .filter((b) => !isEmptyBlock(b))
    .map((b) => {
      if (b.kind === "thinking" && !b.done) return { ...b, done: true };
      if (b.kind === "tool_use" && !b.done) return { ...b, input: normaliseJson(b.input), done: true };
      return b;
    });
}

function indexOfMessage(messages: readonly ChatMessage[], id: string): number {
  // New frames concern the newest messages: search from the end.
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]?.id === id) return i;
  return -1;
}

function replaceAt(messages: readonly ChatMessage[], i: number, message: ChatMessage): readonly ChatMessage[] {
  const next = messages.slice();
  next[i] = message;
  return next;
}

/** Inserts or replaces the block with `index`, keeping the blocks sorted. */
function putBlock(blocks: readonly Block[], block: Block): readonly Block[] {
  const at = blocks.findIndex((b) => b.index >= block.index);
  if (at === -1) return [...blocks, block];
  const next = blocks.slice();
  if (blocks[at]?.index === block.index) next[at] = block;
  else next.splice(at, 0, block);
  return next;
}

type BlockFrame = Extract<
  Frame,
  {
    type:
      | "text_start"
      | "text_delta"
      | "text_end"
      | "thinking_start"
      | "thinking_delta"
      | "thinking_end"
      | "redacted_thinking"
      | "tool_call_start"
      | "tool_call_delta"
      | "tool_call_end";
  }
>;

/** The block after `frame`, or null when the frame changes nothing. */
function applyBlockFrame(current: Block | undefined, frame: BlockFrame): Block | null {
  const index = frame.index;
  switch (frame.type) {
    case "text_start":
      return current?.kind === "text" ? null : { kind: "text", index, text: "" };
    case "text_delta":
      return { kind: "text", index, text: (current?.kind === "text" ? current.text : "") + frame.text };
    case "text_end":
      return current ? null : { kind: "text", index, text: "" };
    case "thinking_start":
      return current?.kind === "thinking" ? null : { kind: "thinking", index, text: "", done: false };
    case "thinking_delta":
      return {
        kind: "thinking",
        index,
        text: (current?.kind === "thinking" ? current.text : "") + frame.text,
        done: false,
      };
    case "thinking_end":
      return { kind: "thinking", index, text: current?.kind === "thinking" ? current.text : "", done: true };
    case "redacted_thinking":
      // Encrypted reasoning: kept for the model, shown only as "redacted".
      return current?.kind === "redacted_thinking" ? null : { kind: "redacted_thinking", index };
    case "tool_call_start":
      return { kind: "tool_use", index, id: frame.id, name: frame.name, input: "", done: false };
    case "tool_call_delta":
      if (current?.kind !== "tool_use") return null;
      return { ...current, input: current.input + frame.partial_json, done: false };
    case "tool_call_end":
      if (current?.kind !== "tool_use") return null;
      return { ...current, input: normaliseJson(current.input), done: true };
  }
}

/** Closes the open assistant message (if the frame is news to it) with `status`. */
function closeCurrent(state: ConversationState, seq: number, status: MessageStatus, messageId?: string): ConversationState {
  const id = messageId ?? state.currentId;
  const closed = { ...state, currentId: state.currentId === id ? null : state.currentId };
  if (id === null) return closed;
  const i = indexOfMessage(state.messages, id);
  const message = state.messages[i];
  if (!message || message.role !== "assistant" || seq <= message.lastSeq) return closed;
  return {
    ...closed,
    messages: replaceAt(state.messages, i, { ...message, status, blocks: finishBlocks(message.blocks), lastSeq: seq }),
  };
}

function applyFrame(state: ConversationState, frame: Frame): ConversationState {
  const seq = frame.seq;
  const live = seq > state.liveSeq; // newer than what the snapshot said about phase/queue/run
  const runId = frame.run_id ?? null;
  switch (frame.type) {
    case "run_queued":
    case "title_updated":
      return state;

    case "run_started":
      return {
        ...state,
        lastFailure: null,
        retrying: null,
        ...(live && { runningRunId: runId, liveSeq: seq }),
      };

    case "phase": {
      // A step after the first begins with "connecting": the previous step's calls are over.
      const stepped = frame.phase === "connecting" ? closeStep(state, frame, true) : state;
      return live ? { ...stepped, phase: frame.phase, liveSeq: seq } : stepped;
    }

    case "branch_changed":
      // The history changed under the view: useConversation reads it again.
      return state;
    case "queue_changed":
      return live ? { ...state, queue: frame.queue, liveSeq: seq } : state;

    case "retrying":
      return { ...state, retrying: { attempt: frame.attempt, delayMs: frame.delay_ms, reason: frame.reason } };

    case "user_message":
    case "steered": {
      // Steered text enters at a step boundary: the step's calls are over.
      if (frame.type === "steered") state = closeStep(state, frame, true);
      if (indexOfMessage(state.messages, frame.message_id) !== -1) return state;
      const message: ChatMessage = {
        id: frame.message_id,
        role: "user",
        source: "user",
        runId,
        blocks: userBlocks(frame),
        status: "complete",
        lastSeq: seq,
      };
      return { ...state, messages: [...state.messages, message] };
    }

    case "proactive_message": {
      // Posted from outside (the inbox): a whole message at once, not from the model. The
      // history may hold it already (same id).
      if (indexOfMessage(state.messages, frame.message_id) !== -1) return state;
      const message: ChatMessage = {
        id: frame.message_id,
        role: "assistant",
        source: "external",
        runId,
        blocks: userBlocks(frame),
        status: "complete",
        lastSeq: seq,
      };
      return { ...state, messages: [...state.messages, message] };
    }

    case "message_start": {
      state = closeStep(state, frame, true);
      const known = indexOfMessage(state.messages, frame.message_id) !== -1;
      // Already in the history: frames up to its last_seq are in it; later ones continue it.
      if (known) return { ...state, currentId: frame.message_id, retrying: null };
      const message: ChatMessage = {
        id: frame.message_id,
        role: "assistant",
        source: "model",
        runId,
        blocks: [],
        status: "streaming",
        lastSeq: seq,
      };
      return { ...state, messages: [...state.messages, message], currentId: message.id, retrying: null };
    }

    case "message_end": {
      const closed = closeCurrent(state, seq, statusFromStopReason(frame.stop_reason), frame.message_id);
      const message = closed.messages[indexOfMessage(closed.messages, frame.message_id)];
      const ids = message && frame.stop_reason !== "aborted" && frame.stop_reason !== "error" ? toolUseIds(message) : [];
      if (ids.length === 0) return closed;
      // The calls are decided now: those allowed start at once.
      let tools = closed.tools;
      for (const id of ids) {
        if (tools[id]?.startedAt == null) tools = updateTool(tools, id, (t) => ({ ...t, startedAt: frame.ts }));
      }
      return { ...closed, tools, openStep: { runId, ids, endSeq: seq } };
    }

    case "approval_requested": {
      const approval = frame.approval;
      return { ...state, tools: updateTool(state.tools, approval.tool_use_id, (t) => ({ ...t, approval })) };
    }

    case "approval_resolved":
      return {
        ...state,
        tools: updateTool(state.tools, frame.tool_use_id, (t) => ({
          ...t,
          outcome: frame.outcome,
          remember: frame.remember ?? null,
          startedAt: frame.outcome === "allowed" ? frame.ts : t.startedAt,
        })),
      };

    case "tool_result":
      return {
        ...state,
        tools: updateTool(state.tools, frame.tool_use_id, (t) => ({
          ...t,
          result: { content: frame.content, isError: frame.is_error, durationMs: frame.duration_ms },
        })),
      };

    case "run_completed": {
      // Calls still without a result when their run ends never finished (stopped).
      const closed = closeCurrent(closeStep(state, frame, false), seq, statusFromRun(frame.status));
      const failed = frame.status === "error" || frame.status === "interrupted";
      return {
        ...closed,
        retrying: null,
        lastFailure: failed ? { runId, status: frame.status as "error" | "interrupted", error: frame.error ?? null } : null,
        ...(live && {
          runningRunId: state.runningRunId === null || state.runningRunId === runId ? null : state.runningRunId,
          phase: "idle" as Phase,
          liveSeq: seq,
        }),
      };
    }

    case "text_start":
    case "text_delta":
    case "text_end":
    case "thinking_start":
    case "thinking_delta":
    case "thinking_end":
    case "redacted_thinking":
    case "tool_call_start":
    case "tool_call_delta":
    case "tool_call_end": {
      // Block frames go to the open assistant message. (None is open only if the history broke
      // its promise: a watermark past the message_start of a message it does not hold.)
      const i = state.currentId === null ? -1 : indexOfMessage(state.messages, state.currentId);
      const message = state.messages[i];
      if (!message || seq <= message.lastSeq) return state;
      const existing = message.blocks.find((b) => b.index === frame.index);
      const block = applyBlockFrame(existing, frame);
      const blocks = block ? putBlock(message.blocks, block) : message.blocks;
      const updated: ChatMessage = { ...message, blocks, status: "streaming", lastSeq: seq };
      return { ...state, messages: replaceAt(state.messages, i, updated), currentId: message.id, retrying: null };
    }
  }
}

export function conversationReducer(state: ConversationState, action: ConversationAction): ConversationState {
  switch (action.type) {
    case "opened":
      return { ...initialConversationState, sessionId: action.sessionId };

    case "reloading":
      if (action.sessionId !== state.sessionId || !state.loaded) return { ...initialConversationState, sessionId: action.sessionId };
      return state.reloading ? state : { ...state, reloading: true };

    case "historyLoaded": {
      if (action.sessionId !== state.sessionId) return state;
      const messages = action.history.messages.map(messageFromHistory);
      return {
        ...initialConversationState,
        ...toolsFromHistory(action.history),
        sessionId: action.sessionId,
        loaded: true,
        messages,
        hasMore: action.history.has_more,
        lastSeq: action.history.watermark,
      };
    }

    case "earlierLoaded": {
      // Only onto the list it was read for: a reload (a branch switch) since then replaced it.
      if (action.sessionId !== state.sessionId || state.messages[0]?.id !== action.beforeId) return state;
      const known = new Set(state.messages.map((m) => m.id));
      const older = action.history.messages.filter((m) => !known.has(m.id)).map(messageFromHistory);
      // Their calls' results; what the live frames told of later calls stays.
      const { tools } = toolsFromHistory(action.history);
      return {
        ...state,
        messages: [...older, ...state.messages],
        hasMore: action.history.has_more,
        tools: { ...tools, ...state.tools },
      };
    }

    case "snapshot": {
      const snap = action.snapshot;
      // Frames newer than the snapshot may have arrived first: they win.
      if (snap.session_id !== state.sessionId || snap.last_seq < state.liveSeq) return state;
      // Approvals waiting now (an answer that already arrived in a newer frame stays).
      let tools = state.tools;
      for (const approval of snap.pending_approvals) {
        tools = updateTool(tools, approval.tool_use_id, (t) => ({ ...t, approval }));
      }
      return {
        ...state,
        tools,
        phase: snap.phase,
        queue: snap.queue,
        runningRunId: snap.running_run_id,
        liveSeq: snap.last_seq,
      };
    }

    case "frame": {
      const frame = action.frame;
      if (frame.session_id !== state.sessionId || !state.loaded || frame.seq <= state.lastSeq) return state;
      return applyFrame({ ...state, lastSeq: frame.seq }, frame);
    }

    case "frames":
      return action.frames.reduce((s, frame) => conversationReducer(s, { type: "frame", frame }), state);
  }
}

/** A run is going (or about to): the composer offers Stop, queueing and steering. */
export function isRunning(state: ConversationState): boolean {
  return state.runningRunId !== null || state.phase !== "idle";
}

/**
 * The failure to show under the conversation, with a Retry: none while a run is going; the
 * last run_completed's if it failed; else, when the history alone is known (its watermark is
 * past that frame), a failed or interrupted reply at the end, without the backend's text.
 */
export function runFailure(state: ConversationState): RunFailure | null {
  if (isRunning(state)) return null;
  if (state.lastFailure) return state.lastFailure;
  const last = state.messages[state.messages.length - 1];
  if (last?.role === "assistant" && (last.status === "error" || last.status === "interrupted")) {
    return { runId: last.runId, status: last.status, error: null };
  }
  return null;
}

/**
 * The messages to draw: system messages are not shown, a user message whose run is still
 * queued is shown in the queue above the composer instead, and tool results are shown in
 * their calls' cards.
 */
export function visibleMessages(state: Pick<ConversationState, "messages" | "queue">): readonly ChatMessage[] {
  const queued = new Set(state.queue.map((q) => q.message_id));
  return state.messages.filter(
    (m) => m.role !== "system" && !(m.role === "user" && queued.has(m.id)) && !isToolResultMessage(m),
  );
}
