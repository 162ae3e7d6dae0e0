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
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use hearth_testkit::notifications::wait_for_exit;
pub use hearth_testkit::notifications::{Mock, NotifyCall, PrivateBus, Server};

/// In the child: the name of the test whose body to run.
const CHILD_TEST: &str = "HEARTH_NOTIFY_TEST_CHILD";
/// In the child: the file to create once the body returned.
const CHILD_DONE: &str = "HEARTH_NOTIFY_TEST_DONE";
/// Each test's body must finish well within this.
const CHILD_DEADLINE: Duration = Duration::from_secs(20);

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
    let done = bus.dir().join("done");
    let exe = std::env::current_exe().expect("the test binary's path");
    let mut child = Command::new(exe)
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env(CHILD_TEST, test)
        .env(CHILD_DONE, &done)
        .env("DBUS_SESSION_BUS_ADDRESS", bus.address())
        .env("HEARTH_NOTIFY_TEST_DIR", bus.dir())
        .spawn()
        .expect("run the test binary again");
    let status = wait_for_exit(&mut child, Instant::now() + CHILD_DEADLINE);
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
