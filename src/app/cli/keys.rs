//! `portcullis keys …`: key maintenance from the command line.

use crate::app::system_secret::rotate;
use crate::config::Settings;
use clap::Subcommand;

#[derive(Subcommand)]
pub enum KeysCommand {
    /// Re-encrypt every stored private key under the first secret of SECRETS_SYSTEM and
    /// record it as the database's current secret. Rotate by setting
    /// SECRETS_SYSTEM=new,old on every instance, running this, then dropping the old
    /// secret once tokens issued under it have expired.
    RotateSecret,
}

pub async fn run(what: KeysCommand, settings: Settings) -> anyhow::Result<()> {
    match what {
        KeysCommand::RotateSecret => {
            let count = rotate(&settings).await?;
            println!(
                "re-encrypted {count} private keys and client secrets under the current system secret; older \
                 secrets can be removed from SECRETS_SYSTEM once tokens issued under them \
                 have expired"
            );
            Ok(())
        }
    }
}
