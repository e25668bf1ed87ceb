//! Spelling helpers for the SQL both backends understand.

/// `$start, $start+1, …` (`count` of them): numbered parameters for an `IN (…)` list.
pub fn params(start: usize, count: usize) -> String {
    (start..start + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `($1, $2), ($3, $4), …`: `rows` rows of `columns` numbered parameters for a multi-row insert.
pub fn value_rows(rows: usize, columns: usize) -> String {
    (0..rows)
        .map(|r| format!("({})", params(1 + r * columns, columns)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A `LIKE … ESCAPE '!'` pattern matching values that contain `needle` literally (SQLite's `instr` and
/// PostgreSQL's `strpos` have no common spelling).
pub fn contains_pattern(needle: &str) -> String {
    let mut out = String::from("%");
    for c in needle.chars() {
        if matches!(c, '%' | '_' | '!') {
            out.push('!');
        }
        out.push(c);
    }
    out.push('%');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_parameters() {
        assert_eq!(params(2, 3), "$2, $3, $4");
        assert_eq!(value_rows(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(contains_pattern("\"rol_a%!\""), "%\"rol!_a!%!!\"%");
    }
}
