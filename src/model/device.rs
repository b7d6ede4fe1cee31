//! The records of the device authorization grant (RFC 8628, migration 0008).

use crate::model::TokenRow;

/// A device code: what `/oauth2/device/auth` issued, and once the user approved it, the
/// grant the token endpoint issues from it.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceCode {
    /// Signature of the device code value (see `crate::crypto::handle`).
    pub signature: String,
    /// Keyed hash of the normalised user code (`service::oauth2::device`).
    pub user_code: String,
    /// A non-secret id naming this code in the flow's `request_url`.
    pub id: String,
    pub client_id: String,
    pub requested_scope: Vec<String>,
    pub requested_audience: Vec<String>,
    pub requested_at: i64,
    pub expires_at: i64,
    /// Seconds the device must wait between polls.
    pub interval: i64,
    /// `pending`, `approved`, `denied` or `used` (`protocol::device::DeviceStatus`).
    pub status: String,
}

/// The grant an approved device code carries, in the token tables' column format
/// (`signature`, `issued_at`, `expires_at` and `active` unused).
pub type ApprovedGrant = TokenRow;

/// Where a device code stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceStatus {
    Pending,
    Approved,
    Denied,
    Used,
}

impl DeviceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeviceStatus::Pending => "pending",
            DeviceStatus::Approved => "approved",
            DeviceStatus::Denied => "denied",
            DeviceStatus::Used => "used",
        }
    }

    pub fn parse(s: &str) -> Option<DeviceStatus> {
        Some(match s {
            "pending" => DeviceStatus::Pending,
            "approved" => DeviceStatus::Approved,
            "denied" => DeviceStatus::Denied,
            "used" => DeviceStatus::Used,
            _ => return None,
        })
    }
}

/// A poll that did not get tokens, as the store recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Poll {
    pub status: DeviceStatus,
    pub client_id: String,
    pub expires_at: i64,
    /// The previous poll came sooner than the interval allowed (the interval has grown).
    pub too_fast: bool,
}
