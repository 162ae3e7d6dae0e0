// What became of tool calls (approval, result, moved on), kept apart from the calls' blocks.
import type { Frame } from "./bindings/Frame";
import type { History } from "./bindings/History";
import type { ChatMessage, ConversationState, OpenStep, ToolCallInfo } from "./conversationState";

const NO_TOOL_INFO: ToolCallInfo = {
  approval: null,
  outcome: null,
  remember: null,
  result: null,
  startedAt: null,
  movedOn: false,
};

export function updateTool(
  tools: Readonly<Record<string, ToolCallInfo>>,
  id: string,
  change: (info: ToolCallInfo) => ToolCallInfo,
): Readonly<Record<string, ToolCallInfo>> {
  return { ...tools, [id]: change(tools[id] ?? NO_TOOL_INFO) };
}

/** The ids of a message's tool calls, in order. */
export function toolUseIds(message: ChatMessage): string[] {
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
export function toolsFromHistory(history: History): Pick<ConversationState, "tools" | "openStep"> {
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
export function closeStep(state: ConversationState, frame: Frame, movedOn: boolean): ConversationState {
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
