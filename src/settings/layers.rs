//! Layering with the config crate (spec §6): the embedded `conf/ratatosk.yml` → `-t` templates
//! in order → `RATATOSK_<KEY>` environment variables → command-line flags.
//!
//! Each layer is checked on its own before the merge (its keys classified, its values
//! deserialized over the defaults), so an error names the template file or the variable it came
//! from; the config crate alone would only know the key. The environment is passed in, never
//! read here, so tests do not race on the process environment.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};

use config::{Config, ConfigError, Map, Source, Value, ValueKind};

use super::choices;
use super::error::{Origin, SettingsError, SettingsWarning};
use super::keys::{self, KeyKind};
use super::values::Settings;

/// The built-in defaults, one commented line per key.
pub const BUILTIN_YAML: &str = include_str!("../../conf/ratatosk.yml");

/// The prefix of the environment variables that configure Ratatosk.
pub const ENV_PREFIX: &str = "RATATOSK_";

/// Separator of list values given in one environment variable (`RATATOSK_PATH=/a,/b`).
const ENV_LIST_SEPARATOR: char = ',';

/// A value given on the command line, for the top layer.
#[derive(Clone, PartialEq)]
pub enum FlagValue {
    /// A switch or an explicit boolean.
    Bool(bool),
    /// A count, size or score.
    UInt(u64),
    /// Seconds with a fraction.
    Float(f64),
    /// Text (including the VirusTotal key: never printed by `Debug`).
    Str(String),
    /// One path.
    Path(PathBuf),
    /// Several texts (`--virtual-map`).
    List(Vec<String>),
    /// Several paths (`-p`, `--signatures`).
    Paths(Vec<PathBuf>),
}

impl std::fmt::Debug for FlagValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Text may be the VirusTotal key; show only its kind.
        match self {
            Self::Bool(b) => write!(f, "Bool({b})"),
            Self::UInt(n) => write!(f, "UInt({n})"),
            Self::Float(x) => write!(f, "Float({x})"),
            Self::Str(_) => f.write_str("Str(..)"),
            Self::Path(p) => write!(f, "Path({p:?})"),
            Self::List(l) => write!(f, "List({} items)", l.len()),
            Self::Paths(p) => write!(f, "Paths({p:?})"),
        }
    }
}

/// Settings after loading, with the warnings the user should see.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The merged, validated settings.
    pub settings: Settings,
    /// THOR keys that were ignored, in the order met.
    pub warnings: Vec<SettingsWarning>,
}

/// Collects the layers, then merges and validates them ([`SettingsLoader::load`]).
#[derive(Debug, Default)]
pub struct SettingsLoader {
    templates: Vec<PathBuf>,
    env: Vec<(OsString, OsString)>,
    flags: Vec<(String, FlagValue)>,
}

