//! Compiling rule files with yara-x: each file in its own namespace (so rule names may repeat
//! across files, as in signature-base), with the string externals defined as empty strings.
//! A file that does not compile becomes an error [`Diagnostic`] with file, line and the
//! compiler's message; the compiler stays usable and the other files still load. Compiler
//! warnings are kept as warning diagnostics (counted, printed only on request).

use serde::{Deserialize, Serialize};
use yara_x::{Compiler, Rules, SourceCode};

use super::error::{Diagnostic, Severity};
use super::externals_usage::{self, ExternalsUsed};
use super::sources::RuleSource;

/// The externals every rule can read (THOR's names; all strings). Defined at compile time
/// with empty values, set per file by the matcher.
pub const EXTERNALS: [&str; 6] = [
    "filename",
    "filepath",
    "extension",
    "filetype",
    "owner",
    "md5",
];

/// What compiling produced besides the rules: stored next to them in the cache so a warm start
/// reports the same diagnostics.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct CompileReport {
    /// Rule files given to the compiler.
    pub rule_files: usize,
    /// One error per failed file problem.
    pub errors: Vec<Diagnostic>,
    /// Compiler warnings.
    pub warnings: Vec<Diagnostic>,
    /// Problems worth telling the user that are not compile errors (an empty rule file).
    pub notices: Vec<Diagnostic>,
    /// True when a rule that loaded reads the `md5` external.
    pub uses_md5: bool,
}

/// The rules of one load: every rule, and apart the rules of the files that read an external.
pub(crate) struct Compiled {
    /// Every rule that compiled.
    pub rules: Rules,
    /// The rules of the files that read an external (path, owner, MD5), compiled a second
    /// time on their own; `None` when no file does. A file whose content was matched before
    /// needs only these (see `matcher.rs`).
    pub path_rules: Option<Rules>,
    /// Diagnostics and what the sources read.
    pub report: CompileReport,
}

/// Compiles every source, each in its own namespace. A file with an error loads none of its
/// rules: yara-x keeps the rules of a failed source that compiled on their own (a file whose
/// `import` fails would still load its other rules), so when any file fails, everything is
/// compiled once more without the failed files. Rule sets without errors compile once. The
/// files that read an external are compiled a second time on their own (signature-base and the
/// embedded set: 14 of 744 files).
pub(crate) fn compile(sources: &[RuleSource]) -> Compiled {
    // Telling which files read an external and compiling those apart does not depend on the
    // main compile: it runs beside it (when one of those files then fails in the main compile,
    // the few are compiled again without it).
    let (main, (used, path_rules)) = std::thread::scope(|scope| {
        let apart = scope.spawn(|| {
            let started = std::time::Instant::now();
            let used: Vec<ExternalsUsed> = sources
                .iter()
                .map(|s| externals_usage::externals_used(&s.text))
                .collect();
            let parsed = started.elapsed();
            let not_path = without_externals(&used, &[]);
            let rules = (not_path.len() < sources.len())
                .then(|| compile_skipping(sources, &not_path).0);
            tracing::debug!(
                "externals read by {} of {} rule files (parsed in {parsed:.2?}), compiled apart in {:.2?}",
                sources.len() - not_path.len(),
                sources.len(),
                started.elapsed() - parsed
            );
            (used, rules)
        });
        let main = compile_all(sources);
        let apart = apart
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (main, apart)
    });
    let (rules, mut report, failed) = main;
    let not_path = without_externals(&used, &failed);
    let path_rules = if not_path.len() == sources.len() {
        None
    } else if failed.iter().any(|i| !used[*i].is_empty()) {
        Some(compile_skipping(sources, &not_path).0)
    } else {
        path_rules
    };
    report.uses_md5 = (0..sources.len()).any(|i| !failed.contains(&i) && used[i].reads("md5"));
    Compiled {
        rules,
        path_rules,
        report,
    }
}

/// Every source compiled; a second time without the failed ones when some failed. Also the
/// indexes of those.
fn compile_all(sources: &[RuleSource]) -> (Rules, CompileReport, Vec<usize>) {
    let (rules, mut report, failed) = compile_skipping(sources, &[]);
    if failed.is_empty() {
        return (rules, report, failed);
    }
    let (rules, second, _) = compile_skipping(sources, &failed);
    report.warnings = second.warnings;
    (rules, report, failed)
}

/// The indexes of the sources that read no external, or failed.
fn without_externals(used: &[ExternalsUsed], failed: &[usize]) -> Vec<usize> {
    (0..used.len())
        .filter(|i| failed.contains(i) || used[*i].is_empty())
        .collect()
}

