//! The patches in `vendor/yara-x` (see `vendor/README.md`).
//!
//! A scanner keeps a module's structure while the module's output stays the same: one scanner
//! goes through PEs with different headers and files that are not PEs, in an order where a kept
//! structure would be wrong; every answer must be the expected one and the same as a new
//! scanner's.
//!
//! The regex of warning suppression comments is built once per process: comments still
//! suppress exactly their warnings, source after source.

/// A PE32 image with `sections` sections named `.s0`, `.s1`, … and the given timestamp, as
/// small as yara-x's `pe` module accepts.
fn pe(sections: u16, timestamp: u32) -> Vec<u8> {
    fn put(b: &mut [u8], at: usize, bytes: &[u8]) {
        b[at..at + bytes.len()].copy_from_slice(bytes);
    }
    let mut b = vec![0u8; 0x400];
    put(&mut b, 0, b"MZ");
    put(&mut b, 0x3c, &0x40u32.to_le_bytes());
    put(&mut b, 0x40, b"PE\0\0");
    // COFF header: i386, sections, timestamp, no symbols, optional header size, characteristics.
    put(&mut b, 0x44, &0x14cu16.to_le_bytes());
    put(&mut b, 0x46, &sections.to_le_bytes());
    put(&mut b, 0x48, &timestamp.to_le_bytes());
    put(&mut b, 0x54, &0xe0u16.to_le_bytes());
    put(&mut b, 0x56, &0x0102u16.to_le_bytes());
    let opt = 0x58;
    put(&mut b, opt, &0x10bu16.to_le_bytes());
    put(&mut b, opt + 16, &0x1000u32.to_le_bytes()); // entry point
    put(&mut b, opt + 28, &0x40_0000u32.to_le_bytes()); // image base
    put(&mut b, opt + 32, &0x1000u32.to_le_bytes()); // section alignment
    put(&mut b, opt + 36, &0x200u32.to_le_bytes()); // file alignment
    put(
        &mut b,
        opt + 56,
        &(0x1000 * (u32::from(sections) + 1)).to_le_bytes(),
    ); // image size
    put(&mut b, opt + 60, &0x200u32.to_le_bytes()); // headers size
    put(&mut b, opt + 68, &2u16.to_le_bytes()); // GUI subsystem
    put(&mut b, opt + 92, &16u32.to_le_bytes()); // data directories
    for i in 0..usize::from(sections) {
        let s = opt + 0xe0 + 40 * i;
        put(&mut b, s, format!(".s{i}").as_bytes());
        put(&mut b, s + 8, &0x100u32.to_le_bytes()); // virtual size
        put(&mut b, s + 12, &(0x1000 * (i as u32 + 1)).to_le_bytes()); // virtual address
        put(&mut b, s + 16, &0x200u32.to_le_bytes()); // raw size
        put(&mut b, s + 20, &0x200u32.to_le_bytes()); // raw offset
        put(&mut b, s + 36, &0x6000_0020u32.to_le_bytes()); // code, read, execute
    }
    b
}

const RULES: &str = r#"
import "pe"
import "math"
rule is_pe { condition: pe.is_pe }
rule not_pe { condition: not pe.is_pe }
rule two_sections { condition: pe.sections.len() == 2 }
rule three_sections { condition: pe.sections.len() == 3 }
rule third_section_named { condition: pe.sections[2].name == ".s2" }
rule stamped_2020 { condition: pe.timestamp == 1593835520 }
rule section_index_fn { condition: pe.section_index(".s1") == 1 }
rule gui { condition: pe.subsystem == pe.SUBSYSTEM_WINDOWS_GUI }
rule text_marker { strings: $a = "marker" condition: $a and math.entropy(0, filesize) > 1.0 }
"#;

fn matching(scanner: &mut yara_x::Scanner, data: &[u8]) -> Vec<String> {
    let results = scanner.scan(data).expect("scan");
    let mut names: Vec<String> = results
        .matching_rules()
        .map(|r| r.identifier().to_string())
        .collect();
    names.sort();
    names
}

#[test]
fn module_structures_kept_between_scans_give_the_answers_of_a_new_scanner() {
    let rules = yara_x::compile(RULES).expect("rules compile");
    let pe2 = pe(2, 1_593_835_520);
    let pe3 = pe(3, 1_600_000_000);
    let pe3_2020 = pe(3, 1_593_835_520);
    let text = b"a text with a marker in it".to_vec();
    let other_text = b"another one, no mark".to_vec();

    let expected = |data: &[u8]| -> Vec<&str> {
        let mut e = match data {
            d if d == pe2.as_slice() => vec![
                "is_pe",
                "two_sections",
                "stamped_2020",
                "section_index_fn",
                "gui",
            ],
            d if d == pe3.as_slice() => vec![
                "is_pe",
                "three_sections",
                "third_section_named",
                "section_index_fn",
                "gui",
            ],
            d if d == pe3_2020.as_slice() => vec![
                "is_pe",
                "three_sections",
                "third_section_named",
                "stamped_2020",
                "section_index_fn",
                "gui",
            ],
            d if d == text.as_slice() => vec!["not_pe", "text_marker"],
            _ => vec!["not_pe"],
        };
        e.sort();
        e
    };

    // Same output twice in a row (kept), PE after text and text after PE (rebuilt), a PE that
    // differs from the one before only in its timestamp (rebuilt), and back again.
    let order: [&[u8]; 12] = [
        &pe2,
        &pe2,
        &text,
        &other_text,
        &text,
        &pe3,
        &pe3_2020,
        &pe3,
        &pe3,
        &pe2,
        &other_text,
        &pe3_2020,
    ];
    let mut kept = yara_x::Scanner::new(&rules);
    for (i, data) in order.iter().enumerate() {
        let got = matching(&mut kept, data);
        let fresh = matching(&mut yara_x::Scanner::new(&rules), data);
        assert_eq!(got, expected(data), "scan {i}");
        assert_eq!(got, fresh, "scan {i}: a new scanner answers otherwise");
    }
}

#[test]
fn suppression_comments_work_in_every_source_of_a_compiler() {
    // text_as_hex warns about a hex pattern that is plain text; the comment suppresses it for
    // its own line only.
    let source = |n: u32| {
        format!(
            "rule r{n} {{\n  strings:\n    $a = {{ 61 62 63 64 }} // suppress: text_as_hex\n    \
             $b = {{ 65 66 67 68 }}\n  condition:\n    $a and $b\n}}\n"
        )
    };
    let mut compiler = yara_x::Compiler::new();
    let mut warnings_per_source = Vec::new();
    for n in 0..3 {
        let before = compiler.warnings().len();
        compiler.add_source(source(n).as_str()).expect("compiles");
        let new: Vec<(String, usize)> = compiler.warnings()[before..]
            .iter()
            .map(|w| {
                let at = w.labels().next().map(|l| l.span().start()).unwrap_or(0);
                let line = source(n)[..at].matches('\n').count() + 1;
                (w.code().to_string(), line)
            })
            .collect();
        warnings_per_source.push(new);
    }
    let expected = vec![("text_as_hex".to_string(), 4)];
    assert_eq!(
        warnings_per_source,
        vec![expected.clone(), expected.clone(), expected]
    );
}
