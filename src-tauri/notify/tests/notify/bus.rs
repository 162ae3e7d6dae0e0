//! A private D-Bus session bus per test, a notification server on it (or none), and the test body
//! run in a child process that uses that bus as its session bus.
//!
//! Why a child process: notify-rust connects to `$DBUS_SESSION_BUS_ADDRESS` and offers no way
//! to pass an address, and this workspace forbids `unsafe` (which `std::env::set_var` is in
//! edition 2024). So the test — the parent — starts `dbus-daemon` with a config of its own (no
//! system service directories: nothing on the machine can be activated by accident), starts the
//! server on it, then runs its own binary again with `--exact <test name>` and the bus address
//! in the child's environment. In the child, [`on_private_bus`] sees its marker variable and
//! runs the body instead. The child writes a file when the body returned, so a test name that
//! matches no test (the child then runs nothing and exits 0) fails loudly.
//!
//! Needs `dbus-daemon` and python3-dbusmock (`scripts/deps.sh test` installs both).

use std::fs;
use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::thread;
use std::time::{Duration, Instant};

use tempfile::TempDir;
use zbus::Variant;

/// In the child: the name of the test whose body to run.
const CHILD_TEST: &str = "HEARTH_NOTIFY_TEST_CHILD";
/// In the child: the file to create once the body returned.
const CHILD_DONE: &str = "HEARTH_NOTIFY_TEST_DONE";
/// Each test's body must finish well within this.
const CHILD_DEADLINE: Duration = Duration::from_secs(20);

pub const NOTIFICATIONS: &str = "org.freedesktop.Notifications";
const PATH: &str = "/org/freedesktop/Notifications";
const MOCK: &str = "org.freedesktop.DBus.Mock";

/// What answers for org.freedesktop.Notifications on the private bus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Server {
    /// dbusmock's notification_daemon template: records every call.
    Mock,
    /// Nothing, and nothing that could be started: calls fail at once (ServiceUnknown).
    None,
    /// A service file whose program kills itself, as on a desktop whose notification daemon
    /// cannot start: the bus tries to start it and the call fails (SpawnChildSignaled). Each
    /// attempt appends a line to [`activations`].
    FailsToStart,
}

/// Runs `body` in a child process whose session bus is a fresh private bus with `server` on it.
/// `test` must be the test function's name.
pub fn on_private_bus(test: &str, server: Server, body: impl FnOnce()) {
    if std::env::var(CHILD_TEST).as_deref() == Ok(test) {
        body();
        let done = std::env::var(CHILD_DONE).expect("the parent names the done file");
        fs::write(done, "").expect("write the done file");
        return;
    }

    let bus = PrivateBus::start(server);
    let done = bus.dir.path().join("done");
    let exe = std::env::current_exe().expect("the test binary's path");
    let mut child = Command::new(exe)
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env(CHILD_TEST, test)
        .env(CHILD_DONE, &done)
        .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
        .env("HEARTH_NOTIFY_TEST_DIR", bus.dir.path())
        .spawn()
        .expect("run the test binary again");
    let status = wait_until(&mut child, Instant::now() + CHILD_DEADLINE);
    assert!(
        status.is_some_and(|s| s.success()),
        "the test body must pass on its private bus within {CHILD_DEADLINE:?} (its output is above): {status:?}"
    );
    assert!(done.exists(), "the child ran no test named {test:?}: pass the function's own name");
}

/// In the child: the file with one line per attempt to start the [`Server::FailsToStart`] server.
pub fn activations() -> PathBuf {
    let dir = std::env::var("HEARTH_NOTIFY_TEST_DIR").expect("set by on_private_bus");
    Path::new(&dir).join("activations")
}

struct PrivateBus {
    daemon: Child,
    server: Option<Child>,
    address: String,
    dir: TempDir,
}

impl PrivateBus {
    fn start(server: Server) -> PrivateBus {
        let dir = tempfile::Builder::new().prefix("hearth-notify-bus").tempdir().expect("tempdir");
        let services = dir.path().join("services");
        fs::create_dir(&services).expect("services dir");
        if server == Server::FailsToStart {
            let program = dir.path().join("notification-daemon");
            fs::write(
                &program,
                "#!/bin/sh\necho started >> \"$(dirname \"$0\")/activations\"\nkill -KILL $$\n",
            )
            .expect("write the failing server");
            fs::set_permissions(&program, fs::Permissions::from_mode(0o755)).expect("chmod");
            fs::write(
                services.join("hearth-test-notifications.service"),
                format!("[D-BUS Service]\nName={NOTIFICATIONS}\nExec={}\n", program.display()),
            )
            .expect("write the service file");
        }
        let config = dir.path().join("bus.conf");
        fs::write(
            &config,
            format!(
                r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <servicedir>{services}</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#,
                socket = dir.path().join("bus").display(),
                services = services.display(),
            ),
        )
        .expect("write the bus config");

        let mut daemon = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("start dbus-daemon (Debian package dbus)");
        // The address is printed once the bus listens.
        let mut address = String::new();
        let stdout = daemon.stdout.take().expect("piped");
        BufReader::new(stdout).read_line(&mut address).expect("read the bus address");
        let address = address.trim().to_owned();
        assert!(!address.is_empty(), "dbus-daemon must print its address");

        let mut bus = PrivateBus { daemon, server: None, address, dir };
        if server == Server::Mock {
            bus.server = Some(
                Command::new(python_with_dbusmock())
                    .args(["-m", "dbusmock", "--template", "notification_daemon"])
                    .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
                    .stdout(Stdio::null())
                    .spawn()
                    .expect("start dbusmock"),
            );
            bus.wait_for_server();
        }
        bus
    }

