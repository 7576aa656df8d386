//! The project's magic-header table: the first bytes of a file → the THOR type name given to
//! rules as the `filetype` external and shown as `TYPE`/`magic_header` in reports; and the
//! default mode's type pre-filter ([`is_relevant`]): a file gets content checks when its
//! extension is in THOR's list of relevant extensions or its header is a known type.
//!
//! Type names follow THOR's (`EXE`, `ELF`, `ZIP`, `PDF`, `PHP`, `JSP`, `ASP`, `MDMP`, `EVTX`,
//! `Registry Hive`, `MACH-O`, `GIF`, `Python`, `RTF`, …) because signature-base rules compare
//! `filetype` against them.

/// How a table entry's bytes are compared.
#[derive(Clone, Copy, Debug)]
enum Case {
    /// Byte for byte.
    Exact,
    /// ASCII case-insensitive (text headers such as `<?php`, `@echo off`).
    Ignore,
}

/// One entry: bytes at an offset.
#[derive(Clone, Copy, Debug)]
struct Magic {
    offset: usize,
    bytes: &'static [u8],
    case: Case,
    name: &'static str,
}

const fn at0(bytes: &'static [u8], name: &'static str) -> Magic {
    Magic {
        offset: 0,
        bytes,
        case: Case::Exact,
        name,
    }
}

const fn text(bytes: &'static [u8], name: &'static str) -> Magic {
    Magic {
        offset: 0,
        bytes,
        case: Case::Ignore,
        name,
    }
}

