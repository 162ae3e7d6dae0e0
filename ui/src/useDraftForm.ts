import { useCallback, useRef, useState } from "react";
import type { UiError } from "./api";

/** A form control that can take the cursor. */
export type FieldElement = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

/**
 * A settings form's state (schedules, webhooks, MCP servers): the draft being edited, the
 * problems its check found (by field), and why the backend refused it. Editing clears both;
 * a failed check puts the cursor in the first field, in `order`, that has a problem.
 */
export function useDraftForm<D extends object, F extends string>(initial: D | (() => D), order: readonly F[]) {
  const [draft, setDraft] = useState<D>(initial);
  const [problems, setProblems] = useState<Partial<Record<F, string>>>({});
  const [failure, setFailure] = useState<UiError | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const refs = useRef<Partial<Record<F, FieldElement | null>>>({});

  const edit = useCallback((change: Partial<D>) => {
    setDraft((d) => ({ ...d, ...change }));
    setProblems({});
    setFailure(null);
  }, []);

  /** Shows what the check found wrong; the cursor goes to the first of it. */
  const reject = (found: Partial<Record<F, string>>) => {
    setFailure(null);
    setProblems(found);
    const first = order.find((f) => found[f] !== undefined);
    if (first) refs.current[first]?.focus();
  };

  /** Sends a checked draft; the form waits meanwhile. Resolves whether it was taken (if not, the form says why). */
  const save = async (call: () => Promise<UiError | null>): Promise<boolean> => {
    setProblems({});
    setFailure(null);
    setSubmitting(true);
    const error = await call();
    setSubmitting(false);
    if (error) setFailure(error);
    return error === null;
  };

  /** The ref a field's control takes, so that a problem with it can put the cursor there. */
  const fieldRef = (field: F) => (element: FieldElement | null) => {
    refs.current[field] = element;
  };

  const shownProblems = order.filter((f) => problems[f] !== undefined);
  return { draft, setDraft, edit, problems, shownProblems, failure, submitting, reject, save, fieldRef, refs };
}
