//! Tool policy: whether a call runs, asks first, or is refused. Pure: rules in, a decision out.
//!
//! Rules name a tool (`read_file`), every tool of an MCP server (`github__*`) or every tool
//! (`*`), and may carry a pattern: a command prefix for `run_shell` (`shell`), a parsed URL
//! rule for `fetch_url` (`url`), a path glob (relative to the workspace) for file tools. The most specific rule
//! that matches wins (a pattern beats none, a named tool beats a wildcard); at equal
//! specificity deny beats ask beats allow. Without a rule, read-only tools run and everything
//! else asks.

mod gate;
mod shell;
mod url;

pub use gate::FetchGate;
pub use hearth_protocol::approvals::{Decision, Rule, ToolClass};
pub use shell::runs_arbitrary_code;
pub use url::UrlPattern;

use crate::memory::{MEMORY_ARCHIVAL, MEMORY_CORE};

/// The call being decided.
pub struct Call<'a> {
    pub tool: &'a str,
    pub class: ToolClass,
    /// The command, path or URL a pattern is matched against.
    pub subject: Option<&'a str>,
    pub session_id: &'a str,
}

/// The decision for `call`, and the rule that made it (None: the default).
pub fn decide<'r>(rules: &'r [Rule], call: &Call<'_>) -> (Decision, Option<&'r Rule>) {
    let best = rules
        .iter()
        .filter(|r| r.session_id.as_deref().is_none_or(|s| s == call.session_id))
        .filter_map(|r| specificity(r, call).map(|score| (score, r.decision.caution(), r)))
        .max_by_key(|(score, caution, _)| (*score, *caution));
    match best {
        Some((_, _, rule)) => (rule.decision, Some(rule)),
        None => (default_for_call(call), None),
    }
}

/// What a tool of `class` does without a rule, as settings shows it.
pub fn default_for(class: ToolClass) -> Decision {
    match class {
        ToolClass::ReadOnly => Decision::Allow,
        _ => Decision::Ask,
    }
}

/// What this call does without a rule: as its class, except that an archival memory (found
/// only by search, never in a prompt unasked) is written or forgotten at once.
fn default_for_call(call: &Call<'_>) -> Decision {
    match (call.class, call.subject) {
        (ToolClass::Memory, Some(MEMORY_ARCHIVAL)) => Decision::Allow,
        (class, _) => default_for(class),
    }
}

/// How specifically `rule` matches `call`, or None when it does not.
fn specificity(rule: &Rule, call: &Call<'_>) -> Option<u8> {
    let tool_score = if rule.tool == call.tool {
        2
    } else if rule.tool == "*" {
        0
    } else if let Some(server) = rule.tool.strip_suffix('*').filter(|p| p.ends_with("__")) {
        if call.tool.starts_with(server) { 1 } else { return None }
    } else {
        return None;
    };
    let pattern_score = match &rule.pattern {
        None => 0,
        Some(pattern) => {
            if !pattern_matches(pattern, call.class, call.subject?) {
                return None;
            }
            4
        }
    };
    Some(tool_score + pattern_score)
}

pub fn pattern_matches(pattern: &str, class: ToolClass, subject: &str) -> bool {
    match class {
        ToolClass::Shell => shell::matches(pattern, subject),
        ToolClass::Network => url::UrlPattern::parse(pattern).is_ok_and(|p| p.matches(subject)),
        ToolClass::Mcp => subject.starts_with(pattern.trim_end_matches('*')),
        ToolClass::Memory => pattern == subject,
        ToolClass::ReadOnly | ToolClass::Write => globset::GlobBuilder::new(pattern)
            .literal_separator(true)
            .build()
            .map(|g| g.compile_matcher().is_match(subject))
            .unwrap_or(false),
    }
}

/// Checks a pattern before it is stored for `tool`: a URL rule that does not parse is refused,
/// not silently never matched.
pub fn validate_pattern(tool: &str, pattern: &str) -> Result<(), String> {
    if pattern.trim().is_empty() || pattern.len() > 500 || pattern.chars().any(char::is_control) {
        return Err("a pattern is 1 to 500 characters with no control characters".into());
    }
    // Hearth's fetch and Claude Code's are matched as URL rules.
    if tool == "fetch_url" || tool == "WebFetch" {
        UrlPattern::parse(pattern)?;
    }
    if crate::memory::is_memory_tool(tool) && ![MEMORY_CORE, MEMORY_ARCHIVAL].contains(&pattern) {
        return Err(format!("a memory rule's pattern is {MEMORY_CORE} or {MEMORY_ARCHIVAL}"));
    }
    Ok(())
}

