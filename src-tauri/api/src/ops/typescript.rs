//! `ui/src/generated/commands.ts`: every IPC command with its arguments, answer and error
//! codes, as TypeScript types (the names are ts-rs's, from `ui/src/bindings`). `ui/src/api.ts`
//! types its `invoke` wrapper with it, so a wrong name or argument fails `tsc`.
//!
//! Not in `ui/src/bindings/`: that directory is ts-rs's alone (the engine's test compares it
//! file by file).

use std::fmt::Write;

use super::schema::{Area, Door, ImportFrom, Imports, IpcInput, Operation, ts_config};

pub const PATH: &str = "ui/src/generated/commands.ts";

/// How the generated file reaches `ui/src/bindings/`.
const BINDINGS: &str = "../bindings";

pub fn commands_ts(areas: &[&Area]) -> String {
    let cfg = ts_config();
    let ops: Vec<&Operation> = areas
        .iter()
        .flat_map(|a| a.operations.iter().copied())
        .filter(|o| o.ipc.is_some())
        .collect();
    let mut imports = Imports::new();
    let mut body = String::new();
    for op in &ops {
        let ipc = op.ipc.as_ref().expect("filtered on ipc");
        let args = match &ipc.input {
            IpcInput::Args([]) => "Record<string, never>".to_owned(),
            IpcInput::Args(fields) => {
                let fields: Vec<String> = fields
                    .iter()
                    .map(|f| {
                        f.ty.add_imports(&cfg, &mut imports);
                        let optional = if f.ty.optional { "?" } else { "" };
                        format!("{}{optional}: {}", f.name, f.ty.ts(&cfg))
                    })
                    .collect();
                format!("{{ {} }}", fields.join("; "))
            }
            IpcInput::Bytes => "Uint8Array | ArrayBuffer".to_owned(),
        };
        ipc.output.add_imports(&cfg, &mut imports);
        let errors: Vec<String> =
            op.all_errors(Door::Ipc).iter().map(|c| format!("\"{}\"", c.name())).collect();
        write_doc(&mut body, op.doc, "  ");
        let _ = writeln!(body, "  {}: {{", op.name);
        let _ = writeln!(body, "    args: {args};");
        let _ = writeln!(body, "    result: {};", ipc.output.ts(&cfg));
        let _ = writeln!(body, "    errors: {};", errors.join(" | "));
        let _ = writeln!(body, "  }};");
    }

    // Packages first, then the bindings, each sorted (the map is sorted by name).
    let (packages, bindings): (Vec<_>, Vec<_>) =
        imports.iter().partition(|(_, from)| matches!(from, ImportFrom::Package(_)));
    let mut out = String::from(
        "// Generated from hearth_api::ops (src-tauri/api/src/ops/) by `make bindings`. Do not edit.\n",
    );
    for (name, from) in packages.into_iter().chain(bindings) {
        let from = match from {
            ImportFrom::Package(package) => (*package).to_owned(),
            ImportFrom::Bindings(file) => format!("{BINDINGS}/{file}"),
        };
        let _ = writeln!(out, "import type {{ {name} }} from \"{from}\";");
    }
    out.push_str(
        "\n/**\n * Every IPC command by name: its arguments (snake_case keys, as `invoke` sends \
         them), what it\n * resolves with, and the codes of the `{code, message}` it may \
         reject with.\n */\nexport interface Commands {\n",
    );
    out.push_str(&body);
    out.push_str("}\n\n");
    out.push_str(
        "export type CommandName = keyof Commands;\n\
         export type CommandArgs<K extends CommandName> = Commands[K][\"args\"];\n\
         export type CommandResult<K extends CommandName> = Commands[K][\"result\"];\n\
         export type CommandError<K extends CommandName> = Commands[K][\"errors\"];\n",
    );
    out
}

/// A doc comment as JSDoc, indented.
fn write_doc(out: &mut String, doc: &str, indent: &str) {
    let lines: Vec<&str> = doc.lines().map(|l| l.strip_prefix(' ').unwrap_or(l)).collect();
    match lines.as_slice() {
        [] => {}
        [one] => {
            let _ = writeln!(out, "{indent}/** {one} */");
        }
        many => {
            let _ = writeln!(out, "{indent}/**");
            for line in many {
                let _ = writeln!(out, "{}", format!("{indent} * {line}").trim_end());
            }
            let _ = writeln!(out, "{indent} */");
        }
    }
}
