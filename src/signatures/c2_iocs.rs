//! C2 IOCs: `VALUE[;SCORE]` where the value is a domain, an IP address or a CIDR network
//! (default score 100; the `#` comment above is the description). They are parsed and kept for
//! the process check's network connections; files are not matched against them.

use std::fmt;
use std::net::IpAddr;
use std::path::Path;

use crate::model::Origin;

use super::error::Diagnostic;
use super::ioc_lines;

/// Score of a C2 IOC that gives none.
pub const DEFAULT_C2_SCORE: i32 = 100;

/// Longest DNS name (RFC 1035), to reject lines that are clearly not a domain.
const MAX_DOMAIN_LEN: usize = 253;

/// What a C2 IOC names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum C2Value {
    /// A domain or FQDN, lower case.
    Domain(String),
    /// One address.
    Ip(IpAddr),
    /// A network.
    Cidr {
        /// Network address.
        network: IpAddr,
        /// Prefix length.
        prefix: u8,
    },
}

impl C2Value {
    /// True when `ip` is this address or inside this network.
    pub fn contains_ip(&self, ip: IpAddr) -> bool {
        match (self, ip) {
            (C2Value::Ip(own), ip) => *own == ip,
            (
                C2Value::Cidr {
                    network: IpAddr::V4(net),
                    prefix,
                },
                IpAddr::V4(ip),
            ) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(*prefix)).unwrap_or(0);
                u32::from(*net) & mask == u32::from(ip) & mask
            }
            (
                C2Value::Cidr {
                    network: IpAddr::V6(net),
                    prefix,
                },
                IpAddr::V6(ip),
            ) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(*prefix)).unwrap_or(0);
                u128::from(*net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }

    /// True when `host` is this domain or a subdomain of it (case-insensitive).
    pub fn matches_domain(&self, host: &str) -> bool {
        let C2Value::Domain(domain) = self else {
            return false;
        };
        let host = host.trim_end_matches('.');
        host.eq_ignore_ascii_case(domain)
            || (host.len() > domain.len()
                && host.as_bytes()[host.len() - domain.len() - 1] == b'.'
                && host[host.len() - domain.len()..].eq_ignore_ascii_case(domain))
    }
}

impl fmt::Display for C2Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            C2Value::Domain(d) => f.write_str(d),
            C2Value::Ip(ip) => write!(f, "{ip}"),
            C2Value::Cidr { network, prefix } => write!(f, "{network}/{prefix}"),
        }
    }
}

/// One C2 IOC.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct C2Ioc {
    /// The value.
    pub value: C2Value,
    /// Sub-score.
    pub score: i32,
    /// The `#` comment above the entry.
    pub description: String,
    /// Where the IOC file came from.
    pub origin: Origin,
}

/// Parses one C2 IOC file's text, appending entries to `out`; malformed lines become warnings.
pub fn parse_file(
    file: &Path,
    text: &str,
    origin: Origin,
    out: &mut Vec<C2Ioc>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for line in ioc_lines::entries(text) {
        match parse_line(line.text) {
            Ok((value, score)) => out.push(C2Ioc {
                value,
                score,
                description: line.comment.to_owned(),
                origin,
            }),
            Err(message) => diagnostics.push(Diagnostic::ioc_warning(
                file.to_path_buf(),
                line.number,
                message,
            )),
        }
    }
}

fn parse_line(line: &str) -> Result<(C2Value, i32), String> {
    let (value, score) = match line.split_once(';') {
        Some((value, score)) => {
            let score = score
                .trim()
                .parse::<i32>()
                .map_err(|_| format!("score `{}` is not an integer", score.trim()))?;
            (value.trim(), score)
        }
        None => (line.trim(), DEFAULT_C2_SCORE),
    };
    Ok((parse_value(value)?, score))
}

fn parse_value(value: &str) -> Result<C2Value, String> {
    if let Ok(ip) = value.parse::<IpAddr>() {
        return Ok(C2Value::Ip(ip));
    }
    if let Some((net, prefix)) = value.split_once('/') {
        let network: IpAddr = net
            .parse()
            .map_err(|_| format!("invalid CIDR `{value}`: `{net}` is not an IP address"))?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix: u8 = prefix
            .parse()
            .ok()
            .filter(|p| *p <= max)
            .ok_or_else(|| format!("invalid CIDR `{value}`: prefix must be 0-{max}"))?;
        return Ok(C2Value::Cidr { network, prefix });
    }
    let domain = value.trim_end_matches('.');
    let valid = !domain.is_empty()
        && domain.len() <= MAX_DOMAIN_LEN
        && domain
            .split('.')
            .all(|label| !label.is_empty() && label.bytes().all(is_label_byte));
    if valid {
        Ok(C2Value::Domain(domain.to_ascii_lowercase()))
    } else {
        Err(format!(
            "`{value}` is neither a domain, an IP address nor a CIDR network"
        ))
    }
}

/// Bytes seen in real-world C2 host names (`_` occurs in malware domains though not in DNS
/// host names proper).
fn is_label_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Vec<C2Ioc>, Vec<String>) {
        let mut out = Vec::new();
        let mut diags = Vec::new();
        parse_file(
            Path::new("iocs/c2-iocs.txt"),
            text,
            Origin::External,
            &mut out,
            &mut diags,
        );
        (out, diags.iter().map(|d| d.to_string()).collect())
    }

    #[test]
    fn domains_ips_and_networks() {
        let (iocs, diags) = parse(
            "# FireEye Snowman\nSuRoot.com\n58.64.143.244\n176.123.5.126;65\n10.1.0.0/16\n2001:db8::/32\n",
        );
        assert!(diags.is_empty(), "{diags:?}");
        let got: Vec<_> = iocs
            .iter()
            .map(|i| (i.value.to_string(), i.score, i.description.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("suroot.com".to_string(), 100, "FireEye Snowman"),
                ("58.64.143.244".to_string(), 100, "FireEye Snowman"),
                ("176.123.5.126".to_string(), 65, "FireEye Snowman"),
                ("10.1.0.0/16".to_string(), 100, "FireEye Snowman"),
                ("2001:db8::/32".to_string(), 100, "FireEye Snowman"),
            ]
        );
        assert!(iocs[0].value.matches_domain("cdn.suroot.com"));
        assert!(iocs[0].value.matches_domain("SUROOT.COM."));
        assert!(!iocs[0].value.matches_domain("notsuroot.com"));
        assert!(iocs[3].value.contains_ip("10.1.200.3".parse().unwrap()));
        assert!(!iocs[3].value.contains_ip("10.2.0.1".parse().unwrap()));
        assert!(iocs[4].value.contains_ip("2001:db8::1".parse().unwrap()));
        assert!(iocs[1].value.contains_ip("58.64.143.244".parse().unwrap()));
    }

    #[test]
    fn malformed_lines_are_warnings() {
        let (iocs, diags) = parse("good.example\nbad host\n1.2.3.4;high\n10.0.0.0/33\n");
        assert_eq!(iocs.len(), 1);
        assert_eq!(
            diags,
            vec![
                "iocs/c2-iocs.txt:2: warning: `bad host` is neither a domain, an IP address nor a CIDR network",
                "iocs/c2-iocs.txt:3: warning: score `high` is not an integer",
                "iocs/c2-iocs.txt:4: warning: invalid CIDR `10.0.0.0/33`: prefix must be 0-32",
            ]
        );
    }
}
