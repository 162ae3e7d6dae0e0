//! The inbox and webhooks: proactive messages from scripts and other programs, and their API.
//! loop, the sweep, and the activity the tray shows.

use crate::chat::{ContentBlock, MessageSource, Role, SendMessage};
use crate::error::{ApiError, ErrorCode, Result};
use crate::frames::FrameBody;
use crate::outside::hook_auth::{self, Knock, Pass};
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
        let auth = new.auth.unwrap_or_default();
        if let Some(given) = &new.secret {
            hook_auth::validate_secret(auth, given)?;
        }
        let secret = new.secret.clone().unwrap_or_else(|| hook_auth::new_secret(auth));
        secrets::set_secret(&inbox::hook_secret_name(&new.name), &secret)?;
        let hook = Hook {
            name: new.name.clone(),
            session_id,
            template: new.template.clone(),
            enabled: new.enabled.unwrap_or(true),
            auth,
            created_at: self.shared.store.now(),
            last_fired_at: None,
        };
        if let Err(e) = self.shared.store.write(|tx| hooks::upsert(tx, &hook)) {
            let _ = secrets::delete_secret(&inbox::hook_secret_name(&new.name));
            return Err(e.into());
        }
        tracing::info!(hook = %hook.name, auth = hook.auth.as_str(), "webhook added");
        // A secret the sender made is not answered back: whoever set it has it.
        let shown = new.secret.is_none().then_some(secret);
        Ok(HookWithSecret { hook, secret: shown })
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
        let auth = patch.auth.unwrap_or(hook.auth);
        let rotate = patch.rotate_secret == Some(true);
        let secret_name = inbox::hook_secret_name(name);
        let new_secret = match (&patch.secret, rotate) {
            (Some(_), true) => {
                return Err(ApiError::new(
                    ErrorCode::InvalidHook,
                    "send either a secret or rotate_secret, not both",
                ));
            }
            (Some(given), false) => {
                hook_auth::validate_secret(auth, given)?;
                Some(given.clone())
            }
            (None, true) => Some(hook_auth::new_secret(auth)),
            (None, false) if auth != hook.auth => {
                let current = secrets::secret(&secret_name)?.unwrap_or_default();
                if !hook_auth::secret_fits(auth, &current) {
                    return Err(ApiError::new(
                        ErrorCode::InvalidHook,
                        "a Standard Webhooks hook needs a `whsec_` secret: send the sender's \
                         as `secret`, or `rotate_secret: true` for a new one",
                    ));
                }
                None
            }
            (None, false) => None,
        };
        hook.auth = auth;
        if let Some(secret) = &new_secret {
            secrets::set_secret(&secret_name, secret)?;
        }
        self.shared.store.write(|tx| hooks::upsert(tx, &hook))?;
        // Only a secret Hearth made is answered (once).
        let secret = new_secret.filter(|_| rotate);
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

    /// The door of a webhook call, before its body is read: the hook exists, is on, and the
    /// headers show its secret (bearer) or carry a well-formed, timely signature. Every
    /// refusal is the same error ([`hook_auth::refused`]), so no one learns which hooks exist.
    pub fn admit_hook_delivery(&self, name: &str, knock: &Knock) -> Result<(Hook, Pass)> {
        let hook = self.shared.store.read(|c| hooks::get(c, name))?.filter(|h| h.enabled);
        // Asked whether the hook exists or not, so both take about as long.
        let secret = secrets::secret(&inbox::hook_secret_name(name))?;
        let (Some(hook), Some(secret)) = (hook, secret) else {
            return Err(hook_auth::refused());
        };
        let now = self.shared.store.now() / 1000;
        let pass = hook_auth::admit(hook.auth, &secret, knock, now)?;
        Ok((hook, pass))
    }

    /// A webhook call let in by [`Engine::admit_hook_delivery`]: the body must be the one
    /// signed (for signatures), then its JSON goes through the template into a background
    /// turn. The delivery id makes a repeat harmless.
    pub async fn fire_hook(&self, hook: Hook, pass: Pass, body: &[u8]) -> Result<HookReceipt> {
        pass.check_body(body)?;
        let payload: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
            ApiError::new(ErrorCode::InvalidInput, format!("the body is not JSON: {e}"))
        })?;
        let name = hook.name.as_str();
        let delivery = pass.delivery.as_deref();
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
            text: inbox::render_template(name, &hook.template, &payload),
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
