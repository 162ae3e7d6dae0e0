// A message's content blocks: from what the backend stores, from streamed block frames, and
// finished as the backend stores them when the message ends.
import type { ContentBlock } from "./bindings/ContentBlock";
import type { Frame } from "./bindings/Frame";
import type { Message } from "./bindings/Message";
import type { Block, ChatMessage } from "./conversationState";

/** A user message as it enters: its files (as stored: first), then its text. */
export function userBlocks(frame: { text: string; attachments?: ContentBlock[] }): Block[] {
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

/** A text or thinking block with no text yet: not shown, and not kept when the message ends. */
export function isEmptyBlock(block: Block): boolean {
  return (block.kind === "text" || block.kind === "thinking") && block.text === "";
}

/**
 * The blocks of a message that has ended, as the backend stores them: streamed blocks
 * finished (a message that ends mid-block keeps what it has), empty text and thinking dropped.
 */
export function finishBlocks(blocks: readonly Block[]): readonly Block[] {
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

/** Inserts or replaces the block with `index`, keeping the blocks sorted. */
export function putBlock(blocks: readonly Block[], block: Block): readonly Block[] {
  const at = blocks.findIndex((b) => b.index >= block.index);
  if (at === -1) return [...blocks, block];
  const next = blocks.slice();
  if (blocks[at]?.index === block.index) next[at] = block;
  else next.splice(at, 0, block);
  return next;
}

export type BlockFrame = Extract<
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
export function applyBlockFrame(current: Block | undefined, frame: BlockFrame): Block | null {
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

