import { ExportMenu, type ExportMenuProps } from "./ExportMenu";
import { useMemo, useState, type DragEvent } from "react";
import { filesOf, readyIds } from "../attachments";
import type { AttachmentInfo } from "../bindings/AttachmentInfo";
import { useAttachments } from "../useAttachments";
import type { UiError } from "../api";
import type { ApprovalAnswer } from "../bindings/ApprovalAnswer";
import type { ModelList } from "../bindings/ModelList";
import type { Priority } from "../bindings/Priority";
import type { Session } from "../bindings/Session";
import type { UsageSummary } from "../bindings/UsageSummary";
import type { ChatSettingsPatch } from "../chatSettings";
import { isRunning, runFailure, visibleMessages, type ConversationState } from "../conversation";
import { thinkingSupport } from "../thinking";
import { sessionUsageLabel, usageDetails } from "../usageFormat";
import { AssistantPicker, type PresetSource } from "./AssistantPicker";
import { ChatSettings } from "./ChatSettings";
import { Composer } from "./Composer";
import { MessageActions, type MessageActionsValue } from "./MessageActions";
import { ConversationView } from "./ConversationView";
import { ComposeIcon, FlameIcon } from "./icons";
import { ModelPicker, NoModelHint } from "./ModelPicker";
import { runtimeLabel } from "../runtimes";
import { QueueList } from "./QueueList";
import { ThinkingPicker } from "./ThinkingPicker";

export interface ModelsState {
  /** null while loading or after a failure. */
  list: ModelList | null;
  failed: boolean;
}

export interface ChatPaneProps {
  /** The selected session, or null when none is selected. */
  session: Session | null;
  /** The open conversation (it may still belong to the previous session for a moment). */
  conversation: ConversationState;
  /** The history or the subscription failed. */
  loadFailed: boolean;
  models: ModelsState;
  /** The session's tokens and cost; null until known. Hidden while no tokens are used. */
  usage: UsageSummary | null;
  onNewSession(): void;
  /**
   * Resolves false if the backend refused (the text and files go back into the composer).
   * `attachments`: ids of uploaded files, shown before the text.
   */
  onSend(text: string, priority: Priority, attachments: string[]): Promise<boolean>;
  /** A new version of a user message; resolves false if refused. No editing without it. */
  onEdit?(messageId: string, text: string): Promise<boolean>;
  onRegenerate?(messageId: string): void;
  onSwitchBranch?(messageId: string): void;
  /** Uploads a file for the next message (no attaching without it). */
  onUpload?(file: File): Promise<AttachmentInfo>;
  onSteer(text: string): Promise<boolean>;
  onStop(): void;
  onClearQueue(): void;
  onRetry(): void;
  onReload(): void;
  /** `""` = the default model. */
  onModelChange(model: string): void;
  /** Tokens the model may think for; 0 turns thinking off. */
  onThinkingBudgetChange(budget: number): void;
  /** The chat's folder and step limit; resolves null once stored, or the error to show. */
  onChatSettingsChange(patch: ChatSettingsPatch): Promise<UiError | null>;
  /** Answers a tool call waiting for approval; resolves null once taken, or the error to show. */
  onAnswerApproval(approvalId: string, answer: ApprovalAnswer): Promise<UiError | null>;
  /** Put the cursor in the composer when the chat opens (a chat just started from onboarding). */
  focusComposer?: boolean;
  /** Reads older messages (`seek`: larger pages, looking for one); none without it. */
  onLoadEarlier?(seek: boolean): void;
  loadingEarlier?: boolean;
  /** Assistant presets for the chat's instructions (no instructions picker without them). */
  presets?: PresetSource;
  /** Saves the chat's export; resolves with the file's path (no Export menu without it). */
  onExport?: ExportMenuProps["onExport"];
}

/** The conversation area: header with the model, messages, queue and composer. */
export function ChatPane(props: ChatPaneProps) {
  const { session, onNewSession } = props;
  return (
    <main className="chat-pane" data-testid="chat-pane" aria-label="Conversation">
      {session ? (
        // Keyed: switching chats starts with a fresh scroll position and an empty composer.
        <Chat key={session.id} {...props} session={session} />
      ) : (
        <div className="chat-body">
          <div className="empty-state welcome" data-testid="chat-welcome">
            <div className="empty-state-mark brand-mark">
              <FlameIcon size={30} />
            </div>
            <h2>Welcome to Hearth</h2>
            <p>Pick a chat from the sidebar, or start a new one.</p>
            <button type="button" className="primary-button" data-testid="welcome-new-session" onClick={onNewSession}>
              <ComposeIcon size={16} />
              <span>New chat</span>
            </button>
          </div>
        </div>
      )}
    </main>
  );
}

