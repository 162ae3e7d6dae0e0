//! hearth-notify against a real D-Bus notification server: python3-dbusmock's
//! notification_daemon template on a private bus per test, read back through the mock's
//! `GetMethodCalls("Notify")`; the server's signals are sent with its `EmitSignal`.
//!
//! Each test's body runs in a child process whose `DBUS_SESSION_BUS_ADDRESS` is that private
//! bus: see `bus.rs` for why and how. Nothing touches the desktop's own session bus.

mod bus;

use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use bus::{Mock, NotifyCall, Server, activations, on_private_bus};
use hearth_notify::{Action, Note, Notifier};

/// Short, so the tests are quick; long enough that a burst sent in a loop fits in one window.
const WINDOW: Duration = Duration::from_millis(200);
/// How long a call or a callback may take to show up before a test fails.
const WITHIN: Duration = Duration::from_secs(3);

fn note(session: &str, title: &str, body: &str) -> Note {
    Note { session_id: session.into(), title: title.into(), body: body.into(), approval_id: None }
}

/// A notifier whose `on_open` calls are recorded.
fn notifier() -> (Notifier, Arc<Mutex<Vec<String>>>) {
    let opened = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&opened);
    let notifier = Notifier::with_window("Hearth", WINDOW, move |session| {
        record.lock().unwrap().push(session);
    });
    (notifier, opened)
}

/// Waits until no further Notify call arrives for a few windows, then returns them all.
fn settled_calls(mock: &Mock) -> Vec<NotifyCall> {
    thread::sleep(WINDOW * 3);
    mock.notify_calls()
}

fn calls_for<'a>(calls: &'a [NotifyCall], title_prefix: &str) -> Vec<&'a NotifyCall> {
    calls.iter().filter(|call| call.summary.starts_with(title_prefix)).collect()
}

#[test]
fn one_note_is_one_notification_with_an_open_action() {
    on_private_bus("one_note_is_one_notification_with_an_open_action", Server::Mock, || {
        let mock = Mock::connect();
        let (notifier, _) = notifier();
        assert_eq!(notifier.check(), Ok("mock-notify 1.0".into()), "the server answers");

        notifier.notify(note("s1", "Build finished", "All 12 tests passed"));
        mock.wait_for_calls(1, WITHIN);
        let calls = settled_calls(&mock);
        assert_eq!(calls.len(), 1, "one note must be exactly one Notify call: {calls:#?}");
        let call = &calls[0];
        assert_eq!(call.app_name, "Hearth");
        assert_eq!(call.summary, "Build finished");
        assert_eq!(call.body, "All 12 tests passed", "a single note's body is shown as it is");
        assert_eq!(call.replaces_id, 0, "the first notification replaces nothing");
        assert_eq!(call.actions, ["default", "Open", "open", "Open"], "actions are (key, label)");
        assert_eq!(call.desktop_entry.as_deref(), Some("hearth"));
        assert_eq!(call.category.as_deref(), Some("im.received"));
    });
}

#[test]
fn a_burst_is_one_or_two_notifications_per_session() {
    on_private_bus("a_burst_is_one_or_two_notifications_per_session", Server::Mock, || {
        let mock = Mock::connect();
        let (notifier, _) = notifier();

        let started = Instant::now();
        for n in 1..=50 {
            notifier.notify(note("a", &format!("A {n}"), &format!("step {n} of 50")));
        }
        notifier.notify(note("b", "B 1", "only note of b"));
        assert!(started.elapsed() < Duration::from_millis(100), "notify must never block");

        mock.wait_for_calls(2, WITHIN);
        let calls = settled_calls(&mock);
        let (a, b) = (calls_for(&calls, "A "), calls_for(&calls, "B "));
        assert_eq!(calls.len(), a.len() + b.len());
        assert_eq!(b.len(), 1, "b's one note is one call, never merged with a's: {calls:#?}");
        assert_eq!(b[0].body, "only note of b");
        assert!((1..=2).contains(&a.len()), "50 notes for a must be 1 or 2 calls: {calls:#?}");
        let last = a[a.len() - 1];
        assert_eq!(last.summary, "A 50", "the title is the latest note's");
        assert!(last.body.starts_with("step 50 of 50\n"), "the latest body comes first: {last:?}");
        assert!(last.body.ends_with("and 49 more"), "the body counts all 50 notes: {last:?}");
        if a.len() == 2 {
            assert_ne!(a[1].replaces_id, 0, "the second call replaces the first: {calls:#?}");
        }
    });
}

