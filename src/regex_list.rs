//! Files of one regex per line (`--excludes`, `false_positive_filters.cfg`): blank lines and
//! `#` comments are skipped, and each pattern is compiled alone first so that an error names
//! its line.

/// The patterns of `text`, in order; `bad(line, message)` builds the error for the first line
/// (1-based) that is not a valid regex.
pub(crate) fn patterns<E>(text: &str, bad: impl Fn(usize, String) -> E) -> Result<Vec<&str>, E> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        regex::Regex::new(line).map_err(|e| bad(i + 1, e.to_string()))?;
        out.push(line);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_and_blanks_are_skipped_and_bad_lines_named() {
        let ok = patterns("# c\n\n  a.b  \nx$\n", |l, m| (l, m)).unwrap();
        assert_eq!(ok, ["a.b", "x$"]);
        let (line, _) = patterns("ok\n# c\n(open\n", |l, m| (l, m)).unwrap_err();
        assert_eq!(line, 3);
    }
}
