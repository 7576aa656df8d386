//! Filename IOCs: `REGEX;SCORE[;FALSE_POSITIVE_REGEX]`, searched in the full path; the `#`
//! comment above an entry is its description; a pattern without regex metacharacters is
//! case-insensitive; negative scores are allowed (they lower a file's score). With
//! cross-platform matching, Windows patterns are rewritten to apply to Unix paths
//! ([`super::cross_platform`]).
//!
//! All patterns are checked in one pass with a [`RegexSet`] whose size limits are raised so the
//! lazy DFA can cache enough states for thousands of patterns (with the defaults, matching one
//! path against signature-base's 3,828 patterns takes milliseconds instead of microseconds).
//! A false-positive regex is evaluated only for the entries that matched.
//!
//! Regexes use ASCII semantics for `\w`, `\d`, `\s`, `\b` and case folding, as THOR's Go
//! regexes do for the classes; this also keeps the DFA small. Non-ASCII literals still match
//! their UTF-8 bytes.
//!
//! A `;` may appear inside a regex: the score is the first `;`-separated field after the
//! first one that is an integer; what comes before it is the regex, what follows the
//! false-positive regex.

use std::path::Path;

use regex::bytes::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};

use crate::model::Origin;

use super::cross_platform::{is_literal, to_cross_platform};
use super::error::{Diagnostic, Severity};
use super::ioc_lines;

/// Compiled-program size limit for the whole set: large enough for thousands of path
/// patterns with bounded repetitions such as `.{1,40}` (signature-base needs well under this).
const SET_SIZE_LIMIT: usize = 512 * 1024 * 1024;

/// Lazy-DFA cache bound per thread. With the 2 MiB default the cache keeps being cleared and
/// matching a path against signature-base's patterns takes 4-9 ms; with this bound it takes
/// well under a microsecond once warm (measured: 16 MiB still thrashes on cross-platform
/// patterns, 64 and 256 MiB perform alike, and the cache actually used stays far below it).
const SET_DFA_SIZE_LIMIT: usize = 64 * 1024 * 1024;

/// Size limit for one false-positive regex (the `regex` default, stated for clarity).
const FP_SIZE_LIMIT: usize = 10 * 1024 * 1024;

/// One filename IOC.
#[derive(Clone, Debug)]
pub struct FilenameIoc {
    /// The regex as written in the file (before any cross-platform rewrite).
    pub pattern: String,
    /// Sub-score; negative lowers the file's score.
    pub score: i32,
    /// The `#` comment above the entry.
    pub description: String,
    /// Where the IOC file came from.
    pub origin: Origin,
    /// When it matches too, the entry does not apply.
    false_positive: Option<Regex>,
}

/// Collects filename IOCs from files, then builds the [`FilenameIocSet`].
#[derive(Debug)]
pub struct FilenameIocBuilder {
    cross_platform: bool,
    regexes: Vec<String>,
    entries: Vec<FilenameIoc>,
    /// File and line of each entry, to name a pattern the set cannot hold.
    lines: Vec<(std::path::PathBuf, usize)>,
}

impl FilenameIocBuilder {
    /// A builder; `cross_platform` rewrites Windows patterns for Unix paths.
    pub fn new(cross_platform: bool) -> Self {
        FilenameIocBuilder {
            cross_platform,
            regexes: Vec::new(),
            entries: Vec::new(),
            lines: Vec::new(),
        }
    }

    /// Parses one IOC file's text; malformed lines become warnings and are skipped.
    pub fn add_file(
        &mut self,
        file: &Path,
        text: &str,
        origin: Origin,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        for line in ioc_lines::entries(text) {
            match self.parse_line(line.text) {
                Ok((regex, mut ioc)) => {
                    ioc.description = line.comment.to_owned();
                    ioc.origin = origin;
                    self.regexes.push(regex);
                    self.entries.push(ioc);
                    self.lines.push((file.to_path_buf(), line.number));
                }
                Err(message) => diagnostics.push(Diagnostic::ioc_warning(
                    file.to_path_buf(),
                    line.number,
                    message,
                )),
            }
        }
    }

