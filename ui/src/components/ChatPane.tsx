import type { Session } from "../bindings/Session";
import { ChatIcon, ComposeIcon, FlameIcon } from "./icons";

export interface ChatPaneProps {
  /** The selected session, or null when none is selected. */
  session: Session | null;
  onNewSession(): void;
}

/** The conversation area. For now: the session's title and an empty state. */
export function ChatPane({ session, onNewSession }: ChatPaneProps) {
  return (
    <main className="chat-pane" data-testid="chat-pane" aria-label="Conversation">
      {session ? (
        <>
          <header className="chat-header-bar">
            <h1 className="chat-header" data-testid="chat-header" title={session.title}>
              {session.title}
            </h1>
          </header>
          <div className="chat-body">
            <div className="empty-state" data-testid="chat-empty">
              <div className="empty-state-mark">
                <ChatIcon size={26} />
              </div>
              <h2>Start a conversation</h2>
              <p>Messages between you and the agent will appear here.</p>
            </div>
          </div>
        </>
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
