//! Turns: the conversation, sending, steering, stopping and repeating messages, versions of
//! a message, and the live frames of a chat.

use hearth_engine::chat::{History, SendMessage, SendReceipt, SteerReceipt, SubscribeSnapshot};
use hearth_engine::frames::{Frame, Priority};

use super::declare::operations;
use super::schema::Channel;

operations! {
    area: turns, "Turns";

    /// The latest `limit` messages of the active path (default 200, at most 1000), or those
    /// before the message `before`, oldest first, and the watermark to subscribe after.
    chat_history {
        ipc(session_id: String, limit: Option<u32>, before: Option<String>) -> History;
        http GET "/v1/sessions/{id}/history"
            query(limit: Option<u32>, before: Option<String>)
            => 200 json(History);
        errors(SessionNotFound, InvalidLimit, InvalidInput);
    }

    /// The chat's state now; then every frame with `seq > after_seq`, in order, exactly once,
    /// on `on_frame` until `chat_unsubscribe` (or the page reloads).
    chat_subscribe {
        ipc(session_id: String, after_seq: i64, on_frame: Channel<Frame>) -> SubscribeSnapshot;
        errors(SessionNotFound, SeqOutOfRange);
    }

    /// Stops feeding a subscription's channel (by the channel's id).
    chat_unsubscribe {
        ipc(channel_id: u32) -> ();
        errors(InvalidInput);
    }

    /// Every frame with `seq > after_seq` (or the `Last-Event-ID` header), then live ones:
    /// one SSE event per frame (`id` = seq, `event` = frame type), a `: keepalive` comment
    /// every 15 s of silence. `follow=false` ends the stream once the replay is done.
    chat_events {
        http GET "/v1/sessions/{id}/events"
            query(after_seq: Option<i64>, follow: Option<bool>)
            headers("Last-Event-ID")
            => 200 sse(Frame);
        errors(SessionNotFound, SeqOutOfRange, InvalidInput);
    }

    /// Commits a user message (idempotent on `client_msg_id`) and queues its run; answers once
    /// it is durable. `attachments` are ids uploaded to this chat and not sent yet.
    chat_send {
        ipc(session_id: String, req: SendMessage) -> SendReceipt;
        http POST "/v1/sessions/{id}/messages"
            body object(
                text: String,
                client_msg_id: Option<String>,
                priority: Option<Priority>,
                attachments: Option<Vec<String>>,
            )
            => 202 json(SendReceipt);
        errors(
            SessionNotFound, MessageEmpty, MessageTooLong, QueueFull, AttachmentNotFound,
            InvalidInput,
        );
    }

    /// Stops the running run (waiting a second at most for it to end). False when idle.
    chat_abort {
        ipc(session_id: String) -> bool;
        http POST "/v1/sessions/{id}/abort" => 200 object(aborted: bool);
        errors(SessionNotFound);
    }

    /// Text for the running run to take into account at its next step; queued as the next
    /// message when no run is going (`mode` says which).
    chat_steer {
        ipc(session_id: String, text: String) -> SteerReceipt;
        http POST "/v1/sessions/{id}/steer" body object(text: String) => 200 json(SteerReceipt);
        errors(SessionNotFound, MessageEmpty, MessageTooLong);
    }

    /// Removes the queued runs (not the running one); answers how many.
    chat_clear_queue {
        ipc(session_id: String) -> usize;
        http DELETE "/v1/sessions/{id}/queue" => 200 object(cleared: usize);
        errors(SessionNotFound);
    }

    /// Runs the last user message again, after a failed or interrupted reply.
    chat_retry {
        ipc(session_id: String) -> SendReceipt;
        http POST "/v1/sessions/{id}/retry" => 202 json(SendReceipt);
        errors(SessionNotFound, NothingToRetry, QueueFull);
    }

    /// A new version of a user message (the old one stays as a branch); its run is queued.
    chat_edit {
        ipc(session_id: String, message_id: String, text: String) -> SendReceipt;
        http POST "/v1/sessions/{id}/messages/{message_id}/edit"
            body object(text: String)
            => 202 json(SendReceipt);
        errors(SessionNotFound, MessageEmpty, MessageTooLong, QueueFull, InvalidInput);
    }

    /// A new reply to what the reply `message_id` answered (the old one stays as a branch).
    chat_regenerate {
        ipc(session_id: String, message_id: String) -> SendReceipt;
        http POST "/v1/sessions/{id}/messages/{message_id}/regenerate" => 202 json(SendReceipt);
        errors(SessionNotFound, QueueFull, InvalidInput);
    }

    /// Shows the version `message_id` of a message, and the branch after it (the frame
    /// `branch_changed` tells viewers to read the history again).
    chat_switch_branch {
        ipc(session_id: String, message_id: String) -> ();
        http POST "/v1/sessions/{id}/messages/{message_id}/switch" => 200 object(ok: bool);
        errors(SessionNotFound, InvalidInput);
    }
}
