//! The inbox and webhooks: proactive messages from scripts and other programs, and their API.
//! loop, the sweep, and the activity the tray shows.

use crate::chat::{ContentBlock, MessageSource, Role, SendMessage};
use crate::error::{ApiError, ErrorCode, Result};
use crate::frames::FrameBody;
use crate::outside::inbox::{self, InboxPost, InboxReceipt};
use crate::store::hooks::{self, Hook, HookPatch, HookReceipt, HookWithSecret, NewHook};
use crate::store::messages;
use crate::{Engine, secrets};

fn hook_not_found(name: &str) -> ApiError {
    ApiError::new(ErrorCode::HookNotFound, format!("no webhook {name:?} (or it is turned off)"))
}

impl Engine {
    // ---- inbox -----------------------------------------------------------------------------

    /// A proactive message: an assistant-role message with source `external`, in the given
    /// chat or the thread's inbox chat, announced by a `proactive_message` frame. Returns once
    /// both are committed.
    pub async fn post_inbox(&self, post: &InboxPost) -> Result<InboxReceipt> {
        inbox::validate_post(post)?;
        let (session_id, origin) = match &post.session_id {
            Some(id) => (self.shared.store.get_session(id)?.id, "inbox".to_owned()),
            None => {
                let thread = post.thread.as_deref().unwrap_or("inbox");
                let session = self.shared.store.inbox_session(thread, post.title.as_deref())?;
                let origin =
                    if thread == "inbox" { "inbox".to_owned() } else { format!("inbox:{thread}") };
                (session.id, origin)
            }
        };
        let message_id = uuid::Uuid::now_v7().to_string();
        let (sid, mid, text) = (session_id.clone(), message_id.clone(), post.text.clone());
        self.shared
            .write(move |tx, now| {
                let content = [ContentBlock::Text { text }];
                let message = messages::NewMessage {
                    role: Role::Assistant,
                    source: MessageSource::External,
                    ..messages::NewMessage::user(&mid, &sid, &content, true)
                };
                messages::insert(tx, &message, now)
            })
            .await?;
        self.shared.writer.append(
            &session_id,
            None,
            FrameBody::ProactiveMessage {
                message_id: message_id.clone(),
                text: post.text.clone(),
                origin,
                notify: post.notify.unwrap_or(true),
            },
        );
        self.shared.writer.flush(&session_id).await?;
        tracing::info!(session = %session_id, message = %message_id, "proactive message");
        Ok(InboxReceipt { session_id, message_id })
    }

    // ---- webhooks --------------------------------------------------------------------------

    pub fn hooks(&self) -> Result<Vec<Hook>> {
        Ok(self.shared.store.read(hooks::all)?)
    }

    /// Makes a hook and its secret (kept in the keyring; returned only here).
    pub fn add_hook(&self, new: &NewHook) -> Result<HookWithSecret> {
        inbox::validate_hook_name(&new.name)?;
        inbox::validate_template(&new.template)?;
        let session_id = new.session_id.clone().filter(|s| !s.is_empty());
        if let Some(id) = &session_id {
            self.shared.store.get_session(id)?;
        }
        if self.shared.store.read(|c| hooks::get(c, &new.name))?.is_some() {
            return Err(ApiError::new(
                ErrorCode::InvalidHook,
                format!("there is already a webhook named {:?}", new.name),
            ));
        }
        let secret = secrets::new_token();
        secrets::set_secret(&inbox::hook_secret_name(&new.name), &secret)?;
        let hook = Hook {
            name: new.name.clone(),
            session_id,
            template: new.template.clone(),
            enabled: new.enabled.unwrap_or(true),
            created_at: self.shared.store.now(),
            last_fired_at: None,
        };
        if let Err(e) = self.shared.store.write(|tx| hooks::upsert(tx, &hook)) {
            let _ = secrets::delete_secret(&inbox::hook_secret_name(&new.name));
            return Err(e.into());
        }
        tracing::info!(hook = %hook.name, "webhook added");
        Ok(HookWithSecret { hook, secret: Some(secret) })
    }

    pub fn update_hook(&self, name: &str, patch: &HookPatch) -> Result<HookWithSecret> {
        let mut hook =
            self.shared.store.read(|c| hooks::get(c, name))?.ok_or_else(|| hook_not_found(name))?;
        if let Some(t) = &patch.template {
            inbox::validate_template(t)?;
            hook.template = t.clone();
        }
        if let Some(id) = &patch.session_id {
            if !id.is_empty() {
                self.shared.store.get_session(id)?;
            }
            hook.session_id = Some(id.clone()).filter(|s| !s.is_empty());
        }
        if let Some(enabled) = patch.enabled {
            hook.enabled = enabled;
        }
        let secret = if patch.rotate_secret == Some(true) {
            let secret = secrets::new_token();
            secrets::set_secret(&inbox::hook_secret_name(name), &secret)?;
            Some(secret)
        } else {
            None
        };
        self.shared.store.write(|tx| hooks::upsert(tx, &hook))?;
        Ok(HookWithSecret { hook, secret })
    }

    pub fn remove_hook(&self, name: &str) -> Result<()> {
        if !self.shared.store.write(|tx| hooks::delete(tx, name))? {
            return Err(hook_not_found(name));
        }
        let _ = secrets::delete_secret(&inbox::hook_secret_name(name));
        tracing::info!(hook = %name, "webhook removed");
        Ok(())
    }

    /// A webhook call: `secret` must be the hook's; the payload goes through its template
    /// into a background turn. `delivery` (a sender's delivery id) makes a repeat harmless.
    pub async fn fire_hook(
        &self,
        name: &str,
        secret: Option<&str>,
        delivery: Option<&str>,
        payload: &serde_json::Value,
    ) -> Result<HookReceipt> {
        let unauthorized =
            || ApiError::new(ErrorCode::Unauthorized, "wrong or missing webhook secret");
        let hook = self
            .shared
            .store
            .read(|c| hooks::get(c, name))?
            .filter(|h| h.enabled)
            .ok_or_else(|| hook_not_found(name))?;
        let expected = secrets::secret(&inbox::hook_secret_name(name))?.ok_or_else(unauthorized)?;
        if !secret.is_some_and(|s| secrets::token_matches(s, &expected)) {
            return Err(unauthorized());
        }
        if let Some(d) = delivery
            && (d.is_empty() || d.len() > 128)
        {
            return Err(ApiError::new(
                ErrorCode::InvalidInput,
                "the delivery id is 1 to 128 characters",
            ));
        }
        let session_id = match &hook.session_id {
            Some(id) => id.clone(),
            None => {
                let title = format!("Webhook: {name}");
                self.shared.store.inbox_session(&format!("hook:{name}"), Some(&title))?.id
            }
        };
        let req = SendMessage {
            text: inbox::render_template(name, &hook.template, payload),
            client_msg_id: delivery.map(|d| format!("hook:{name}:{d}")),
            source: Some(MessageSource::External),
            ..SendMessage::default()
        };
        let receipt = self.shared.send(&session_id, req).await?;
        let now = self.shared.store.now();
        self.shared.store.write(|tx| hooks::fired(tx, name, now))?;
        tracing::info!(hook = %name, session = %session_id, "webhook fired");
        Ok(HookReceipt { session_id, message_id: receipt.message_id, run_id: receipt.run_id })
    }
}
