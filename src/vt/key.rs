//! The API key: sent in the `x-apikey` header and nowhere else. Its `Debug` and `Display` are
//! redacted so that no log line, report, error message or `--print-config` can leak it.

use std::fmt;

use super::VtError;

/// The request header carrying the key (case-insensitive on the server, vt-api.md §1).
pub const API_KEY_HEADER: &str = "x-apikey";

/// A VirusTotal API key. Prints as `ApiKey(***)`; only [`expose`](Self::expose) gives the key.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key, trimming surrounding white space (a trailing newline from a file or an
    /// environment variable). Rejects an empty key and characters a header cannot carry.
    pub fn new(key: impl Into<String>) -> Result<Self, VtError> {
        let key = key.into();
        let trimmed = key.trim();
        if trimmed.is_empty() {
            return Err(VtError::EmptyKey);
        }
        if let Some(position) = trimmed.chars().position(|c| !c.is_ascii_graphic()) {
            return Err(VtError::KeyCharacter {
                position: position + 1,
            });
        }
        Ok(ApiKey(trimmed.to_owned()))
    }

    /// The key itself, for the `x-apikey` header only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(***)")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn key_never_shows_in_debug_or_display() {
        let key = ApiKey::new(KEY).unwrap();
        assert_eq!(format!("{key:?}"), "ApiKey(***)");
        assert_eq!(format!("{key}"), "ApiKey(***)");
        assert_eq!(format!("{:?}", Some(&key)), "Some(ApiKey(***))");
        assert_eq!(key.expose(), KEY);
    }

    #[test]
    fn key_is_trimmed_and_checked() {
        assert_eq!(ApiKey::new(format!("  {KEY}\n")).unwrap().expose(), KEY);
        assert_eq!(ApiKey::new(" \n"), Err(VtError::EmptyKey));
        let err = ApiKey::new("abc\rdef").unwrap_err();
        assert_eq!(err, VtError::KeyCharacter { position: 4 });
        assert_eq!(
            err.to_string(),
            "the VirusTotal API key has a character that cannot be sent in an HTTP header \
             (character 4)"
        );
    }
}
