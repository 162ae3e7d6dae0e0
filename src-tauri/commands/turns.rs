//! Turns: the conversation, sending, steering, stopping and repeating messages, versions of
//! a message, and the live frames of a chat (over a Channel).

use std::collections::HashMap;
use std::sync::Mutex;

use hearth_api::ops::turns as op;
use hearth_engine::frames::Frame;
use tauri::State;
use tauri::ipc::Channel;

use super::support::{Answer, Args, EngineState};

#[tauri::command(async)]
pub fn chat_history(
    engine: EngineState<'_>,
    args: Args<op::chat_history::Args>,
) -> Answer<op::chat_history::Output> {
    engine.history(&args.session_id, args.limit, args.before.as_deref())
}

/// Live subscriptions by channel id, with the webview that owns them (dropped on its reload).
#[derive(Default)]
pub struct Subscriptions(Mutex<HashMap<u32, (String, tauri::async_runtime::JoinHandle<()>)>>);

impl Subscriptions {
    /// Ends every subscription of a webview (it reloaded or closed: nobody reads them).
    pub fn drop_webview(&self, label: &str) {
        let mut subs = self.0.lock().unwrap_or_else(|p| p.into_inner());
        subs.retain(|_, (owner, task)| {
            let keep = owner != label;
            if !keep {
                task.abort();
            }
            keep
        });
    }
}

/// `on_frame` is read by Tauri itself (hence its snake_case key), beside the declared `Args`.
#[tauri::command(rename_all = "snake_case")]
pub async fn chat_subscribe<R: tauri::Runtime>(
    engine: EngineState<'_>,
    subs: State<'_, Subscriptions>,
    webview: tauri::Webview<R>,
    args: Args<op::chat_subscribe::Args>,
    on_frame: Channel<Frame>,
) -> Answer<op::chat_subscribe::Output> {
    let (snapshot, mut subscription) = engine.subscribe(&args.session_id, args.after_seq).await?;
    let id = on_frame.id();
    let task = tauri::async_runtime::spawn(async move {
        while let Some(frame) = subscription.frames.recv().await {
            if on_frame.send((*frame).clone()).is_err() {
                break;
            }
        }
    });
    subs.0.lock().unwrap_or_else(|p| p.into_inner()).insert(id, (webview.label().to_owned(), task));
    Ok(snapshot)
}

#[tauri::command(async)]
pub fn chat_unsubscribe(
    subs: State<'_, Subscriptions>,
    args: Args<op::chat_unsubscribe::Args>,
) -> Answer<op::chat_unsubscribe::Output> {
    let removed = subs.0.lock().unwrap_or_else(|p| p.into_inner()).remove(&args.channel_id);
    if let Some((_, task)) = removed {
        task.abort();
    }
    Ok(())
}

#[tauri::command]
pub async fn chat_send(
    engine: EngineState<'_>,
    args: Args<op::chat_send::Args>,
) -> Answer<op::chat_send::Output> {
    let op::chat_send::Args { session_id, req } = args.0;
    engine.send(&session_id, req).await
}

#[tauri::command]
pub async fn chat_abort(
    engine: EngineState<'_>,
    args: Args<op::chat_abort::Args>,
) -> Answer<op::chat_abort::Output> {
    engine.abort(&args.session_id).await
}

#[tauri::command]
pub async fn chat_steer(
    engine: EngineState<'_>,
    args: Args<op::chat_steer::Args>,
) -> Answer<op::chat_steer::Output> {
    engine.steer(&args.session_id, &args.text).await
}

#[tauri::command]
pub async fn chat_clear_queue(
    engine: EngineState<'_>,
    args: Args<op::chat_clear_queue::Args>,
) -> Answer<op::chat_clear_queue::Output> {
    engine.clear_queue(&args.session_id).await
}

#[tauri::command]
pub async fn chat_retry(
    engine: EngineState<'_>,
    args: Args<op::chat_retry::Args>,
) -> Answer<op::chat_retry::Output> {
    engine.retry(&args.session_id).await
}

/// A new version of a user message (the old one stays as a branch); its run is queued.
#[tauri::command(async)]
pub async fn chat_edit(
    engine: EngineState<'_>,
    args: Args<op::chat_edit::Args>,
) -> Answer<op::chat_edit::Output> {
    engine.edit_message(&args.session_id, &args.message_id, &args.text).await
}

/// A new reply to what the reply `message_id` answered (the old one stays as a branch).
#[tauri::command(async)]
pub async fn chat_regenerate(
    engine: EngineState<'_>,
    args: Args<op::chat_regenerate::Args>,
) -> Answer<op::chat_regenerate::Output> {
    engine.regenerate(&args.session_id, &args.message_id).await
}

/// Shows another version of a message and the branch after it.
#[tauri::command(async)]
pub async fn chat_switch_branch(
    engine: EngineState<'_>,
    args: Args<op::chat_switch_branch::Args>,
) -> Answer<op::chat_switch_branch::Output> {
    engine.switch_branch(&args.session_id, &args.message_id).await
}
