//! Every IPC command through Tauri's mock runtime: the real shell, the real engine on a real
//! SQLite file, no webview. Good input answers the engine's types; bad input answers
//! `{code, message}` and changes nothing.

use std::collections::BTreeSet;
use std::sync::Arc;

use hearth_engine::Engine;
use serde_json::{Value, json};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder};
use tauri::webview::InvokeRequest;

struct Shell {
    webview: tauri::WebviewWindow<MockRuntime>,
    _app: tauri::App<MockRuntime>,
    _dir: tempfile::TempDir,
}

impl Shell {
    /// The app with its real config and capabilities (so the ACL is tested too), on the mock
    /// runtime, with a window labelled `label`.
    fn start() -> Shell {
        Shell::start_window("main")
    }

    fn start_window(label: &str) -> Shell {
        let dir = tempfile::tempdir().unwrap();
        let engine = Arc::new(Engine::open(dir.path()).unwrap());
        let app = hearth_app::build_app(mock_builder())
            .manage(engine)
            .build(tauri::generate_context!(test = true))
            .expect("the app builds on the mock runtime");
        let webview = tauri::WebviewWindowBuilder::new(&app, label, Default::default())
            .build()
            .expect("the main window opens");
        Shell { webview, _app: app, _dir: dir }
    }

    fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        let request = InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        };
        get_ipc_response(&self.webview, request).map(|body| body.deserialize::<Value>().unwrap())
    }

    fn ok(&self, cmd: &str, args: Value) -> Value {
        self.invoke(cmd, args.clone())
            .unwrap_or_else(|e| panic!("{cmd}({args}) must succeed, got {e}"))
    }

    /// Calls a command that must fail and returns its error code.
    fn err_code(&self, cmd: &str, args: Value) -> String {
        let err =
            self.invoke(cmd, args.clone()).expect_err(&format!("{cmd}({args}) must be refused"));
        assert!(
            err["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{cmd}: every error carries a message: {err}"
        );
        let code =
            err["code"].as_str().unwrap_or_else(|| panic!("{cmd}: error without a code: {err}"));
        let declared = declared_codes(cmd);
        assert!(
            declared.iter().any(|d| d == code),
            "{cmd} answered {code}, which hearth_api::ops does not list for it ({declared:?})"
        );
        code.into()
    }

    fn titles(&self) -> Vec<String> {
        let page = self.ok("session_list", json!({"req": {}}));
        page["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["title"].as_str().unwrap().into())
            .collect()
    }
}

/// The codes `hearth_api::ops` says the command `cmd` may answer (none for an unknown one).
fn declared_codes(cmd: &str) -> Vec<String> {
    hearth_api::ops::find(cmd)
        .map(|op| op.all_errors(hearth_api::ops::schema::Door::Ipc))
        .unwrap_or_default()
        .iter()
        .map(|c| c.name())
        .collect()
}

#[test]
fn session_commands_create_rename_pin_delete_restore_and_list() {
    let shell = Shell::start();
    let a = shell.ok("session_create", json!({"req": {"title": "Alpha"}}));
    let b = shell.ok("session_create", json!({"req": {}}));
    assert_eq!(b["title"], "New chat");
    let (a_id, b_id) = (a["id"].as_str().unwrap(), b["id"].as_str().unwrap());

    assert_eq!(shell.ok("session_get", json!({"session_id": a_id}))["title"], "Alpha");
    let renamed =
        shell.ok("session_update", json!({"session_id": b_id, "patch": {"title": "Beta"}}));
    assert_eq!(
        (renamed["title"].as_str(), renamed["title_source"].as_str()),
        (Some("Beta"), Some("user"))
    );
    assert_eq!(shell.titles(), ["Beta", "Alpha"], "newest first");

    let pinned = shell.ok("session_update", json!({"session_id": a_id, "patch": {"pinned": true}}));
    assert_eq!(pinned["pinned"], true);
    assert_eq!(shell.titles(), ["Alpha", "Beta"], "pinned first");

    let deleted = shell.ok("session_delete", json!({"session_id": a_id}));
    assert!(deleted["deleted_at"].is_number());
    assert_eq!(shell.titles(), ["Beta"]);
    shell.ok("session_restore", json!({"session_id": a_id}));
    assert_eq!(shell.titles(), ["Alpha", "Beta"]);

    let page = shell.ok("session_list", json!({"req": {"limit": 1}}));
    assert_eq!(page["sessions"].as_array().unwrap().len(), 1);
    let next =
        shell.ok("session_list", json!({"req": {"limit": 1, "cursor": page["next_cursor"]}}));
    assert_eq!(next["sessions"][0]["title"], "Beta", "the cursor continues where the page ended");
    assert!(next["next_cursor"].is_null());
}

#[test]
fn bad_input_gets_a_typed_error_and_changes_nothing() {
    let shell = Shell::start();
    let s = shell.ok("session_create", json!({"req": {"title": "Keep"}}));
    let id = s["id"].as_str().unwrap();
    let unknown = "01900000-0000-7000-8000-000000000000";

    let cases = [
        ("session_get", json!({"session_id": unknown}), "SESSION_NOT_FOUND"),
        (
            "session_update",
            json!({"session_id": unknown, "patch": {"title": "x"}}),
            "SESSION_NOT_FOUND",
        ),
        ("session_delete", json!({"session_id": unknown}), "SESSION_NOT_FOUND"),
        ("session_restore", json!({"session_id": unknown}), "SESSION_NOT_FOUND"),
        ("session_update", json!({"session_id": id, "patch": {"title": ""}}), "INVALID_TITLE"),
        (
            "session_update",
            json!({"session_id": id, "patch": {"title": "x".repeat(201), "pinned": true}}),
            "INVALID_TITLE",
        ),
        (
            "session_update",
            json!({"session_id": id, "patch": {"model": "no-slash"}}),
            "INVALID_MODEL",
        ),
        ("session_create", json!({"req": {"title": "   "}}), "INVALID_TITLE"),
        ("session_create", json!({"req": {"workspace": "relative/path"}}), "INVALID_WORKSPACE"),
        ("session_list", json!({"req": {"limit": 0}}), "INVALID_LIMIT"),
        ("session_list", json!({"req": {"limit": 201}}), "INVALID_LIMIT"),
        ("session_list", json!({"req": {"cursor": "not-a-cursor"}}), "INVALID_CURSOR"),
        ("session_list", json!({"req": {"limit": -1}}), "INVALID_INPUT"),
        ("session_list", json!({}), "INVALID_INPUT"),
        ("session_get", json!({}), "INVALID_INPUT"),
        ("session_get", json!({"session_id": 42}), "INVALID_INPUT"),
        ("session_update", json!({"session_id": id, "patch": {"pinned": "yes"}}), "INVALID_INPUT"),
        ("session_update", json!({"session_id": id}), "INVALID_INPUT"),
    ];
    for (cmd, args, code) in cases {
        assert_eq!(shell.err_code(cmd, args.clone()), code, "{cmd}({args})");
    }
    let after = shell.ok("session_get", json!({"session_id": id}));
    assert_eq!(
        (after["title"].as_str(), after["pinned"].as_bool()),
        (Some("Keep"), Some(false)),
        "nothing was written"
    );
    assert_eq!(shell.titles(), ["Keep"], "no session was created by a refused call");
}

#[test]
fn unknown_commands_are_refused() {
    let shell = Shell::start();
    assert!(shell.invoke("session_drop_all", json!({})).is_err());
}

#[test]
fn windows_without_a_capability_cannot_reach_the_engine() {
    let shell = Shell::start_window("untrusted");
    let err = shell.invoke("session_list", json!({"req": {}})).expect_err("only `main` may call");
    assert!(err.to_string().contains("not allowed"), "{err}");
}

#[test]
fn chat_commands_refuse_bad_input_with_typed_errors() {
    let shell = Shell::start();
    let s = shell.ok("session_create", json!({"req": {}}));
    let id = s["id"].as_str().unwrap();
    let cases = [
        ("chat_send", json!({"session_id": id, "req": {"text": ""}}), "MESSAGE_EMPTY"),
        (
            "chat_send",
            json!({"session_id": id, "req": {"text": "x".repeat(1_000_001)}}),
            "MESSAGE_TOO_LONG",
        ),
        (
            "chat_send",
            json!({"session_id": id, "req": {"text": "hi", "priority": "soon"}}),
            "INVALID_INPUT",
        ),
        (
            "chat_send",
            json!({"session_id": id, "req": {"text": "hi", "extra": 1}}),
            "INVALID_INPUT",
        ),
        ("chat_send", json!({"session_id": "nope", "req": {"text": "hi"}}), "SESSION_NOT_FOUND"),
        ("chat_history", json!({"session_id": "nope"}), "SESSION_NOT_FOUND"),
        ("chat_history", json!({"session_id": id, "limit": 0}), "INVALID_LIMIT"),
        ("chat_steer", json!({"session_id": id, "text": "  "}), "MESSAGE_EMPTY"),
        ("chat_retry", json!({"session_id": id}), "NOTHING_TO_RETRY"),
        ("chat_abort", json!({}), "INVALID_INPUT"),
    ];
    for (cmd, args, code) in cases {
        assert_eq!(shell.err_code(cmd, args.clone()), code, "{cmd}({args})");
    }
    assert_eq!(shell.ok("chat_abort", json!({"session_id": id})), json!(false), "nothing to abort");
    assert_eq!(shell.ok("chat_clear_queue", json!({"session_id": id})), json!(0));
    let history = shell.ok("chat_history", json!({"session_id": id}));
    assert_eq!(
        history,
        json!({"messages": [], "watermark": 0, "has_more": false}),
        "nothing was written"
    );
}

#[test]
fn account_commands_refuse_bad_forms() {
    let shell = Shell::start();
    let cases = [
        ("account_add", json!({"req": {"label": "", "kind": "openai"}}), "INVALID_ACCOUNT"),
        (
            "account_add",
            json!({"req": {"label": "x", "kind": "openai_compatible"}}),
            "INVALID_ACCOUNT",
        ),
        ("account_add", json!({"req": {"label": "x", "kind": "gemini"}}), "INVALID_INPUT"),
        (
            "account_add",
            json!({"req": {"label": "x", "kind": "openai", "password": "p"}}),
            "INVALID_INPUT",
        ),
        ("account_remove", json!({"account_id": "nope"}), "ACCOUNT_NOT_FOUND"),
        ("account_update", json!({"account_id": "nope", "patch": {}}), "ACCOUNT_NOT_FOUND"),
        ("account_update", json!({"account_id": "nope", "patch": {"colour": 1}}), "INVALID_INPUT"),
        ("account_test", json!({"account_id": "nope"}), "ACCOUNT_NOT_FOUND"),
        ("account_remove", json!({}), "INVALID_INPUT"),
    ];
    for (cmd, args, code) in cases {
        assert_eq!(shell.err_code(cmd, args.clone()), code, "{cmd}({args})");
    }
    let list = shell.ok("accounts_list", json!({}));
    assert!(
        list.as_array().unwrap().iter().all(|a| a["source"] == "env"),
        "no account was added: {list}"
    );
}

#[test]
fn settings_and_session_preferences_refuse_bad_values_and_keep_good_ones() {
    let shell = Shell::start();
    assert_eq!(shell.ok("settings_get", json!({}))["auto_title"], true);
    let cases = [
        ("settings_update", json!({"patch": {"auto_title": "no"}})),
        ("settings_update", json!({"patch": {"theme": "dark"}})),
        ("settings_update", json!({})),
        ("models_list", json!({"refresh": "yes"})),
    ];
    for (cmd, args) in cases {
        assert_eq!(shell.err_code(cmd, args.clone()), "INVALID_INPUT", "{cmd}({args})");
    }
    assert_eq!(shell.ok("settings_get", json!({}))["auto_title"], true, "nothing changed");
    let after = shell.ok("settings_update", json!({"patch": {"auto_title": false}}));
    assert_eq!(after["auto_title"], false);
    assert_eq!(shell.ok("settings_get", json!({}))["auto_title"], false);

    let id = shell.ok("session_create", json!({"req": {}}))["id"].as_str().unwrap().to_owned();
    let bad = json!({"session_id": id, "patch": {"thinking_budget": 100}});
    assert_eq!(shell.err_code("session_update", bad), "INVALID_INPUT");
    let good = json!({"session_id": id, "patch": {"thinking_budget": 8192}});
    assert_eq!(shell.ok("session_update", good)["thinking_budget"], 8192);
    assert!(shell.ok("local_servers_probe", json!({})).is_array());
}

/// The tray's menu actions and the background commands, on the mock runtime.
#[test]
fn tray_menu_actions_and_background_commands() {
    use tauri::{Listener, Manager};
    let shell = Shell::start();
    let app = shell.webview.app_handle().clone();
    // "Pause schedules" flips the stored setting; again turns it back.
    hearth_app::desktop::on_menu(&app, hearth_app::desktop::item::PAUSE);
    assert_eq!(shell.ok("settings_get", json!({}))["schedules_paused"], true);
    hearth_app::desktop::on_menu(&app, hearth_app::desktop::item::PAUSE);
    assert_eq!(shell.ok("settings_get", json!({}))["schedules_paused"], false);
    // "New chat" asks the webview for one.
    let (tx, rx) = std::sync::mpsc::channel();
    app.listen_any(hearth_app::desktop::NEW_CHAT, move |_| {
        let _ = tx.send(());
    });
    hearth_app::desktop::on_menu(&app, hearth_app::desktop::item::NEW_CHAT);
    rx.recv_timeout(std::time::Duration::from_secs(5)).expect("the new-chat event");
    // The status line while idle.
    let engine = app.state::<Arc<Engine>>();
    assert_eq!(hearth_app::desktop::activity_line(&engine), "Idle");
    assert_eq!(
        shell.ok("activity", json!({})),
        json!({"running": 0, "queued": 0, "waiting_approval": 0})
    );

    // Schedules through IPC; bad ones refused with their code.
    let made = shell.ok(
        "schedule_add",
        json!({"schedule": {"name": "Daily", "cron": "0 9 * * *", "timezone": "UTC", "prompt": "Hi"}}),
    );
    assert_eq!(shell.ok("schedules_list", json!({}))[0]["id"], made["id"]);
    assert_eq!(
        shell.err_code(
            "schedule_add",
            json!({"schedule": {"name": "x", "cron": "nope", "prompt": "p"}})
        ),
        "INVALID_SCHEDULE"
    );
    assert_eq!(shell.err_code("schedule_remove", json!({"id": "nope"})), "SCHEDULE_NOT_FOUND");
    // Settings the shell checks itself: a shortcut that is not one.
    assert_eq!(
        shell.err_code("settings_update", json!({"patch": {"global_shortcut": "Ctrl+Banana+"}})),
        "INVALID_INPUT"
    );
    assert_eq!(
        shell.err_code("settings_update", json!({"patch": {"event_retention_days": 0}})),
        "INVALID_INPUT"
    );
    // The window's chat, logs and health.
    shell.ok("ui_viewing", json!({"session_id": "abc"}));
    assert_eq!(shell.err_code("ui_viewing", json!({"session_id": 5})), "INVALID_INPUT");
    assert!(shell.ok("logs_recent", json!({"query": {"level": "warn"}})).is_array());
    assert_eq!(shell.err_code("logs_recent", json!({"query": {"level": "loud"}})), "INVALID_INPUT");
    let health = shell.ok("health", json!({}));
    let names: Vec<&str> =
        health.as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["store", "keyring", "notifications", "api"]);
    assert_eq!(health[0]["ok"], true);
}

