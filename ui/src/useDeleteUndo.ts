import { useRef, useState, type Dispatch, type RefObject, type SetStateAction } from "react";
import type { HearthApi } from "./api";
import type { Session } from "./bindings/Session";
import type { SessionList } from "./useSessionList";

export interface PendingUndo {
  key: number;
  session: Session;
  wasSelected: boolean;
  /** Resolves true once the delete has landed, false if it failed. Undo waits for it. */
  deleted: Promise<boolean>;
}

export interface Selection {
  /** The chat open when asked (for async callbacks). */
  selectedRef: RefObject<string | null>;
  setSelectedId: Dispatch<SetStateAction<string | null>>;
}

/**
 * Deleting a chat: it leaves the list at once, with an offer to undo (one at a time); if the
 * delete fails, the row comes back (and is open again if it was).
 */
export function useDeleteUndo(
  api: HearthApi,
  { findSession, dispatch }: Pick<SessionList, "findSession" | "dispatch">,
  { selectedRef, setSelectedId }: Selection,
  showError: (e: unknown) => void,
) {
  const [undo, setUndo] = useState<PendingUndo | null>(null);
  const undoKey = useRef(0);

  const deleteSession = (id: string) => {
    const session = findSession(id);
    if (!session) return;
    const wasSelected = selectedRef.current === id;
    dispatch({ type: "removed", id });
    if (wasSelected) setSelectedId(null);
    const key = ++undoKey.current;
    const deleted = api.deleteSession(id).then(
      () => true,
      (e: unknown) => {
        // Nothing was deleted: put the row back and drop the offer to undo.
        dispatch({ type: "restored", session });
        setUndo((current) => (current?.key === key ? null : current));
        if (wasSelected && selectedRef.current === null) setSelectedId(id);
        showError(e);
        return false;
      },
    );
    setUndo({ key, session, wasSelected, deleted });
  };

  const undoDelete = async () => {
    const pending = undo;
    if (!pending) return;
    setUndo(null);
    // A restore racing the delete could run first and be undone by it.
    if (!(await pending.deleted)) return;
    try {
      const session = await api.restoreSession(pending.session.id);
      dispatch({ type: "restored", session });
      if (pending.wasSelected && selectedRef.current === null) setSelectedId(session.id);
    } catch (e) {
      showError(e);
    }
  };

  const dismissUndo = (key: number) => setUndo((current) => (current?.key === key ? null : current));

  return { undo, deleteSession, undoDelete, dismissUndo };
}
