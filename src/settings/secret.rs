//! The VirusTotal API key as a type that cannot leak by accident: `Debug`, `Display` and
//! `Serialize` all show `<redacted>`; only [`ApiKey::expose_secret`] gives the key itself, for
//! the one place that builds the `x-apikey` header.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What every rendering of a key shows instead of the key.
pub const REDACTED: &str = "<redacted>";

/// A VirusTotal API key. Never printed, logged or serialized.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key, trimming surrounding whitespace (a key pasted with a newline still works).
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into().trim().to_owned())
    }

    /// The key itself: only for the request header, never for a message.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// Whether the key is empty (an empty `vtkey:` in a template means no key).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether the key is the placeholder `--print-config` writes, i.e. someone fed printed
    /// settings back as a template.
    pub fn is_placeholder(&self) -> bool {
        self.0 == REDACTED
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiKey({REDACTED})")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl Serialize for ApiKey {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(REDACTED)
    }
}

impl<'de> Deserialize<'de> for ApiKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Self::new)
    }
}

impl From<&str> for ApiKey {
    fn from(key: &str) -> Self {
        Self::new(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rendering_hides_the_key() {
        let key = ApiKey::new(" 0123abcd\n");
        assert_eq!(key.expose_secret(), "0123abcd");
        assert_eq!(format!("{key:?}"), "ApiKey(<redacted>)");
        assert_eq!(key.to_string(), "<redacted>");
        assert_eq!(serde_json::to_string(&key).unwrap(), "\"<redacted>\"");
    }
}
