//! Rewrites the files generated from the list of operations (see `hearth_api::ops`).

fn main() {
    let root = hearth_api::ops::repo_root();
    for file in hearth_api::ops::generated() {
        let path = root.join(file.path);
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&path, &file.contents));
        if let Err(e) = written {
            eprintln!("cannot write {}: {e}", path.display());
            std::process::exit(1);
        }
        println!("wrote {}", file.path);
    }
}
