import { highlightMessage, showMessage } from "./components/ConversationView";

/** How long a message jumped to stays highlighted. */
const REVEAL_HIGHLIGHT_MS = 2000;

/**
 * Scrolls a message into view once it is on screen (its chat may still be loading) and
 * highlights it for a moment. Resolves false if it never appears.
 */
export async function revealMessage(messageId: string, within = 5000): Promise<boolean> {
  const deadline = Date.now() + within;
  // Since when the open chat has said the message is not in it (the chat shown at first may
  // still be the one before, or the version before a switch): 3 s of that is an answer.
  let absentSince: number | null = null;
  for (;;) {
    const selector = `[data-testid='message'][data-message-id='${CSS.escape(messageId)}']`;
    const element = document.querySelector<HTMLElement>(selector);
    if (element) {
      element.scrollIntoView({ block: "center" });
      highlightMessage(messageId, REVEAL_HIGHLIGHT_MS);
      return true;
    }
    // A long chat renders only the messages near the viewport: have it scroll to this one.
    const now = Date.now();
    absentSince = showMessage(messageId) ? null : (absentSince ?? now);
    if (now > deadline || (absentSince !== null && now - absentSince > 3_000)) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
