//! Shell rules: a command prefix vouches only for the plain command it names. Text that chains,
//! redirects or expands, and programs that run whatever their arguments say, are never matched.

/// Shell text that chains, redirects or expands: a prefix rule never vouches for it. `$`
/// covers every expansion (`$VAR`, `${…}`, `$(…)`, `$'…'` whose escapes can hide a `;`).
const SHELL_META: &[&str] = &[";", "&", "|", "`", "$", ">", "<", "\n", "\r"];

/// Programs that run whatever their arguments say (interpreters, shells, launchers): a rule
/// naming one would vouch for every command, so a prefix rule never matches them.
pub(super) const SHELL_LAUNCHERS: &[&str] = &[
    "sh",
    "bash",
    "zsh",
    "dash",
    "ksh",
    "mksh",
    "fish",
    "csh",
    "tcsh",
    "env",
    "eval",
    "exec",
    "xargs",
    "sudo",
    "doas",
    "su",
    "pkexec",
    "nohup",
    "setsid",
    "time",
    "timeout",
    "nice",
    "ionice",
    "chroot",
    "strace",
    "ltrace",
    "command",
    "builtin",
    "source",
    ".",
    "watch",
    "parallel",
    "node",
    "nodejs",
    "deno",
    "bun",
    "perl",
    "ruby",
    "php",
    "lua",
    "luajit",
    "tclsh",
    "wish",
    "Rscript",
    "osascript",
    "pwsh",
    "powershell",
    "awk",
    "gawk",
    "mawk",
    "nawk",
    "busybox",
    "script",
    "expect",
    "ssh",
    "npx",
    "uvx",
    "pipx",
];

/// Whether a command line runs a program that runs arbitrary code from its arguments: a
/// launcher (by its name, wherever it lives), any `python*`, an environment assignment before
/// the program, `find` with an `-exec`-like action, or `git -c` (which can define an alias
/// that runs a shell).
pub fn runs_arbitrary_code(command: &str) -> bool {
    let words: Vec<&str> = command.split_whitespace().collect();
    let Some(first) = words.first() else { return false };
    if first.contains('=') {
        return true;
    }
    let program = first.rsplit('/').next().unwrap_or(first);
    let python = program
        .strip_prefix("python")
        .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'));
    SHELL_LAUNCHERS.contains(&program)
        || python
        || program.starts_with("pypy")
        || (program == "find"
            && words.iter().any(|w| w.starts_with("-exec") || w.starts_with("-ok")))
        || (program == "git" && words.iter().any(|w| *w == "-c" || w.starts_with("--config-env")))
}

/// Whether the prefix rule `pattern` covers `command`: a plain command (no metacharacter, no
/// launcher) that is the pattern or starts with it and a space (`*` at the end: any text).
pub(super) fn matches(pattern: &str, command: &str) -> bool {
    if SHELL_META.iter().any(|m| command.contains(m)) || runs_arbitrary_code(command) {
        return false;
    }
    let command = command.trim();
    match pattern.strip_suffix('*') {
        Some(prefix) => command.starts_with(prefix),
        None => {
            command == pattern
                || command.strip_prefix(pattern).is_some_and(|rest| rest.starts_with(' '))
        }
    }
}
