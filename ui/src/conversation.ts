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
//
// The parts: conversationState.ts (the state and its actions), conversationBlocks.ts (a
// message's blocks), conversationTools.ts (what became of tool calls), conversationFrames.ts
// (one live frame applied). This module is the reducer over all of them and what the view
// reads from the state; import the conversation from here.
import { messageFromHistory } from "./conversationBlocks";
import { applyFrame } from "./conversationFrames";
import {
  initialConversationState,
  type ChatMessage,
  type ConversationAction,
  type ConversationState,
  type RunFailure,
} from "./conversationState";
import { isToolResultMessage, toolsFromHistory, updateTool } from "./conversationTools";

export type {
  Block,
  ChatMessage,
  ChatMessageStatus,
  ConversationAction,
  ConversationState,
  Retrying,
  RunFailure,
  ToolCallInfo,
  ToolResult,
} from "./conversationState";
export { initialConversationState } from "./conversationState";
export { isEmptyBlock, messageFromHistory } from "./conversationBlocks";
export { isToolResultMessage } from "./conversationTools";

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
