//! How long a client's tokens live and what kind of access token it gets: Hydra v2's
//! per-client `*_lifespan` fields and `access_token_strategy`, with the server's
//! settings as the fallback for whatever the client leaves unset.

use crate::model::Client;

/// The grant tokens are issued for, as Hydra names it in the lifespan fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantKind {
    AuthorizationCode,
    ClientCredentials,
    /// `urn:ietf:params:oauth:grant-type:device_code`.
    DeviceCode,
    /// Tokens from the authorization endpoint (implicit and hybrid responses).
    Implicit,
    /// `urn:ietf:params:oauth:grant-type:jwt-bearer`.
    JwtBearer,
    RefreshToken,
    /// Portcullis' first-party login, which no lifespan field names: server defaults.
    FirstParty,
}

impl GrantKind {
    /// The `{prefix}_grant_…_lifespan` of the grant's fields.
    fn prefix(self) -> Option<&'static str> {
        Some(match self {
            GrantKind::AuthorizationCode => "authorization_code",
            GrantKind::ClientCredentials => "client_credentials",
            GrantKind::DeviceCode => "device_authorization",
            GrantKind::Implicit => "implicit",
            GrantKind::JwtBearer => "jwt_bearer",
            GrantKind::RefreshToken => "refresh_token",
            GrantKind::FirstParty => return None,
        })
    }
}

/// Lifetimes in seconds, and whether the access token is a JWT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenSettings {
    pub access_ttl: i64,
    pub refresh_ttl: i64,
    pub id_ttl: i64,
    pub jwt_access_token: bool,
}

impl TokenSettings {
    /// `self` (the server's settings) overridden by what `client` sets for `grant`.
    /// A grant that has no field for a token type (e.g. `client_credentials`' refresh
    /// token) keeps the server's value, as in Hydra.
    pub fn for_client(self, client: &Client, grant: GrantKind) -> TokenSettings {
        let pick = |token: &str, default: i64| {
            grant
                .prefix()
                .and_then(|g| client.lifespans.seconds(g, token))
                .unwrap_or(default)
        };
        TokenSettings {
            access_ttl: pick("access", self.access_ttl),
            refresh_ttl: pick("refresh", self.refresh_ttl),
            id_ttl: pick("id", self.id_ttl),
            jwt_access_token: match client.access_token_strategy.as_deref() {
                Some("jwt") => true,
                Some("opaque") => false,
                _ => self.jwt_access_token,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SERVER: TokenSettings = TokenSettings {
        access_ttl: 3600,
        refresh_ttl: 720 * 3600,
        id_ttl: 3600,
        jwt_access_token: false,
    };

    fn client(v: serde_json::Value) -> Client {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn unset_fields_fall_back_to_the_server_settings() {
        let c = client(serde_json::json!({}));
        for g in [
            GrantKind::AuthorizationCode,
            GrantKind::RefreshToken,
            GrantKind::FirstParty,
        ] {
            assert_eq!(SERVER.for_client(&c, g), SERVER);
        }
    }

    #[test]
    fn each_grant_reads_its_own_fields() {
        let c = client(serde_json::json!({
            "client_credentials_grant_access_token_lifespan": "1m",
            "authorization_code_grant_refresh_token_lifespan": "2h",
            "authorization_code_grant_id_token_lifespan": "5m",
            "device_authorization_grant_access_token_lifespan": "90s",
            "implicit_grant_access_token_lifespan": "10m",
            "access_token_strategy": "jwt",
        }));
        let cc = SERVER.for_client(&c, GrantKind::ClientCredentials);
        assert_eq!((cc.access_ttl, cc.refresh_ttl), (60, SERVER.refresh_ttl));
        assert!(cc.jwt_access_token);
        let ac = SERVER.for_client(&c, GrantKind::AuthorizationCode);
        assert_eq!(
            (ac.access_ttl, ac.refresh_ttl, ac.id_ttl),
            (3600, 7200, 300)
        );
        assert_eq!(SERVER.for_client(&c, GrantKind::DeviceCode).access_ttl, 90);
        assert_eq!(SERVER.for_client(&c, GrantKind::Implicit).access_ttl, 600);
        // The refresh grant has fields of its own: the code grant's do not carry over.
        assert_eq!(
            SERVER.for_client(&c, GrantKind::RefreshToken).refresh_ttl,
            SERVER.refresh_ttl
        );
        assert_eq!(
            SERVER.for_client(&c, GrantKind::FirstParty).access_ttl,
            3600
        );
    }

    #[test]
    fn the_client_strategy_wins_both_ways() {
        let jwt_server = TokenSettings {
            jwt_access_token: true,
            ..SERVER
        };
        let opaque = client(serde_json::json!({"access_token_strategy": "opaque"}));
        let jwt = client(serde_json::json!({"access_token_strategy": "jwt"}));
        let unset = client(serde_json::json!({}));
        let g = GrantKind::ClientCredentials;
        assert!(!jwt_server.for_client(&opaque, g).jwt_access_token);
        assert!(SERVER.for_client(&jwt, g).jwt_access_token);
        assert!(jwt_server.for_client(&unset, g).jwt_access_token);
        assert!(!SERVER.for_client(&unset, g).jwt_access_token);
    }
}
