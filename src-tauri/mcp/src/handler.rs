//! Our side of one connection: what the server may notify us of, routed to whoever waits.
//!
//! rmcp calls the handler for each notification on a task of its own, so routing is by the
//! request's progress token, under a short synchronous lock that is never held across an await.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use rmcp::ClientHandler;
use rmcp::model::{
    ClientCapabilities, ClientConfig, Implementation, ProgressNotificationParam, ProgressToken,
    ProtocolVersion,
};
use rmcp::service::{NotificationContext, RoleClient};
use tokio::sync::mpsc::UnboundedSender;

/// One progress update: (progress, total, message), as the engine receives it.
pub type Progress = (f64, Option<f64>, Option<String>);

/// Progress that arrived before its call registered (the window between sending a request and
/// learning its token); bounded so a server sending unsolicited progress costs nothing.
const MAX_EARLY_PROGRESS: usize = 16;

/// Server messages longer than this are cut before they reach the engine.
const MAX_PROGRESS_MESSAGE: usize = 500;

/// State shared between the handler rmcp drives and the connection that owns it.
#[derive(Default)]
pub(crate) struct Events {
    routes: Mutex<Routes>,
    tools_changed: AtomicBool,
}

#[derive(Default)]
struct Routes {
    by_token: HashMap<ProgressToken, Route>,
    early: VecDeque<ProgressNotificationParam>,
}

struct Route {
    sender: UnboundedSender<Progress>,
    /// Progress must increase (MCP spec); notifications handled out of order are dropped.
    last: Option<f64>,
}

impl Route {
    fn forward(&mut self, params: ProgressNotificationParam) {
        let progress = params.progress;
        if !progress.is_finite() || self.last.is_some_and(|last| progress <= last) {
            return;
        }
        self.last = Some(progress);
        let total = params.total.filter(|total| total.is_finite());
        let message = params.message.map(|mut message| {
            if message.len() > MAX_PROGRESS_MESSAGE {
                let mut end = MAX_PROGRESS_MESSAGE;
                while !message.is_char_boundary(end) {
                    end -= 1;
                }
                message.truncate(end);
            }
            message
        });
        // The receiver may be gone (the caller stopped listening); that is fine.
        let _ = self.sender.send((progress, total, message));
    }
}

impl Events {
    /// Sends progress for `token` to `sender` until the returned guard drops, including any
    /// that arrived before this call.
    pub(crate) fn route_progress(
        self: &Arc<Self>,
        token: ProgressToken,
        sender: UnboundedSender<Progress>,
    ) -> ProgressRoute {
        let mut routes = self.routes.lock().unwrap_or_else(PoisonError::into_inner);
        let mut route = Route { sender, last: None };
        let (mine, others) = routes.early.drain(..).partition(|p| p.progress_token == token);
        routes.early = others;
        for params in Vec::from(mine) {
            route.forward(params);
        }
        routes.by_token.insert(token.clone(), route);
        ProgressRoute { events: Arc::clone(self), token }
    }

    fn on_progress(&self, params: ProgressNotificationParam) {
        let mut routes = self.routes.lock().unwrap_or_else(PoisonError::into_inner);
        match routes.by_token.get_mut(&params.progress_token) {
            Some(route) => route.forward(params),
            None => {
                if routes.early.len() == MAX_EARLY_PROGRESS {
                    routes.early.pop_front();
                }
                routes.early.push_back(params);
            }
        }
    }

    /// Whether the server said its tools changed since the last call; clears the flag.
    pub(crate) fn take_tools_changed(&self) -> bool {
        self.tools_changed.swap(false, Ordering::AcqRel)
    }
}

/// Stops routing a call's progress when the call ends, however it ends.
pub(crate) struct ProgressRoute {
    events: Arc<Events>,
    token: ProgressToken,
}

impl Drop for ProgressRoute {
    fn drop(&mut self) {
        let mut routes = self.events.routes.lock().unwrap_or_else(PoisonError::into_inner);
        routes.by_token.remove(&self.token);
    }
}

