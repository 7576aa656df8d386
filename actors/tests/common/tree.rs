//! The files the end-to-end tests scan, with digests computed once outside the product
//! (coreutils `md5sum`, `sha1sum`, `sha256sum`), so the tests check its hashing rather than
//! trust it.

// Each test binary uses a different part of the fixtures.
#![allow(dead_code)]

/// First half of the EICAR test file; split so that no file of the repository is itself
/// detected by anti-virus products (or by Ratatosk scanning the repository).
const EICAR_HEAD: &str = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-";
/// Second half of the EICAR test file.
const EICAR_TAIL: &str = "ANTIVIRUS-TEST-FILE!$H+H*";

/// The 68 bytes of the EICAR test file.
pub fn eicar() -> String {
    format!("{EICAR_HEAD}{EICAR_TAIL}")
}

/// A file's digests and size.
#[derive(Clone, Copy, Debug)]
pub struct Digests {
    /// MD5, lower-case hex.
    pub md5: &'static str,
    /// SHA-1, lower-case hex.
    pub sha1: &'static str,
    /// SHA-256, lower-case hex.
    pub sha256: &'static str,
    /// Bytes.
    pub size: u64,
}

/// The EICAR test file.
pub const EICAR: Digests = Digests {
    md5: "44d88612fea8a8f36de82e1278abb02f",
    sha1: "3395856ce81f2b7382dee72602f798b642f14140",
    sha256: "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f",
    size: 68,
};

/// A harmless PHP page. Under a `www` folder it matches only the embedded preselector
/// `PRESEL_Web_Script_In_Web_Root` (score 40: a Notice, and a VirusTotal candidate at the
/// default `--vtscore 40`); no web-shell rule matches it.
pub fn page(tag: &str) -> String {
    format!("<?php echo 'ratatosk e2e page {tag}'; ?>\n")
}

/// [`page`]`("3")`.
pub const PAGE_3: Digests = Digests {
    md5: "4a1890f5bdc9c7ec18c96f76aa7f86b4",
    sha1: "34d146fcedf3e3e091761f1ef063819fb394b005",
    sha256: "d01a2fb819bb6c0a682f8a64fcd9f094b8a2922145ff0987b8c01bccf782a9ad",
    size: 37,
};

/// [`page`]`("8")`.
pub const PAGE_8: Digests = Digests {
    md5: "70af36426774396dacbcfe4bd419bce3",
    sha1: "5e218721336a6adaaf6560a5308278df0cda4978",
    sha256: "a7fefd15339160e816361d18216c02bfd87e09413c24522b924d62c832d32a7c",
    size: 37,
};

/// [`page`]`("15")`.
pub const PAGE_15: Digests = Digests {
    md5: "d825bac20e2cb02c8c9f7f526138af63",
    sha1: "930e7d9f2b06829703b9878ec37fd0c430fe87d4",
    sha256: "2a074b00f4d07e7f4c1c70a2b35756905db81b29ed01917211bd59680e0615dc",
    size: 38,
};

/// [`page`]`("25")`.
pub const PAGE_25: Digests = Digests {
    md5: "79184f08b8887be44a3ee5153196679b",
    sha1: "93671bd1f909580dda0e18f705c52bc8dbb4a2b4",
    sha256: "aa31f89f7b53baa46c915fd61660ef9435d19d66cdf4a566cc76f8e03bafba9c",
    size: 38,
};

/// [`page`]`("unknown")`.
pub const PAGE_UNKNOWN: Digests = Digests {
    md5: "f74581a8bb127768fad119f9fe0b13f4",
    sha1: "6ee3973814eedee0ca66860d525bceb5322dbf69",
    sha256: "d854c38d23748d0bc889b211a2dcb4d0cd68e0ab3d719d3b87de31661d16a91c",
    size: 43,
};

/// The permalink VirusTotal's GUI has for a file.
pub fn permalink(sha256: &str) -> String {
    format!("https://www.virustotal.com/gui/file/{sha256}")
}