#[test]
fn presets_and_links_through_ipc_refuse_bad_input() {
    let shell = Shell::start();
    let made = shell.ok(
        "preset_add",
        json!({"preset": {"name": "Reviewer", "prompt": "Review code for bugs first."}}),
    );
    let id = made["id"].as_str().unwrap().to_owned();
    let changed =
        shell.ok("preset_update", json!({"id": id, "patch": {"prompt": "Review for bugs."}}));
    assert_eq!(changed["prompt"], "Review for bugs.");
    for (cmd, args, code) in [
        ("preset_add", json!({"preset": {"name": "reviewer", "prompt": "x"}}), "INVALID_INPUT"),
        ("preset_add", json!({"preset": {"name": "Empty", "prompt": ""}}), "INVALID_INPUT"),
        ("preset_add", json!({"preset": {"name": "No prompt"}}), "INVALID_INPUT"),
        ("preset_update", json!({"id": id, "patch": {"colour": "red"}}), "INVALID_INPUT"),
        ("preset_update", json!({"id": "nope", "patch": {}}), "NOT_FOUND"),
        ("preset_remove", json!({"id": "nope"}), "NOT_FOUND"),
        ("open_link", json!({"url": "javascript:alert(1)"}), "INVALID_INPUT"),
        ("open_link", json!({"url": "file:///etc/passwd"}), "INVALID_INPUT"),
        ("open_link", json!({}), "INVALID_INPUT"),
    ] {
        assert_eq!(shell.err_code(cmd, args.clone()), code, "{cmd}({args})");
    }
    assert_eq!(shell.ok("presets_list", json!({})), json!([changed]), "nothing else changed");
    shell.ok("preset_remove", json!({"id": id}));
    assert_eq!(shell.ok("presets_list", json!({})), json!([]));
}

