//! Making paths and values safe to print: one finding is always one line, a terminal never sees
//! a raw escape sequence, and bytes that are not UTF-8 stay visible as `\xNN`.
//!
//! What is escaped: every control character (`\n`, `\r`, `\t` by name; other C0 controls and
//! DEL as `\xNN`; C1 controls as `\u{NNNN}`), the Unicode line and paragraph separators, and the
//! bidirectional formatting characters (which can make a name display as something it is not).
//! A backslash is left as it is, so Windows paths from Thunderstorm clients read as THOR prints
//! them; the price is that a literal `\n` in a name looks like an escaped newline.

use std::fmt::Write as _;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// True for characters that must not reach a log line or a terminal as they are.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' // line and paragraph separators
            | '\u{200E}' | '\u{200F}' // left-to-right / right-to-left marks
            | '\u{202A}'..='\u{202E}' // embeddings and overrides
            | '\u{2066}'..='\u{2069}' // isolates
        )
}

/// Appends `c` to `out`, escaped when it needs to be.
fn push_escaped_char(out: &mut String, c: char) {
    if !needs_escape(c) {
        out.push(c);
        return;
    }
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        // Writing to a String cannot fail.
        c if (c as u32) < 0x80 => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c => {
            let _ = write!(out, "\\u{{{:04x}}}", c as u32);
        }
    }
}

/// Appends the bytes `\xNN` for each byte of an invalid UTF-8 sequence.
fn push_invalid_bytes(out: &mut String, bytes: &[u8]) {
    for b in bytes {
        let _ = write!(out, "\\x{b:02x}");
    }
}

/// `s` with control and spoofing characters escaped (see the module doc).
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        push_escaped_char(&mut out, c);
    }
    out
}

/// A path for a one-line log: valid UTF-8 escaped like [`escape_text`], every byte that is not
/// part of valid UTF-8 as `\xNN`.
pub fn escape_path(path: &Path) -> String {
    let bytes = path.as_os_str().as_bytes();
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            push_escaped_char(&mut out, c);
        }
        push_invalid_bytes(&mut out, chunk.invalid());
    }
    out
}

/// A path as exact text for formats that can carry any character (CSV): valid UTF-8 kept as it
/// is, including newlines, and only the bytes that are not UTF-8 written as `\xNN`.
pub fn path_text(path: &Path) -> String {
    let bytes = path.as_os_str().as_bytes();
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        push_invalid_bytes(&mut out, chunk.invalid());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(escape_text("a\nb\rc\td"), "a\\nb\\rc\\td");
        assert_eq!(escape_text("\x1b[31mred"), "\\x1b[31mred");
        assert_eq!(escape_text("del\x7f"), "del\\x7f");
        assert_eq!(escape_text("c1\u{85}"), "c1\\u{0085}");
        assert_eq!(escape_text("evil\u{202E}gpj.exe"), "evil\\u{202e}gpj.exe");
        assert_eq!(escape_text("C:\\Users\\ä"), "C:\\Users\\ä");
    }

    #[test]
    fn invalid_path_bytes_are_hex() {
        let p = Path::new(OsStr::from_bytes(b"/tmp/a\xff\xfeb\n.exe"));
        assert_eq!(escape_path(p), "/tmp/a\\xff\\xfeb\\n.exe");
        assert_eq!(path_text(p), "/tmp/a\\xff\\xfeb\n.exe");
    }
}
