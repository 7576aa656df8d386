//! Does any rule read the `md5` external? If none does (and no MD5 hash IOC is loaded), the
//! hasher can skip MD5. A light textual check: comments, string literals and regex literals
//! are blanked out, then `md5` must appear as a bare identifier next to a string comparison
//! (`md5 == "…"`, `"…" != md5`, `md5 icontains "…"`, …). `hash.md5(…)`, `$md5` patterns and a
//! `md5 = "…"` meta are not uses. Errs on the side of "used" (costing one MD5 per file).

/// Operators that can follow the `md5` external.
const OPERATORS_AFTER: &[&str] = &[
    "==",
    "!=",
    "contains",
    "icontains",
    "startswith",
    "istartswith",
    "endswith",
    "iendswith",
    "iequals",
    "matches",
];

/// True when the rule source reads the `md5` external.
pub(crate) fn uses_md5_external(source: &[u8]) -> bool {
    let code = blank_literals(source);
    let mut from = 0;
    while let Some(pos) = find(&code[from..], b"md5").map(|p| p + from) {
        from = pos + 3;
        let before = pos.checked_sub(1).map(|i| code[i]);
        if before.is_some_and(|b| b.is_ascii_alphanumeric() || b"_.$#@!".contains(&b)) {
            continue;
        }
        let after = &code[pos + 3..];
        if after
            .first()
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
        {
            continue;
        }
        let after = trim_start(after);
        if OPERATORS_AFTER
            .iter()
            .any(|op| after.starts_with(op.as_bytes()))
        {
            return true;
        }
        let before = trim_end(&code[..pos]);
        if before.ends_with(b"==") || before.ends_with(b"!=") {
            return true;
        }
    }
    false
}

/// Copies the source with comments, string literals and regex literals replaced by spaces.
fn blank_literals(source: &[u8]) -> Vec<u8> {
    let mut out = source.to_vec();
    let mut i = 0;
    while i < out.len() {
        match (out[i], out.get(i + 1).copied()) {
            (b'/', Some(b'/')) => {
                let end = out[i..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(out.len(), |p| i + p);
                blank(&mut out, i, end);
                i = end;
            }
            (b'/', Some(b'*')) => {
                let end = find(&out[i + 2..], b"*/").map_or(out.len(), |p| i + 2 + p + 2);
                blank(&mut out, i, end);
                i = end;
            }
            (b'"', _) => {
                let end = literal_end(&out, i, b'"', false).unwrap_or(out.len());
                blank(&mut out, i, end);
                i = end;
            }
            // A regex literal closes on the same line; otherwise this `/` is a division.
            (b'/', _) => match literal_end(&out, i, b'/', true) {
                Some(end) => {
                    blank(&mut out, i, end);
                    i = end;
                }
                None => i += 1,
            },
            _ => i += 1,
        }
    }
    out
}

/// End (exclusive) of a literal opened by `quote` at `start`, honouring backslash escapes.
fn literal_end(code: &[u8], start: usize, quote: u8, same_line: bool) -> Option<usize> {
    let mut i = start + 1;
    while i < code.len() {
        match code[i] {
            b'\\' => i += 2,
            b'\n' if same_line => return None,
            c if c == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

fn blank(code: &mut [u8], start: usize, end: usize) {
    let end = end.min(code.len());
    for b in &mut code[start..end] {
        if *b != b'\n' {
            *b = b' ';
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn trim_start(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|b| b.is_ascii_whitespace()).count();
    &s[n..]
}

fn trim_end(s: &[u8]) -> &[u8] {
    let n = s
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_whitespace())
        .count();
    &s[..s.len() - n]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uses() {
        assert!(uses_md5_external(
            b"rule a { condition: md5 == \"0c2674c3a97c53082187d930efb645c2\" }"
        ));
        assert!(uses_md5_external(b"rule a { condition: \"x\" != md5 }"));
        assert!(uses_md5_external(
            b"rule a { condition:\n  md5\n    icontains \"ab\" }"
        ));
    }

    #[test]
    fn not_uses() {
        let sources: &[&[u8]] = &[
            b"import \"hash\" rule a { condition: hash.md5(0, filesize) == \"x\" }",
            b"rule a { meta: md5 = \"abc\" strings: $md5 = \"md5 == 1\" condition: $md5 }",
            b"rule a { strings: $r = /md5 == x/ condition: $r } // md5 == \"x\"",
            b"rule a { /* md5 == \"x\" */ condition: filesize / 2 > 1 }",
            b"rule a { meta: description = \"if(md5($s)==\\\"x\\\")\" condition: true }",
        ];
        for s in sources {
            assert!(!uses_md5_external(s), "{}", String::from_utf8_lossy(s));
        }
    }
}
