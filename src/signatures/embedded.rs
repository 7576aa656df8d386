//! The embedded default rule set (`rules/` in the repository), compiled into the binary so
//! `ratatosk -p DIR` works from anywhere with nothing else installed: the EICAR test file,
//! web-shell heuristics, and score-40 preselectors.

/// `(file name, source)` of every embedded rule file.
pub(crate) const EMBEDDED_RULES: &[(&str, &str)] = &[
    ("eicar.yar", include_str!("../../rules/eicar.yar")),
    ("webshells.yar", include_str!("../../rules/webshells.yar")),
    (
        "preselectors.yar",
        include_str!("../../rules/preselectors.yar"),
    ),
];
