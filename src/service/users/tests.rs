use super::*;
use crate::config::Argon2Params;
use crate::crypto::argon2::Argon2Runner;
use crate::secret::Secret;
use std::sync::Arc;

fn cheap() -> Argon2Params {
    Argon2Params {
        memory: 8 * 1024,
        iterations: 1,
        parallelism: 1,
    }
}

#[tokio::test]
async fn hashes_are_argon2id_phc_and_verify() {
    let pw = Passwords::new(Arc::new(Argon2Runner::new(&cheap())));
    let h = pw.hash(&Secret::new("correct horse")).await.unwrap();
    assert!(h.starts_with("$argon2id$v=19$m=8192,t=1,p=1$"), "{h}");
    assert!(pw
        .verify(&Secret::new("correct horse"), Some(&h))
        .await
        .unwrap());
    assert!(!pw
        .verify(&Secret::new("wrong horse"), Some(&h))
        .await
        .unwrap());
    assert!(!pw
        .verify(&Secret::new("correct horse"), None)
        .await
        .unwrap());
    assert!(!pw
        .verify(&Secret::new("x"), Some("not a hash"))
        .await
        .unwrap());
    assert!(!pw.needs_rehash(&h));
    let stronger = Passwords::new(Arc::new(Argon2Runner::new(&Argon2Params {
        memory: 16 * 1024,
        ..cheap()
    })));
    assert!(stronger.needs_rehash(&h));
    assert_eq!(format!("{pw:?}"), "Passwords([redacted])");
}