    /// Builds the set. Should the combined set not compile (it does with every individually
    /// valid pattern, unless a size limit is hit), an error diagnostic is added and the set
    /// is empty.
    pub fn build(mut self, diagnostics: &mut Vec<Diagnostic>) -> FilenameIocSet {
        if self.entries.is_empty() {
            return FilenameIocSet::default();
        }
        let mut built = build_set(&self.regexes);
        if built.is_err() {
            // Only the syntax was checked per line; a pattern too large to compile alone is
            // dropped with its line, and the rest still load.
            self.drop_oversized(diagnostics);
            built = build_set(&self.regexes);
        }
        match built {
            Ok(set) => FilenameIocSet {
                set,
                entries: self.entries,
            },
            Err(err) => {
                diagnostics.push(Diagnostic {
                    severity: Severity::Error,
                    code: None,
                    file: "filename IOCs".into(),
                    line: None,
                    message: format!("the filename IOC set does not compile: {err}"),
                });
                FilenameIocSet::default()
            }
        }
    }

    /// Drops every pattern that does not compile on its own within the `regex` crate's default
    /// size limit, with a warning naming its file and line.
    fn drop_oversized(&mut self, diagnostics: &mut Vec<Diagnostic>) {
        let mut keep = Vec::with_capacity(self.regexes.len());
        for (i, regex) in self.regexes.iter().enumerate() {
            let alone = RegexBuilder::new(regex)
                .unicode(false)
                .size_limit(FP_SIZE_LIMIT)
                .build();
            if let Err(err) = &alone {
                let (file, line) = self.lines[i].clone();
                diagnostics.push(Diagnostic::ioc_warning(
                    file,
                    line,
                    format!("regex `{}` is too large: {err}", self.entries[i].pattern),
                ));
            }
            keep.push(alone.is_ok());
        }
        let mut flags = keep.iter();
        self.regexes
            .retain(|_| flags.next().copied().unwrap_or(false));
        let mut flags = keep.iter();
        self.entries
            .retain(|_| flags.next().copied().unwrap_or(false));
        let mut flags = keep.iter();
        self.lines
            .retain(|_| flags.next().copied().unwrap_or(false));
    }

    /// Parses `REGEX;SCORE[;FP_REGEX]` into the regex to put in the set and the entry.
    fn parse_line(&self, line: &str) -> Result<(String, FilenameIoc), String> {
        let fields: Vec<&str> = line.split(';').collect();
        let score_at = (1..fields.len()).find(|&i| fields[i].trim().parse::<i32>().is_ok());
        let Some(score_at) = score_at else {
            return Err(match fields.get(1) {
                None => format!("missing score in `{line}` (expected REGEX;SCORE[;FP_REGEX])"),
                Some(score) => format!(
                    "score `{}` is not an integer (expected REGEX;SCORE[;FP_REGEX])",
                    score.trim()
                ),
            });
        };
        let pattern = fields[..score_at].join(";");
        if pattern.trim().is_empty() {
            return Err("empty regex (it would match every path)".to_owned());
        }
        let score: i32 = fields[score_at].trim().parse().map_err(|_| "bad score")?;
        let fp = fields[score_at + 1..].join(";");

        let regex = self.prepare(&pattern);
        check_syntax(&regex).map_err(|err| format!("invalid regex `{pattern}`: {err}"))?;
        let false_positive = if fp.trim().is_empty() {
            None
        } else {
            let fp_regex = self.prepare(fp.trim());
            Some(
                RegexBuilder::new(&fp_regex)
                    .unicode(false)
                    .size_limit(FP_SIZE_LIMIT)
                    .build()
                    .map_err(|err| {
                        format!("invalid false-positive regex `{}`: {err}", fp.trim())
                    })?,
            )
        };
        Ok((
            regex,
            FilenameIoc {
                pattern,
                score,
                description: String::new(),
                origin: Origin::External,
                false_positive,
            },
        ))
    }

