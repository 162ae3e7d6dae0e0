// The open conversation's lifecycle: history, then a subscription from its watermark; the
// subscription ends when another session is opened or the view goes away. A window reload
// simply runs this again from the history.
import { useCallback, useEffect, useReducer, useRef, useState } from "react";
import { HISTORY_LIMIT, type HearthApi } from "./api";
import type { Frame } from "./bindings/Frame";
import { conversationReducer, initialConversationState, type ConversationState } from "./conversation";

/** Streamed frames are applied at most this often. */
const FLUSH_INTERVAL_MS = 50;
/** The longest frames wait beyond that when no animation frame comes (a hidden window). */
const FLUSH_FALLBACK_MS = 100;

/** Frames after which the session's row (title, activity order) may have changed. */
const SESSION_CHANGES = new Set<Frame["type"]>([
  "title_updated",
  "user_message",
  "steered",
  "run_completed",
  "proactive_message",
]);

export interface ConversationHandle {
  state: ConversationState;
  /** The history or the subscription failed. */
  loadFailed: boolean;
  /** Counts the run_completed frames seen since the hook mounted: usage changes with each. */
  runsCompleted: number;
  /** Reads the session's history again (shown as it is until the new one arrives). */
  reload(): void;
  /**
   * Reads the page of messages before the first one shown (`limit` of them, the history's
   * page size by default). One at a time: a call while one is going does nothing.
   */
  loadEarlier(limit?: number): Promise<void>;
  /** A page of older messages is being read. */
  loadingEarlier: boolean;
}

export function useConversation(
  api: HearthApi,
  sessionId: string | null,
  onError: (e: unknown) => void,
  onSessionChanged: (sessionId: string) => void,
): ConversationHandle {
  const [state, dispatch] = useReducer(conversationReducer, initialConversationState);
  const [loadFailed, setLoadFailed] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const [runsCompleted, setRunsCompleted] = useState(0);
  const [loadingEarlier, setLoadingEarlier] = useState(false);
  const stateRef = useRef(state);
  stateRef.current = state;
  const earlierRequest = useRef<Promise<void> | null>(null);
  const onErrorRef = useRef(onError);
  onErrorRef.current = onError;
  const onChangedRef = useRef(onSessionChanged);
  onChangedRef.current = onSessionChanged;
  // A branch change rewrites the history: read it again — once per change (a reload replays
  // frames after the watermark, this one among them), and again when the new reply is done
  // (so it shows its versions too).
  const branchSeen = useRef({ sessionId, seq: 0, reloadOnRunEnd: false });
  if (branchSeen.current.sessionId !== sessionId) branchSeen.current = { sessionId, seq: 0, reloadOnRunEnd: false };

  const reload = useCallback(() => {
    // At once, not after the next render: what is on screen is known to be out of date now.
    const id = stateRef.current.sessionId;
    if (id !== null) dispatch({ type: "reloading", sessionId: id });
    setAttempt((n) => n + 1);
  }, []);

  useEffect(() => {
    // The session shown already (a reload): it stays on screen until its history is read again.
    dispatch(sessionId === null ? { type: "opened", sessionId } : { type: "reloading", sessionId });
    setLoadFailed(false);
    if (sessionId === null) return;
    // Once false, nothing from this session's calls reaches the state any more.
    let active = true;
    let unsubscribe: (() => void) | null = null;
    const fail = (e: unknown) => {
      if (!active) return;
      // Not the version before either: the chat says it could not be loaded, with a retry.
      dispatch({ type: "opened", sessionId });
      setLoadFailed(true);
      onErrorRef.current(e);
    };

    void (async () => {
      let history;
      try {
        history = await api.chatHistory(sessionId);
      } catch (e) {
        fail(e);
        return;
      }
      if (!active) return;
      dispatch({ type: "historyLoaded", sessionId, history });
      // Frames are applied together, at most every FLUSH_INTERVAL_MS and on an animation
      // frame, not one by one: a reply streaming hundreds of deltas a second is redrawn (and
      // its last block parsed) 20 times a second, which reads as smoothly and leaves the
      // frames in between to scrolling. (A hidden window, without animation frames, is
      // updated by a timer.)
      let pending: Frame[] = [];
      let scheduled = false;
      let lastFlush = 0;
      const flush = () => {
        if (!scheduled) return;
        scheduled = false;
        lastFlush = performance.now();
        const frames = pending;
        pending = [];
        if (active && frames.length > 0) dispatch({ type: "frames", frames });
      };
      const schedule = () => {
        const wait = Math.max(0, lastFlush + FLUSH_INTERVAL_MS - performance.now());
        const onFrame = () => (typeof requestAnimationFrame === "function" ? requestAnimationFrame(flush) : flush());
        setTimeout(onFrame, wait);
        setTimeout(flush, wait + FLUSH_FALLBACK_MS);
      };
      const subscription = api.chatSubscribe(sessionId, history.watermark, (frame) => {
        if (!active) return;
        pending.push(frame);
        if (!scheduled) {
          scheduled = true;
          schedule();
        }
        if (SESSION_CHANGES.has(frame.type)) onChangedRef.current(sessionId);
        if (frame.type === "run_completed") setRunsCompleted((n) => n + 1);
        const seen = branchSeen.current;
        if (frame.type === "branch_changed" && frame.seq > seen.seq) {
          seen.seq = frame.seq;
          seen.reloadOnRunEnd = true;
          reload();
        } else if (frame.type === "run_completed" && seen.reloadOnRunEnd) {
          seen.reloadOnRunEnd = false;
          reload();
        }
      });
      const subscribed = subscription.snapshot.then(
        (snapshot) => {
          if (active) dispatch({ type: "snapshot", snapshot });
          return true;
        },
        (e: unknown) => {
          fail(e);
          return false;
        },
      );
      // Unsubscribing before the backend has registered the subscription could leave it behind.
      unsubscribe = () => {
        void subscribed.then((ok) => {
          if (ok) api.chatUnsubscribe(subscription.channelId).catch(() => undefined);
        });
      };
    })();

    return () => {
      active = false;
      unsubscribe?.();
    };
  }, [api, sessionId, attempt, reload]);

  const loadEarlier = useCallback(
    (limit = HISTORY_LIMIT): Promise<void> => {
      const { sessionId: id, messages, hasMore, loaded } = stateRef.current;
      const first = messages[0];
      if (earlierRequest.current || id === null || !loaded || !hasMore || !first) return earlierRequest.current ?? Promise.resolve();
      setLoadingEarlier(true);
      const request = api
        .chatHistory(id, limit, first.id)
        .then(
          (history) => dispatch({ type: "earlierLoaded", sessionId: id, beforeId: first.id, history }),
          (e: unknown) => onErrorRef.current(e),
        )
        .finally(() => {
          earlierRequest.current = null;
          setLoadingEarlier(false);
        });
      earlierRequest.current = request;
      return request;
    },
    [api],
  );

  return { state, loadFailed, runsCompleted, reload, loadEarlier, loadingEarlier };
}
