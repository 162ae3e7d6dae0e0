//! The app itself: settings, logs, activity and health, and what only the window asks for.

use hearth_engine::background::{Activity, HealthCheck};
use hearth_engine::logging::{LogLevel, LogLine, LogQuery};
use hearth_engine::store::settings::{Settings, SettingsPatch};

use super::declare::operations;

operations! {
    area: app, "Settings and the app";

    /// Whether the API answers, and Hearth's version. Needs no token.
    api_health {
        http GET "/v1/health" auth Open => 200 object(ok: bool, version: String);
        errors();
    }

    /// Proves this is the Hearth that wrote `api.json`: the answer is the hex HMAC-SHA256 of
    /// `challenge` (32 to 128 hex digits, fresh each time) keyed with the file's per-start
    /// `nonce`. The CLI asks before it sends the token. Needs no token.
    api_prove {
        http POST "/v1/prove" auth Open body object(challenge: String) => 200 object(proof: String);
        errors(InvalidInput);
    }

    /// Every setting.
    settings_get {
        ipc() -> Settings;
        http GET "/v1/settings" => 200 json(Settings);
        errors();
    }

    /// Changes settings (absent fields stay) and answers them as stored. The window applies
    /// the global shortcut and start at login too; over HTTP those two are refused.
    settings_update {
        ipc(patch: SettingsPatch) -> Settings;
        http PATCH "/v1/settings" body json(SettingsPatch) => 200 json(Settings);
        errors(InvalidInput);
    }

    /// Recent log lines, oldest first: of `level` and above, of one chat, containing `q`,
    /// after `after_seq`; the newest `limit` (default 500, at most 2000).
    logs_recent {
        ipc(query: Option<LogQuery>) -> Vec<LogLine>;
        http GET "/v1/logs"
            query(
                level: Option<LogLevel>,
                session_id: Option<String>,
                q: Option<String>,
                after_seq: Option<u64>,
                limit: Option<u32>,
            )
            => 200 object(lines: Vec<LogLine>);
        errors(InvalidLimit, InvalidInput);
    }

    /// Runs working, queued and waiting for an answer now.
    activity {
        ipc() -> Activity;
        http GET "/v1/activity" => 200 json(Activity);
        errors();
    }

    /// One line per part of Hearth: the store and keyring, notifications, the HTTP API.
    health {
        ipc() -> Vec<HealthCheck>;
        errors();
    }

    /// The HTTP API's base URL, or null when it is off.
    api_url {
        ipc() -> Option<String>;
        errors();
    }

    /// Which chat the window shows (null: none), so that it is not notified about.
    ui_viewing {
        ipc(session_id: Option<String>) -> ();
        errors(InvalidInput);
    }

    /// Quits now (runs in flight end `interrupted`).
    app_quit {
        ipc() -> ();
        errors();
    }

    /// Opens a link from a reply outside Hearth: http(s) at once; another scheme (mailto:, an
    /// app's) only after the user confirmed it in the webview; javascript:, data:, file: and
    /// the app's own schemes never.
    open_link {
        ipc(url: String) -> ();
        errors(InvalidInput);
    }
}
