//! Finding signature files: the embedded set, and folders in signature-base layout — every
//! `.yar`/`.yara` file under `yara/` (recursively), and the IOC files in `iocs/` picked by
//! name. Names starting with `.`, `~` or `_` are skipped (editor and disabled files, as LOKI
//! does). Everything is listed in sorted order so the compile cache key is stable.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use crate::model::Origin;

use super::embedded::EMBEDDED_RULES;
use super::error::{Diagnostic, Severity, SignatureError};

/// Deepest folder nesting followed under `yara/`: guards against symlink loops.
const MAX_DEPTH: usize = 16;

/// One rule file, to be compiled in its own namespace.
#[derive(Clone, Debug)]
pub(crate) struct RuleSource {
    /// Where it came from.
    pub origin: Origin,
    /// The file (for messages; `<embedded>/name` for embedded rules).
    pub path: PathBuf,
    /// The namespace: origin tag, folder index and relative path, unique per loaded file.
    pub namespace: String,
    /// The source text.
    pub text: Cow<'static, [u8]>,
}

/// What an IOC file holds, from its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IocKind {
    /// `*hash*`.
    Hash,
    /// `*trusted-hash*` or `*falsepositive-hash*`.
    Trusted,
    /// `*filename*`.
    Filename,
    /// `*c2*`.
    C2,
}

/// One IOC file.
#[derive(Clone, Debug)]
pub(crate) struct IocSource {
    /// Where it came from.
    pub origin: Origin,
    /// The file.
    pub path: PathBuf,
    /// What it holds.
    pub kind: IocKind,
    /// Its text (invalid UTF-8 replaced).
    pub text: String,
}

/// Everything found for one load.
#[derive(Debug, Default)]
pub(crate) struct Sources {
    /// Rule files, in load order.
    pub rules: Vec<RuleSource>,
    /// IOC files, in load order.
    pub iocs: Vec<IocSource>,
    /// Files that could not be read (errors; the rest loads).
    pub diagnostics: Vec<Diagnostic>,
}

/// The tag that starts a namespace of this origin; [`origin_of_namespace`] reads it back.
fn origin_tag(origin: Origin) -> &'static str {
    match origin {
        Origin::Internal => "internal",
        Origin::Custom => "custom",
        Origin::External | Origin::Service => "external",
    }
}

/// The origin of a rule from its namespace.
pub(crate) fn origin_of_namespace(namespace: &str) -> Origin {
    if namespace.starts_with("internal") {
        Origin::Internal
    } else if namespace.starts_with("custom") {
        Origin::Custom
    } else {
        Origin::External
    }
}

impl Sources {
    /// Adds the embedded rule set.
    pub fn add_embedded(&mut self) {
        for (name, text) in EMBEDDED_RULES {
            self.rules.push(RuleSource {
                origin: Origin::Internal,
                path: Path::new("<embedded>").join(name),
                namespace: format!("internal:{name}"),
                text: Cow::Borrowed(text.as_bytes()),
            });
        }
    }

    /// Adds a folder in signature-base layout. `index` makes namespaces unique when several
    /// folders hold files with the same relative path. The folder must exist.
    pub fn add_folder(
        &mut self,
        dir: &Path,
        origin: Origin,
        index: usize,
    ) -> Result<(), SignatureError> {
        if !dir.is_dir() {
            return Err(SignatureError::MissingFolder {
                path: dir.to_path_buf(),
            });
        }
        let yara = dir.join("yara");
        if yara.is_dir() {
            let mut files = Vec::new();
            list_rule_files(&yara, 0, &mut files)?;
            for path in files {
                let relative = path.strip_prefix(dir).unwrap_or(&path).to_string_lossy();
                let namespace = format!("{}{index}:{relative}", origin_tag(origin));
                match std::fs::read(&path) {
                    Ok(text) => self.rules.push(RuleSource {
                        origin,
                        path,
                        namespace,
                        text: Cow::Owned(text),
                    }),
                    Err(err) => self.diagnostics.push(unreadable(path, &err)),
                }
            }
        }
        let iocs = dir.join("iocs");
        if iocs.is_dir() {
            for path in sorted_entries(&iocs)? {
                let Some(kind) = path
                    .file_name()
                    .and_then(|n| ioc_kind(&n.to_string_lossy()))
                else {
                    continue;
                };
                if !path.is_file() {
                    continue;
                }
                match std::fs::read(&path) {
                    Ok(bytes) => self.iocs.push(IocSource {
                        origin,
                        kind,
                        text: String::from_utf8_lossy(&bytes).into_owned(),
                        path,
                    }),
                    Err(err) => self.diagnostics.push(unreadable(path, &err)),
                }
            }
        }
        Ok(())
    }
}