/// The `ClientHandler` rmcp drives for one connection.
pub(crate) struct Handler {
    server: String,
    events: Arc<Events>,
}

impl Handler {
    pub(crate) fn new(server: &str, events: Arc<Events>) -> Self {
        Self { server: server.to_owned(), events }
    }
}

impl ClientHandler for Handler {
    async fn on_progress(
        &self,
        params: ProgressNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        self.events.on_progress(params);
    }

    async fn on_tool_list_changed(&self, _context: NotificationContext<RoleClient>) {
        tracing::debug!(server = %self.server, "MCP server's tools changed");
        self.events.tools_changed.store(true, Ordering::Release);
    }

    fn get_info(&self) -> ClientConfig {
        // No roots, sampling or elicitation: Hearth answers none of those requests yet, and a
        // server must not be told otherwise.
        ClientConfig::new(
            ClientCapabilities::default(),
            Implementation::new("hearth", env!("CARGO_PKG_VERSION")),
        )
        .with_protocol_version(ProtocolVersion::LATEST_WITH_INITIALIZE)
    }
}

#[cfg(test)]
mod tests {
    use tokio::sync::mpsc;

    use super::*;

    fn progress(token: u32, progress: f64) -> ProgressNotificationParam {
        let mut params = ProgressNotificationParam::new(
            ProgressToken(rmcp::model::NumberOrString::Number(token.into())),
            progress,
        );
        params.total = Some(10.0);
        params
    }

    fn token(n: u32) -> ProgressToken {
        ProgressToken(rmcp::model::NumberOrString::Number(n.into()))
    }

    #[test]
    fn progress_reaches_its_own_call_only_and_only_while_routed() {
        let events = Arc::new(Events::default());
        let (tx, mut rx) = mpsc::unbounded_channel();
        let route = events.route_progress(token(1), tx);
        events.on_progress(progress(1, 1.0));
        events.on_progress(progress(2, 1.0));
        assert_eq!(rx.try_recv().unwrap(), (1.0, Some(10.0), None));
        assert!(rx.try_recv().is_err(), "another call's progress is not ours");
        drop(route);
        events.on_progress(progress(1, 2.0));
        assert!(rx.try_recv().is_err(), "nothing after the call ended");
    }

    #[test]
    fn progress_that_arrives_before_the_route_is_delivered() {
        let events = Arc::new(Events::default());
        events.on_progress(progress(7, 1.0));
        let (tx, mut rx) = mpsc::unbounded_channel();
        let _route = events.route_progress(token(7), tx);
        assert_eq!(rx.try_recv().unwrap().0, 1.0);
    }

    #[test]
    fn progress_that_goes_backwards_or_is_not_a_number_is_dropped() {
        let events = Arc::new(Events::default());
        let (tx, mut rx) = mpsc::unbounded_channel();
        let _route = events.route_progress(token(1), tx);
        for value in [1.0, 3.0, 2.0, 3.0, f64::NAN, 4.0] {
            events.on_progress(progress(1, value));
        }
        let seen: Vec<f64> = std::iter::from_fn(|| rx.try_recv().ok()).map(|p| p.0).collect();
        assert_eq!(seen, [1.0, 3.0, 4.0]);
    }

    #[test]
    fn unclaimed_progress_is_bounded() {
        let events = Events::default();
        for i in 0..100 {
            events.on_progress(progress(i, 1.0));
        }
        assert_eq!(events.routes.lock().unwrap().early.len(), MAX_EARLY_PROGRESS);
    }

    #[test]
    fn long_progress_messages_are_cut_at_a_character() {
        let events = Arc::new(Events::default());
        let (tx, mut rx) = mpsc::unbounded_channel();
        let _route = events.route_progress(token(1), tx);
        let mut params = progress(1, 1.0);
        params.message = Some("é".repeat(MAX_PROGRESS_MESSAGE));
        events.on_progress(params);
        let message = rx.try_recv().unwrap().2.unwrap();
        assert!(message.len() <= MAX_PROGRESS_MESSAGE);
    }
}