    fn wait_for_server(&mut self) {
        let connection =
            zbus::block_on(zbus::connection::Builder::address(self.address.as_str()).build())
                .expect("connect to the private bus");
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let owned = zbus::block_on(async {
                let dbus = zbus::fdo::DBusProxy::new(&connection).await?;
                dbus.name_has_owner(NOTIFICATIONS.try_into()?).await
            })
            .expect("ask the bus who owns the name");
            if owned {
                return;
            }
            if let Some(server) = &mut self.server {
                let exited = server.try_wait().expect("poll dbusmock");
                assert!(exited.is_none(), "dbusmock exited before taking the name: {exited:?}");
            }
            assert!(Instant::now() < deadline, "dbusmock must own {NOTIFICATIONS} within 10 s");
            thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for PrivateBus {
    fn drop(&mut self) {
        for child in self.server.iter_mut().chain([&mut self.daemon]) {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The first of `python3` and `/usr/bin/python3` that can import dbusmock (a Python from pyenv
/// or a venv usually lacks the Debian package's module).
fn python_with_dbusmock() -> &'static str {
    static PYTHON: OnceLock<&'static str> = OnceLock::new();
    PYTHON.get_or_init(|| {
        ["python3", "/usr/bin/python3"]
            .into_iter()
            .find(|python| {
                Command::new(python)
                    .args(["-c", "import dbusmock"])
                    .stderr(Stdio::null())
                    .status()
                    .is_ok_and(|s| s.success())
            })
            .expect("python3 with dbusmock (Debian package python3-dbusmock)")
    })
}

fn wait_until(child: &mut Child, deadline: Instant) -> Option<ExitStatus> {
    loop {
        if let Some(status) = child.try_wait().expect("poll the child") {
            return Some(status);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        thread::sleep(Duration::from_millis(20));
    }
}

/// One Notify call as the mock server recorded it.
#[derive(Debug, Clone)]
pub struct NotifyCall {
    pub app_name: String,
    pub replaces_id: u32,
    pub summary: String,
    pub body: String,
    pub actions: Vec<String>,
    pub desktop_entry: Option<String>,
    pub category: Option<String>,
}

/// In the child: the mock server on the session bus.
pub struct Mock {
    connection: zbus::Connection,
}

impl Mock {
    pub fn connect() -> Mock {
        let connection = zbus::block_on(zbus::Connection::session()).expect("session bus");
        Mock { connection }
    }

    /// Every Notify call so far, oldest first.
    pub fn notify_calls(&self) -> Vec<NotifyCall> {
        let calls: Vec<(u64, Vec<zbus::OwnedVariant>)> = zbus::block_on(async {
            self.connection
                .call_method(Some(NOTIFICATIONS), PATH, Some(MOCK), "GetMethodCalls", &("Notify",))
                .await?
                .body()
                .deserialize()
        })
        .expect("GetMethodCalls");
        calls.into_iter().map(|(_, args)| parse_notify(args)).collect()
    }

    /// Polls until at least `count` Notify calls were recorded, then returns them all.
    pub fn wait_for_calls(&self, count: usize, within: Duration) -> Vec<NotifyCall> {
        let deadline = Instant::now() + within;
        loop {
            let calls = self.notify_calls();
            if calls.len() >= count {
                return calls;
            }
            assert!(
                Instant::now() < deadline,
                "expected {count} Notify calls within {within:?}, got {calls:#?}"
            );
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// Makes the server say that the user invoked `action` on notification `id`.
    pub fn invoke_action(&self, id: u32, action: &str) {
        let args = vec![Variant::from(id), Variant::from(action)];
        zbus::block_on(self.connection.call_method(
            Some(NOTIFICATIONS),
            PATH,
            Some(MOCK),
            "EmitSignal",
            &(NOTIFICATIONS, "ActionInvoked", "us", args),
        ))
        .expect("EmitSignal ActionInvoked");
    }

    /// Makes the server say that notification `id` was closed (reason 2: dismissed by the user).
    pub fn close(&self, id: u32) {
        let args = vec![Variant::from(id), Variant::from(2u32)];
        zbus::block_on(self.connection.call_method(
            Some(NOTIFICATIONS),
            PATH,
            Some(MOCK),
            "EmitSignal",
            &(NOTIFICATIONS, "NotificationClosed", "uu", args),
        ))
        .expect("EmitSignal NotificationClosed");
    }
}

fn parse_notify(args: Vec<zbus::OwnedVariant>) -> NotifyCall {
    let [app_name, replaces_id, _icon, summary, body, actions, hints, _timeout]: [zbus::OwnedVariant;
        8] = args.try_into().expect("Notify has eight arguments");
    let string = |v: zbus::OwnedVariant| String::try_from(v).expect("a string argument");
    let hints: std::collections::HashMap<String, zbus::OwnedVariant> =
        hints.try_into().expect("hints are a{sv}");
    let hint =
        |name: &str| hints.get(name).map(|v| String::try_from(v.clone()).expect("string hint"));
    NotifyCall {
        app_name: string(app_name),
        replaces_id: u32::try_from(replaces_id).expect("replaces_id is u32"),
        summary: string(summary),
        body: string(body),
        actions: actions.try_into().expect("actions are as"),
        desktop_entry: hint("desktop-entry"),
        category: hint("category"),
    }
}