fn unreadable(path: PathBuf, err: &std::io::Error) -> Diagnostic {
    Diagnostic {
        severity: Severity::Error,
        code: None,
        file: path,
        line: None,
        message: format!("cannot read: {err}"),
    }
}

/// True for names LOKI and THOR skip: hidden, editor backup and disabled files.
fn is_skipped_name(name: &str) -> bool {
    name.starts_with(['.', '~', '_'])
}

/// The kind of IOC file a name denotes, `None` for files that are not IOC lists (README,
/// `keywords.txt`). Only `.txt` files are IOC lists.
pub(crate) fn ioc_kind(name: &str) -> Option<IocKind> {
    if is_skipped_name(name) {
        return None;
    }
    let lower = name.to_ascii_lowercase();
    if !lower.ends_with(".txt") {
        return None;
    }
    if lower.contains("trusted-hash") || lower.contains("falsepositive-hash") {
        Some(IocKind::Trusted)
    } else if lower.contains("hash") {
        Some(IocKind::Hash)
    } else if lower.contains("filename") {
        Some(IocKind::Filename)
    } else if lower.contains("c2") {
        Some(IocKind::C2)
    } else {
        None
    }
}

/// The entries of a folder, sorted by name.
fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>, SignatureError> {
    let read_err = |source| SignatureError::ReadFolder {
        path: dir.to_path_buf(),
        source,
    };
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(read_err)? {
        entries.push(entry.map_err(read_err)?.path());
    }
    entries.sort();
    Ok(entries)
}

/// Appends every rule file below `dir` (sorted, depth-first).
fn list_rule_files(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) -> Result<(), SignatureError> {
    for path in sorted_entries(dir)? {
        let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            continue;
        };
        if is_skipped_name(&name) {
            continue;
        }
        if path.is_dir() {
            if depth < MAX_DEPTH {
                list_rule_files(&path, depth + 1, out)?;
            }
        } else if path.is_file() {
            let lower = name.to_ascii_lowercase();
            if lower.ends_with(".yar") || lower.ends_with(".yara") {
                out.push(path);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ioc_file_names() {
        assert_eq!(ioc_kind("hash-iocs.txt"), Some(IocKind::Hash));
        assert_eq!(ioc_kind("my-trusted-hashes.txt"), Some(IocKind::Trusted));
        assert_eq!(ioc_kind("falsepositive-hashes.txt"), Some(IocKind::Trusted));
        assert_eq!(ioc_kind("filename-iocs.txt"), Some(IocKind::Filename));
        assert_eq!(ioc_kind("c2-iocs.txt"), Some(IocKind::C2));
        assert_eq!(ioc_kind("keywords.txt"), None);
        assert_eq!(ioc_kind("README.txt"), None);
        assert_eq!(ioc_kind("_old-hash-iocs.txt"), None);
    }

    #[test]
    fn folder_layout_and_skipped_names() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("yara/sub")).unwrap();
        std::fs::create_dir_all(root.join("iocs")).unwrap();
        for f in [
            "yara/b.yar",
            "yara/a.YARA",
            "yara/sub/c.yar",
            "yara/.hidden.yar",
            "yara/~x.yar",
            "yara/_off.yar",
            "yara/notes.txt",
        ] {
            std::fs::write(root.join(f), "rule r { condition: true }").unwrap();
        }
        std::fs::write(root.join("iocs/hash-iocs.txt"), "").unwrap();
        std::fs::write(root.join("iocs/keywords.txt"), "").unwrap();
        let mut sources = Sources::default();
        sources.add_folder(root, Origin::Custom, 3).unwrap();
        let namespaces: Vec<_> = sources.rules.iter().map(|r| r.namespace.as_str()).collect();
        assert_eq!(
            namespaces,
            vec![
                "custom3:yara/a.YARA",
                "custom3:yara/b.yar",
                "custom3:yara/sub/c.yar"
            ]
        );
        assert_eq!(sources.iocs.len(), 1);
        assert_eq!(sources.iocs[0].kind, IocKind::Hash);
        assert_eq!(origin_of_namespace(namespaces[0]), Origin::Custom);

        let missing = root.join("nope");
        let err = Sources::default()
            .add_folder(&missing, Origin::External, 0)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "signature folder {} does not exist or is not a folder",
                missing.display()
            )
        );
    }
}
