//! The code's rooms hold: rules that a reader relies on to find things ("where is the SQL?") are
//! checked here, so a change that breaks one fails instead of drifting.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Files under `src/` (relative, with `/`) whose text contains `needle`.
fn files_containing(needle: &str) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    let mut hits: Vec<String> = files
        .into_iter()
        .filter(|f| std::fs::read_to_string(f).unwrap().contains(needle))
        .map(|f| {
            f.strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    hits.sort();
    hits
}

#[test]
fn every_sql_statement_is_in_the_store() {
    let outside: Vec<String> = [
        "sqlx::query",
        "sqlx::raw_sql",
        ".execute(\"",
        "sqlx::migrate!",
    ]
    .iter()
    .flat_map(|needle| files_containing(needle))
    .filter(|f| !f.starts_with("src/server/store/"))
    .collect();
    assert!(
        outside.is_empty(),
        "SQL outside src/server/store/: {outside:?}"
    );
    // The check finds what it looks for.
    assert!(files_containing("sqlx::query").contains(&"src/server/store/bots.rs".to_string()));
}

#[test]
fn the_local_tenant_takes_nothing_from_the_server() {
    let reaching: Vec<String> = files_containing("crate::server")
        .into_iter()
        .filter(|f| f.starts_with("src/emulator/"))
        .collect();
    assert!(
        reaching.is_empty(),
        "the emulator uses server/: {reaching:?}"
    );
    // The check finds what it looks for.
    assert!(!files_containing("crate::server").is_empty());
}

#[test]
fn the_http_edge_is_one_room() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/server");
    for edge in [
        "csrf",
        "headers",
        "health",
        "exports",
        "web",
        "forms",
        "refusal",
        "page_status",
    ] {
        let file = root.join(format!("http/{edge}.rs"));
        let folder = root.join(format!("http/{edge}/mod.rs"));
        assert!(
            file.is_file() || folder.is_file(),
            "{edge} is part of the HTTP edge (src/server/http/)"
        );
        assert!(
            !root.join(format!("{edge}.rs")).exists(),
            "{edge}.rs moved to src/server/http/"
        );
    }
}
