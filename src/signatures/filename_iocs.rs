//! Filename IOCs: `REGEX;SCORE[;FALSE_POSITIVE_REGEX]`, searched in the full path; the `#`
//! comment above an entry is its description; a pattern without regex metacharacters is
//! case-insensitive; negative scores are allowed (they lower a file's score). With
//! cross-platform matching, Windows patterns are rewritten to apply to Unix paths
//! ([`super::cross_platform`]).
//!
//! All patterns are checked in one pass over the path. Most IOCs are literals (signature-base:
//! 3,401 of 3,828, e.g. `\\libtcc\.dll`): a pattern whose language is a small finite set of
//! strings (a literal, `[Ss]ystem32`, `(exe|dll)`, the `[\\/]` of a cross-platform rewrite)
//! is expanded to those strings, and all of them are searched with one Aho-Corasick automaton
//! (a second one, ASCII case-insensitive, for THOR's case-insensitive literal patterns). Only
//! the real regexes (anchors, repetitions, wide classes) go into a [`RegexSet`], whose size
//! limits are raised so its lazy DFA can cache enough states (with the defaults, matching one
//! path against all of signature-base's patterns took milliseconds instead of microseconds).
//! Against one `RegexSet` of everything, building signature-base's set went from 234 ms to
//! 62 ms and the process's resident memory at start from 82 to 50 MB; the matches are the
//! same (a test compares both on every signature-base pattern). A false-positive regex is
//! evaluated only for the entries that matched.
//!
//! Regexes use ASCII semantics for `\w`, `\d`, `\s`, `\b` and case folding, as THOR's Go
//! regexes do for the classes; this also keeps the DFA small. Non-ASCII literals still match
//! their UTF-8 bytes.
//!
//! A `;` may appear inside a regex: the score is the first `;`-separated field after the
//! first one that is an integer; what comes before it is the regex, what follows the
//! false-positive regex.

use std::path::Path;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::bytes::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};
use regex_syntax::hir::{Class, Hir, HirKind};

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

/// Most strings one pattern may expand to and still be matched as literals: enough for a
/// cross-platform path with six separators (`[\\/]` each), or a name with an `(exe|dll|sys)`
/// extension and a few `[Ss]` classes.
const MAX_VARIANTS: usize = 64;

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
#[derive(Clone, Debug)]
pub struct FilenameIocBuilder {
    cross_platform: bool,
    /// The regex of each entry as matched (cross-platform rewritten, `(?i:…)` around literals).
    regexes: Vec<String>,
    /// The same without the case-insensitivity wrapper, and whether it applies.
    bodies: Vec<(String, bool)>,
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
            bodies: Vec::new(),
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
                Ok((regex, body, mut ioc)) => {
                    ioc.description = line.comment.to_owned();
                    ioc.origin = origin;
                    self.regexes.push(regex);
                    self.bodies.push(body);
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

    /// Builds the set: literal patterns into the automata, the rest into one `RegexSet`.
    /// Should that set not compile (it does with every individually valid pattern, unless a
    /// size limit is hit), each regex too large on its own is dropped with its line; if the
    /// set still does not compile, an error diagnostic is added and no regex IOC is loaded.
    pub fn build(mut self, diagnostics: &mut Vec<Diagnostic>) -> FilenameIocSet {
        if self.entries.is_empty() {
            return FilenameIocSet::default();
        }
        let mut parts = self.split();
        let mut built = build_set(&parts.regexes);
        if built.is_err() {
            // Only the syntax was checked per line; a pattern too large to compile alone is
            // dropped with its line, and the rest still load.
            self.drop_oversized(&parts.regex_owners, diagnostics);
            parts = self.split();
            built = build_set(&parts.regexes);
        }
        let (set, set_owners) = match built {
            Ok(set) => (set, parts.regex_owners),
            Err(err) => {
                diagnostics.push(Diagnostic {
                    severity: Severity::Error,
                    code: None,
                    file: "filename IOCs".into(),
                    line: None,
                    message: format!("the filename IOC set does not compile: {err}"),
                });
                (RegexSet::empty(), Vec::new())
            }
        };
        FilenameIocSet {
            exact: Literals::build(parts.exact, false),
            caseless: Literals::build(parts.caseless, true),
            set,
            set_owners,
            entries: self.entries,
        }
    }

    /// Sorts the entries into literal strings (with the entry each belongs to) and regexes.
    fn split(&self) -> Parts {
        let mut parts = Parts::default();
        for (i, (body, caseless)) in self.bodies.iter().enumerate() {
            match literal_strings(body) {
                Some(strings) => {
                    let into = if *caseless {
                        &mut parts.caseless
                    } else {
                        &mut parts.exact
                    };
                    into.extend(strings.into_iter().map(|s| (s, i)));
                }
                None => {
                    parts.regexes.push(self.regexes[i].clone());
                    parts.regex_owners.push(i);
                }
            }
        }
        parts
    }

    /// Drops every regex (of the entries in `candidates`) that does not compile on its own
    /// within the `regex` crate's default size limit, with a warning naming its file and line.
    fn drop_oversized(&mut self, candidates: &[usize], diagnostics: &mut Vec<Diagnostic>) {
        let mut keep = vec![true; self.entries.len()];
        for &i in candidates {
            let alone = RegexBuilder::new(&self.regexes[i])
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
                keep[i] = false;
            }
        }
        let mut flags = keep.iter();
        self.regexes
            .retain(|_| flags.next().copied().unwrap_or(false));
        let mut flags = keep.iter();
        self.bodies
            .retain(|_| flags.next().copied().unwrap_or(false));
        let mut flags = keep.iter();
        self.entries
            .retain(|_| flags.next().copied().unwrap_or(false));
        let mut flags = keep.iter();
        self.lines
            .retain(|_| flags.next().copied().unwrap_or(false));
    }

