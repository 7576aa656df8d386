//! What can be wrong with the VirusTotal settings before any request is sent. Answers from the
//! server are not errors of this kind: they are [`VtReply`](super::VtReply) values.

/// A VirusTotal configuration error. Never carries the key itself.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum VtError {
    /// `--vtkey` is empty (or only white space).
    #[error("the VirusTotal API key is empty")]
    EmptyKey,
    /// The key has a character that cannot go into an HTTP header.
    #[error(
        "the VirusTotal API key has a character that cannot be sent in an HTTP header \
         (character {position})"
    )]
    KeyCharacter {
        /// 1-based position of the first bad character.
        position: usize,
    },
    /// `--vturl` is not an http(s) URL.
    #[error("VirusTotal API base URL {url:?} must start with http:// or https:// and name a host")]
    BadBaseUrl {
        /// The value given.
        url: String,
    },
}
