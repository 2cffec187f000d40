//! Where a client connects from, as the per-address limits count it: the peer address
//! of its TCP connection (the accept loop puts it in each request's extensions as
//! `ConnectInfo`), narrowed to the network one party controls: an IPv4 address, or an
//! IPv6 /64 (one host is usually handed a whole /64, so counting single IPv6 addresses
//! would let it pass any per-address limit by changing its address).
//!
//! Behind a reverse proxy every client has the proxy's address. `X-Forwarded-For` is
//! never read: any client can write it, so trusting it would let a stranger pick the
//! address it is limited as.

use axum::extract::FromRequestParts;
use axum::extract::connect_info::ConnectInfo;
use axum::http::request::Parts;
use std::convert::Infallible;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};

/// The network a request came from (see [`network_of`]); `None` when the server did not
/// record a peer address (a router driven without the accept loop).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientNetwork(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientNetwork {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>();
        Ok(ClientNetwork(
            peer.map(|ConnectInfo(addr)| network_of(addr.ip())),
        ))
    }
}

/// The key per-address limits count under: the IPv4 address (also when it arrives
/// IPv4-mapped over IPv6), or the IPv6 address with its last 64 bits cleared.
pub fn network_of(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let prefix = u128::from(v6) & !u128::from(u64::MAX);
                IpAddr::V6(Ipv6Addr::from(prefix))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn ipv4_is_its_own_network_and_ipv6_counts_by_its_slash_64() {
        assert_eq!(network_of(ip("203.0.113.7")), ip("203.0.113.7"));
        assert_eq!(network_of(ip("::ffff:203.0.113.7")), ip("203.0.113.7"));
        assert_eq!(
            network_of(ip("2001:db8:1:2:aaaa:bbbb:cccc:dddd")),
            ip("2001:db8:1:2::")
        );
        assert_eq!(
            network_of(ip("2001:db8:1:2::1")),
            network_of(ip("2001:db8:1:2:ffff::9"))
        );
        assert_ne!(
            network_of(ip("2001:db8:1:2::1")),
            network_of(ip("2001:db8:1:3::1"))
        );
        assert_eq!(network_of(ip("::1")), ip("::"));
    }
}