/// Checks a rule's tool: a name, `<server>__*` or `*`.
pub fn validate_tool(tool: &str) -> Result<(), String> {
    let name = tool.strip_suffix("__*").unwrap_or(tool);
    let ok = tool == "*"
        || (!name.is_empty()
            && name.len() <= 64
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'));
    if ok { Ok(()) } else { Err(format!("{tool:?} is not a tool name, `<server>__*` or `*`")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(tool: &str, pattern: Option<&str>, decision: Decision, session: Option<&str>) -> Rule {
        Rule {
            id: format!("{tool}{pattern:?}{decision:?}"),
            tool: tool.into(),
            pattern: pattern.map(Into::into),
            decision,
            session_id: session.map(Into::into),
            created_at: 0,
        }
    }

    fn call<'a>(tool: &'a str, class: ToolClass, subject: Option<&'a str>) -> Call<'a> {
        Call { tool, class, subject, session_id: "s1" }
    }

    #[test]
    fn defaults_let_reads_run_and_ask_for_everything_else() {
        for (class, want) in [
            (ToolClass::ReadOnly, Decision::Allow),
            (ToolClass::Write, Decision::Ask),
            (ToolClass::Shell, Decision::Ask),
            (ToolClass::Network, Decision::Ask),
            (ToolClass::Mcp, Decision::Ask),
        ] {
            assert_eq!(decide(&[], &call("t", class, None)).0, want);
        }
    }

    #[test]
    fn the_most_specific_rule_wins_and_ties_go_to_caution() {
        let rules = [
            rule("run_shell", None, Decision::Deny, None),
            rule("run_shell", Some("git status"), Decision::Allow, None),
            rule("*", None, Decision::Allow, None),
        ];
        let shell = |cmd| decide(&rules, &call("run_shell", ToolClass::Shell, Some(cmd))).0;
        assert_eq!(shell("git status"), Decision::Allow);
        assert_eq!(shell("git status --short"), Decision::Allow);
        assert_eq!(shell("git statusx"), Decision::Deny, "a prefix ends at a word");
        assert_eq!(shell("git status; rm -rf ~"), Decision::Deny, "chained commands never match");
        assert_eq!(shell("git status > /etc/x"), Decision::Deny);
        assert_eq!(shell("rm -rf ~"), Decision::Deny);
        assert_eq!(decide(&rules, &call("write_file", ToolClass::Write, None)).0, Decision::Allow);

        let tie = [rule("x", None, Decision::Allow, None), rule("x", None, Decision::Ask, None)];
        assert_eq!(decide(&tie, &call("x", ToolClass::Write, None)).0, Decision::Ask);
    }

    #[test]
    fn a_shell_rule_never_vouches_for_an_interpreter_or_an_expansion() {
        // The finding: with `run_shell` / `bash` / allow, this ran with no approval.
        let rules = [rule("run_shell", Some("bash"), Decision::Allow, None)];
        let shell = |cmd| decide(&rules, &call("run_shell", ToolClass::Shell, Some(cmd))).0;
        let bypass = r#"bash -c "eval \$0" $'touch /tmp/x\x3b id -un\x3b cat /etc/hostname'"#;
        assert_eq!(shell(bypass), Decision::Ask, "an interpreter rule must not allow anything");
        assert_eq!(shell("bash script.sh"), Decision::Ask, "a shell runs what the script says");
        for (pattern, cmd) in [
            ("python3", "python3 -c 'import os'"),
            ("python", "python3.12 x.py"),
            ("env", "env rm -rf ~"),
            ("/usr/bin/env", "/usr/bin/env sh -c id"),
            ("xargs", "xargs rm"),
            ("sudo", "sudo ls"),
            ("node", "node -e 1"),
            ("find .", "find . -exec rm {} +"),
            ("git", "git -c alias.x=!id x"),
            ("ls", "FOO=1 ls"),
        ] {
            let rules = [rule("run_shell", Some(pattern), Decision::Allow, None)];
            let d = decide(&rules, &call("run_shell", ToolClass::Shell, Some(cmd))).0;
            assert_eq!(d, Decision::Ask, "rule {pattern:?} must not vouch for {cmd:?}");
        }
        let ls = [rule("run_shell", Some("ls"), Decision::Allow, None)];
        for cmd in ["ls $HOME", "ls ${HOME}", "ls $'\x3b'id", "ls $(id)"] {
            let d = decide(&ls, &call("run_shell", ToolClass::Shell, Some(cmd))).0;
            assert_eq!(d, Decision::Ask, "an expansion in {cmd:?} is never vouched for");
        }
        assert_eq!(
            decide(&ls, &call("run_shell", ToolClass::Shell, Some("ls -la src"))).0,
            Decision::Allow
        );
        let find = [rule("run_shell", Some("find ."), Decision::Allow, None)];
        let d = decide(&find, &call("run_shell", ToolClass::Shell, Some("find . -name '*.rs'"))).0;
        assert_eq!(d, Decision::Allow, "a plain find is still a find");
    }

    #[test]
    fn the_approval_card_knows_the_same_launchers() {
        // The card (ui/src/toolCalls.ts) offers no rule for these; it must name the same ones.
        let ts = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/toolCalls.ts"),
        )
        .unwrap();
        let list = ts.split("const LAUNCHERS = new Set([").nth(1).unwrap().split("]);").next();
        let mut ui: Vec<&str> = list.unwrap().split('"').skip(1).step_by(2).collect();
        let mut engine = shell::SHELL_LAUNCHERS.to_vec();
        ui.sort_unstable();
        engine.sort_unstable();
        assert_eq!(ui, engine, "policy.rs and toolCalls.ts must list the same launchers");
    }

    #[test]
    fn session_rules_apply_to_their_session_only() {
        let rules = [rule("write_file", None, Decision::Allow, Some("s2"))];
        assert_eq!(decide(&rules, &call("write_file", ToolClass::Write, None)).0, Decision::Ask);
        let rules = [rule("write_file", None, Decision::Allow, Some("s1"))];
        assert_eq!(decide(&rules, &call("write_file", ToolClass::Write, None)).0, Decision::Allow);
    }

    #[test]
    fn server_wildcards_globs_and_url_prefixes() {
        let rules = [
            rule("github__*", None, Decision::Allow, None),
            rule("write_file", Some("src/**/*.rs"), Decision::Allow, None),
            rule("fetch_url", Some("https://docs.rs/"), Decision::Allow, None),
        ];
        let d = |tool, class, subject| decide(&rules, &call(tool, class, subject)).0;
        assert_eq!(d("github__create_issue", ToolClass::Mcp, None), Decision::Allow);
        assert_eq!(d("gitlab__create_issue", ToolClass::Mcp, None), Decision::Ask);
        assert_eq!(d("write_file", ToolClass::Write, Some("src/a/b.rs")), Decision::Allow);
        assert_eq!(d("write_file", ToolClass::Write, Some("src/a/b.toml")), Decision::Ask);
        assert_eq!(d("write_file", ToolClass::Write, None), Decision::Ask);
        assert_eq!(d("fetch_url", ToolClass::Network, Some("https://docs.rs/x")), Decision::Allow);
        assert_eq!(d("fetch_url", ToolClass::Network, Some("https://evil.rs/")), Decision::Ask);
    }

    #[test]
    fn rule_parts_are_validated() {
        assert!(validate_tool("*").is_ok() && validate_tool("srv__*").is_ok());
        assert!(validate_tool("read_file").is_ok());
        assert!(validate_tool("a b").is_err() && validate_tool("").is_err());
        assert!(validate_pattern("run_shell", "").is_err());
        assert!(validate_pattern("run_shell", "git\n").is_err());
        assert!(validate_pattern("fetch_url", "https://docs.rs/").is_ok());
        assert!(validate_pattern("fetch_url", "docs.rs").is_err(), "a URL rule is parsed");
        assert!(validate_pattern("fetch_url", "https://me@docs.rs").is_err());
    }
}
