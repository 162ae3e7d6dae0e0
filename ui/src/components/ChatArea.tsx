import { useCallback, useMemo, useRef, type RefObject } from "react";
import { newClientMsgId, toUiError, type HearthApi, type UiError } from "../api";
import type { ApprovalAnswer } from "../bindings/ApprovalAnswer";
import type { NewPreset } from "../bindings/NewPreset";
import type { Priority } from "../bindings/Priority";
import type { Session } from "../bindings/Session";
import type { ChatSettingsPatch } from "../chatSettings";
import { useConversation } from "../useConversation";
import { useSessionUsage } from "../useSessionUsage";
import { AttachmentLoader } from "./Attachments";
import { ChatPane, type ModelsState } from "./ChatPane";

export interface ChatAreaProps {
  api: HearthApi;
  session: Session | null;
  models: ModelsState;
  /** Put the cursor in the composer (a chat just started from onboarding). */
  focusComposer: boolean;
  showError(e: unknown): void;
  /** A frame said the session's row may have changed. */
  onSessionChanged(sessionId: string): void;
  onNewSession(): void;
  onModelChange(sessionId: string, model: string): void;
  onThinkingBudgetChange(sessionId: string, budget: number): void;
  onChatSettingsChange(sessionId: string, patch: ChatSettingsPatch): Promise<UiError | null>;
  /** Set to what reads the open chat's history again (for App, after it switched a branch). */
  reloadRef: RefObject<(() => void) | null>;
}

/** The open chat. Its subscription lives here, so streamed frames re-render this part only. */
export function ChatArea({
  api,
  session,
  models,
  focusComposer,
  showError,
  onSessionChanged,
  onNewSession,
  onModelChange,
  onThinkingBudgetChange,
  onChatSettingsChange,
  reloadRef,
}: ChatAreaProps) {
  const sessionId = session?.id ?? null;
  const conversation = useConversation(api, sessionId, showError, onSessionChanged);
  reloadRef.current = conversation.reload;
  const usage = useSessionUsage(api, sessionId, conversation.runsCompleted);
  // Commands act on the session on screen when they run.
  const sessionRef = useRef(sessionId);
  sessionRef.current = sessionId;

  // Stable, so the messages (memoised) are not redrawn for it.
  const answerApproval = useCallback(
    async (approvalId: string, answer: ApprovalAnswer): Promise<UiError | null> => {
      try {
        await api.answerApproval(approvalId, answer);
        return null;
      } catch (e) {
        return toUiError(e);
      }
    },
    [api],
  );

  const loadAttachment = useCallback((id: string) => api.attachmentBytes(id), [api]);
  const presets = useMemo(() => ({ list: () => api.listPresets(), add: (p: NewPreset) => api.addPreset(p) }), [api]);
  // Looking for a message jumped to reads in the largest pages the backend gives.
  const { loadEarlier: readEarlier } = conversation;
  const loadEarlier = useCallback((seek: boolean) => void readEarlier(seek ? 1000 : undefined), [readEarlier]);
  // Stable, so the messages' actions (a context) do not redraw every message.
  const editMessage = useCallback(
    (messageId: string, text: string) => withSessionRef.current((id) => api.chatEdit(id, messageId, text)),
    [api],
  );
  const regenerate = useCallback(
    (messageId: string) => void withSessionRef.current((id) => api.chatRegenerate(id, messageId)),
    [api],
  );
  const switchBranch = useCallback(
    (messageId: string) => void withSessionRef.current((id) => api.chatSwitchBranch(id, messageId)),
    [api],
  );

  const withSession = async <T,>(act: (id: string) => Promise<T>): Promise<boolean> => {
    const id = sessionRef.current;
    if (id === null) return false;
    try {
      await act(id);
      return true;
    } catch (e) {
      showError(e);
      return false;
    }
  };

  const withSessionRef = useRef(withSession);
  withSessionRef.current = withSession;

  return (
    <AttachmentLoader.Provider value={loadAttachment}>
      <ChatPane
        session={session}
        conversation={conversation.state}
        loadFailed={conversation.loadFailed}
        models={models}
        usage={usage}
        focusComposer={focusComposer}
        onExport={session ? (format) => api.saveExport(session.id, format) : undefined}
        presets={presets}
        onLoadEarlier={loadEarlier}
        loadingEarlier={conversation.loadingEarlier}
        onNewSession={onNewSession}
        onSend={(text: string, priority: Priority, attachments: string[]) =>
          withSession((id) => api.chatSend(id, { text, client_msg_id: newClientMsgId(), priority, attachments }))
        }
        onEdit={editMessage}
        onRegenerate={regenerate}
        onSwitchBranch={switchBranch}
        onUpload={(file) => (session ? api.addAttachment(session.id, file) : Promise.reject(new Error("No chat is open.")))}
        onSteer={(text) => withSession((id) => api.chatSteer(id, text))}
        onStop={() => void withSession((id) => api.chatAbort(id))}
        onClearQueue={() => void withSession((id) => api.chatClearQueue(id))}
        onRetry={() => void withSession((id) => api.chatRetry(id))}
        onReload={conversation.reload}
        onModelChange={(model) => sessionId !== null && onModelChange(sessionId, model)}
        onThinkingBudgetChange={(budget) => sessionId !== null && onThinkingBudgetChange(sessionId, budget)}
        onChatSettingsChange={(patch) =>
          sessionId === null
            ? Promise.resolve({ code: "UNKNOWN" as const, message: "No chat is open." })
            : onChatSettingsChange(sessionId, patch)
        }
        onAnswerApproval={answerApproval}
      />
    </AttachmentLoader.Provider>
  );
}