#[test]
fn a_later_note_replaces_the_notification_until_it_is_closed() {
    on_private_bus(
        "a_later_note_replaces_the_notification_until_it_is_closed",
        Server::Mock,
        || {
            let mock = Mock::connect();
            let (notifier, _) = notifier();

            notifier.notify(note("s", "first", "one"));
            mock.wait_for_calls(1, WITHIN);
            notifier.notify(note("s", "second", "two"));
            let calls = mock.wait_for_calls(2, WITHIN);
            // dbusmock numbers notifications from 1.
            assert_eq!(calls[1].replaces_id, 1, "a note while one is on screen replaces it");
            assert_eq!(calls[1].summary, "second");
            assert_eq!(
                calls[1].body, "two\nand 1 more",
                "the replacement counts the note it hides"
            );

            mock.close(1);
            // The listener forgets a closed notification; give the signal a moment to arrive.
            thread::sleep(WINDOW);
            notifier.notify(note("s", "third", "three"));
            let calls = mock.wait_for_calls(3, WITHIN);
            assert_eq!(calls[2].replaces_id, 0, "after it was closed, a new notification is shown");
            assert_eq!(calls[2].body, "three", "and it counts only its own notes");
        },
    );
}

#[test]
fn open_and_a_click_on_the_notification_open_its_session() {
    on_private_bus("open_and_a_click_on_the_notification_open_its_session", Server::Mock, || {
        let mock = Mock::connect();
        let (notifier, opened) = notifier();

        notifier.notify(note("chat-7", "Agent done", "Your refactor is ready"));
        notifier.notify(note("chat-9", "Agent asks", "May I run the tests?"));
        let calls = mock.wait_for_calls(2, WITHIN);
        // Both are new notifications, numbered by the mock in call order from 1.
        let id_of = |session_title: &str| {
            let index = calls.iter().position(|call| call.summary == session_title).unwrap();
            u32::try_from(index + 1).unwrap()
        };
        let (id7, id9) = (id_of("Agent done"), id_of("Agent asks"));

        // The listener subscribes to the server's signals only after Notify returned, and
        // nothing tells the test when: the server repeats the signal until it is heard (a
        // listener hears at most one action, so repeats cannot open a session twice).
        for (id, action, session) in [(id7, "open", "chat-7"), (id9, "default", "chat-9")] {
            let deadline = Instant::now() + WITHIN;
            while !opened.lock().unwrap().iter().any(|s| s == session) {
                assert!(Instant::now() < deadline, "{action} on {id} must open {session}");
                mock.invoke_action(id, action);
                thread::sleep(Duration::from_millis(50));
            }
        }
        mock.invoke_action(id7, "open");
        thread::sleep(WINDOW);
        assert_eq!(*opened.lock().unwrap(), ["chat-7", "chat-9"], "each session opened once");
    });
}

#[test]
fn without_a_server_check_fails_fast_and_notes_are_dropped() {
    on_private_bus("without_a_server_check_fails_fast_and_notes_are_dropped", Server::None, || {
        let (notifier, _) = notifier();
        let started = Instant::now();
        for n in 0..20 {
            notifier.notify(note(&format!("s{}", n % 3), "title", "body"));
        }
        assert!(started.elapsed() < Duration::from_millis(100), "notify must never block");

        let started = Instant::now();
        let checked = notifier.check();
        assert!(started.elapsed() < Duration::from_millis(2500), "check is bounded");
        let reason = checked.expect_err("no server: notifications are unavailable");
        assert!(reason.contains("ServiceUnknown"), "the reason says why: {reason}");

        // The worker tries, fails and drops the notes without taking the caller with it.
        thread::sleep(WINDOW * 3);
        notifier.notify(note("s0", "later", "still fine"));
        assert!(notifier.check().is_err());
    });
}

#[test]
fn a_server_that_fails_to_start_is_unavailable_not_a_crash() {
    on_private_bus(
        "a_server_that_fails_to_start_is_unavailable_not_a_crash",
        Server::FailsToStart,
        || {
            let started_servers =
                || std::fs::read_to_string(activations()).unwrap_or_default().lines().count();
            let (notifier, _) = notifier();

            let started = Instant::now();
            notifier.notify(note("s", "title", "body"));
            assert!(started.elapsed() < Duration::from_millis(50), "notify must never block");
            let deadline = Instant::now() + WITHIN;
            while started_servers() == 0 {
                assert!(
                    Instant::now() < deadline,
                    "showing the note makes the bus try to start a server"
                );
                thread::sleep(Duration::from_millis(20));
            }

            // After one failure the notifier stops asking for a while: these notes are dropped
            // without the bus trying to start the server again for each of them.
            for n in 0..10 {
                notifier.notify(note(&format!("other {n}"), "title", "body"));
            }
            thread::sleep(WINDOW * 3);
            assert_eq!(started_servers(), 1, "one failed start, then notes are dropped");

            let started = Instant::now();
            let reason = notifier.check().expect_err("a server that cannot start is unavailable");
            assert!(started.elapsed() < Duration::from_millis(2500), "check is bounded");
            assert!(reason.contains("Spawn"), "the bus's reason is passed on: {reason}");
        },
    );
}