/// One layer as the config crate sees it: canonical keys and values, tagged with the origin.
#[derive(Debug, Clone)]
struct Layer {
    origin: Origin,
    entries: Vec<(&'static str, ValueKind)>,
    /// The line of each canonical key in a template (empty for other layers), for errors.
    lines: Vec<(&'static str, usize)>,
}

impl Layer {
    /// The template line `key` (canonical, or a config path such as `path[0]`) is on.
    fn line_of(&self, key: &str) -> Option<usize> {
        let top = key.split(['[', '.']).next().unwrap_or(key);
        self.lines.iter().find(|(k, _)| *k == top).map(|&(_, l)| l)
    }
}

impl Source for Layer {
    fn clone_into_box(&self) -> Box<dyn Source + Send + Sync> {
        Box::new(self.clone())
    }

    fn collect(&self) -> Result<Map<String, Value>, ConfigError> {
        let origin = self.origin.to_string();
        Ok(self
            .entries
            .iter()
            .map(|(k, v)| ((*k).to_owned(), Value::new(Some(&origin), v.clone())))
            .collect())
    }
}

impl SettingsLoader {
    /// An empty loader: only the built-in defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a scan template (`-t`); later templates override earlier ones.
    pub fn template(mut self, path: impl Into<PathBuf>) -> Self {
        self.templates.push(path.into());
        self
    }

    /// Adds the environment to read `RATATOSK_<KEY>` from (pass `std::env::vars_os()`).
    /// Variables that name no key, such as `RATATOSK_LOG`, are ignored.
    pub fn env<I, K, V>(mut self, vars: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<OsString>,
        V: Into<OsString>,
    {
        self.env
            .extend(vars.into_iter().map(|(k, v)| (k.into(), v.into())));
        self
    }

    /// Sets a key from the command line (top layer). Only flags actually given belong here.
    /// The key may use `-` or `_`.
    pub fn flag(mut self, key: &str, value: FlagValue) -> Self {
        self.flags.push((key.to_owned(), value));
        self
    }

    /// Merges the layers and validates the result (including the VirusTotal EULA check).
    pub fn load(self) -> Result<Loaded, SettingsError> {
        let mut warnings = Vec::new();
        let builtin = builtin_layer()?;
        check_layer(&builtin, None)?;

        let mut layers = Vec::new();
        for path in &self.templates {
            let layer = template_layer(path, &mut warnings)?;
            check_layer(&builtin, Some(&layer))?;
            layers.push(layer);
        }
        for layer in env_layers(&self.env, &mut warnings)? {
            check_layer(&builtin, Some(&layer))?;
            layers.push(layer);
        }
        let (flags, raw_paths) = flag_layer(&self.flags)?;
        check_layer(&builtin, Some(&flags))?;

        // Who set each key, top layer last, to blame a template for a value validation rejects.
        let setters: Vec<Setter> = layers
            .iter()
            .chain(std::iter::once(&flags))
            .map(|l| {
                let keys = l.entries.iter().map(|(k, _)| *k).collect();
                (l.origin.clone(), keys, l.lines.clone())
            })
            .collect();
        let mut builder = Config::builder().add_source(builtin);
        for layer in layers {
            builder = builder.add_source(layer);
        }
        for (key, kind) in flags.entries {
            builder = builder
                .set_override(key, Value::new(None, kind))
                .map_err(|e| merge_error(&e))?;
        }
        let mut settings: Settings = builder
            .build()
            .and_then(Config::try_deserialize)
            .map_err(|e| merge_error(&e))?;
        for (key, paths) in raw_paths {
            set_paths(&mut settings, key, paths);
        }
        settings
            .validate()
            .map_err(|e| blame_template(e, &setters))?;
        Ok(Loaded { settings, warnings })
    }
}

/// A layer as far as blame goes: its origin, the keys it set, and their lines in a template.
type Setter = (Origin, Vec<&'static str>, Vec<(&'static str, usize)>);

/// A value validation rejects (`vtscore: 1000`), when the layer that set it is a template:
/// the error names the template and the key's line.
fn blame_template(err: SettingsError, setters: &[Setter]) -> SettingsError {
    let SettingsError::Invalid { key, message } = err else {
        return err;
    };
    let related = related_keys(key);
    let top = setters
        .iter()
        .rev()
        .find(|(_, keys, _)| keys.iter().any(|k| related.contains(k)));
    match top {
        Some((origin @ Origin::Template(_), _, lines)) => SettingsError::InvalidIn {
            key,
            origin: origin.clone(),
            line: related
                .iter()
                .find_map(|r| lines.iter().find(|(k, _)| k == r).map(|&(_, l)| l)),
            message,
        },
        _ => SettingsError::Invalid { key, message },
    }
}

/// The keys whose values together make `key` invalid (validation blames one key for a rule
/// over several: thresholds that must rise, TLS files that go together, modes that exclude
/// each other); the key itself first.
fn related_keys(key: &'static str) -> Vec<&'static str> {
    let group: &[&'static str] = match key {
        "warning" => &["warning", "notice", "alert"],
        "server_cert" => &["server_cert", "server_key"],
        "dropzone" => &["dropzone", "thunderstorm", "path"],
        _ => &[],
    };
    if group.is_empty() {
        vec![key]
    } else {
        group.to_vec()
    }
}

/// The embedded defaults as a layer.
fn builtin_layer() -> Result<Layer, SettingsError> {
    let doc: serde_yaml::Value =
        serde_yaml::from_str(BUILTIN_YAML).map_err(|e| SettingsError::Merge {
            message: format!("built-in defaults: {e}"),
        })?;
    mapping_layer(doc, Origin::Builtin, &[], &mut Vec::new())
}

/// Reads, parses and classifies one template.
fn template_layer(
    path: &Path,
    warnings: &mut Vec<SettingsWarning>,
) -> Result<Layer, SettingsError> {
    let text = fs::read_to_string(path).map_err(|source| SettingsError::TemplateRead {
        path: path.to_owned(),
        source,
    })?;
    let doc: serde_yaml::Value =
        serde_yaml::from_str(&text).map_err(|e| SettingsError::TemplateYaml {
            path: path.to_owned(),
            line: e.location().map(|l| l.line()),
            column: e.location().map(|l| l.column()),
            message: yaml_message(&e),
        })?;
    let lines = top_level_key_lines(&text);
    mapping_layer(doc, Origin::Template(path.to_owned()), &lines, warnings)
}

/// The line of each top-level `key:` of a template as written (1-based), so that an error can
/// name it. Best effort: keys in flow style (`{a: 1}`) or spread over several lines are not
/// found, and the error then names the file alone.
fn top_level_key_lines(text: &str) -> Vec<(String, usize)> {
    text.lines()
        .enumerate()
        .filter_map(|(i, line)| {
            if line.starts_with([' ', '\t', '#', '-', '{', '[', '?']) || line.starts_with("...") {
                return None;
            }
            let (key, _) = line.split_once(':')?;
            let key = key.trim().trim_matches(['"', '\'']);
            (!key.is_empty()).then(|| (key.to_owned(), i + 1))
        })
        .collect()
}

/// serde_yaml's message without its own " at line L column C" suffix (we add our own).
fn yaml_message(e: &serde_yaml::Error) -> String {
    let text = e.to_string();
    match text.find(" at line ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

/// Turns a YAML document into a layer: every key classified, THOR-only keys dropped with a
/// warning, unknown keys an error naming the origin (and the line, from `key_lines`: each key
/// as written and its line).
fn mapping_layer(
    doc: serde_yaml::Value,
    origin: Origin,
    key_lines: &[(String, usize)],
    warnings: &mut Vec<SettingsWarning>,
) -> Result<Layer, SettingsError> {
    let mapping = match doc {
        serde_yaml::Value::Null => serde_yaml::Mapping::new(),
        serde_yaml::Value::Mapping(m) => m,
        _ => {
            return Err(match origin {
                Origin::Template(path) => SettingsError::TemplateNotMapping { path },
                other => SettingsError::Merge {
                    message: format!("{other}: not a mapping"),
                },
            });
        }
    };
    let line_of = |key: &str| key_lines.iter().find(|(k, _)| k == key).map(|&(_, l)| l);
    let mut entries = Vec::new();
    let mut lines = Vec::new();
    for (key, value) in mapping {
        let key = match key {
            serde_yaml::Value::String(s) => s,
            other => serde_yaml::to_string(&other)
                .unwrap_or_default()
                .trim()
                .to_owned(),
        };
        match keys::classify(&key) {
            KeyKind::Known(canonical) => {
                if let Some(line) = line_of(&key) {
                    lines.push((canonical, line));
                }
                entries.push((canonical, yaml_to_kind(value, &origin)));
            }
            KeyKind::ThorOnly(_) => warnings.push(SettingsWarning::UnsupportedThorKey {
                key,
                origin: origin.clone(),
            }),
            KeyKind::Unknown => {
                let line = line_of(&key);
                return Err(SettingsError::UnknownKey { key, origin, line });
            }
        }
    }
    Ok(Layer {
        origin,
        entries,
        lines,
    })
}

/// Converts a YAML value to the config crate's form.
fn yaml_to_kind(value: serde_yaml::Value, origin: &Origin) -> ValueKind {
    use serde_yaml::Value as Y;
    match value {
        Y::Null => ValueKind::Nil,
        Y::Bool(b) => ValueKind::Boolean(b),
        Y::Number(n) => {
            if let Some(u) = n.as_u64() {
                ValueKind::U64(u)
            } else if let Some(i) = n.as_i64() {
                ValueKind::I64(i)
            } else {
                ValueKind::Float(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        Y::String(s) => ValueKind::String(s),
        Y::Sequence(items) => {
            let origin_text = origin.to_string();
            ValueKind::Array(
                items
                    .into_iter()
                    .map(|v| Value::new(Some(&origin_text), yaml_to_kind(v, origin)))
                    .collect(),
            )
        }
        Y::Mapping(m) => {
            let origin_text = origin.to_string();
            ValueKind::Table(
                m.into_iter()
                    .map(|(k, v)| {
                        let key = match k {
                            Y::String(s) => s,
                            other => serde_yaml::to_string(&other).unwrap_or_default(),
                        };
                        (key, Value::new(Some(&origin_text), yaml_to_kind(v, origin)))
                    })
                    .collect(),
            )
        }
        Y::Tagged(tagged) => yaml_to_kind(tagged.value, origin),
    }
}

/// One layer per `RATATOSK_<KEY>` variable, so an error names the variable.
fn env_layers(
    env: &[(OsString, OsString)],
    warnings: &mut Vec<SettingsWarning>,
) -> Result<Vec<Layer>, SettingsError> {
    let mut layers = Vec::new();
    for (name, value) in env {
        let Some(name) = name.to_str() else { continue };
        let Some(rest) = name.strip_prefix(ENV_PREFIX) else {
            continue;
        };
        let origin = Origin::Environment(name.to_owned());
        let key = match keys::classify(rest) {
            KeyKind::Known(key) => key,
            KeyKind::ThorOnly(_) => {
                warnings.push(SettingsWarning::UnsupportedThorKey {
                    key: rest.to_owned(),
                    origin,
                });
                continue;
            }
            // Not configuration (e.g. RATATOSK_LOG, the log filter).
            KeyKind::Unknown => continue,
        };
        let value = value
            .to_str()
            .ok_or_else(|| SettingsError::EnvNotUtf8 {
                var: name.to_owned(),
            })?
            .trim();
        if value.is_empty() {
            continue;
        }
        let kind = if keys::is_list(key) {
            ValueKind::Array(
                value
                    .split(ENV_LIST_SEPARATOR)
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(|s| Value::new(None, s))
                    .collect(),
            )
        } else {
            ValueKind::String(value.to_owned())
        };
        layers.push(Layer {
            origin,
            entries: vec![(key, kind)],
            lines: Vec::new(),
        });
    }
    Ok(layers)
}

/// Paths from flags that are not UTF-8: the config crate holds only text, so these are set on
/// the merged settings afterwards (the flags are the top layer, so nothing overrides them).
type RawPaths = Vec<(&'static str, Vec<PathBuf>)>;

/// The command-line layer.
fn flag_layer(flags: &[(String, FlagValue)]) -> Result<(Layer, RawPaths), SettingsError> {
    let mut entries = Vec::new();
    let mut raw = Vec::new();
    for (key, value) in flags {
        let KeyKind::Known(key) = keys::classify(key) else {
            return Err(SettingsError::UnknownKey {
                key: key.clone(),
                origin: Origin::CommandLine,
                line: None,
            });
        };
        let kind = match value {
            FlagValue::Bool(b) => ValueKind::Boolean(*b),
            FlagValue::UInt(n) => ValueKind::U64(*n),
            FlagValue::Float(x) => ValueKind::Float(*x),
            FlagValue::Str(s) => ValueKind::String(s.clone()),
            FlagValue::List(items) => {
                ValueKind::Array(items.iter().map(|s| Value::new(None, s.as_str())).collect())
            }
            FlagValue::Path(p) => match p.to_str() {
                Some(s) => ValueKind::String(s.to_owned()),
                None => {
                    raw.push((key, vec![p.clone()]));
                    continue;
                }
            },
            FlagValue::Paths(paths) => {
                let texts: Option<Vec<&str>> = paths.iter().map(|p| p.to_str()).collect();
                match texts {
                    Some(texts) => {
                        ValueKind::Array(texts.into_iter().map(|s| Value::new(None, s)).collect())
                    }
                    None => {
                        raw.push((key, paths.clone()));
                        continue;
                    }
                }
            }
        };
        entries.push((key, kind));
    }
    Ok((
        Layer {
            origin: Origin::CommandLine,
            entries,
            lines: Vec::new(),
        },
        raw,
    ))
}

/// Sets a path-valued key directly (for paths that are not UTF-8).
fn set_paths(settings: &mut Settings, key: &str, mut paths: Vec<PathBuf>) {
    let single = || paths.first().cloned();
    match key {
        "path" => settings.path = paths,
        "signatures" => settings.signatures = paths,
        "custom_signatures" => settings.custom_signatures = paths,
        "rules_cache" => settings.rules_cache = single(),
        "excludes" => settings.excludes = single(),
        "fp_filters" => settings.fp_filters = single(),
        "vtcache" => settings.vtcache = single(),
        "logfile" => settings.logfile = single(),
        "jsonfile" => settings.jsonfile = single(),
        "htmlfile" => settings.htmlfile = single(),
        "csvfile" => settings.csvfile = single(),
        "server_cert" => settings.server_cert = single(),
        "server_key" => settings.server_key = single(),
        _ => paths.clear(),
    }
}

/// Deserializes the defaults with one layer on top, so a bad value is blamed on that layer.
fn check_layer(builtin: &Layer, layer: Option<&Layer>) -> Result<(), SettingsError> {
    let mut builder = Config::builder().add_source(builtin.clone());
    if let Some(layer) = layer {
        builder = builder.add_source(layer.clone());
    }
    let layer = layer.unwrap_or(builtin);
    builder
        .build()
        .and_then(Config::try_deserialize::<Settings>)
        .map(drop)
        .map_err(|e| value_error(&e, layer))
}

/// Turns a config crate error into one naming the key and where its value came from (the
/// layer's origin, and the key's line in a template).
fn value_error(e: &ConfigError, layer: &Layer) -> SettingsError {
    let (key, message) = match e {
        ConfigError::Type {
            key: Some(key),
            unexpected,
            expected,
            ..
        } => (
            key.clone(),
            format!("found {unexpected}, expected {expected}"),
        ),
        ConfigError::At {
            error,
            key: Some(key),
            ..
        } => (key.clone(), error.to_string()),
        ConfigError::NotFound(key) => (key.clone(), "missing".to_owned()),
        other => return merge_error(other),
    };
    // The value itself may be the key (in any message that quotes it): never show it.
    let message = if key.starts_with("vtkey") {
        "expected the API key as a string".to_owned()
    } else if let Some(choices) = choices::choices_for(&key) {
        format!("expected one of: {}", choices.join(", "))
    } else {
        message
    };
    SettingsError::WrongType {
        line: layer.line_of(&key),
        key,
        origin: layer.origin.clone(),
        message,
    }
}

/// An error the config crate raised outside any one key.
fn merge_error(e: &ConfigError) -> SettingsError {
    SettingsError::Merge {
        message: e.to_string(),
    }
}
