import { memo, useContext, useState, type ReactNode } from "react";
import type { UiError } from "../api";
import type { ApprovalAnswer } from "../bindings/ApprovalAnswer";
import { isEmptyBlock, type Block, type ChatMessage, type ToolCallInfo } from "../conversation";
import { toolCallView } from "../toolCalls";
import { ChevronIcon } from "./icons";
import { Markdown } from "./Markdown";
import { ToolCard } from "./ToolCard";
import { AttachedFile, AttachedImage } from "./Attachments";
import { MessageActionBar, MessageActions, MessageEditor } from "./MessageActions";

export interface MessageViewProps {
  message: ChatMessage;
  /** What became of each tool call, by tool_use id (the conversation's). */
  tools: Readonly<Record<string, ToolCallInfo>>;
  /** The run going now: its calls without a result are running. */
  runningRunId: string | null;
  onAnswerApproval(approvalId: string, answer: ApprovalAnswer): Promise<UiError | null>;
  /** In a virtualised list: the message's position, and the ref that measures it. */
  rowIndex?: number;
  rowRef?: (element: HTMLElement | null) => void;
  /** Jumped to a moment ago (from search): marked for the eye to find. */
  highlighted?: boolean;
  /**
   * The last reply of its run (not a step followed by more of the same run): only it offers
   * Regenerate, which repeats the whole run.
   */
  endsRun?: boolean;
}

/** Redraw a message when it changes, or when what its tool calls show does. */
function sameView(a: MessageViewProps, b: MessageViewProps): boolean {
  if (a.message !== b.message || a.onAnswerApproval !== b.onAnswerApproval) return false;
  if (a.rowIndex !== b.rowIndex || a.rowRef !== b.rowRef || a.highlighted !== b.highlighted || a.endsRun !== b.endsRun) return false;
  const calls = a.message.blocks.filter((block) => block.kind === "tool_use");
  if (calls.length === 0) return true;
  return a.runningRunId === b.runningRunId && calls.every((call) => a.tools[call.id] === b.tools[call.id]);
}

const STATUS_MARKERS: Partial<Record<ChatMessage["status"], string>> = {
  aborted: "Stopped",
  interrupted: "Interrupted",
  error: "Failed",
};

/**
 * One message. Memoised: the reducer keeps finished messages (and the state of their tool
 * calls) as the same objects, so while a reply streams only that reply re-renders.
 */
