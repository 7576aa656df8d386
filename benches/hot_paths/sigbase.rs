//! Loading the full signature-base for the rule-set benches, with a compiled-rules cache in the
//! temporary folder so only the first bench run pays for the compile.

use std::path::PathBuf;

use ratatosk::signatures::{LoadOptions, SignatureSet};

/// Where the benchmark material keeps signature-base, relative to this package.
const DEFAULT_DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/bench/signature-base"
);

/// The signature-base folder: `RATATOSK_SIGNATURE_BASE`, else the shared bench copy.
fn dir() -> PathBuf {
    std::env::var_os("RATATOSK_SIGNATURE_BASE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(DEFAULT_DIR))
}

/// The embedded rules plus signature-base, as `ratatosk --signatures DIR` loads them; `None`
/// (with a note on stderr) when signature-base is absent or does not load.
pub fn load(cross_platform: bool) -> Option<SignatureSet> {
    let dir = dir();
    if !dir.is_dir() {
        eprintln!(
            "signature-base benches skipped: {} not found (set RATATOSK_SIGNATURE_BASE)",
            dir.display()
        );
        return None;
    }
    let options = LoadOptions {
        signature_dirs: vec![dir],
        cross_platform,
        cache_dir: Some(std::env::temp_dir().join("ratatosk-bench-rules-cache")),
        ..LoadOptions::default()
    };
    match SignatureSet::load(&options) {
        Ok(set) => Some(set),
        Err(e) => {
            eprintln!("signature-base benches skipped: {e}");
            None
        }
    }
}
