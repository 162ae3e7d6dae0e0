//! `/v1/sessions/{id}/…`: the conversation, sending, steering, stopping, versions, and the
//! live event stream.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use hearth_engine::chat::SendMessage;
use hearth_engine::error::ErrorCode;
use serde_json::json;

use super::support::{Answer, AppState, Body, Params, bad, int_param, only, run_blocking};
use crate::ops::turns as op;

pub async fn chat_history(
    State(s): State<Arc<AppState>>,
    Path(id): Path<String>,
    params: Params,
) -> Answer<impl IntoResponse> {
    only(&params, &op::chat_history::HTTP)?;
    let limit = int_param(&params, "limit", ErrorCode::InvalidLimit)?;
    let before = params.get("before").cloned();
    let engine = s.engine.clone();
    Ok(Json(run_blocking(move || engine.history(&id, limit, before.as_deref())).await?))
}

/// Replay after `after_seq` (or `Last-Event-ID`), then live.
pub async fn chat_events(
    State(s): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    params: Params,
) -> Answer<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    only(&params, &op::chat_events::HTTP)?;
    let from_header = match headers.get("last-event-id") {
        None => None,
        Some(v) => {
            Some(v.to_str().ok().and_then(|v| v.trim().parse::<i64>().ok()).ok_or_else(|| {
                bad(ErrorCode::SeqOutOfRange, "Last-Event-ID must be a seq (a whole number)")
            })?)
        }
    };
    let from_query = int_param::<i64>(&params, "after_seq", ErrorCode::SeqOutOfRange)?;
    let after_seq = from_query.or(from_header).unwrap_or(0);
    let follow = match params.get("follow").map(String::as_str) {
        None | Some("true") | Some("1") => true,
        Some("false") | Some("0") => false,
        Some(v) => {
            return Err(bad(
                ErrorCode::InvalidInput,
                format!("follow must be true or false; got {v:?}"),
            ));
        }
    };
    let (snapshot, mut subscription) = s.engine.subscribe(&id, after_seq).await?;
    let last_at_start = snapshot.last_seq;
    let stream = stream_from_task(move |tx| async move {
        if !follow && last_at_start <= after_seq {
            return;
        }
        while let Some(frame) = subscription.frames.recv().await {
            let data = serde_json::to_string(&*frame).unwrap_or_default();
            let event =
                Event::default().id(frame.seq.to_string()).event(frame.body.kind()).data(data);
            if tx.send(event).await.is_err() {
                return;
            }
            if !follow && frame.seq >= last_at_start {
                return;
            }
        }
    });
    Ok(Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)).text("keepalive")))
}

/// A stream fed by a task through a small channel (ends when the task returns).
fn stream_from_task<F, Fut>(produce: F) -> impl Stream<Item = Result<Event, Infallible>>
where
    F: FnOnce(tokio::sync::mpsc::Sender<Event>) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let (tx, rx) = tokio::sync::mpsc::channel(64);
    tokio::spawn(produce(tx));
    futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|e| (Ok(e), rx)) })
}

pub async fn chat_send(
    State(s): State<Arc<AppState>>,
    Path(id): Path<String>,
    Body(body): Body<op::chat_send::HttpBody>,
) -> Answer<impl IntoResponse> {
    let req = SendMessage {
        text: body.text,
        client_msg_id: body.client_msg_id,
        priority: body.priority,
        attachments: body.attachments.unwrap_or_default(),
        ..SendMessage::default()
    };
    Ok((StatusCode::ACCEPTED, Json(s.engine.send(&id, req).await?)))
}

pub async fn chat_abort(
    State(s): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Answer<impl IntoResponse> {
    Ok(Json(json!({"aborted": s.engine.abort(&id).await?})))
}

pub async fn chat_steer(
    State(s): State<Arc<AppState>>,
    Path(id): Path<String>,
    Body(body): Body<op::chat_steer::HttpBody>,
) -> Answer<impl IntoResponse> {
    Ok(Json(s.engine.steer(&id, &body.text).await?))
}

pub async fn chat_clear_queue(
    State(s): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Answer<impl IntoResponse> {
    Ok(Json(json!({"cleared": s.engine.clear_queue(&id).await?})))
}

pub async fn chat_retry(
    State(s): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Answer<impl IntoResponse> {
    Ok((StatusCode::ACCEPTED, Json(s.engine.retry(&id).await?)))
}

pub async fn chat_edit(
    State(s): State<Arc<AppState>>,
    Path((id, message_id)): Path<(String, String)>,
    Body(body): Body<op::chat_edit::HttpBody>,
) -> Answer<impl IntoResponse> {
    Ok((StatusCode::ACCEPTED, Json(s.engine.edit_message(&id, &message_id, &body.text).await?)))
}

pub async fn chat_regenerate(
    State(s): State<Arc<AppState>>,
    Path((id, message_id)): Path<(String, String)>,
) -> Answer<impl IntoResponse> {
    Ok((StatusCode::ACCEPTED, Json(s.engine.regenerate(&id, &message_id).await?)))
}

pub async fn chat_switch_branch(
    State(s): State<Arc<AppState>>,
    Path((id, message_id)): Path<(String, String)>,
) -> Answer<impl IntoResponse> {
    s.engine.switch_branch(&id, &message_id).await?;
    Ok(Json(json!({"ok": true})))
}
