//! The line structure every IOC file shares: one entry per line, blank lines ignored, and
//! `#` lines that are comments — the last comment above an entry describes it (LOKI's and
//! THOR's convention: `# Regin` above a block of Regin IOCs).

/// One entry line of an IOC file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct IocLine<'a> {
    /// 1-based line number in the file.
    pub number: usize,
    /// The line, trimmed of surrounding white space (never empty, never a comment).
    pub text: &'a str,
    /// The text of the last `#` comment line above it (without the `#`), or empty.
    pub comment: &'a str,
}

/// Iterates over the entry lines of an IOC file's text.
pub(crate) fn entries(text: &str) -> impl Iterator<Item = IocLine<'_>> {
    let mut comment = "";
    text.lines().enumerate().filter_map(move |(index, raw)| {
        let line = raw.trim();
        if line.is_empty() {
            return None;
        }
        if let Some(rest) = line.strip_prefix('#') {
            comment = rest.trim_start_matches('#').trim();
            return None;
        }
        Some(IocLine {
            number: index + 1,
            text: line,
            comment,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_describe_the_entries_below_and_blank_lines_are_skipped() {
        let text = "# header\n\n# Regin\r\n\\\\usbclass\\.sys;80\n  \n## Other\nfoo;50\n";
        let got: Vec<_> = entries(text).collect();
        assert_eq!(
            got,
            vec![
                IocLine {
                    number: 4,
                    text: "\\\\usbclass\\.sys;80",
                    comment: "Regin"
                },
                IocLine {
                    number: 7,
                    text: "foo;50",
                    comment: "Other"
                },
            ]
        );
    }
}
