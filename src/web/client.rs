//! Who is at the other end of a request. Behind a reverse proxy every
//! connection comes from the proxy; its forwarded headers say who the
//! client is and whether it spoke TLS, but anyone can send those headers.
//! They are believed only from the addresses given to `sixr serve
//! --trusted-proxy` (none by default).

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;

use super::AppState;

/// What the server knows of the client of one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Client {
    /// The client's address: the connection's, or the one a trusted proxy forwarded.
    pub address: Option<IpAddr>,
    /// The request came through a proxy (a trusted one, or any that said so
    /// in a forwarding header).
    pub via_proxy: bool,
    /// A trusted proxy says the client spoke HTTPS to it.
    pub https: bool,
}

/// Headers only a proxy adds; a browser talking to sixr directly sends none.
const FORWARDING: &[&str] = &["forwarded", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-real-ip"];

impl Client {
    /// The client of a request that arrived on `peer`, given the proxies trusted.
    pub fn of(peer: Option<SocketAddr>, headers: &HeaderMap, trusted: &[IpAddr]) -> Client {
        let peer = peer.map(|p| p.ip());
        let forwarded = FORWARDING.iter().any(|h| headers.contains_key(*h));
        let Some(proxy) = peer.filter(|ip| trusted.contains(ip)) else {
            return Client { address: peer, via_proxy: forwarded, https: false };
        };
        // Each proxy appends the address it got the request from: walking
        // from the right, the first address that is not a trusted proxy is
        // the client (what is left of it, anyone could have written).
        let chain: Vec<IpAddr> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|a| a.trim().parse().ok())
            .collect();
        let address = chain.iter().rev().find(|ip| !trusted.contains(ip)).copied().or(Some(proxy));
        let https = headers
            .get_all("x-forwarded-proto")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .next_back()
            .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"));
        Client { address, via_proxy: true, https }
    }

    /// On the machine sixr runs on, not through any proxy.
    pub fn is_local(&self) -> bool {
        !self.via_proxy && self.address.is_some_and(|a| a.is_loopback())
    }
}

impl FromRequestParts<AppState> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(a)| *a);
        Ok(Client::of(peer, &parts.headers, &state.trusted_proxies))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn forwarded_headers_count_only_from_a_trusted_proxy() {
        let proxy: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let sent = headers(&[("x-forwarded-for", "6.6.6.6, 203.0.113.7"), ("x-forwarded-proto", "https")]);
        let trusted = [proxy.ip()];
        let through = Client::of(Some(proxy), &sent, &trusted);
        assert_eq!(through, Client { address: Some("203.0.113.7".parse().unwrap()), via_proxy: true, https: true });
        assert!(!through.is_local());

        let untrusted = Client::of(Some(proxy), &sent, &[]);
        assert_eq!(untrusted.address, Some(proxy.ip()), "forwarded headers are ignored without --trusted-proxy");
        assert!(!untrusted.https);
        assert!(untrusted.via_proxy && !untrusted.is_local(), "but they still say a proxy is in the way");

        let direct = Client::of(Some(proxy), &HeaderMap::new(), &trusted);
        assert_eq!(direct.address, Some(proxy.ip()));
        assert!(direct.via_proxy, "anything from the proxy's address came through it");
        assert!(Client::of(Some(proxy), &HeaderMap::new(), &[]).is_local());
    }
}