    /// Parses `REGEX;SCORE[;FP_REGEX]` into the regex as matched, its body without the
    /// case-insensitivity wrapper (and whether it applies), and the entry.
    #[allow(clippy::type_complexity)]
    fn parse_line(&self, line: &str) -> Result<(String, (String, bool), FilenameIoc), String> {
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

        let (regex, body) = self.prepare(&pattern);
        check_syntax(&regex).map_err(|err| format!("invalid regex `{pattern}`: {err}"))?;
        let false_positive = if fp.trim().is_empty() {
            None
        } else {
            let (fp_regex, _) = self.prepare(fp.trim());
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
            body,
            FilenameIoc {
                pattern,
                score,
                description: String::new(),
                origin: Origin::External,
                false_positive,
            },
        ))
    }

    /// The regex actually matched (case-insensitive when literal, cross-platform rewritten),
    /// and the same without the case-insensitivity wrapper with whether it applies.
    fn prepare(&self, pattern: &str) -> (String, (String, bool)) {
        let rewritten = if self.cross_platform {
            to_cross_platform(pattern)
        } else {
            pattern.to_owned()
        };
        if is_literal(pattern) {
            (format!("(?i:{rewritten})"), (rewritten, true))
        } else {
            (rewritten.clone(), (rewritten, false))
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

/// How patterns are parsed: bytes, ASCII classes and case folding.
fn syntax() -> regex_automata::util::syntax::Config {
    regex_automata::util::syntax::Config::new()
        .utf8(false)
        .unicode(false)
}

/// The literals and regexes of a set under construction.
#[derive(Default)]
struct Parts {
    /// Strings matched as they are, each with its entry.
    exact: Vec<(Vec<u8>, usize)>,
    /// Strings matched ASCII case-insensitively, each with its entry.
    caseless: Vec<(Vec<u8>, usize)>,
    /// The real regexes, and the entry of each.
    regexes: Vec<String>,
    regex_owners: Vec<usize>,
}

/// The strings `pattern` matches anywhere in a path, when they are a small finite set (at
/// most [`MAX_VARIANTS`], none empty): then finding any of them is the same as the regex
/// matching. `None` for everything else (anchors, repetitions, wide classes, bad syntax).
fn literal_strings(pattern: &str) -> Option<Vec<Vec<u8>>> {
    let hir = regex_automata::util::syntax::parse_with(pattern, &syntax()).ok()?;
    let strings = expand(&hir)?;
    (!strings.iter().any(Vec::is_empty)).then_some(strings)
}

/// Every string `hir` matches, if there are at most [`MAX_VARIANTS`].
fn expand(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    match hir.kind() {
        HirKind::Empty => Some(vec![Vec::new()]),
        HirKind::Literal(lit) => Some(vec![lit.0.to_vec()]),
        HirKind::Class(Class::Bytes(class)) => {
            let mut out = Vec::new();
            for range in class.iter() {
                for b in range.start()..=range.end() {
                    if out.len() == MAX_VARIANTS {
                        return None;
                    }
                    out.push(vec![b]);
                }
            }
            Some(out)
        }
        // Not produced with Unicode off; a regex in any case.
        HirKind::Class(Class::Unicode(_)) | HirKind::Look(_) => None,
        HirKind::Capture(capture) => expand(&capture.sub),
        HirKind::Repetition(rep) if rep.min == 0 && rep.max == Some(1) => {
            let mut out = expand(&rep.sub)?;
            out.push(Vec::new());
            (out.len() <= MAX_VARIANTS).then_some(out)
        }
        HirKind::Repetition(_) => None,
        HirKind::Concat(subs) => {
            let mut acc: Vec<Vec<u8>> = vec![Vec::new()];
            for sub in subs {
                let tails = expand(sub)?;
                if acc.len() * tails.len() > MAX_VARIANTS {
                    return None;
                }
                acc = acc
                    .iter()
                    .flat_map(|head| {
                        tails.iter().map(move |tail| {
                            let mut s = head.clone();
                            s.extend_from_slice(tail);
                            s
                        })
                    })
                    .collect();
            }
            Some(acc)
        }
        HirKind::Alternation(subs) => {
            let mut out = Vec::new();
            for sub in subs {
                out.extend(expand(sub)?);
                if out.len() > MAX_VARIANTS {
                    return None;
                }
            }
            Some(out)
        }
    }
}

/// Literal strings searched with one automaton, each with its entry.
#[derive(Debug)]
struct Literals {
    automaton: AhoCorasick,
    owners: Vec<usize>,
}

impl Literals {
    /// The automaton over `strings`, ASCII case-insensitive when `caseless`; `None` when there
    /// are none (or, which does not happen with valid strings, it cannot be built).
    fn build(strings: Vec<(Vec<u8>, usize)>, caseless: bool) -> Option<Literals> {
        if strings.is_empty() {
            return None;
        }
        let (patterns, owners): (Vec<Vec<u8>>, Vec<usize>) = strings.into_iter().unzip();
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .ascii_case_insensitive(caseless)
            .build(&patterns);
        match automaton {
            Ok(automaton) => Some(Literals { automaton, owners }),
            Err(err) => {
                tracing::error!("filename IOC literals not loaded: {err}");
                None
            }
        }
    }

    /// Adds the entry of every string found in `path`.
    fn find(&self, path: &[u8], hits: &mut Vec<usize>) {
        for m in self.automaton.find_overlapping_iter(path) {
            if let Some(&owner) = self.owners.get(m.pattern().as_usize()) {
                hits.push(owner);
            }
        }
    }
}

/// Validates a pattern's syntax without compiling it (the set compiles them all at once).
fn check_syntax(pattern: &str) -> Result<(), String> {
    regex_automata::util::syntax::parse_with(pattern, &syntax())
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
    /// Literal strings matched as written.
    exact: Option<Literals>,
    /// THOR's case-insensitive literal patterns.
    caseless: Option<Literals>,
    /// The real regexes.
    set: RegexSet,
    /// The entry of each regex in `set`.
    set_owners: Vec<usize>,
    entries: Vec<FilenameIoc>,
}

impl Default for FilenameIocSet {
    fn default() -> Self {
        FilenameIocSet {
            exact: None,
            caseless: None,
            set: RegexSet::empty(),
            set_owners: Vec::new(),
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

    /// Entries matched as literal strings, and entries matched as regexes.
    pub fn literal_and_regex_counts(&self) -> (usize, usize) {
        (self.entries.len() - self.set.len(), self.set.len())
    }

    /// The entries matching `path` (its exact bytes), false positives removed, in file order.
    pub fn matching(&self, path: &[u8]) -> Vec<&FilenameIoc> {
        // Nothing is allocated unless something matches: the common case costs one pass of
        // each automaton and one DFA pass of the set (`is_match` stops at the first match).
        let mut hits = Vec::new();
        for literals in [&self.exact, &self.caseless].into_iter().flatten() {
            literals.find(path, &mut hits);
        }
        if self.set.is_match(path) {
            hits.extend(
                self.set
                    .matches(path)
                    .iter()
                    .filter_map(|i| self.set_owners.get(i).copied()),
            );
        }
        if hits.is_empty() {
            return Vec::new();
        }
        hits.sort_unstable();
        hits.dedup();
        hits.into_iter()
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

    #[test]
    fn small_finite_patterns_are_literals_and_the_rest_regexes() {
        let text = "\\\\[Ss]ystem32\\\\evil\\.dll;80\n\\\\x\\.(exe|dll);70\n\\\\p\\.asp[x]?;60\n\
                    ^/bin/rdt$;90\n\\\\[^\\\\]{1,40}\\.tmp;50\nnotes\\.TXT;40\n";
        let (set, diags) = build(text, false);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(set.literal_and_regex_counts(), (4, 2));
        assert_eq!(matched(&set, "\\Windows\\System32\\evil.dll")[0].1, 80);
        assert_eq!(matched(&set, "\\Windows\\system32\\evil.dll")[0].1, 80);
        // A class is not a case-insensitive literal: `SYSTEM32` is neither `S` nor `s` + `ystem32`.
        assert!(matched(&set, "\\Windows\\SYSTEM32\\evil.dll").is_empty());
        assert_eq!(matched(&set, "C:\\x.dll")[0].1, 70);
        assert!(matched(&set, "C:\\x.sys").is_empty());
        assert_eq!(matched(&set, "\\p.asp")[0].1, 60);
        assert_eq!(matched(&set, "\\p.aspx")[0].1, 60);
        assert_eq!(matched(&set, "/bin/rdt")[0].1, 90);
        assert!(matched(&set, "/usr/bin/rdt").is_empty());
        assert_eq!(matched(&set, "\\abc.tmp")[0].1, 50);
        // THOR's literal pattern (escapes only) is case-insensitive.
        assert_eq!(matched(&set, "/home/x/NOTES.txt")[0].1, 40);
        // Several entries at once come in file order.
        let both = "\\System32\\evil.dll\\x.exe";
        let scores: Vec<i32> = matched(&set, both).iter().map(|m| m.1).collect();
        assert_eq!(scores, [80, 70]);
    }

    /// Every entry of signature-base's filename IOCs, natively and cross-platform, matched
    /// against paths made from each literal string (as written, upper-cased, lower-cased, with
    /// the other separator) and some ordinary paths: the split set finds exactly the entries
    /// that one `RegexSet` of every regex (the set before the split) finds.
    #[test]
    fn the_split_set_matches_exactly_what_each_regex_matches_on_signature_base() {
        let file = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/bench/signature-base/iocs/filename-iocs.txt");
        let Ok(text) = std::fs::read_to_string(&file) else {
            eprintln!("skipped: {} not found", file.display());
            return;
        };
        for cross_platform in [false, true] {
            let mut builder = FilenameIocBuilder::new(cross_platform);
            let mut diags = Vec::new();
            builder.add_file(&file, &text, Origin::External, &mut diags);
            let reference = build_set(&builder.regexes).expect("the whole set compiles");
            let mut paths: Vec<Vec<u8>> = vec![
                b"/usr/lib/python3/dist-packages/x.py".to_vec(),
                b"C:\\Windows\\System32\\svchost.exe".to_vec(),
                b"/mnt/img/Windows/Temp/a.exe".to_vec(),
            ];
            for (body, _) in &builder.bodies {
                for s in literal_strings(body).unwrap_or_default() {
                    let flipped: Vec<u8> = s
                        .iter()
                        .map(|&b| match b {
                            b'\\' => b'/',
                            b'/' => b'\\',
                            other => other,
                        })
                        .collect();
                    for v in [
                        s.clone(),
                        s.to_ascii_uppercase(),
                        s.to_ascii_lowercase(),
                        flipped,
                    ] {
                        let mut path = b"/data/".to_vec();
                        path.extend_from_slice(&v);
                        path.extend_from_slice(b"/tail");
                        paths.push(path);
                    }
                }
            }
            let entries = builder.entries.clone();
            let set = builder.build(&mut diags);
            assert!(diags.is_empty(), "{diags:?}");
            let mut matched_any = 0;
            for path in &paths {
                let expected: Vec<&str> = reference
                    .matches(path)
                    .iter()
                    .map(|i| &entries[i])
                    .filter(|ioc| {
                        !ioc.false_positive
                            .as_ref()
                            .is_some_and(|fp| fp.is_match(path))
                    })
                    .map(|ioc| ioc.pattern.as_str())
                    .collect();
                let got: Vec<&str> = set
                    .matching(path)
                    .iter()
                    .map(|ioc| ioc.pattern.as_str())
                    .collect();
                assert_eq!(
                    got,
                    expected,
                    "path {:?}, cross-platform {cross_platform}",
                    String::from_utf8_lossy(path)
                );
                matched_any += usize::from(!got.is_empty());
            }
            assert!(matched_any > 3000, "only {matched_any} paths matched");
        }
    }
}
