//! A private D-Bus session bus with a notification server on it: python3-dbusmock's
//! notification_daemon template, which records every `Notify` call (read back through the
//! mock's `GetMethodCalls`) and sends the server's signals on request (`EmitSignal`).
//!
//! The bus has its own config (no system service directories: nothing on the machine can be
//! activated by accident). Give a process `DBUS_SESSION_BUS_ADDRESS = bus.address()` to put it
//! on this bus. Needs `dbus-daemon` and python3-dbusmock (`scripts/deps.sh test`).

use std::fs;
use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::thread;
use std::time::{Duration, Instant};

use tempfile::TempDir;
use zbus::Variant;

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

/// A dbus-daemon of its own (and the server, if any); both end when this is dropped.
pub struct PrivateBus {
    daemon: Child,
    server: Option<Child>,
    address: String,
    dir: TempDir,
}

impl PrivateBus {
    pub fn start(server: Server) -> PrivateBus {
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

    /// The bus's address, for `DBUS_SESSION_BUS_ADDRESS`.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// A directory that lives as long as the bus.
    pub fn dir(&self) -> &Path {
        self.dir.path()
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

/// Waits for `child` to exit until `deadline`, then kills it (and returns None).
pub fn wait_for_exit(child: &mut Child, deadline: Instant) -> Option<ExitStatus> {
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

/// The mock server, as seen by a test.
pub struct Mock {
    connection: zbus::Connection,
}

impl Mock {
    /// On the session bus (a process whose session bus is the private one).
    pub fn connect() -> Mock {
        let connection = zbus::block_on(zbus::Connection::session()).expect("session bus");
        Mock { connection }
    }

    /// On `bus`.
    pub fn on(bus: &PrivateBus) -> Mock {
        let connection = zbus::block_on(zbus::connection::Builder::address(bus.address()).build())
            .expect("connect to the private bus");
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

    /// The ids of every CloseNotification call so far, oldest first.
    pub fn close_calls(&self) -> Vec<u32> {
        let calls: Vec<(u64, Vec<zbus::OwnedVariant>)> = zbus::block_on(async {
            self.connection
                .call_method(
                    Some(NOTIFICATIONS),
                    PATH,
                    Some(MOCK),
                    "GetMethodCalls",
                    &("CloseNotification",),
                )
                .await?
                .body()
                .deserialize()
        })
        .expect("GetMethodCalls");
        calls
            .into_iter()
            .filter_map(|(_, args)| args.into_iter().next())
            // The mock records the id as an int32 (its Python template's choice).
            .map(|id| {
                i32::try_from(id)
                    .ok()
                    .and_then(|id| u32::try_from(id).ok())
                    .expect("CloseNotification's id is an int32")
            })
            .collect()
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