#[test]
fn memories_through_ipc_are_listed_searched_changed_and_refused_when_bad() {
    let shell = Shell::start();
    let name = shell.ok(
        "memory_add",
        json!({"memory": {"kind": "profile", "tier": "core", "text": "Name: Ada"}}),
    );
    let bike = shell.ok(
        "memory_add",
        json!({"memory": {"kind": "fact", "tier": "archival", "text": "Rides a red bicycle"}}),
    );
    let all = shell.ok("memories_list", json!({}));
    assert_eq!(all, json!([name, bike]), "core first");
    assert_eq!(shell.ok("memories_list", json!({"tier": "archival"})), json!([bike]));
    assert_eq!(shell.ok("memories_list", json!({"q": "bicycle"})), json!([bike]));
    assert_eq!(shell.ok("memories_list", json!({"q": "bicycle", "tier": "core"})), json!([]));
    let id = name["id"].as_str().unwrap();
    let moved = shell.ok("memory_update", json!({"id": id, "patch": {"tier": "archival"}}));
    assert_eq!(moved["tier"], "archival");
    for (cmd, args, code) in [
        (
            "memory_add",
            json!({"memory": {"kind": "mood", "tier": "core", "text": "x"}}),
            "INVALID_INPUT",
        ),
        (
            "memory_add",
            json!({"memory": {"kind": "fact", "tier": "core", "text": "  "}}),
            "INVALID_INPUT",
        ),
        ("memory_update", json!({"id": id, "patch": {"text": ""}}), "INVALID_INPUT"),
        ("memory_update", json!({"id": "nope", "patch": {}}), "NOT_FOUND"),
        ("memory_remove", json!({"id": "nope"}), "NOT_FOUND"),
        ("memories_list", json!({"tier": "hot"}), "INVALID_INPUT"),
    ] {
        assert_eq!(shell.err_code(cmd, args.clone()), code, "{cmd}({args})");
    }
    shell.ok("memory_remove", json!({"id": bike["id"]}));
    assert_eq!(shell.ok("memories_list", json!({})), json!([moved]), "nothing else changed");
}

