//! Every setting of a run, layered with the config crate as spec §6 says: the embedded
//! defaults (`conf/ratatosk.yml`) → scan templates (`-t FILE`, in order) → `RATATOSK_<KEY>`
//! environment variables → command-line flags, then validated.
//!
//! - [`Settings`] holds one field per key (the long flag names with `_`); its methods give the
//!   combined meaning ([`Settings::effective_max_file_size`], [`Settings::thread_count`],
//!   [`Settings::content_prefilter`], …), [`Settings::validate`] and
//!   [`Settings::check_vt_eula`] stop a bad run before it scans, and
//!   [`Settings::to_redacted_yaml`] is `--print-config`.
//! - [`SettingsLoader`] collects the layers; the binary's `cli` module feeds it the flags that
//!   were given and the process environment.
//! - [`ApiKey`] keeps the VirusTotal key out of every `Debug`, `Display` and serialization.
//!
//! Unknown template keys are errors naming the key and the file; THOR keys Ratatosk does not
//! implement ([`keys::THOR_UNSUPPORTED`]) are [`SettingsWarning`]s.

mod choices;
mod effective;
mod error;
pub mod keys;
mod layers;
mod secret;
mod values;

#[cfg(test)]
mod tests;

pub use choices::{HashSelection, StoreSamples, VtMode};
pub use effective::{DEFAULT_CUSTOM_SIGNATURES, DEFAULT_FP_FILTERS, VirtualMap};
pub use error::{Origin, SettingsError, SettingsWarning};
pub use layers::{BUILTIN_YAML, ENV_PREFIX, FlagValue, Loaded, SettingsLoader};
pub use secret::{ApiKey, REDACTED};
pub use values::*;
