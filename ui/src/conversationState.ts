// The state of one open conversation and the actions that change it (see conversation.ts).
import type { ApiError } from "./bindings/ApiError";
import type { Approval } from "./bindings/Approval";
import type { ApprovalOutcome } from "./bindings/ApprovalOutcome";
import type { BranchInfo } from "./bindings/BranchInfo";
import type { Frame } from "./bindings/Frame";
import type { History } from "./bindings/History";
import type { MessageSource } from "./bindings/MessageSource";
import type { MessageStatus } from "./bindings/MessageStatus";
import type { Phase } from "./bindings/Phase";
import type { QueuedRun } from "./bindings/QueuedRun";
import type { Remember } from "./bindings/Remember";
import type { Role } from "./bindings/Role";
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
export interface OpenStep {
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
