//! Rewriting Windows filename-IOC regexes so they apply to Unix paths (`--cross-platform`,
//! implied by lab, dropzone and thunderstorm), e.g. a Windows image mounted under `/mnt/img`:
//!
//! - an escaped backslash `\\` matches `\` or `/` (outside a class it becomes `[\\/]`; inside
//!   a class `/` is added next to it, so `[^\\]` excludes both separators);
//! - a leading drive letter (`C:`, `c:`, `[Cc]:`, `[C-Zc-z]:`, optionally after `^` and
//!   leading flags such as `(?i)`) matches nothing: it is removed, together with a `^` anchor
//!   in front of it, because the image's root is somewhere inside the scanned path;
//! - `%ENV%` placeholders (`%windir%`, `%APPDATA%`, `%ProgramFiles(x86)%`) match any single
//!   path segment (`[^\\/]+`).
//!
//! Also here: [`is_literal`], THOR's test for "a pattern without regex metacharacters", which
//! is matched case-insensitively.

/// Rewrites one Windows path regex so that it also matches the equivalent Unix path.
pub fn to_cross_platform(pattern: &str) -> String {
    let stripped = strip_leading_drive(pattern);
    let bytes = stripped.as_bytes();
    let mut out = String::with_capacity(stripped.len() + 16);
    let mut in_class = false;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'\\' {
            let Some(&next) = bytes.get(i + 1) else {
                out.push('\\');
                break;
            };
            if next == b'\\' {
                out.push_str(if in_class { "\\\\/" } else { "[\\\\/]" });
                i += 2;
                continue;
            }
            // Any other escape is copied as is (with a possibly multi-byte escaped char).
            let len = utf8_len(next);
            out.push_str(&stripped[i..(i + 1 + len).min(bytes.len())]);
            i += 1 + len;
            continue;
        }
        if in_class {
            if c == b']' {
                in_class = false;
            }
        } else if c == b'[' {
            in_class = true;
            // A `]` right after `[` or `[^` is a literal member, not the end of the class.
            out.push('[');
            i += 1;
            if bytes.get(i) == Some(&b'^') {
                out.push('^');
                i += 1;
            }
            if bytes.get(i) == Some(&b']') {
                out.push(']');
                i += 1;
            }
            continue;
        } else if c == b'%'
            && let Some(len) = env_placeholder_len(&bytes[i..])
        {
            out.push_str("[^\\\\/]+");
            i += len;
            continue;
        }
        let len = utf8_len(c);
        out.push_str(&stripped[i..(i + len).min(bytes.len())]);
        i += len;
    }
    out
}

/// True when the pattern has no regex metacharacter: only literal characters and escaped
/// punctuation (`\\`, `\.`). THOR matches such patterns case-insensitively, which suits
/// Windows paths.
pub fn is_literal(pattern: &str) -> bool {
    let bytes = pattern.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => match bytes.get(i + 1) {
                // `\d`, `\w`, `\b`, `\x41`, … are classes, assertions or escapes: regex syntax.
                Some(next) if next.is_ascii_alphanumeric() => return false,
                Some(_) => i += 2,
                None => return false,
            },
            b'.' | b'^' | b'$' | b'*' | b'+' | b'?' | b'(' | b')' | b'[' | b']' | b'{' | b'}'
            | b'|' => return false,
            _ => i += 1,
        }
    }
    true
}

/// Length of a `%NAME%` placeholder at the start of `bytes`, if there is one. Names are
/// Windows environment variable names: letters, digits, `_`, and the `(x86)` suffix.
fn env_placeholder_len(bytes: &[u8]) -> Option<usize> {
    let rest = bytes.get(1..)?;
    let end = rest.iter().position(|&b| b == b'%')?;
    let name = &rest[..end];
    let valid = !name.is_empty()
        && name[0].is_ascii_alphabetic()
        && name
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'(' || b == b')');
    valid.then_some(end + 2)
}

