//! The client's address behind trusted proxies (`serve.trusted_proxies`): the per-address
//! login throttle must count the person, not the load balancer.
//!
//! `X-Forwarded-For` is read from the right: each proxy appends the address it received
//! the request from, so the rightmost entry not itself a trusted proxy is the client.
//! Entries further left were written by the client and are not believed. When the
//! connection itself does not come from a trusted proxy the header is ignored.

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// The resolved client address, put in the request's extensions for `PeerAddr`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

#[derive(Clone)]
pub struct TrustedProxies(Arc<Vec<IpNet>>);

impl TrustedProxies {
    /// `None` when the list is empty (the peer is the client).
    pub fn new(list: &[String]) -> Option<TrustedProxies> {
        let nets: Vec<IpNet> = list
            .iter()
            .filter_map(|p| crate::config::parse_proxy(p))
            .collect();
        (!nets.is_empty()).then(|| TrustedProxies(Arc::new(nets)))
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|n| n.contains(&ip))
    }
}

pub async fn middleware(State(t): State<TrustedProxies>, mut req: Request, next: Next) -> Response {
    if let Some(peer) = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
    {
        let forwarded = req
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect::<Vec<_>>()
            .join(",");
        let client = client_addr(&t, peer, &forwarded);
        req.extensions_mut().insert(ClientAddr(client));
    }
    next.run(req).await
}

/// The client behind `peer`, given the `X-Forwarded-For` values joined by commas.
pub fn client_addr(t: &TrustedProxies, peer: IpAddr, forwarded: &str) -> IpAddr {
    let mut client = canonical(peer);
    if !t.trusts(client) {
        return client;
    }
    for entry in forwarded.rsplit(',') {
        let Some(ip) = parse_entry(entry) else {
            // Garbage: believe nothing further left.
            break;
        };
        client = ip;
        if !t.trusts(ip) {
            break;
        }
    }
    client
}

/// `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1` or `[2001:db8::1]:5678`.
fn parse_entry(s: &str) -> Option<IpAddr> {
    let s = s.trim();
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Some(canonical(ip));
    }
    if let Ok(sa) = s.parse::<SocketAddr>() {
        return Some(canonical(sa.ip()));
    }
    None
}

/// IPv4-mapped IPv6 addresses (from a dual-stack socket) as the IPv4 they are.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn only_trusted_hops_are_skipped_from_the_right() {
        let t = TrustedProxies::new(&["10.0.0.0/8".into(), "192.0.2.7".into()]).unwrap();
        // Not from a proxy: the header is the client's own claim, ignored.
        assert_eq!(
            client_addr(&t, ip("203.0.113.5"), "1.1.1.1"),
            ip("203.0.113.5")
        );
        // From the load balancer: the client it saw.
        assert_eq!(
            client_addr(&t, ip("10.1.2.3"), "198.51.100.9"),
            ip("198.51.100.9")
        );
        // A spoofed entry on the left is not believed.
        assert_eq!(
            client_addr(&t, ip("10.1.2.3"), "1.1.1.1, 198.51.100.9, 192.0.2.7"),
            ip("198.51.100.9")
        );
        // Garbage stops the walk at the last hop a proxy wrote.
        assert_eq!(
            client_addr(&t, ip("10.1.2.3"), "1.1.1.1, nonsense, 10.9.9.9"),
            ip("10.9.9.9")
        );
        // No header: the proxy itself.
        assert_eq!(client_addr(&t, ip("10.1.2.3"), ""), ip("10.1.2.3"));
        // Ports and brackets, and IPv4-mapped peers.
        assert_eq!(
            client_addr(&t, ip("::ffff:10.0.0.1"), "[2001:db8::5]:443"),
            ip("2001:db8::5")
        );
        assert_eq!(
            client_addr(&t, ip("10.0.0.1"), "198.51.100.9:5555"),
            ip("198.51.100.9")
        );
    }
}
