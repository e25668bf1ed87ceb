//! `.env`-style files holding secrets: what `orgdesk setup` writes for orgdesk to run with, and the
//! empty local tenant's bootstrap credential. Readable by a shell (`set -a; . ./orgdesk.env`) and by
//! dotenv readers alike; only the owner may read them.

use std::io::Write;
use std::path::Path;

/// `NAME='value'` lines under a comment; values are single-quoted where a shell would split or
/// expand them (a `'` inside is written `'\''`, which dotenv readers also understand).
pub fn render(comment: &str, vars: &[(&str, String)]) -> String {
    let mut out = String::new();
    for line in comment.lines() {
        out.push_str("# ");
        out.push_str(line);
        out.push('\n');
    }
    for (name, value) in vars {
        out.push_str(name);
        out.push('=');
        out.push_str(&quote(value));
        out.push('\n');
    }
    out
}

fn quote(value: &str) -> String {
    let plain = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@+,".contains(c));
    if plain {
        value.to_string()
    } else {
        format!("'{}'", value.replace('\'', r"'\''"))
    }
}

/// Writes `text` to `path` readable by its owner only (0600), replacing the file in one step, so a
/// reader never sees half a file and an older, wider-open file does not keep its mode.
pub fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::other("the path names no file"))?;
    let temp = dir.join(format!(".{}.tmp", name.to_string_lossy()));
    let _ = std::fs::remove_file(&temp);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(&temp)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&temp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_a_shell_would_split_are_quoted() {
        let text = render(
            "written by a test",
            &[
                ("A", "plain-value_1".into()),
                ("B", "https://api.example/ read:a write:b; x".into()),
                ("C", "it's".into()),
                ("D", String::new()),
            ],
        );
        assert_eq!(
            text,
            "# written by a test\nA=plain-value_1\nB='https://api.example/ read:a write:b; x'\nC='it'\\''s'\nD=''\n"
        );
    }

    #[cfg(unix)]
    #[test]
    fn the_file_is_private_even_when_it_replaces_an_open_one() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.env");
        std::fs::write(&path, "OLD=1\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        write_private(&path, "NEW=2\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "NEW=2\n");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp file left"
        );
    }
}