/// Removes a leading drive letter (and a `^` before it), keeping leading inline flags.
fn strip_leading_drive(pattern: &str) -> String {
    let (flags, rest) = split_leading_flags(pattern);
    let (anchor, body) = match rest.strip_prefix('^') {
        Some(body) => ("^", body),
        None => ("", rest),
    };
    match drive_len(body) {
        Some(len) => format!("{flags}{}", &body[len..]),
        None => format!("{flags}{anchor}{body}"),
    }
}

/// Splits leading inline flag groups such as `(?i)` off the pattern.
fn split_leading_flags(pattern: &str) -> (&str, &str) {
    let mut end = 0;
    while pattern[end..].starts_with("(?") {
        let Some(close) = pattern[end..].find(')') else {
            break;
        };
        let flags = &pattern[end + 2..end + close];
        if flags.is_empty() || !flags.bytes().all(|b| b.is_ascii_alphabetic() || b == b'-') {
            break;
        }
        end += close + 1;
    }
    pattern.split_at(end)
}

/// Length of a drive letter at the start of `body`: `C:` or a class of letters and letter
/// ranges followed by `:` (`[Cc]:`, `[C-Zc-z]:`).
fn drive_len(body: &str) -> Option<usize> {
    let bytes = body.as_bytes();
    if bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
        return Some(2);
    }
    if bytes.first() == Some(&b'[') {
        let close = bytes.iter().position(|&b| b == b']')?;
        let class = &bytes[1..close];
        let letters_only =
            !class.is_empty() && class.iter().all(|&b| b.is_ascii_alphabetic() || b == b'-');
        if letters_only && bytes.get(close + 1) == Some(&b':') {
            return Some(close + 2);
        }
    }
    None
}

/// Length in bytes of the UTF-8 sequence that starts with `first`.
fn utf8_len(first: u8) -> usize {
    match first {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backslashes_match_either_separator() {
        assert_eq!(
            to_cross_platform(r"\\Windows\\Temp\\evil\.exe"),
            r"[\\/]Windows[\\/]Temp[\\/]evil\.exe"
        );
        assert_eq!(
            to_cross_platform(r#"(TEMP|Temp)\\[^\\"]+\.(xmd|yls)$"#),
            r#"(TEMP|Temp)[\\/][^\\/"]+\.(xmd|yls)$"#
        );
    }

    #[test]
    fn leading_drive_letters_are_removed() {
        assert_eq!(to_cross_platform(r"C:\\taskmgr\.exe"), r"[\\/]taskmgr\.exe");
        assert_eq!(to_cross_platform(r"[Cc]:\\1\.vbs"), r"[\\/]1\.vbs");
        assert_eq!(
            to_cross_platform(r"(?i)^[C-Zc-z]:\\x\.exe"),
            r"(?i)[\\/]x\.exe"
        );
        // Not at the start: kept.
        assert_eq!(
            to_cross_platform(r"(:\\Windows\\)"),
            r"(:[\\/]Windows[\\/])"
        );
    }

    #[test]
    fn env_placeholders_match_one_segment() {
        assert_eq!(
            to_cross_platform(r"C:\\Users\\%USERNAME%\\x\.exe"),
            r"[\\/]Users[\\/][^\\/]+[\\/]x\.exe"
        );
        assert_eq!(
            to_cross_platform(r"%ProgramFiles(x86)%\\a"),
            r"[^\\/]+[\\/]a"
        );
        // A lone percent sign is a literal.
        assert_eq!(to_cross_platform(r"100%\\a"), r"100%[\\/]a");
    }

    #[test]
    fn literal_detection() {
        assert!(is_literal(r"\\usbclass\.sys"));
        assert!(is_literal(r"ProgramData\\Mail\\MailAg\\"));
        assert!(!is_literal(r"\\(server|svchost)\.exe$"));
        assert!(!is_literal(r"\\[\w]{1,2}\.exe"));
        assert!(!is_literal(r"\d+\.exe"));
    }
}