    /// The regex actually matched: case-insensitive when literal, cross-platform rewritten.
    fn prepare(&self, pattern: &str) -> String {
        let rewritten = if self.cross_platform {
            to_cross_platform(pattern)
        } else {
            pattern.to_owned()
        };
        if is_literal(pattern) {
            format!("(?i:{rewritten})")
        } else {
            rewritten
        }
    }
}

/// The one-pass set of all patterns, with the raised limits.
fn build_set(regexes: &[String]) -> Result<RegexSet, regex::Error> {
    RegexSetBuilder::new(regexes)
        .unicode(false)
        .size_limit(SET_SIZE_LIMIT)
        .dfa_size_limit(SET_DFA_SIZE_LIMIT)
        .build()
}

/// Validates a pattern's syntax without compiling it (the set compiles them all at once).
fn check_syntax(pattern: &str) -> Result<(), String> {
    let config = regex_automata::util::syntax::Config::new()
        .utf8(false)
        .unicode(false);
    regex_automata::util::syntax::parse_with(pattern, &config)
        .map(|_| ())
        .map_err(|err| {
            let text = err.to_string();
            let last = text.lines().last().unwrap_or_default();
            last.strip_prefix("error: ").unwrap_or(last).to_owned()
        })
}

/// Every filename IOC, matched in one pass.
#[derive(Debug)]
pub struct FilenameIocSet {
    set: RegexSet,
    entries: Vec<FilenameIoc>,
}

impl Default for FilenameIocSet {
    fn default() -> Self {
        FilenameIocSet {
            set: RegexSet::empty(),
            entries: Vec::new(),
        }
    }
}

