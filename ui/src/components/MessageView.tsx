import { memo, useState, type ReactNode } from "react";
import { isEmptyBlock, type Block, type ChatMessage } from "../conversation";
import { ChevronIcon, ToolIcon } from "./icons";
import { Markdown } from "./Markdown";

export interface MessageViewProps {
  message: ChatMessage;
}

const STATUS_MARKERS: Partial<Record<ChatMessage["status"], string>> = {
  aborted: "Stopped",
  interrupted: "Interrupted",
  error: "Failed",
};

/**
 * One message. Memoised: the reducer keeps finished messages as the same objects, so while a
 * reply streams only that reply re-renders.
 */
export const MessageView = memo(function MessageView({ message }: MessageViewProps) {
  const isUser = message.role === "user";
  // A user-role message holding only tool results is the tools' output, not something typed.
  const toolOutput = isUser && message.blocks.length > 0 && message.blocks.every((b) => b.kind === "tool_result");
  const marker = STATUS_MARKERS[message.status];
  const blocks = message.blocks.filter((b) => !isEmptyBlock(b));
  const className = [
    "message",
    isUser && !toolOutput ? "message-user" : "message-assistant",
    message.status === "streaming" && "is-streaming",
  ]
    .filter(Boolean)
    .join(" ");
  return (
    <article
      className={className}
      data-testid="message"
      data-role={message.role}
      data-message-id={message.id}
      data-status={message.status}
    >
      {isUser && !toolOutput ? (
        <div className="user-bubble">
          {blocks.map((block) => (
            <BlockView key={block.index} block={block} plain />
          ))}
        </div>
      ) : (
        <div className="assistant-body">
          {blocks.map((block) => (
            <BlockView key={block.index} block={block} streaming={message.status === "streaming"} />
          ))}
        </div>
      )}
      {marker && (
        <div className={`message-marker marker-${message.status}`} data-testid="message-marker">
          {marker}
        </div>
      )}
    </article>
  );
});

function BlockView({ block, plain = false, streaming = false }: { block: Block; plain?: boolean; streaming?: boolean }) {
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
      return (
        <Collapsible
          className="tool-block"
          testId="tool-call"
          icon={<ToolIcon size={14} />}
          label={
            <>
              {block.done || !streaming ? "Used " : "Calling "}
              <code>{block.name}</code>
            </>
          }
        >
          <pre className="tool-json">{prettyJson(block.input)}</pre>
        </Collapsible>
      );
    case "tool_result":
      return (
        <Collapsible
          className={block.isError ? "tool-block is-error" : "tool-block"}
          testId="tool-result"
          icon={<ToolIcon size={14} />}
          label={block.isError ? "Tool error" : "Tool result"}
        >
          <pre className="tool-json">{block.content}</pre>
        </Collapsible>
      );
    case "image":
      return <div className="block-note">Image attachment ({block.mime})</div>;
  }
}

function prettyJson(input: string): string {
  try {
    return JSON.stringify(JSON.parse(input), null, 2);
  } catch {
    return input; // still streaming, or not JSON
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