function Chat({
  session,
  conversation,
  loadFailed,
  models,
  usage,
  focusComposer = false,
  ...on
}: ChatPaneProps & { session: Session }) {
  const ready = conversation.sessionId === session.id && conversation.loaded;
  const running = ready && isRunning(conversation);
  const { messages, queue } = conversation;
  const shown = useMemo(() => visibleMessages({ messages, queue }), [messages, queue]);
  const noModel = models.list !== null && models.list.models.length === 0;
  const usageLabel = sessionUsageLabel(usage);
  const files = useAttachments(session.id, on.onUpload ?? refuseUpload);
  const { onEdit, onRegenerate, onSwitchBranch } = on;
  const busy = running || queue.length > 0;
  const [editingId, setEditingId] = useState<string | null>(null);
  const actions = useMemo<MessageActionsValue | null>(
    () =>
      onEdit && onRegenerate && onSwitchBranch
        ? { busy, edit: onEdit, regenerate: onRegenerate, switchTo: onSwitchBranch, editingId, setEditingId }
        : null,
    [busy, onEdit, onRegenerate, onSwitchBranch, editingId],
  );
  // ↑ in an empty composer: edit the last message the user wrote.
  const editLast = () => {
    const last = [...shown].reverse().find((m) => m.role === "user" && m.source === "user" && m.blocks.some((b) => b.kind === "text"));
    if (last) setEditingId(last.id);
  };
  const [dragging, setDragging] = useState(false);

  const send = async (text: string, priority: Priority) => {
    const ids = readyIds(files.items);
    if (ids === null) return false; // still uploading: the composer does not offer Send
    const ok = await on.onSend(text, priority, ids);
    if (ok) files.clear();
    return ok;
  };

  // Files dropped anywhere on the chat are attached (text and links dragged in are not).
  const carriesFiles = (e: DragEvent) => on.onUpload !== undefined && Array.from(e.dataTransfer.types).includes("Files");
  const dropHandlers = {
    onDragOver: (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = "copy";
      setDragging(true);
    },
    onDragLeave: (e: DragEvent) => {
      if (e.currentTarget === e.target || !e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
    },
    onDrop: (e: DragEvent) => {
      setDragging(false);
      if (!carriesFiles(e)) return;
      e.preventDefault();
      files.add(filesOf(e.dataTransfer));
    },
  };

  return (
    <MessageActions.Provider value={actions}>
      <div className="chat-frame" data-testid="chat-frame" {...dropHandlers}>
        {dragging && (
          <div className="chat-drop-overlay" data-testid="chat-drop-overlay" aria-hidden="true">
            Drop files to attach them
          </div>
        )}
        <header className="chat-header-bar">
          <h1 className="chat-header" data-testid="chat-header" title={session.title}>
            {session.title}
          </h1>
          {on.presets && (
            <AssistantPicker
              prompt={session.system_prompt}
              presets={on.presets}
              onSave={(prompt) => on.onChatSettingsChange({ system_prompt: prompt })}
            />
          )}
          <ChatSettings session={session} onSave={on.onChatSettingsChange} />
          {usage && usageLabel !== null && (
            <span className="session-usage" data-testid="session-usage" title={usageDetails(usage)}>
              {usageLabel}
            </span>
          )}
          {session.runtime !== "hearth" && (
            <span
              className="runtime-badge"
              data-testid="runtime-badge"
              title={`Runs on ${runtimeLabel(session.runtime)} in ${session.workspace ?? "?"}${
                session.runtime_session_id ? ` (conversation ${session.runtime_session_id})` : ""
              }`}
            >
              {runtimeLabel(session.runtime)}
            </span>
          )}
          <ModelPicker models={models.list} failed={models.failed} value={session.model} onChange={on.onModelChange} />
          {models.list && models.list.models.length > 0 && (
            <ThinkingPicker
              value={session.thinking_budget}
              support={thinkingSupport(models.list, session.model)}
              onChange={on.onThinkingBudgetChange}
            />
          )}
          {on.onExport && <ExportMenu onExport={on.onExport} />}
        </header>
        {ready ? (
          <ConversationView
            messages={shown}
            phase={conversation.phase}
            running={running}
            retrying={conversation.retrying}
            failure={runFailure(conversation)}
            hasMore={conversation.hasMore}
            onLoadEarlier={on.onLoadEarlier}
            loadingEarlier={on.loadingEarlier}
            reloading={conversation.reloading}
            tools={conversation.tools}
            runningRunId={conversation.runningRunId}
            onRetry={on.onRetry}
            onAnswerApproval={on.onAnswerApproval}
          />
        ) : (
          <div className="chat-body">
            {loadFailed ? (
              <div className="chat-load-failed" data-testid="chat-load-failed">
                <span>Couldn’t load this chat.</span>
                <button type="button" className="link-button" onClick={on.onReload}>
                  Try again
                </button>
              </div>
            ) : (
              <div className="chat-loading" role="status" data-testid="chat-loading">
                <span className="spinner" aria-hidden="true" />
                <span>Loading…</span>
              </div>
            )}
          </div>
        )}
        <div className="composer-dock">
          <div className="chat-column">
            {noModel && <NoModelHint />}
            {ready && loadFailed && (
              // The history is shown but the live stream could not be followed.
              <div className="chat-load-failed is-inline" data-testid="chat-load-failed" role="alert">
                <span>Live updates for this chat stopped.</span>
                <button type="button" className="link-button" onClick={on.onReload}>
                  Try again
                </button>
              </div>
            )}
            {ready && <QueueList queue={conversation.queue} onClear={on.onClearQueue} />}
            <Composer
              running={running}
              autoFocus={focusComposer}
              attachments={files.items}
              onAddFiles={on.onUpload ? files.add : undefined}
              onEditLast={actions && !busy ? editLast : undefined}
              onRemoveAttachment={files.remove}
              onSend={send}
              onSteer={on.onSteer}
              onStop={on.onStop}
            />
          </div>
        </div>
      </div>
    </MessageActions.Provider>
  );
}

function refuseUpload(): Promise<AttachmentInfo> {
  return Promise.reject(new Error("Attaching files is not available here."));
}
