//! The per-file external variables rules see, with THOR's semantics:
//!
//! - `filename`: the base name (`a.PHP`);
//! - `filepath`: the directory without a trailing separator (`/var/www`); the root keeps its
//!   separator (`/x` → `/`, `C:\x.exe` → `C:\`); a bare name has an empty `filepath`;
//! - `extension`: lower case with the leading dot (`.php`), empty when the base name has no
//!   dot, ends with one, or only starts with one (`.bashrc` → empty, as a dot file has no
//!   extension); the last dot counts (`a.tar.gz` → `.gz`);
//! - `filetype`: the magic-header type ([`super::magic`]);
//! - `owner`: the owning account's name ([`OwnerNames`]);
//! - `md5`: the MD5 in lower-case hex, empty when not computed.
//!
//! Paths are split on `/`; a path in Windows form (`C:\…`, `\\server\…`, as Thunderstorm
//! clients send) is split on `\` too.

use std::collections::HashMap;
use std::path::Path;

/// Splits a path's bytes into (directory as the `filepath` external, base name).
pub fn split_path(path: &[u8]) -> (&[u8], &[u8]) {
    let windows = is_windows_form(path);
    let is_sep = |b: &u8| *b == b'/' || (windows && *b == b'\\');
    let Some(last) = path.iter().rposition(is_sep) else {
        return (&path[..0], path);
    };
    let name = &path[last + 1..];
    let mut dir = &path[..=last];
    while dir.len() > 1 && dir.last().is_some_and(is_sep) {
        dir = &dir[..dir.len() - 1];
    }
    // The root keeps its separator: `/` and `C:\`.
    if windows && dir.len() == 2 && dir[1] == b':' {
        dir = &path[..3];
    }
    (dir, name)
}

/// `C:\…`, `C:/…` or `\\server\…`.
fn is_windows_form(path: &[u8]) -> bool {
    matches!(path, [d, b':', b'\\' | b'/', ..] if d.is_ascii_alphabetic())
        || path.starts_with(b"\\\\")
}

/// Writes the `extension` external of a base name into `out` (cleared first).
pub fn extension_into(name: &[u8], out: &mut String) {
    out.clear();
    let Some(dot) = name.iter().rposition(|&b| b == b'.') else {
        return;
    };
    if dot == 0 || dot + 1 == name.len() {
        return;
    }
    out.push('.');
    for chunk in name[dot + 1..].utf8_chunks() {
        out.push_str(chunk.valid());
        if !chunk.invalid().is_empty() {
            out.push(char::REPLACEMENT_CHARACTER);
        }
    }
    out.make_ascii_lowercase();
}

/// The `extension` external of a path (`/var/www/a.PHP` → `.php`).
pub fn extension(path: &Path) -> String {
    let mut out = String::new();
    extension_into(split_path(path.as_os_str().as_encoded_bytes()).1, &mut out);
    out
}

/// Resolves user ids to account names, caching each answer (a scan sees few distinct owners).
/// One per worker thread.
#[derive(Debug, Default)]
pub struct OwnerNames {
    cache: HashMap<u32, String>,
}

/// Initial buffer for `getpwuid_r`'s strings; grown on `ERANGE` up to [`MAX_PASSWD_BUF`].
const PASSWD_BUF: usize = 1024;

/// Upper bound on the `getpwuid_r` buffer, so a broken NSS module cannot make us allocate
/// without limit.
const MAX_PASSWD_BUF: usize = 1 << 20;

impl OwnerNames {
    /// A fresh cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The account name of `uid`, or the number as text when the system does not know it.
    pub fn name(&mut self, uid: u32) -> &str {
        self.cache
            .entry(uid)
            .or_insert_with(|| lookup_user_name(uid).unwrap_or_else(|| uid.to_string()))
    }
}

/// Asks the system's user database (NSS) for the name of `uid`.
fn lookup_user_name(uid: u32) -> Option<String> {
    let mut size = PASSWD_BUF;
    loop {
        let mut buf = vec![0 as libc::c_char; size];
        // SAFETY: `passwd` is plain old data that getpwuid_r fills in; all-zero is a valid
        // value for it (null pointers, zero ids).
        let mut passwd: libc::passwd = unsafe { std::mem::zeroed() };
        let mut result: *mut libc::passwd = std::ptr::null_mut();
        // SAFETY: every pointer is valid for the call: `passwd` and `result` are live locals
        // and `buf` is a live allocation of exactly `buf.len()` bytes. getpwuid_r writes the
        // strings into `buf` and points `passwd`'s fields into it.
        let rc =
            unsafe { libc::getpwuid_r(uid, &mut passwd, buf.as_mut_ptr(), buf.len(), &mut result) };
        if rc == libc::ERANGE && size < MAX_PASSWD_BUF {
            size *= 4;
            continue;
        }
        if rc != 0 || result.is_null() || passwd.pw_name.is_null() {
            return None;
        }
        // SAFETY: on success `pw_name` points to a NUL-terminated string inside `buf`, which
        // is still alive here.
        let name = unsafe { std::ffi::CStr::from_ptr(passwd.pw_name) };
        return Some(name.to_string_lossy().into_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(path: &str) -> (&str, &str) {
        let (dir, name) = split_path(path.as_bytes());
        (
            std::str::from_utf8(dir).unwrap(),
            std::str::from_utf8(name).unwrap(),
        )
    }

    #[test]
    fn filename_and_filepath() {
        assert_eq!(split("/var/www/a.PHP"), ("/var/www", "a.PHP"));
        assert_eq!(split("/x"), ("/", "x"));
        assert_eq!(split("a.php"), ("", "a.php"));
        assert_eq!(split("/var//www//a"), ("/var//www", "a"));
        assert_eq!(
            split(r"C:\inetpub\wwwroot\shell.aspx"),
            (r"C:\inetpub\wwwroot", "shell.aspx")
        );
        assert_eq!(split(r"C:\x.exe"), (r"C:\", "x.exe"));
        // A backslash in a Unix name is part of the name.
        assert_eq!(split(r"/tmp/a\b.sh"), ("/tmp", r"a\b.sh"));
    }

    #[test]
    fn extensions() {
        assert_eq!(extension(Path::new("/var/www/a.PHP")), ".php");
        assert_eq!(extension(Path::new("/home/u/.bashrc")), "");
        assert_eq!(extension(Path::new("/x/archive.tar.GZ")), ".gz");
        assert_eq!(extension(Path::new("/x/noext")), "");
        assert_eq!(extension(Path::new("/x/trailing.")), "");
        assert_eq!(extension(Path::new("/x.d/file")), "");
    }

    #[test]
    fn owner_names() {
        let mut names = OwnerNames::new();
        assert_eq!(names.name(0), "root");
        // An id no system assigns falls back to the number.
        assert_eq!(names.name(3_999_999_999), "3999999999");
    }
}
