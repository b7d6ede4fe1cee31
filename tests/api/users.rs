//! The user directory: the admin API (`users/admin.rs`), the login check
//! (`Users::authenticate`: `users/login.rs`, `users/throttle.rs`) and the CLI
//! (`users/cli.rs`).

mod admin;
mod cli;
mod login;
mod throttle;

use crate::helpers::Backend;

/// The stored password hash of user `id`, read straight from the database.
pub(crate) async fn stored_hash(backend: Backend, dsn: &str, id: &str) -> String {
    use sqlx::Connection;
    let sql = "SELECT password_hash FROM users WHERE id = $1";
    let row: (String,) = match backend {
        Backend::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(dsn).await.unwrap();
            sqlx::query_as(sql)
                .bind(id)
                .fetch_one(&mut c)
                .await
                .unwrap()
        }
        Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(dsn).await.unwrap();
            sqlx::query_as(sql)
                .bind(id)
                .fetch_one(&mut c)
                .await
                .unwrap()
        }
    };
    row.0
}