/// The table, most specific entry first (the first match wins).
const TABLE: &[Magic] = &[
    // Executables.
    at0(b"MZ", "EXE"),
    at0(b"\x7fELF", "ELF"),
    at0(b"\xfe\xed\xfa\xce", "MACH-O"),
    at0(b"\xfe\xed\xfa\xcf", "MACH-O"),
    at0(b"\xce\xfa\xed\xfe", "MACH-O"),
    at0(b"\xcf\xfa\xed\xfe", "MACH-O"),
    at0(b"dex\n", "DEX"),
    at0(b"\x00asm", "WASM"),
    // Archives and compressed data.
    at0(b"PK\x03\x04", "ZIP"),
    at0(b"PK\x05\x06", "ZIP"),
    at0(b"PK\x07\x08", "ZIP"),
    at0(b"Rar!\x1a\x07", "RAR"),
    at0(b"7z\xbc\xaf\x27\x1c", "7Zip"),
    at0(b"\x1f\x8b", "GZIP"),
    at0(b"BZh", "BZIP2"),
    at0(b"\xfd7zXZ\x00", "XZ"),
    at0(b"\x28\xb5\x2f\xfd", "ZSTD"),
    at0(b"MSCF", "CAB"),
    at0(b"!<arch>\ndebian", "DEB"),
    at0(b"\xed\xab\xee\xdb", "RPM"),
    at0(b"Cr24", "CRX"),
    at0(b"MSWIM\x00\x00\x00", "WIM"),
    Magic {
        offset: 257,
        bytes: b"ustar",
        case: Case::Exact,
        name: "TAR",
    },
    Magic {
        offset: 0x8001,
        bytes: b"CD001",
        case: Case::Exact,
        name: "ISO",
    },
    // Documents.
    at0(b"%PDF", "PDF"),
    at0(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE"),
    at0(b"{\\rtf", "RTF"),
    at0(b"ITSF", "CHM"),
    at0(b"%!PS", "PS"),
    // Images.
    at0(b"GIF87a", "GIF"),
    at0(b"GIF89a", "GIF"),
    at0(b"\x89PNG\r\n\x1a\n", "PNG"),
    at0(b"\xff\xd8\xff", "JPEG"),
    // Windows artefacts.
    at0(b"L\x00\x00\x00\x01\x14\x02\x00", "LNK"),
    at0(b"MDMP", "MDMP"),
    at0(b"PAGEDU64", "DMP"),
    at0(b"PAGEDUMP", "DMP"),
    at0(b"ElfFile\x00", "EVTX"),
    at0(b"regf", "Registry Hive"),
    // Data.
    at0(b"SQLite format 3\x00", "SQLITE"),
    at0(b"\xd4\xc3\xb2\xa1", "PCAP"),
    at0(b"\xa1\xb2\xc3\xd4", "PCAP"),
    at0(b"\x0a\x0d\x0d\x0a", "PCAPNG"),
    // A PE file in Base64 (`TVqQ` is the encoding of `MZ\x90\x00`).
    at0(b"TVqQAAMAAAAEAAAA", "Base64 EXE"),
    // Scripts and server-side pages.
    text(b"<?php", "PHP"),
    text(b"<%@ page language=\"c#\"", "ASP"),
    text(b"<%@ page language=\"vb\"", "ASP"),
    text(b"<%@ language", "ASP"),
    text(b"<%@ webhandler", "ASP"),
    at0(b"<%@ page", "JSP"),
    at0(b"<%@page", "JSP"),
    at0(b"<%@", "JSP"),
    at0(b"<%", "ASP"),
    text(b"@echo off", "BATCH"),
    text(b"<?xml", "XML"),
];

/// Java class files and Mach-O universal binaries share `CA FE BA BE`.
const CAFEBABE: &[u8] = b"\xca\xfe\xba\xbe";

/// A universal binary holds a handful of architectures; a class file's version word is ≥ 45.
const MAX_FAT_ARCHS: u32 = 30;

/// The THOR type name of `data`'s header, or `None` when no entry matches.
pub fn magic_type(data: &[u8]) -> Option<&'static str> {
    if data.starts_with(CAFEBABE) {
        let word = data
            .get(4..8)
            .and_then(|w| <[u8; 4]>::try_from(w).ok())
            .map(u32::from_be_bytes)?;
        return Some(if word <= MAX_FAT_ARCHS {
            "MACH-O"
        } else {
            "CLASS"
        });
    }
    if let Some(shebang) = data.strip_prefix(b"#!") {
        let line_end = shebang
            .iter()
            .position(|&b| b == b'\n')
            .unwrap_or(shebang.len());
        let line = &shebang[..line_end.min(128)];
        let has = |needle: &[u8]| line.windows(needle.len()).any(|w| w == needle);
        return Some(if has(b"python") {
            "Python"
        } else if has(b"pwsh") || has(b"powershell") {
            "PowerShell"
        } else {
            "SCRIPT"
        });
    }
    TABLE.iter().find(|m| matches(m, data)).map(|m| m.name)
}

fn matches(magic: &Magic, data: &[u8]) -> bool {
    let Some(window) = data.get(magic.offset..magic.offset + magic.bytes.len()) else {
        return false;
    };
    match magic.case {
        Case::Exact => window == magic.bytes,
        Case::Ignore => window.eq_ignore_ascii_case(magic.bytes),
    }
}

/// THOR's relevant extensions (manual, `debugging.rst`), plus script and binary types common
/// on Unix and web servers (`.jspx`, `.sh`, `.py`, `.elf`, `.so`, …). Lower case with dot, as
/// the `extension` external.
const RELEVANT_EXTENSIONS: &[&str] = &[
    ".asp", ".vbs", ".ps", ".ps1", ".rar", ".tmp", ".bas", ".bat", ".chm", ".cmd", ".com", ".cpl",
    ".crt", ".dll", ".exe", ".hta", ".js", ".lnk", ".msc", ".ocx", ".pcd", ".pif", ".pot", ".pdf",
    ".reg", ".scr", ".sct", ".sys", ".url", ".vb", ".vbe", ".wsc", ".wsf", ".wsh", ".ct", ".t",
    ".input", ".war", ".jsp", ".php", ".aspx", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx",
    ".log", ".dump", ".pwd", ".w", ".txt", ".conf", ".cfg", ".config", ".psd1", ".psm1", ".ps1xml",
    ".clixml", ".psc1", ".pssc", ".pl", ".www", ".rdp", ".jar", ".docm", ".ace", ".job", ".temp",
    ".plg", ".asm", // Additions for Unix hosts and web servers.
    ".jspx", ".ashx", ".asmx", ".cer", ".phtml", ".php5", ".php7", ".sh", ".bash", ".py", ".rb",
    ".elf", ".so", ".ko", ".bin", ".dmp", ".zip", ".7z", ".gz", ".tar", ".iso", ".msi", ".xlsm",
    ".pptm", ".rtf",
];

