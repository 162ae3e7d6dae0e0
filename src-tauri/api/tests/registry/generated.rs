//! The committed generated files are what the list generates now, and the list itself is
//! well formed.

use std::collections::BTreeSet;

use hearth_api::ops;

#[test]
fn generated_files_are_fresh() {
    let stale = "run `make bindings` (cargo run -p hearth-api --bin gen-commands)";
    for file in ops::generated() {
        let path = ops::repo_root().join(file.path);
        let committed = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e}; {stale}", file.path));
        if committed != file.contents {
            let line = committed
                .lines()
                .zip(file.contents.lines())
                .position(|(a, b)| a != b)
                .map_or_else(|| "its end".to_owned(), |n| format!("line {}", n + 1));
            panic!("{} is stale (first difference at {line}): {stale}", file.path);
        }
    }
}

#[test]
fn every_operation_is_declared_once_and_reachable() {
    let mut names = BTreeSet::new();
    let mut routes = BTreeSet::new();
    for op in ops::all() {
        assert!(names.insert(op.name), "{} is declared twice", op.name);
        assert!(
            op.ipc.is_some() || op.http.is_some(),
            "{} has neither an IPC command nor an HTTP route",
            op.name
        );
        assert!(!op.doc.trim().is_empty(), "{} says what it does (a doc comment)", op.name);
        if let Some(http) = &op.http {
            assert!(
                routes.insert((http.method, http.path)),
                "{} {} is declared by two operations",
                http.method.as_str(),
                http.path
            );
            assert!(http.path.starts_with("/v1/"), "{}: routes are under /v1/", op.name);
        }
        for (i, code) in op.errors.iter().enumerate() {
            assert!(!op.errors[..i].contains(code), "{}: {code:?} is listed twice", op.name);
        }
    }
    for area in ops::AREAS {
        for op in area.operations {
            assert_eq!(op.area, area.name, "{} is listed in the area it is declared in", op.name);
        }
    }
}
