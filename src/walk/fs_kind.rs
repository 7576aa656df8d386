//! Whether a device holds a pseudo file system (procfs, sysfs, devtmpfs, devpts, tracefs,
//! debugfs, cgroup, …): kernel interfaces whose "files" can block, never end or change under the
//! reader, so they are never scanned, wherever they are mounted and however they are reached
//! (a bind mount or a symlink does not change the device).
//!
//! The type is decided by device, once per device: first by the file-system name in the mount
//! table (`/proc/self/mountinfo`, read once per process; this tells devtmpfs from tmpfs, which
//! `statfs` cannot), and for devices the table does not list (mounted after it was read, or
//! `/proc` is absent) by the `statfs` magic number.

use std::collections::HashMap;
use std::sync::OnceLock;

/// File-system names (mount table) of pseudo file systems.
const PSEUDO_FS_NAMES: &[&str] = &[
    "proc",
    "sysfs",
    "devtmpfs",
    "devpts",
    "tracefs",
    "debugfs",
    "cgroup",
    "cgroup2",
    "securityfs",
    "pstore",
    "bpf",
    "configfs",
    "fusectl",
    "mqueue",
    "binfmt_misc",
    "autofs",
    "efivarfs",
    "selinuxfs",
    "nsfs",
    "rpc_pipefs",
    "hugetlbfs",
];

/// `statfs` magic numbers of the same file systems (linux/magic.h), for devices the mount table
/// does not list. devtmpfs reports tmpfs's magic and cannot be told apart this way.
const PSEUDO_FS_MAGIC: &[u32] = &[
    0x9fa0,      // proc
    0x6265_6572, // sysfs
    0x1cd1,      // devpts
    0x7472_6163, // tracefs
    0x6462_6720, // debugfs
    0x0027_e0eb, // cgroup
    0x6367_7270, // cgroup2
    0x7363_6673, // securityfs
    0x6165_676c, // pstore
    0xcafe_4a11, // bpf
    0x6265_6570, // configfs
    0x6573_5543, // fusectl
    0x1980_0202, // mqueue
    0x4249_4e4d, // binfmt_misc
    0x0187,      // autofs
    0xde5e_81e4, // efivarfs
    0xf97c_ff8c, // selinuxfs
    0x6e73_6673, // nsfs
    0x6759_6969, // rpc_pipefs
    0x9584_58f6, // hugetlbfs
];

/// Whether a mount-table file-system name is a pseudo file system.
pub fn is_pseudo_name(name: &str) -> bool {
    PSEUDO_FS_NAMES.contains(&name)
}

/// Whether a `statfs` magic number is a pseudo file system's.
pub fn is_pseudo_magic(magic: u32) -> bool {
    PSEUDO_FS_MAGIC.contains(&magic)
}

/// The `statfs` magic number of the file system holding `path`, of any length (`None` when it
/// cannot be had).
pub fn magic_of_path(path: &std::path::Path) -> Option<u32> {
    match rustix::fs::statfs(path) {
        Ok(st) => Some(magic_of(&st)),
        Err(e) if e == rustix::io::Errno::NAMETOOLONG => {
            let flags = rustix::fs::OFlags::PATH | rustix::fs::OFlags::CLOEXEC;
            crate::read::long_path::open_path(path, flags)
                .ok()
                .and_then(magic_of_fd)
        }
        Err(_) => None,
    }
}

/// The `statfs` magic number of the file system holding an open descriptor.
pub fn magic_of_fd(fd: impl std::os::fd::AsFd) -> Option<u32> {
    rustix::fs::fstatfs(fd).ok().map(|st| magic_of(&st))
}

/// The magic number's 32 bits (the field is a signed `long` on most targets).
#[allow(clippy::unnecessary_cast)]
fn magic_of(st: &rustix::fs::StatFs) -> u32 {
    (st.f_type as u64 & 0xffff_ffff) as u32
}

/// Device → file-system name, from a `/proc/self/mountinfo` text. Lines that do not parse are
/// left out (their devices fall back to `statfs`).
pub fn parse_mountinfo(text: &str) -> HashMap<u64, Box<str>> {
    let mut table = HashMap::new();
    for line in text.lines() {
        // `36 35 98:0 /root /mnt opts [optional…] - ext3 /dev/root rw`
        let Some((left, right)) = line.split_once(" - ") else {
            continue;
        };
        let Some(devno) = left.split(' ').nth(2) else {
            continue;
        };
        let Some((major, minor)) = devno.split_once(':') else {
            continue;
        };
        let (Ok(major), Ok(minor)) = (major.parse::<u32>(), minor.parse::<u32>()) else {
            continue;
        };
        let Some(fstype) = right.split(' ').next() else {
            continue;
        };
        table.insert(rustix::fs::makedev(major, minor), Box::from(fstype));
    }
    table
}

/// The process's mount table, read on first use.
fn mount_table() -> &'static HashMap<u64, Box<str>> {
    static TABLE: OnceLock<HashMap<u64, Box<str>>> = OnceLock::new();
    TABLE.get_or_init(|| {
        std::fs::read_to_string("/proc/self/mountinfo")
            .map(|text| parse_mountinfo(&text))
            .unwrap_or_default()
    })
}

/// Pseudo-or-not per device, each device decided once.
#[derive(Debug, Default)]
pub struct PseudoFsCache {
    by_dev: HashMap<u64, bool>,
}

impl PseudoFsCache {
    /// Whether `dev` holds a pseudo file system. `magic` is called (a `statfs`) only for a
    /// device the mount table does not list, and only the first time it is seen.
    pub fn is_pseudo(&mut self, dev: u64, magic: impl FnOnce() -> Option<u32>) -> bool {
        *self
            .by_dev
            .entry(dev)
            .or_insert_with(|| match mount_table().get(&dev) {
                Some(name) => is_pseudo_name(name),
                None => magic().is_some_and(is_pseudo_magic),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    #[test]
    fn mountinfo_lines_map_devices_to_names() {
        let text = "22 27 0:21 / /proc rw,relatime - proc proc rw\n\
                    24 27 0:6 / /dev rw,relatime - devtmpfs devtmpfs rw,size=1k\n\
                    27 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw\n\
                    garbage line\n";
        let t = parse_mountinfo(text);
        assert_eq!(t.len(), 3);
        assert_eq!(&*t[&rustix::fs::makedev(0, 21)], "proc");
        assert_eq!(&*t[&rustix::fs::makedev(0, 6)], "devtmpfs");
        assert_eq!(&*t[&rustix::fs::makedev(254, 0)], "ext4");
        assert!(is_pseudo_name("devtmpfs") && !is_pseudo_name("tmpfs"));
    }

    #[test]
    fn proc_is_pseudo_and_the_temp_folder_is_not() {
        let mut cache = PseudoFsCache::default();
        if let Ok(m) = std::fs::metadata("/proc/self") {
            assert!(cache.is_pseudo(m.dev(), || magic_of_path("/proc".as_ref())));
        }
        let tmp = tempfile::tempdir().unwrap();
        let m = std::fs::metadata(tmp.path()).unwrap();
        assert!(!cache.is_pseudo(m.dev(), || magic_of_path(tmp.path())));
        // Decided once: a second question does not call `statfs`.
        assert!(!cache.is_pseudo(m.dev(), || panic!("asked twice")));
    }
}
