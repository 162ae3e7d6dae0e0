//! Approvals and permission rules: answering a waiting tool call, the rules that answer for the user.

use crate::Engine;
use crate::error::{ApiError, ErrorCode, Result};
use crate::store::{self};
use crate::{policy, tools};

impl Engine {
    // ---- approvals and rules ---------------------------------------------------------------

    /// Answers a pending approval: recorded (with the rule it makes, if it is remembered)
    /// before the waiting run hears of it. A second answer, or one for an expired approval,
    /// gets `APPROVAL_NOT_FOUND` and changes nothing.
    pub fn answer_approval(
        &self,
        approval_id: &str,
        answer: &store::approvals::ApprovalAnswer,
    ) -> Result<()> {
        if let Some(m) = &answer.message
            && m.chars().count() > 10_000
        {
            return Err(ApiError::new(
                ErrorCode::InvalidInput,
                "the message is over 10,000 characters",
            ));
        }
        if answer.pattern.is_some() && answer.remember != Some(store::approvals::Remember::Always) {
            return Err(ApiError::new(
                ErrorCode::InvalidInput,
                "a pattern goes with remember: \"always\"",
            ));
        }
        if let Some(input) = &answer.input {
            let refuse = |m: &str| Err(ApiError::new(ErrorCode::InvalidInput, m.to_owned()));
            if !answer.allow {
                return refuse("an edited input goes with allow: true");
            }
            if !input.is_object() {
                return refuse("an edited input is a JSON object, as the tool's input is");
            }
            if input.to_string().len() > 256 * 1024 {
                return refuse("an edited input is at most 256 KiB");
            }
        }
        let now = self.shared.store.now();
        let not_found = || {
            ApiError::new(
                ErrorCode::ApprovalNotFound,
                format!(
                    "no approval {approval_id:?} is waiting (answered already, or its run ended)"
                ),
            )
        };
        self.shared.store.write(|tx| -> Result<()> {
            let approval = store::approvals::pending(tx, approval_id)?.ok_or_else(not_found)?;
            if answer.input.is_some()
                && store::sessions::get(tx, &approval.session_id)?.runtime
                    == crate::RuntimeKind::Codex
            {
                return Err(ApiError::new(
                    ErrorCode::InvalidInput,
                    "Codex cannot run an edited command: deny it and say what to run instead",
                ));
            }
            if let Some(p) = &answer.pattern {
                policy::validate_pattern(&approval.tool, p)
                    .map_err(|m| ApiError::new(ErrorCode::InvalidRule, m))?;
            }
            if !store::approvals::resolve(tx, approval_id, answer, now)? {
                return Err(not_found());
            }
            if let Some(remember) = answer.remember {
                let rule = policy::Rule {
                    id: uuid::Uuid::now_v7().to_string(),
                    tool: approval.tool.clone(),
                    pattern: answer.pattern.clone(),
                    decision: if answer.allow {
                        policy::Decision::Allow
                    } else {
                        policy::Decision::Deny
                    },
                    session_id: (remember == store::approvals::Remember::Session)
                        .then(|| approval.session_id.clone()),
                    created_at: now,
                };
                store::rules::insert(tx, &rule)?;
            }
            Ok(())
        })?;
        if let Some(run) = self.shared.waiting_approvals().remove(approval_id) {
            let _ = run.send((approval_id.to_owned(), answer.clone()));
        }
        Ok(())
    }

    /// Every permission rule, newest first.
    pub fn rules(&self) -> Result<Vec<policy::Rule>> {
        Ok(self.shared.store.read(store::rules::all)?)
    }

    pub fn add_rule(&self, new: &store::rules::NewRule) -> Result<policy::Rule> {
        let invalid = |m: String| ApiError::new(ErrorCode::InvalidRule, m);
        policy::validate_tool(new.tool.trim()).map_err(invalid)?;
        if let Some(p) = &new.pattern {
            policy::validate_pattern(new.tool.trim(), p).map_err(invalid)?;
        }
        let pattern = new.pattern.as_deref().map(str::trim);
        let rule = policy::Rule {
            id: uuid::Uuid::now_v7().to_string(),
            tool: new.tool.trim().to_owned(),
            pattern: pattern.map(str::to_owned),
            decision: new.decision,
            session_id: None,
            created_at: self.shared.store.now(),
        };
        self.shared.store.write(|tx| store::rules::insert(tx, &rule))?;
        Ok(rule)
    }

    /// Revokes a rule: the next call it covered is decided without it.
    pub fn remove_rule(&self, rule_id: &str) -> Result<()> {
        if self.shared.store.write(|tx| store::rules::delete(tx, rule_id))? {
            Ok(())
        } else {
            Err(ApiError::new(ErrorCode::RuleNotFound, format!("no rule {rule_id:?}")))
        }
    }

    /// The tools a chat offers its model, with the policy that applies when no rule does.
    pub async fn tools(&self) -> Vec<tools::ToolInfo> {
        self.shared.tools.infos().await
    }
}