impl FilenameIocSet {
    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries matching `path` (its exact bytes), false positives removed, in file order.
    pub fn matching(&self, path: &[u8]) -> Vec<&FilenameIoc> {
        // `is_match` stops at the first match and allocates nothing: the common case (no
        // IOC matches) costs one DFA pass.
        if self.entries.is_empty() || !self.set.is_match(path) {
            return Vec::new();
        }
        self.set
            .matches(path)
            .iter()
            .filter_map(|i| self.entries.get(i))
            .filter(|ioc| {
                !ioc.false_positive
                    .as_ref()
                    .is_some_and(|fp| fp.is_match(path))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(text: &str, cross_platform: bool) -> (FilenameIocSet, Vec<String>) {
        let mut b = FilenameIocBuilder::new(cross_platform);
        let mut diags = Vec::new();
        b.add_file(
            Path::new("iocs/filename-iocs.txt"),
            text,
            Origin::Custom,
            &mut diags,
        );
        let set = b.build(&mut diags);
        (set, diags.iter().map(|d| d.to_string()).collect())
    }

    fn matched(set: &FilenameIocSet, path: &str) -> Vec<(String, i32, String)> {
        set.matching(path.as_bytes())
            .into_iter()
            .map(|i| (i.pattern.clone(), i.score, i.description.clone()))
            .collect()
    }

    #[test]
    fn windows_pattern_matches_unix_path_only_cross_platform() {
        let text = "# Evil in temp\n\\\\Windows\\\\Temp\\\\evil\\.exe;80\n";
        let (native, diags) = build(text, false);
        assert!(diags.is_empty(), "{diags:?}");
        assert!(matched(&native, "/mnt/img/Windows/Temp/evil.exe").is_empty());
        assert_eq!(
            matched(&native, r"C:\Windows\Temp\evil.exe"),
            vec![(
                r"\\Windows\\Temp\\evil\.exe".into(),
                80,
                "Evil in temp".into()
            )]
        );

        let (cross, _) = build(text, true);
        assert_eq!(
            matched(&cross, "/mnt/img/Windows/Temp/evil.exe"),
            vec![(
                r"\\Windows\\Temp\\evil\.exe".into(),
                80,
                "Evil in temp".into()
            )]
        );
        // Literal pattern: case-insensitive.
        assert_eq!(matched(&cross, "/mnt/img/WINDOWS/temp/EVIL.EXE").len(), 1);
        assert!(matched(&cross, "/mnt/img/Windows/Temp/evil.exe.txt").len() == 1);
        assert!(matched(&cross, "/mnt/img/Windows/Temp/notevil.exe").is_empty());
    }

    #[test]
    fn drive_letters_and_env_placeholders() {
        let text = "# user dropper\nC:\\\\Users\\\\%USERNAME%\\\\x\\.exe;70\n[Cc]:\\\\ProgramData\\\\[a-z]{3}\\.dll$;60\n";
        let (set, diags) = build(text, true);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(
            matched(&set, "/mnt/img/Users/alice/x.exe"),
            vec![(
                r"C:\\Users\\%USERNAME%\\x\.exe".into(),
                70,
                "user dropper".into()
            )]
        );
        // %ENV% is one segment only.
        assert!(matched(&set, "/mnt/img/Users/alice/sub/x.exe").is_empty());
        assert_eq!(matched(&set, "/img/ProgramData/abc.dll")[0].1, 60);
        // Not literal (has a class): case-sensitive.
        assert!(matched(&set, "/img/ProgramData/ABC.dll").is_empty());
    }

    #[test]
    fn false_positive_regex_and_negative_scores() {
        let text = "# procdump\n(?i)\\\\procdump(64)?\\.(exe|zip);50;(?i)(SysInternals\\\\)\n# trusted tool folder\n/opt/tools/;-30\n";
        let (set, diags) = build(text, true);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(matched(&set, "/tmp/procdump64.exe")[0].1, 50);
        assert!(matched(&set, "/tmp/SysInternals/procdump.exe").is_empty());
        assert_eq!(
            matched(&set, "/opt/tools/a.sh"),
            vec![("/opt/tools/".into(), -30, "trusted tool folder".into())]
        );
    }

    #[test]
    fn non_ascii_literals_and_ascii_classes() {
        let (set, diags) = build("\\\\svchöst\\.exe;45\n/\\w+\\.tmp$;30\n", true);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(matched(&set, "/x/svchöst.exe")[0].1, 45);
        assert_eq!(matched(&set, "/x/SVCHöST.EXE")[0].1, 45);
        assert!(matched(&set, "/x/svchost.exe").is_empty());
        assert_eq!(matched(&set, "/x/ab_1.tmp")[0].1, 30);
        // `\w` is ASCII, as in THOR's Go regexes.
        assert!(matched(&set, "/x/é.tmp").is_empty());
    }

    #[test]
    fn semicolons_inside_the_regex() {
        let (set, diags) = build("a[;]b;55\n", false);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(matched(&set, "/x/a;b")[0].0, "a[;]b");
    }

    #[test]
    fn malformed_lines_are_warnings() {
        let text = "good\\.exe;80\nbad(;80\nnoscore\\.exe\nword\\.exe;high\n;90\n";
        let (set, diags) = build(text, false);
        assert_eq!(set.len(), 1);
        assert_eq!(
            diags,
            vec![
                "iocs/filename-iocs.txt:2: warning: invalid regex `bad(`: unclosed group".to_string(),
                "iocs/filename-iocs.txt:3: warning: missing score in `noscore\\.exe` (expected REGEX;SCORE[;FP_REGEX])".to_string(),
                "iocs/filename-iocs.txt:4: warning: score `high` is not an integer (expected REGEX;SCORE[;FP_REGEX])".to_string(),
                "iocs/filename-iocs.txt:5: warning: empty regex (it would match every path)".to_string(),
            ]
        );
    }
}
