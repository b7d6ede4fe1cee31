//! `/oauth2/auth`: parsing and validating the request, and encoding the response or
//! error for the client. The login/consent state machine lives in [`crate::flow`].

mod checks;
pub mod code;
pub mod errors;
pub mod params;
pub mod pkce;
pub mod redirect_uri;
pub mod request;
pub mod response;
pub mod scope;

pub use code::AuthorizeCode;
pub use errors::{AuthError, ErrorStyle};
pub use params::Params;
pub use request::{AuthorizeRequest, Policy, RedirectTarget, Rejection};
pub use response::{ClientResponse, ResponseMode};
