//! Regenerates `ui/src/bindings/*.ts` from the Rust types (see `bindings.rs`).

fn main() {
    let dir = hearth_engine::bindings::ui_bindings_dir();
    if let Err(e) = std::fs::remove_dir_all(&dir)
        && e.kind() != std::io::ErrorKind::NotFound
    {
        eprintln!("cannot clear {}: {e}", dir.display());
        std::process::exit(1);
    }
    if let Err(e) = hearth_engine::bindings::export_all(&dir) {
        eprintln!("cannot write bindings: {e}");
        std::process::exit(1);
    }
    println!("wrote {}", dir.display());
}