#[test]
fn an_approval_is_its_own_notification_and_allow_or_deny_answer_it() {
    on_private_bus(
        "an_approval_is_its_own_notification_and_allow_or_deny_answer_it",
        Server::Mock,
        || {
            let mock = Mock::connect();
            let heard = Arc::new(Mutex::new(Vec::new()));
            let record = Arc::clone(&heard);
            let notifier = Notifier::with_actions("Hearth", WINDOW, move |action| {
                record.lock().unwrap().push(action);
            });
            let ask = |approval: &str, body: &str| Note {
                approval_id: Some(approval.into()),
                ..note("s1", "Refactor · run_shell", body)
            };
            notifier.notify(note("s1", "Refactor", "Step 3 done"));
            notifier.notify(ask("ap1", "Wants to run: cargo test"));
            notifier.notify(ask("ap2", "Wants to run: git push"));
            mock.wait_for_calls(3, WITHIN);
            let calls = settled_calls(&mock);
            assert_eq!(calls.len(), 3, "approvals are never merged with other notes: {calls:#?}");
            let id_of = |body: &str| {
                let at = calls.iter().position(|c| c.body == body).unwrap();
                assert_eq!(calls[at].replaces_id, 0, "nothing replaced: {calls:#?}");
                u32::try_from(at + 1).unwrap()
            };
            let asked = calls.iter().find(|c| c.body == "Wants to run: git push").unwrap();
            assert_eq!(
                asked.actions,
                ["default", "Open", "open", "Open", "allow", "Allow", "deny", "Deny"]
            );
            let plain = calls.iter().find(|c| c.body == "Step 3 done").unwrap();
            assert_eq!(plain.actions, ["default", "Open", "open", "Open"], "no answers to offer");

            for (body, action, want) in [
                ("Wants to run: cargo test", "allow", Action::Allow("ap1".into())),
                ("Wants to run: git push", "deny", Action::Deny("ap2".into())),
            ] {
                let id = id_of(body);
                let deadline = Instant::now() + WITHIN;
                while !heard.lock().unwrap().contains(&want) {
                    assert!(Instant::now() < deadline, "{action} on {id} must answer {want:?}");
                    mock.invoke_action(id, action);
                    thread::sleep(Duration::from_millis(50));
                }
            }
            thread::sleep(WINDOW);
            assert_eq!(
                *heard.lock().unwrap(),
                [Action::Allow("ap1".into()), Action::Deny("ap2".into())],
                "each answered once"
            );
        },
    );
}

#[test]
fn an_approval_answered_elsewhere_takes_its_notification_back() {
    on_private_bus(
        "an_approval_answered_elsewhere_takes_its_notification_back",
        Server::Mock,
        || {
            let mock = Mock::connect();
            let heard = Arc::new(Mutex::new(Vec::new()));
            let record = Arc::clone(&heard);
            let notifier = Notifier::with_actions("Hearth", WINDOW, move |action| {
                record.lock().unwrap().push(action);
            });
            let ask = |approval: &str, body: &str| Note {
                approval_id: Some(approval.into()),
                ..note("s1", "Refactor · wants to use Bash", body)
            };
            notifier.notify(ask("ap1", "cargo test"));
            mock.wait_for_calls(1, WITHIN);
            let shown = settled_calls(&mock);
            assert_eq!(shown.len(), 1, "{shown:#?}");

            // Answered in the window: the notification on screen goes.
            notifier.withdraw_approval("ap1");
            let deadline = Instant::now() + WITHIN;
            while mock.close_calls().is_empty() {
                assert!(Instant::now() < deadline, "the answered approval's notification stays");
                thread::sleep(Duration::from_millis(20));
            }
            assert_eq!(mock.close_calls(), [1], "the one shown, closed");

            // Answered before its notification was due: it is never shown.
            notifier.notify(ask("ap2", "git push"));
            notifier.withdraw_approval("ap2");
            let calls = settled_calls(&mock);
            assert!(
                !calls.iter().any(|c| c.body == "git push"),
                "an approval answered meanwhile is not shown: {calls:#?}"
            );
            // A withdrawn approval's notification answers nothing (its listener heard it close).
            thread::sleep(WINDOW);
            assert!(heard.lock().unwrap().is_empty(), "{:?}", heard.lock().unwrap());
            // Withdrawing what is not there is nothing.
            notifier.withdraw_approval("never-shown");
            thread::sleep(WINDOW);
            assert_eq!(mock.close_calls(), [1]);
        },
    );
}
