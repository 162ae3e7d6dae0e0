//! Tools: what a chat offers its model, the approvals its calls wait for, and the rules that
//! decide them without asking.

use hearth_engine::policy::Rule;
use hearth_engine::store::approvals::ApprovalAnswer;
use hearth_engine::store::rules::NewRule;
use hearth_engine::tools::ToolInfo;

use super::declare::operations;

operations! {
    area: tools, "Tools, approvals and rules";

    /// Answers a tool call waiting for the user; its `approval_resolved` frame follows on the
    /// chat's stream. `remember` (with an optional `pattern`) makes a rule of the answer. Once
    /// answered or expired: APPROVAL_NOT_FOUND.
    approval_answer {
        ipc(approval_id: String, answer: ApprovalAnswer) -> ();
        http POST "/v1/approvals/{id}" body json(ApprovalAnswer) => 200 object(ok: bool);
        errors(ApprovalNotFound, InvalidRule, InvalidInput);
    }

    /// Every stored rule, global and per chat.
    rules_list {
        ipc() -> Vec<Rule>;
        http GET "/v1/rules" => 200 object(rules: Vec<Rule>);
        errors();
    }

    /// A rule for a tool (and an optional pattern on its input): allow, ask or deny.
    rule_add {
        ipc(rule: NewRule) -> Rule;
        http POST "/v1/rules" body json(NewRule) => 201 json(Rule);
        errors(InvalidRule, InvalidInput);
    }

    /// Revokes a rule: the next call it covered is decided without it.
    rule_remove {
        ipc(rule_id: String) -> ();
        http DELETE "/v1/rules/{id}" => 200 object(ok: bool);
        errors(RuleNotFound);
    }

    /// The built-in tools and those of the enabled MCP servers (which this may start), each
    /// with the policy that applies when no rule does.
    tools_list {
        ipc() -> Vec<ToolInfo>;
        http GET "/v1/tools" => 200 object(tools: Vec<ToolInfo>);
        errors();
    }
}
