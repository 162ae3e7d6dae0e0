//! The agent loop of one run as a state machine: `handle(event) -> effects`, with no IO. The
//! run's driver (`run.rs`) does what the effects say and feeds back what happened.
//!
//! model call → (no tool calls: done) → each call allowed, asked about or refused → the
//! allowed ones run (in parallel) → every result is in → next model call … until the model
//! ends its turn, the step limit, an error, or abort. Steered text enters at a step boundary
//! (the driver says so with `steered`), which calls the model again even without tools.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::error::{ApiError, ErrorCode};
use crate::frames::RunStatus;
use crate::policy::Decision;

pub const DEFAULT_MAX_STEPS: u32 = 50;

/// A tool call the model made, with the policy's decision for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub id: String,
    pub name: String,
    pub input: Value,
    pub decision: Decision,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The model call ended normally with these tool calls (possibly none).
    ModelDone {
        calls: Vec<Call>,
        steered: bool,
    },
    ModelFailed(ApiError),
    /// The user answered an approval.
    Answered {
        call_id: String,
        allow: bool,
        message: Option<String>,
    },
    ToolDone {
        call_id: String,
        content: String,
        is_error: bool,
    },
    Abort,
}

/// What the driver must do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    CallModel {
        step: u32,
    },
    AskApproval(Call),
    RunTool(Call),
    /// Every call of the step has its result: save them as one message (ids in call order).
    SaveResults(Vec<ToolResult>),
    Finish {
        status: RunStatus,
        error: Option<ApiError>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct ToolResult {
    pub call_id: String,
    pub content: String,
    pub is_error: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Idle,
    CallingModel,
    /// Calls are running or waiting for an answer.
    Tools,
    Finished,
}

#[derive(Debug)]
enum Slot {
    Waiting,
    Running,
    Done(ToolResult),
}

#[derive(Debug)]
pub struct Agent {
    state: State,
    step: u32,
    max_steps: u32,
    /// The current step's calls, in the model's order.
    order: Vec<String>,
    slots: BTreeMap<String, Slot>,
}

impl Agent {
    pub fn new(max_steps: u32) -> Agent {
        Agent {
            state: State::Idle,
            step: 0,
            max_steps: max_steps.max(1),
            order: Vec::new(),
            slots: BTreeMap::new(),
        }
    }

    pub fn state(&self) -> State {
        self.state
    }

    pub fn step(&self) -> u32 {
        self.step
    }

    /// The first model call.
    pub fn start(&mut self) -> Vec<Effect> {
        if self.state != State::Idle {
            return Vec::new();
        }
        self.next_step()
    }

    pub fn handle(&mut self, event: Event) -> Vec<Effect> {
        if self.state == State::Finished {
            return Vec::new();
        }
        match (self.state, event) {
            (_, Event::Abort) => self.abort(),
            (State::CallingModel, Event::ModelFailed(e)) => self.finish(RunStatus::Error, Some(e)),
            (State::CallingModel, Event::ModelDone { calls, steered }) => {
                if calls.is_empty() {
                    return if steered {
                        self.next_step()
                    } else {
                        self.finish(RunStatus::Done, None)
                    };
                }
                self.state = State::Tools;
                self.order = calls.iter().map(|c| c.id.clone()).collect();
                self.slots.clear();
                let mut effects = Vec::new();
                for call in calls {
                    let id = call.id.clone();
                    match call.decision {
                        Decision::Allow => {
                            self.slots.insert(id, Slot::Running);
                            effects.push(Effect::RunTool(call));
                        }
                        Decision::Ask => {
                            self.slots.insert(id, Slot::Waiting);
                            effects.push(Effect::AskApproval(call));
                        }
                        Decision::Deny => {
                            let result = ToolResult {
                                call_id: id.clone(),
                                content: format!(
                                    "The user's settings do not allow {} to run.",
                                    call.name
                                ),
                                is_error: true,
                            };
                            self.slots.insert(id, Slot::Done(result));
                        }
                    }
                }
                effects.extend(self.after_result());
                effects
            }
            (State::Tools, Event::Answered { call_id, allow, message }) => {
                let Some(slot @ Slot::Waiting) = self.slots.get_mut(&call_id) else {
                    return Vec::new();
                };
                if allow {
                    *slot = Slot::Running;
                    return vec![Effect::RunTool(self.call_stub(&call_id))];
                }
                let content = match message.filter(|m| !m.trim().is_empty()) {
                    Some(m) => format!("The user denied this tool call: {m}"),
                    None => "The user denied this tool call.".to_owned(),
                };
                *slot = Slot::Done(ToolResult { call_id, content, is_error: true });
                self.after_result()
            }
            (State::Tools, Event::ToolDone { call_id, content, is_error }) => {
                let Some(slot @ Slot::Running) = self.slots.get_mut(&call_id) else {
                    return Vec::new();
                };
                *slot = Slot::Done(ToolResult { call_id, content, is_error });
                self.after_result()
            }
            // Anything else is stale (an answer for a call of an earlier step): ignored.
            _ => Vec::new(),
        }
    }

    /// RunTool after an approval carries only the id; the driver keeps the call itself.
    fn call_stub(&self, call_id: &str) -> Call {
        Call {
            id: call_id.to_owned(),
            name: String::new(),
            input: Value::Null,
            decision: Decision::Allow,
        }
    }

    /// When every call of the step has its result: save them and call the model again.
    fn after_result(&mut self) -> Vec<Effect> {
        if !self.slots.values().all(|s| matches!(s, Slot::Done(_))) {
            return Vec::new();
        }
        let mut effects = vec![Effect::SaveResults(self.take_results())];
        effects.extend(self.next_step());
        effects
    }

    fn take_results(&mut self) -> Vec<ToolResult> {
        let mut slots = std::mem::take(&mut self.slots);
        std::mem::take(&mut self.order)
            .into_iter()
            .filter_map(|id| match slots.remove(&id) {
                Some(Slot::Done(result)) => Some(result),
                _ => None,
            })
            .collect()
    }

    fn next_step(&mut self) -> Vec<Effect> {
        if self.step >= self.max_steps {
            return self.finish(
                RunStatus::Error,
                Some(ApiError::new(
                    ErrorCode::StepLimit,
                    format!(
                        "the agent stopped after {} steps (this chat's limit); say \"continue\" to let it go on",
                        self.max_steps
                    ),
                )),
            );
        }
        self.step += 1;
        self.state = State::CallingModel;
        vec![Effect::CallModel { step: self.step }]
    }

    /// Calls still waiting or running get an "aborted" result, so the conversation stays
    /// well-formed (every tool call answered) for the next turn.
    fn abort(&mut self) -> Vec<Effect> {
        let mut effects = Vec::new();
        if self.state == State::Tools {
            for slot in self.slots.iter_mut() {
                if !matches!(slot.1, Slot::Done(_)) {
                    *slot.1 = Slot::Done(ToolResult {
                        call_id: slot.0.clone(),
                        content: "Stopped by the user before it finished.".into(),
                        is_error: true,
                    });
                }
            }
            effects.push(Effect::SaveResults(self.take_results()));
        }
        effects.extend(self.finish(RunStatus::Aborted, None));
        effects
    }

    fn finish(&mut self, status: RunStatus, error: Option<ApiError>) -> Vec<Effect> {
        self.state = State::Finished;
        vec![Effect::Finish { status, error }]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn call(id: &str, decision: Decision) -> Call {
        Call { id: id.into(), name: format!("tool_{id}"), input: json!({}), decision }
    }

    fn done(id: &str, content: &str) -> Event {
        Event::ToolDone { call_id: id.into(), content: content.into(), is_error: false }
    }

    fn result(id: &str, content: &str, is_error: bool) -> ToolResult {
        ToolResult { call_id: id.into(), content: content.into(), is_error }
    }

    #[test]
    fn a_reply_without_tools_finishes_the_run() {
        let mut a = Agent::new(50);
        assert_eq!(a.start(), [Effect::CallModel { step: 1 }]);
        assert_eq!(a.start(), [], "starting twice does nothing");
        let fx = a.handle(Event::ModelDone { calls: vec![], steered: false });
        assert_eq!(fx, [Effect::Finish { status: RunStatus::Done, error: None }]);
        assert_eq!(a.state(), State::Finished);
        assert_eq!(a.handle(Event::Abort), [], "a finished run ignores everything");
    }

    #[test]
    fn steered_text_calls_the_model_again() {
        let mut a = Agent::new(50);
        a.start();
        let fx = a.handle(Event::ModelDone { calls: vec![], steered: true });
        assert_eq!(fx, [Effect::CallModel { step: 2 }]);
    }

    #[test]
    fn allowed_calls_run_together_and_results_keep_the_models_order() {
        let mut a = Agent::new(50);
        a.start();
        let fx = a.handle(Event::ModelDone {
            calls: vec![call("a", Decision::Allow), call("b", Decision::Allow)],
            steered: false,
        });
        assert_eq!(
            fx,
            [
                Effect::RunTool(call("a", Decision::Allow)),
                Effect::RunTool(call("b", Decision::Allow))
            ]
        );
        assert_eq!(a.handle(done("b", "B")), [], "one result is not enough");
        assert_eq!(a.handle(done("b", "again")), [], "a second result for a call is ignored");
        let fx = a.handle(done("a", "A"));
        assert_eq!(
            fx,
            [
                Effect::SaveResults(vec![result("a", "A", false), result("b", "B", false)]),
                Effect::CallModel { step: 2 },
            ]
        );
    }

    #[test]
    fn asked_calls_wait_for_an_answer_and_a_denial_reaches_the_model() {
        let mut a = Agent::new(50);
        a.start();
        let fx = a.handle(Event::ModelDone {
            calls: vec![call("w", Decision::Ask), call("r", Decision::Allow)],
            steered: false,
        });
        assert_eq!(
            fx,
            [
                Effect::AskApproval(call("w", Decision::Ask)),
                Effect::RunTool(call("r", Decision::Allow))
            ]
        );
        assert_eq!(a.handle(done("r", "read")), []);
        assert_eq!(a.handle(done("w", "too early")), [], "a call waiting for approval has not run");
        let fx = a.handle(Event::Answered {
            call_id: "w".into(),
            allow: false,
            message: Some("not that file".into()),
        });
        assert_eq!(
            fx,
            [
                Effect::SaveResults(vec![
                    result("w", "The user denied this tool call: not that file", true),
                    result("r", "read", false),
                ]),
                Effect::CallModel { step: 2 },
            ]
        );
    }

    #[test]
    fn an_allowed_answer_runs_the_call() {
        let mut a = Agent::new(50);
        a.start();
        a.handle(Event::ModelDone { calls: vec![call("w", Decision::Ask)], steered: false });
        let fx = a.handle(Event::Answered { call_id: "w".into(), allow: true, message: None });
        assert!(matches!(&fx[..], [Effect::RunTool(c)] if c.id == "w"));
        assert_eq!(
            a.handle(Event::Answered { call_id: "w".into(), allow: false, message: None }),
            [],
            "a second answer changes nothing"
        );
        let fx = a.handle(done("w", "written"));
        assert_eq!(fx[0], Effect::SaveResults(vec![result("w", "written", false)]));
    }

    #[test]
    fn refused_calls_answer_at_once() {
        let mut a = Agent::new(50);
        a.start();
        let fx =
            a.handle(Event::ModelDone { calls: vec![call("x", Decision::Deny)], steered: false });
        let [Effect::SaveResults(results), Effect::CallModel { step: 2 }] = &fx[..] else {
            panic!("{fx:?}")
        };
        assert!(results[0].is_error && results[0].content.contains("tool_x"));
    }

    #[test]
    fn the_step_limit_ends_the_run_with_a_clear_error() {
        let mut a = Agent::new(2);
        a.start();
        a.handle(Event::ModelDone { calls: vec![call("1", Decision::Allow)], steered: false });
        assert_eq!(a.handle(done("1", "")).last(), Some(&Effect::CallModel { step: 2 }));
        a.handle(Event::ModelDone { calls: vec![call("2", Decision::Allow)], steered: false });
        let fx = a.handle(done("2", ""));
        let Some(Effect::Finish { status: RunStatus::Error, error: Some(e) }) = fx.last() else {
            panic!("{fx:?}")
        };
        assert_eq!(e.code, ErrorCode::StepLimit);
        assert!(matches!(fx[0], Effect::SaveResults(_)), "the last results are still saved");
    }

    #[test]
    fn abort_answers_every_open_call_then_finishes() {
        let mut a = Agent::new(50);
        a.start();
        a.handle(Event::ModelDone {
            calls: vec![
                call("w", Decision::Ask),
                call("r", Decision::Allow),
                call("d", Decision::Allow),
            ],
            steered: false,
        });
        a.handle(done("d", "done"));
        let fx = a.handle(Event::Abort);
        let [Effect::SaveResults(results), Effect::Finish { status: RunStatus::Aborted, .. }] =
            &fx[..]
        else {
            panic!("{fx:?}")
        };
        assert_eq!(results.iter().map(|r| r.call_id.as_str()).collect::<Vec<_>>(), ["w", "r", "d"]);
        assert!(results[0].is_error && results[1].is_error && !results[2].is_error);
    }

    #[test]
    fn abort_while_calling_the_model_and_failures_finish() {
        let mut a = Agent::new(50);
        a.start();
        assert_eq!(
            a.handle(Event::Abort),
            [Effect::Finish { status: RunStatus::Aborted, error: None }]
        );
        let mut a = Agent::new(50);
        a.start();
        let e = ApiError::new(ErrorCode::ProviderError, "boom");
        assert_eq!(
            a.handle(Event::ModelFailed(e.clone())),
            [Effect::Finish { status: RunStatus::Error, error: Some(e) }]
        );
    }

    #[test]
    fn stale_events_are_ignored() {
        let mut a = Agent::new(50);
        a.start();
        assert_eq!(a.handle(done("ghost", "")), []);
        assert_eq!(
            a.handle(Event::Answered { call_id: "ghost".into(), allow: true, message: None }),
            []
        );
        assert_eq!(a.state(), State::CallingModel);
    }
}
