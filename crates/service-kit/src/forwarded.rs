//! Whose address a request is from, behind reverse proxies: `X-Forwarded-For` is believed
//! only from the proxies an operator names (`TRUSTED_PROXIES`), never from anyone else, so a
//! caller cannot pick their own address to slip past the per-client limits.

use ipnet::IpNet;
use std::net::IpAddr;
use std::str::FromStr;
use std::sync::Arc;

/// The `X-Forwarded-For` header.
pub const X_FORWARDED_FOR: &str = "x-forwarded-for";

/// The addresses (single IPs or CIDR blocks) whose `X-Forwarded-For` is believed. Empty by
/// default: then a request's client is the peer of its connection.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Arc<[IpNet]>);

/// A `TRUSTED_PROXIES` entry that is neither an IP address nor a CIDR block.
#[derive(Debug, thiserror::Error)]
#[error("TRUSTED_PROXIES: {0:?} is not an IP address or a CIDR block such as 10.0.0.0/8")]
pub struct InvalidProxy(String);

impl FromStr for TrustedProxies {
    type Err = InvalidProxy;

    /// Reads a comma-separated list such as `10.0.0.0/8, 192.168.1.7`.
    fn from_str(list: &str) -> Result<Self, InvalidProxy> {
        let entries = list
            .split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                entry
                    .parse::<IpNet>()
                    .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| InvalidProxy(entry.to_owned()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self(entries.into()))
    }
}

impl TrustedProxies {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `ip` is one of the trusted proxies.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client of a request that came from `peer` with `forwarded` (its `X-Forwarded-For`
    /// value): `peer` itself unless it is a trusted proxy; else, walking the header from its
    /// end (the hop nearest to us), the first address that is not a trusted proxy. An entry
    /// that is not an address ends the walk at the last trusted hop, which vouched for it.
    pub fn client(&self, peer: IpAddr, forwarded: Option<&str>) -> IpAddr {
        let mut client = peer.to_canonical();
        if !self.contains(client) {
            return client;
        }
        for entry in forwarded.unwrap_or_default().rsplit(',') {
            let Ok(ip) = entry.trim().parse::<IpAddr>() else {
                return client;
            };
            client = ip.to_canonical();
            if !self.contains(client) {
                return client;
            }
        }
        client
    }
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn without_trusted_proxies_the_client_is_the_peer_whatever_the_header_says() {
        let none = TrustedProxies::default();
        assert_eq!(
            none.client(ip("198.51.100.7"), Some("203.0.113.1")),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_client_is_the_nearest_untrusted_address() {
        let trusted: TrustedProxies = "10.0.0.0/8, 192.168.1.7".parse().unwrap();
        // A browser that forged an entry: the proxy appended the real address after it.
        let chain = "203.0.113.66, 198.51.100.7, 10.1.2.3";
        assert_eq!(
            trusted.client(ip("192.168.1.7"), Some(chain)),
            ip("198.51.100.7")
        );
        // A trusted peer that forwards nobody is the client itself.
        assert_eq!(trusted.client(ip("10.9.9.9"), None), ip("10.9.9.9"));
        // Garbage ends the walk at the last hop we trust.
        assert_eq!(
            trusted.client(ip("10.9.9.9"), Some("evil, 10.0.0.2")),
            ip("10.0.0.2")
        );
        // An IPv4 peer on an IPv6 socket is still itself.
        assert_eq!(
            trusted.client(ip("::ffff:10.0.0.1"), Some("198.51.100.9")),
            ip("198.51.100.9")
        );
    }

    #[test]
    fn an_entry_that_is_no_address_is_refused_by_name() {
        let error = "10.0.0.0/8, proxy.example"
            .parse::<TrustedProxies>()
            .unwrap_err();
        assert!(error.to_string().contains("proxy.example"), "{error}");
        assert!("".parse::<TrustedProxies>().unwrap().is_empty());
    }
}
