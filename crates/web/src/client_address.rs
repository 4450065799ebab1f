//! The address a request comes from, as login throttling counts it.
//!
//! Behind a reverse proxy every request arrives from the proxy: counted by
//! that address, twenty failures from anyone would lock everyone out. The
//! proxies named by `--trusted-proxy` are believed about the client they
//! forward for (`X-Forwarded-For`); no other peer is, or anyone could pick
//! their own address. An IPv6 client counts by its /64 network, which
//! one subscriber usually holds whole.

use std::net::IpAddr;

use axum::http::HeaderMap;
use ipnet::IpNet;

/// Proxies whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Parses `10.0.0.5`, `10.0.0.0/8`, `fd00::/8`…; the error names the
    /// value refused.
    pub fn parse<'a>(values: impl IntoIterator<Item = &'a str>) -> Result<Self, String> {
        values
            .into_iter()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(|v| {
                v.parse::<IpNet>()
                    .or_else(|_| v.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| format!("'{v}' is not an IP address or network"))
            })
            .collect::<Result<_, _>>()
            .map(Self)
    }

    fn trust(&self, address: &IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(address))
    }

    /// The client behind `peer`: the nearest address in `X-Forwarded-For`
    /// that is not a trusted proxy, when `peer` is one; else `peer`.
    pub(crate) fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.trust(&peer) {
            return peer;
        }
        // Each proxy appends the address it got the request from: read
        // from the right, the first one not trusted is the client's (what
        // is further left, the client could have written itself).
        let forwarded = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .collect::<Vec<_>>();
        let mut client = peer;
        for hop in forwarded.into_iter().rev() {
            match hop.parse::<IpAddr>() {
                Ok(address) if self.trust(&address) => client = address,
                Ok(address) => return address,
                // Garbage where an address should be: stop believing there.
                Err(_) => break,
            }
        }
        client
    }
}

/// The key login failures are counted under for `client`.
pub(crate) fn throttle_key(client: IpAddr) -> String {
    match client {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => IpNet::new(client, 64)
                .map(|net| net.trunc().to_string())
                .unwrap_or_else(|_| v6.to_string()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(forwarded: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Ok(value) = forwarded.parse() {
            headers.insert("x-forwarded-for", value);
        }
        headers
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn only_a_trusted_proxy_is_believed() {
        let proxies = TrustedProxies::parse(["10.0.0.0/8", "127.0.0.1"]).unwrap();
        let forwarded = headers("198.51.100.9");
        assert_eq!(
            proxies.client(ip("127.0.0.1"), &forwarded),
            ip("198.51.100.9")
        );
        assert_eq!(
            proxies.client(ip("10.1.2.3"), &forwarded),
            ip("198.51.100.9")
        );
        // Anyone else telling where they come from is not believed.
        assert_eq!(
            proxies.client(ip("203.0.113.7"), &forwarded),
            ip("203.0.113.7")
        );
        assert_eq!(
            TrustedProxies::default().client(ip("127.0.0.1"), &forwarded),
            ip("127.0.0.1")
        );
    }

    #[test]
    fn the_nearest_untrusted_hop_is_the_client() {
        let proxies = TrustedProxies::parse(["10.0.0.0/8"]).unwrap();
        // The client wrote its own header; the edge proxy appended it.
        let chain = headers("1.2.3.4, 198.51.100.9, 10.0.0.7");
        assert_eq!(proxies.client(ip("10.0.0.2"), &chain), ip("198.51.100.9"));
        // Nothing but proxies: the farthest one.
        assert_eq!(
            proxies.client(ip("10.0.0.2"), &headers("10.0.0.9")),
            ip("10.0.0.9")
        );
        // No header, or garbage: the proxy itself.
        assert_eq!(
            proxies.client(ip("10.0.0.2"), &HeaderMap::new()),
            ip("10.0.0.2")
        );
        assert_eq!(
            proxies.client(ip("10.0.0.2"), &headers("not-an-address")),
            ip("10.0.0.2")
        );
    }

    #[test]
    fn ipv6_clients_count_by_network() {
        assert_eq!(
            throttle_key(ip("2001:db8:1:2:aaaa::1")),
            "2001:db8:1:2::/64"
        );
        assert_eq!(
            throttle_key(ip("2001:db8:1:2:bbbb::9")),
            throttle_key(ip("2001:db8:1:2:aaaa::1"))
        );
        assert_eq!(throttle_key(ip("::ffff:198.51.100.9")), "198.51.100.9");
        assert_eq!(throttle_key(ip("198.51.100.9")), "198.51.100.9");
    }

    #[test]
    fn bad_proxy_values_are_named() {
        let error = TrustedProxies::parse(["10.0.0.0/8", "proxy.local"]).unwrap_err();
        assert!(error.contains("proxy.local"), "{error}");
        assert_eq!(
            TrustedProxies::parse([" ", ""]),
            Ok(TrustedProxies::default())
        );
    }
}
