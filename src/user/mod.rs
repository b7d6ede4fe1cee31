//! The built-in user directory: the people who log in through Portcullis's own login page.
//!
//! * `model`: [`User`] (its id is the OpenID Connect `sub`) and the admin JSON view.
//! * `validate`: email normalisation and the rules for every field.
//! * `password`: argon2id hashing and verification off the async runtime, with a dummy
//!   hash so an unknown email costs what a wrong password costs.
//! * `throttle`: failure counters in the database, shared by every replica.
//! * `login`: [`authenticate`], the one login check every login surface uses.
//! * `directory`: create, read, update, delete and set-password, for the admin API and
//!   the CLI.
//!
//! Plain Rust: no axum types; functions that depend on time take `now` (unix seconds).

pub mod cli;
mod directory;
mod login;
mod model;
mod password;
mod throttle;
mod validate;

pub use directory::{
    create, delete, find, get, list, set_password, update, ListQuery, Page, UserError,
};
pub use login::{authenticate, authenticate_with, LoginDeps, LoginError};
pub use model::{NewUser, User, UserProfile, UserView};
pub use password::{HashError, Passwords};
pub use throttle::{ThrottleKind, ThrottlePolicy};
pub use validate::{
    normalize_email, validate_email, validate_password, MAX_PASSWORD_BYTES, MIN_PASSWORD_CHARS,
};

#[cfg(test)]
mod tests;
