//! Which of the THOR externals a rule file reads, from its syntax tree (yara-x's own parser,
//! so comments, string and regex literals, metas and `hash.md5(…)`-style field accesses are
//! told apart exactly).
//!
//! Two decisions hang on it: a file that reads any external depends on the scanned file's path
//! or owner, not only on its content, so its matches cannot be reused for another file with the
//! same content (see `matcher.rs`); and MD5 need not be computed when no rule reads `md5` (and
//! no MD5 IOC is loaded). A file that spells none of the names reads none and is not parsed; a
//! file that spells one and does not parse is counted as reading every external: the compiler
//! reports it, and "reads everything" is the answer that is never wrong.

use yara_x_parser::Parser;
use yara_x_parser::cst::{Event, SyntaxKind};

use super::compile::EXTERNALS;

/// A set of [`EXTERNALS`], one bit per name in that order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct ExternalsUsed(u8);

impl ExternalsUsed {
    /// Every external.
    pub const ALL: ExternalsUsed = ExternalsUsed((1 << EXTERNALS.len()) - 1);

    /// True when no external is read.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// True when `name` (one of [`EXTERNALS`]) is read.
    pub fn reads(self, name: &str) -> bool {
        EXTERNALS
            .iter()
            .position(|e| *e == name)
            .is_some_and(|i| self.0 & (1 << i) != 0)
    }
}

/// The externals `source` reads: identifiers in a rule condition that name one of
/// [`EXTERNALS`] and are not a field of something else (`hash.md5` is not the `md5`
/// external).
pub(crate) fn externals_used(source: &[u8]) -> ExternalsUsed {
    // Most files never spell any of the names: those need no parse (signature-base: 71 of
    // 741 files do; parsing all of them took 0.5 s of a cold start).
    if !mentions_an_external(source) {
        return ExternalsUsed::default();
    }
    let mut used = 0u8;
    // How many CONDITION_BLK nodes enclose the current event (never more than one in valid
    // YARA, but the stream is walked as a tree).
    let mut in_condition = 0usize;
    let mut previous = SyntaxKind::WHITESPACE;
    for event in Parser::new(source) {
        match event {
            Event::Begin { kind, .. } => {
                if kind == SyntaxKind::ERROR {
                    return ExternalsUsed::ALL;
                }
                if kind == SyntaxKind::CONDITION_BLK {
                    in_condition += 1;
                }
            }
            Event::End { kind, .. } => {
                if kind == SyntaxKind::CONDITION_BLK {
                    in_condition = in_condition.saturating_sub(1);
                }
            }
            Event::Error { .. } => return ExternalsUsed::ALL,
            Event::Token { kind, span } => {
                if matches!(
                    kind,
                    SyntaxKind::WHITESPACE | SyntaxKind::NEWLINE | SyntaxKind::COMMENT
                ) {
                    continue;
                }
                if kind == SyntaxKind::IDENT
                    && in_condition > 0
                    && previous != SyntaxKind::DOT
                    && let Some(text) = source.get(span.range())
                    && let Some(i) = EXTERNALS.iter().position(|e| e.as_bytes() == text)
                {
                    used |= 1 << i;
                }
                previous = kind;
            }
        }
    }
    ExternalsUsed(used)
}

/// True when one of the names occurs anywhere in `source`, even inside a word or a string.
fn mentions_an_external(source: &[u8]) -> bool {
    static NAMES: std::sync::LazyLock<Option<aho_corasick::AhoCorasick>> =
        std::sync::LazyLock::new(|| aho_corasick::AhoCorasick::new(EXTERNALS).ok());
    match &*NAMES {
        Some(names) => names.is_match(source),
        // Cannot happen (six short literals); then every file is parsed.
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reads(source: &str) -> Vec<&'static str> {
        let used = externals_used(source.as_bytes());
        EXTERNALS.into_iter().filter(|e| used.reads(e)).collect()
    }

    #[test]
    fn externals_in_conditions_are_found() {
        assert_eq!(
            reads("rule a { condition: md5 == \"0c2674c3a97c53082187d930efb645c2\" }"),
            ["md5"]
        );
        assert_eq!(reads("rule a { condition: \"x\" != md5 }"), ["md5"]);
        assert_eq!(
            reads("rule a { condition:\n  md5\n    icontains \"ab\" }"),
            ["md5"]
        );
        assert_eq!(
            reads(
                "rule a { strings: $a = \"x\" condition: $a and (filename matches /\\.exe$/ or \
                 filepath contains \"temp\") }\nrule b { condition: extension == \".php\" and \
                 not (filetype == \"EXE\" or owner == \"root\") }"
            ),
            ["filename", "filepath", "extension", "filetype", "owner"]
        );
    }

    #[test]
    fn names_that_are_not_the_externals_are_not_uses() {
        let sources = [
            "import \"hash\" rule a { condition: hash.md5(0, filesize) == \"x\" }",
            "rule a { meta: md5 = \"abc\" filetype = \"PE\" strings: $md5 = \"md5 == 1\" \
             condition: $md5 }",
            "rule a { strings: $r = /filename == x/ condition: $r } // md5 == \"x\"",
            "rule a { /* owner == \"x\" */ condition: filesize \\ 2 > 1 }",
            "rule a { meta: description = \"if(md5($s)==\\\"x\\\")\" condition: true }",
            "import \"pe\" rule a { condition: pe.exports(\"filename\") }",
            "rule filename_like { strings: $filename = \"filename\" condition: #filename > 1 }",
        ];
        for s in sources {
            assert_eq!(reads(s), Vec::<&str>::new(), "{s}");
        }
    }

    #[test]
    fn a_file_that_does_not_parse_reads_everything() {
        assert_eq!(
            externals_used(b"rule a { condition: true and } // owner"),
            ExternalsUsed::ALL
        );
        assert!(!ExternalsUsed::ALL.is_empty());
        // A file that names none of them reads none, parsed or not.
        assert!(externals_used(b"rule a { condition: true }").is_empty());
        assert!(externals_used(b"rule a { condition: true and }").is_empty());
    }
}