export const MessageView = memo(function MessageView({
  message,
  tools,
  runningRunId,
  onAnswerApproval,
  rowIndex,
  rowRef,
  highlighted = false,
  endsRun = true,
}: MessageViewProps) {
  const isUser = message.role === "user";
  // A user-role message holding only tool results is the tools' output, not something typed.
  const toolOutput = isUser && message.blocks.length > 0 && message.blocks.every((b) => b.kind === "tool_result");
  const marker = STATUS_MARKERS[message.status];
  const actions = useContext(MessageActions);
  const editing = actions?.editingId === message.id;
  const setEditing = (on: boolean) => actions?.setEditingId(on ? message.id : null);
  const typed = isUser && !toolOutput && message.source === "user";
  const reply = message.role === "assistant" && message.source === "model" && message.status !== "streaming";
  const blocks = message.blocks.filter((b) => !isEmptyBlock(b));
  // Text from outside Hearth (the inbox, a webhook) is marked so it is not taken for the
  // assistant's own words or the user's; it renders no more than model text does.
  const external = message.source === "external" && !toolOutput;
  const className = [
    "message",
    isUser && !toolOutput ? "message-user" : "message-assistant",
    external && "message-external",
    message.status === "streaming" && "is-streaming",
  ]
    .filter(Boolean)
    .join(" ");
  return (
    <article
      className={className}
      data-testid="message"
      data-role={message.role}
      data-source={message.source}
      data-message-id={message.id}
      data-status={message.status}
      data-index={rowIndex}
      data-highlighted={highlighted || undefined}
      ref={rowRef}
    >
      {external && (
        <div className="message-external-label" data-testid="message-external-label">
          {isUser ? "Webhook" : "External message · not from the assistant"}
        </div>
      )}
      {typed && editing ? (
        <MessageEditor messageId={message.id} initial={textOf(blocks)} onDone={() => setEditing(false)} />
      ) : isUser && !toolOutput ? (
        <div className="user-bubble">
          {blocks.some(isAttachment) && (
            <div className="message-attachments" data-testid="message-attachments">
              {blocks.filter(isAttachment).map((block) => (
                <BlockView key={block.index} block={block} plain />
              ))}
            </div>
          )}
          {blocks
            .filter((block) => !isAttachment(block))
            .map((block) => (
              <BlockView key={block.index} block={block} plain />
            ))}
        </div>
      ) : (
        <div className="assistant-body">
          {blocks.map((block) =>
            block.kind === "tool_use" ? (
              <ToolCard
                key={block.index}
                id={block.id}
                name={block.name}
                input={block.input}
                view={toolCallView(message, tools[block.id], runningRunId)}
                onAnswerApproval={onAnswerApproval}
              />
            ) : (
              <BlockView key={block.index} block={block} />
            ),
          )}
        </div>
      )}
      {marker && (
        <div className={`message-marker marker-${message.status}`} data-testid="message-marker">
          {marker}
        </div>
      )}
      {typed && !editing && (
        <MessageActionBar
          messageId={message.id}
          branch={message.branch}
          kind="user"
          onEdit={() => setEditing(true)}
          text={textOf(message.blocks)}
        />
      )}
      {reply && (endsRun || message.branch) && (
        <MessageActionBar
          messageId={message.id}
          branch={message.branch}
          kind="reply"
          regenerate={endsRun}
          text={textOf(message.blocks, "\n\n")}
        />
      )}
    </article>
  );
}, sameView);

/** A message's text blocks (what the user typed; a reply's markdown), without its files or tool calls. */
const textOf = (blocks: readonly Block[], between = "\n") =>
  blocks.flatMap((b) => (b.kind === "text" ? [b.text] : [])).join(between);

const isAttachment = (block: Block) => block.kind === "image" || block.kind === "file";

function BlockView({ block, plain = false }: { block: Block; plain?: boolean }) {
  switch (block.kind) {
    case "text":
      // What the user typed is shown as typed; the model's text is markdown.
      return plain ? (
        <div className="user-text" data-testid="message-text">
          {block.text}
        </div>
      ) : (
        <Markdown text={block.text} testId="message-text" />
      );
    case "thinking":
      return (
        <Collapsible
          className="thinking-block"
          testId="thinking-block"
          label={block.done ? "Thought process" : "Thinking…"}
          defaultOpen={false}
        >
          <div className="thinking-text">{block.text}</div>
        </Collapsible>
      );
    case "redacted_thinking":
      return <div className="block-note">Thinking (redacted)</div>;
    case "tool_use":
    case "tool_result":
      // Drawn as tool cards (results inside their call's card).
      return null;
    case "image":
      return <AttachedImage attachmentId={block.attachmentId} mime={block.mime} />;
    case "file":
      return <AttachedFile name={block.name} mime={block.mime} size={block.size} />;
  }
}

interface CollapsibleProps {
  className: string;
  testId: string;
  label: ReactNode;
  icon?: ReactNode;
  defaultOpen?: boolean;
  children: ReactNode;
}

function Collapsible({ className, testId, label, icon, defaultOpen = false, children }: CollapsibleProps) {
  const [open, setOpen] = useState(defaultOpen);
  return (
    <div className={`collapsible ${className}${open ? " is-open" : ""}`} data-testid={testId}>
      <button type="button" className="collapsible-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
        <ChevronIcon size={13} className="collapsible-chevron" />
        {icon}
        <span className="collapsible-label">{label}</span>
      </button>
      {open && <div className="collapsible-body">{children}</div>}
    </div>
  );
}