/// One compile of `sources` without those at the indexes in `skip`; also the indexes of the
/// sources that had errors.
fn compile_skipping(sources: &[RuleSource], skip: &[usize]) -> (Rules, CompileReport, Vec<usize>) {
    let started = std::time::Instant::now();
    let mut failed = Vec::new();
    let mut compiler = Compiler::new();
    let mut report = CompileReport {
        rule_files: sources.len(),
        ..CompileReport::default()
    };
    for name in EXTERNALS {
        // Cannot fail: the names are valid identifiers, defined once each.
        if let Err(err) = compiler.define_global(name, "") {
            tracing::error!("cannot define external `{name}`: {err}");
        }
    }
    for (index, source) in sources.iter().enumerate() {
        if skip.contains(&index) {
            continue;
        }
        if source.text.iter().all(u8::is_ascii_whitespace) {
            report.notices.push(Diagnostic {
                severity: Severity::Warning,
                code: None,
                file: source.path.clone(),
                line: Some(1),
                message: "empty rule file: no rules loaded from it".to_owned(),
            });
            continue;
        }
        compiler.new_namespace(&source.namespace);
        let errors_before = compiler.errors().len();
        let warnings_before = compiler.warnings().len();
        let code = SourceCode::from(source.text.as_ref())
            .with_origin(source.path.to_string_lossy().into_owned());
        // The error is also in `compiler.errors()`, read below with any others.
        let _ = compiler.add_source(code);
        if compiler.errors().len() > errors_before {
            failed.push(index);
        }
        for err in &compiler.errors()[errors_before..] {
            let offset = err.labels().next().map(|l| l.span().start());
            report.errors.push(Diagnostic {
                severity: Severity::Error,
                code: Some(err.code().to_owned()),
                file: source.path.clone(),
                line: offset.map(|o| line_of(&source.text, o)),
                message: err.title().to_owned(),
            });
        }
        for warning in &compiler.warnings()[warnings_before..] {
            let offset = warning.labels().next().map(|l| l.span().start());
            report.warnings.push(Diagnostic {
                severity: Severity::Warning,
                code: Some(warning.code().to_owned()),
                file: source.path.clone(),
                line: offset.map(|o| line_of(&source.text, o)),
                message: warning.title().to_owned(),
            });
        }
    }
    let added = started.elapsed();
    let rules = compiler.build();
    tracing::debug!(
        "{} rule files: sources added in {added:.2?}, built in {:.2?}",
        sources.len().saturating_sub(skip.len()),
        started.elapsed() - added
    );
    (rules, report, failed)
}

/// 1-based line of a byte offset.
fn line_of(text: &[u8], offset: usize) -> usize {
    let end = offset.min(text.len());
    text[..end].iter().filter(|&&b| b == b'\n').count() + 1
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;
    use std::path::PathBuf;

    use crate::model::Origin;

    use super::*;

    fn source(name: &str, text: &'static str) -> RuleSource {
        RuleSource {
            origin: Origin::External,
            path: PathBuf::from(format!("/sigs/yara/{name}")),
            namespace: format!("external0:yara/{name}"),
            text: Cow::Borrowed(text.as_bytes()),
        }
    }

    #[test]
    fn bad_file_is_reported_and_good_files_still_load() {
        let sources = [
            source("good.yar", "rule Good { condition: true }\n"),
            source(
                "bad.yar",
                "rule Bad1 { condition: true }\n\nrule Bad2 {\n  condition:\n    unknown_thing == 1\n}\n",
            ),
            source(
                "same_name.yar",
                "rule Good { strings: $a = \"x\" condition: $a and filename == \"\" }\n",
            ),
        ];
        let Compiled { rules, report, .. } = compile(&sources);
        let errors: Vec<String> = report.errors.iter().map(|d| d.to_string()).collect();
        assert_eq!(
            errors,
            vec!["/sigs/yara/bad.yar:5: error[E009]: unknown identifier `unknown_thing`"]
        );
        assert_eq!(report.rule_files, 3);
        let names: Vec<_> = rules
            .iter()
            .map(|r| (r.namespace(), r.identifier()))
            .collect();
        assert!(names.contains(&("external0:yara/good.yar", "Good")));
        assert!(names.contains(&("external0:yara/same_name.yar", "Good")));
        assert!(!names.iter().any(|(_, n)| *n == "Bad2"));
    }

    #[test]
    fn a_file_with_an_error_loads_none_of_its_rules() {
        let sources = [
            source(
                "broken.yar",
                "import \"nonexistent\"\nrule Broken_Always { condition: true }\n",
            ),
            source("good.yar", "rule Good_Always { condition: true }\n"),
        ];
        let Compiled { rules, report, .. } = compile(&sources);
        assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
        let mut scanner = yara_x::Scanner::new(&rules);
        let results = scanner.scan(b"anything").unwrap();
        let names: Vec<&str> = results.matching_rules().map(|r| r.identifier()).collect();
        assert_eq!(names, ["Good_Always"]);
    }

    #[test]
    fn syntax_error_line() {
        let sources = [source(
            "syntax.yar",
            "rule A {\n  condition:\n    true and\n}\n",
        )];
        let Compiled { report, .. } = compile(&sources);
        assert_eq!(report.errors.len(), 1);
        assert_eq!(report.errors[0].line, Some(4));
        assert_eq!(report.errors[0].code.as_deref(), Some("E001"));
    }
}