/// The default mode's type pre-filter: content checks for a relevant extension (lower case
/// with dot, as [`super::externals::extension`] gives) or a known magic header.
pub fn is_relevant(extension: &str, magic: Option<&str>) -> bool {
    magic.is_some() || RELEVANT_EXTENSIONS.contains(&extension)
}

/// Number of entries in the magic table (for tests and the start banner).
pub fn table_len() -> usize {
    TABLE.len() + 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_headers() {
        let cases: &[(&[u8], Option<&str>)] = &[
            (b"MZ\x90\x00\x03", Some("EXE")),
            (b"\x7fELF\x02\x01", Some("ELF")),
            (b"PK\x03\x04\x14\x00", Some("ZIP")),
            (b"%PDF-1.7", Some("PDF")),
            (b"Rar!\x1a\x07\x01\x00", Some("RAR")),
            (b"7z\xbc\xaf\x27\x1c\x00\x04", Some("7Zip")),
            (b"\x1f\x8b\x08", Some("GZIP")),
            (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00", Some("OLE")),
            (b"<?PHP echo 1; ?>", Some("PHP")),
            (b"<%@ page import=\"java.io.*\" %>", Some("JSP")),
            (b"<%@ Page Language=\"C#\" %>", Some("ASP")),
            (b"<% Response.Write(1) %>", Some("ASP")),
            (b"L\x00\x00\x00\x01\x14\x02\x00\x00", Some("LNK")),
            (b"MDMP\x93\xa7", Some("MDMP")),
            (b"ElfFile\x00\x01", Some("EVTX")),
            (b"regf\x01\x00", Some("Registry Hive")),
            (b"\xcf\xfa\xed\xfe\x07", Some("MACH-O")),
            (b"\xca\xfe\xba\xbe\x00\x00\x00\x02", Some("MACH-O")),
            (b"\xca\xfe\xba\xbe\x00\x00\x00\x34", Some("CLASS")),
            (b"#!/bin/sh\necho", Some("SCRIPT")),
            (b"#!/usr/bin/env python3\n", Some("Python")),
            (b"@ECHO OFF\r\n", Some("BATCH")),
            (b"GIF89a\x01", Some("GIF")),
            (b"{\\rtf1\\ansi", Some("RTF")),
            (b"TVqQAAMAAAAEAAAA//8AALgA", Some("Base64 EXE")),
            (b"hello world", None),
            (b"", None),
            (b"M", None),
        ];
        for (data, want) in cases {
            assert_eq!(magic_type(data), *want, "{data:?}");
        }
        assert!(table_len() >= 25);
    }

    #[test]
    fn tar_header_at_offset_257() {
        let mut data = vec![0u8; 512];
        data[257..262].copy_from_slice(b"ustar");
        assert_eq!(magic_type(&data), Some("TAR"));
        assert_eq!(magic_type(&data[..260]), None);
    }

    #[test]
    fn relevance() {
        assert!(is_relevant(".php", None));
        assert!(is_relevant(".jspx", None));
        assert!(is_relevant("", Some("ELF")));
        assert!(!is_relevant(".png", None));
        assert!(!is_relevant("", None));
    }
}
