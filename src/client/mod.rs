//! OAuth 2.0 clients: the model (Hydra's `oAuth2Client`), validation, and secret hashing.

mod model;

pub use model::Client;
