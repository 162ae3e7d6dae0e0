import { useEffect, useRef } from "react";
import { Dialog } from "./Dialog";

export interface LinkConfirmProps {
  url: string;
  onOpen(): void;
  onCancel(): void;
}

/**
 * The question before a link that is not a web address leaves the app: it starts another
 * program (a mail client, an editor, any app that claims the scheme) with what the model
 * wrote, so the whole address is shown, and Cancel has the focus.
 */
export function LinkConfirm({ url, onOpen, onCancel }: LinkConfirmProps) {
  const scheme = url.slice(0, url.indexOf(":"));
  const cancelRef = useRef<HTMLButtonElement>(null);
  // After the dialog's own effect (which focuses its panel): the safe choice takes the focus.
  useEffect(() => cancelRef.current?.focus(), []);
  return (
    <Dialog title="Open this link?" onClose={onCancel} testId="link-confirm" className="link-confirm">
      <p>
        This is not a web address: it opens whatever program handles <code>{scheme}:</code> links, with
        this address:
      </p>
      <pre className="link-confirm-url" data-testid="link-confirm-url">
        {url}
      </pre>
      <div className="link-confirm-actions">
        <button ref={cancelRef} type="button" className="secondary-button" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="primary-button" data-testid="link-confirm-open" onClick={onOpen}>
          Open link
        </button>
      </div>
    </Dialog>
  );
}
