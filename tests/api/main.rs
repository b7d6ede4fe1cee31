//! Integration tests: each test starts the real server on ephemeral ports against a fresh
//! database, once on SQLite and once on PostgreSQL, and talks HTTP to it.

mod helpers;

mod admin_port;
mod cli_remote;
mod clients;
mod config_errors;
mod connections;
mod cors;
mod db_proxy;
mod federation;
mod firstparty;
mod firstparty_config;
mod firstparty_default;
mod firstparty_support;
mod flow;
mod flow_admin;
mod flow_errors;
mod flow_hints;
mod flow_implicit;
mod flow_implicit_errors;
mod flow_implicit_support;
mod flow_logout;
mod flow_support;
mod hardening;
mod health;
mod janitor;
mod keys;
mod oidc_rp;
mod outage;
mod races;
mod readiness;
mod sdk_shapes;
mod security;
mod tokens;
mod tokens_admin;
mod tokens_code;
mod tokens_jwt;
mod tokens_jwt_fetch;
mod tokens_refresh;
mod tokens_support;
mod ui;
mod ui_logout;
mod ui_pages;
mod ui_support;
mod users;
