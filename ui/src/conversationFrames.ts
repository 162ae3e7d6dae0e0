// One frame applied to the conversation: the frame is news (its seq is past `lastSeq`) and of
// the session shown; conversation.ts checks both before it gets here.
import type { Frame } from "./bindings/Frame";
import type { MessageStatus } from "./bindings/MessageStatus";
import type { Phase } from "./bindings/Phase";
import type { RunStatus } from "./bindings/RunStatus";
import type { StopReason } from "./bindings/StopReason";
import { applyBlockFrame, finishBlocks, putBlock, userBlocks } from "./conversationBlocks";
import type { ChatMessage, ConversationState } from "./conversationState";
import { closeStep, toolUseIds, updateTool } from "./conversationTools";

function statusFromStopReason(reason: StopReason): MessageStatus {
  if (reason === "aborted") return "aborted";
  if (reason === "error") return "error";
  return "complete";
}

function statusFromRun(status: RunStatus): MessageStatus {
  return status === "done" ? "complete" : status;
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

export function applyFrame(state: ConversationState, frame: Frame): ConversationState {
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
