//! From outside the window: proactive messages into the inbox, and webhooks that start turns.

use hearth_engine::inbox::{InboxPost, InboxReceipt};
use hearth_engine::store::hooks::{Hook, HookPatch, HookReceipt, HookWithSecret, NewHook};

use super::declare::operations;
use super::schema::{BodyLimit, DEFAULT_BODY_LIMIT};

operations! {
    area: hooks, "Inbox and webhooks";

    /// A message from a script into a chat (`session_id`), a thread of the inbox (`thread`,
    /// made on first use), or the inbox; `notify: false` keeps it quiet.
    inbox_post {
        http POST "/v1/inbox" body json(InboxPost) => 201 json(InboxReceipt);
        errors(SessionNotFound, MessageEmpty, MessageTooLong, InvalidHook, InvalidInput);
    }

    /// The webhooks, without their secrets.
    hooks_list {
        ipc() -> Vec<Hook>;
        http GET "/v1/webhooks" => 200 object(hooks: Vec<Hook>);
        errors();
    }

    /// A new webhook; the answer carries its secret, the only time it is shown.
    hook_add {
        ipc(hook: NewHook) -> HookWithSecret;
        http POST "/v1/webhooks" body json(NewHook) => 201 json(HookWithSecret);
        errors(InvalidHook, SessionNotFound, KeyringUnavailable, InvalidInput);
    }

    /// Changes a webhook; `rotate_secret: true` answers the new secret, shown this once.
    hook_update {
        ipc(name: String, patch: HookPatch) -> HookWithSecret;
        http PATCH "/v1/webhooks/{name}" body json(HookPatch) => 200 json(HookWithSecret);
        errors(HookNotFound, InvalidHook, SessionNotFound, KeyringUnavailable, InvalidInput);
    }

    /// Removes a webhook and its secret.
    hook_remove {
        ipc(name: String) -> ();
        http DELETE "/v1/webhooks/{name}" => 204 empty;
        errors(HookNotFound);
    }

    /// A delivery, which proves it knows the hook's secret the way the hook's `auth` says:
    /// `bearer` — the secret as `Authorization: Bearer …` (or `X-Hearth-Hook-Secret`);
    /// `github` — `X-Hub-Signature-256`; `standard_webhooks` — `webhook-id`,
    /// `webhook-timestamp` (within five minutes) and `webhook-signature`. The hook and the
    /// headers are checked before the body is read; an unknown or disabled hook, a wrong
    /// secret and a bad signature all get the same 401. A delivery id (`X-Hearth-Delivery`,
    /// `X-GitHub-Delivery`, `Idempotency-Key`, or the signed `webhook-id`) makes a redelivery
    /// harmless. Any JSON body is the payload its template turns into the
    /// message of a background turn; a larger one is refused as soon as it is let in.
    hook_fire {
        http POST "/v1/hooks/{name}"
            auth HookSecret
            headers(
                "Authorization", "X-Hearth-Hook-Secret", "X-Hub-Signature-256",
                "webhook-id", "webhook-timestamp", "webhook-signature", "X-Hearth-Delivery",
                "X-GitHub-Delivery", "Idempotency-Key",
            )
            body any
            limit(BodyLimit::Max(DEFAULT_BODY_LIMIT))
            => 202 json(HookReceipt);
        errors(Unauthorized, BodyTooLarge, KeyringUnavailable, QueueFull, MessageTooLong, InvalidInput);
    }
}