#[test]
fn the_shell_registers_and_allows_exactly_the_declared_commands() {
    let declared: BTreeSet<String> =
        hearth_api::ops::ipc_commands().map(|op| op.name.to_owned()).collect();
    let registered: BTreeSet<String> =
        hearth_app::IPC_COMMANDS.iter().map(|c| c.to_string()).collect();
    assert_eq!(registered.len(), hearth_app::IPC_COMMANDS.len(), "a command is registered twice");
    let missing: Vec<_> = declared.difference(&registered).collect();
    let undeclared: Vec<_> = registered.difference(&declared).collect();
    assert!(missing.is_empty(), "declared in hearth_api::ops, not in commands/mod.rs: {missing:?}");
    assert!(undeclared.is_empty(), "in commands/mod.rs, not in hearth_api::ops: {undeclared:?}");

    let capability: Value =
        serde_json::from_str(include_str!("../../capabilities/main.json")).unwrap();
    let allowed: BTreeSet<String> = capability["permissions"]
        .as_array()
        .expect("a list of permissions")
        .iter()
        .filter_map(|p| p.as_str()?.strip_prefix("allow-").map(|c| c.replace('-', "_")))
        .collect();
    assert_eq!(
        allowed, declared,
        "capabilities/main.json allows the main window each declared command, and no other"
    );
}

#[test]
fn every_declared_command_is_served_and_refuses_missing_arguments_with_a_declared_code() {
    let shell = Shell::start();
    for op in hearth_api::ops::ipc_commands() {
        if op.name == "app_quit" {
            continue; // it would end this test's app
        }
        // No arguments: those that need some refuse; the others just answer.
        if let Err(e) = shell.invoke(op.name, json!({})) {
            let code = e["code"]
                .as_str()
                .unwrap_or_else(|| panic!("{} is not served or not allowed: {e}", op.name));
            let declared = declared_codes(op.name);
            assert!(
                declared.iter().any(|d| d == code),
                "{} answered {code}, which hearth_api::ops does not list ({declared:?})",
                op.name
            );
        }
    }
}
