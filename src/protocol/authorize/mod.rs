//! `/oauth2/auth`: parsing and validating the request, and encoding the response or
//! error for the client. The login/consent state machine is `service::flow`.

mod checks;
pub mod params;
pub mod redirect_uri;
pub mod request;
pub mod response;
mod target;

pub use params::Params;
pub use request::{AuthorizeRequest, Policy};
pub use response::{ClientResponse, ResponseMode};
pub use target::{RedirectTarget, Rejection};
