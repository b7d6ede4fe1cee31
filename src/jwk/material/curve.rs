//! Curve keys: EC P-256 / P-521 (`x y d`) and OKP Ed25519 (`x d`) <-> PKCS#8.

use super::{enc, fixed, Alg, JwkError};
use crate::jwk::model::Jwk;
use crate::secret::Secret;
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::pkcs8::{DecodePrivateKey, EncodePrivateKey};

/// Field sizes in bytes: the length of `x`, `y` and `d`.
fn size(alg: Alg) -> usize {
    match alg {
        Alg::Es256 | Alg::EdDsa => 32,
        _ => 66,
    }
}

fn crypto(what: &str) -> impl FnOnce(String) -> JwkError + '_ {
    move |e| JwkError::Crypto(format!("{what}: {e}"))
}

/// `(x, y, d)` of a key; `y` is empty for Ed25519.
type Components = (Vec<u8>, Vec<u8>, Vec<u8>);

fn components(alg: Alg, der: &[u8]) -> Result<Components, JwkError> {
    let bad = crypto("stored key does not parse");
    match alg {
        Alg::Es256 => {
            let k = p256::SecretKey::from_pkcs8_der(der).map_err(|e| bad(e.to_string()))?;
            let point = k.public_key().to_encoded_point(false);
            let (x, y) = xy(point.x().map(|v| &v[..]), point.y().map(|v| &v[..]))?;
            Ok((x, y, k.to_bytes().to_vec()))
        }
        Alg::Es512 => {
            let k = p521::SecretKey::from_pkcs8_der(der).map_err(|e| bad(e.to_string()))?;
            let point = k.public_key().to_encoded_point(false);
            let (x, y) = xy(point.x().map(|v| &v[..]), point.y().map(|v| &v[..]))?;
            Ok((x, y, k.to_bytes().to_vec()))
        }
        Alg::EdDsa => {
            let k =
                ed25519_dalek::SigningKey::from_pkcs8_der(der).map_err(|e| bad(e.to_string()))?;
            Ok((
                k.verifying_key().to_bytes().to_vec(),
                Vec::new(),
                k.to_bytes().to_vec(),
            ))
        }
        Alg::Rs256 => Err(JwkError::Crypto("not a curve key".into())),
    }
}

fn xy(x: Option<&[u8]>, y: Option<&[u8]>) -> Result<(Vec<u8>, Vec<u8>), JwkError> {
    match (x, y) {
        (Some(x), Some(y)) => Ok((x.to_vec(), y.to_vec())),
        _ => Err(JwkError::Crypto("public key is the identity point".into())),
    }
}

fn jwk(alg: Alg, x: &[u8], y: &[u8]) -> Jwk {
    Jwk {
        kty: Some(alg.kty().into()),
        crv: alg.crv().map(String::from),
        x: enc(x),
        y: if y.is_empty() { None } else { enc(y) },
        ..Jwk::default()
    }
}

pub(super) fn from_pkcs8(alg: Alg, der: &[u8]) -> Result<Jwk, JwkError> {
    let (x, y, d) = components(alg, der)?;
    Ok(Jwk {
        d: Some(Secret::new(crate::crypto::b64url(&d))),
        ..jwk(alg, &x, &y)
    })
}

/// Whether `(x, y)` is a point on the curve of `alg` (for Ed25519: `x` decompresses).
fn check_public(alg: Alg, x: &[u8], y: &[u8]) -> Result<(), JwkError> {
    let ok = match alg {
        Alg::Es256 | Alg::Es512 => {
            let mut sec1 = Vec::with_capacity(1 + x.len() + y.len());
            sec1.push(4);
            sec1.extend_from_slice(x);
            sec1.extend_from_slice(y);
            if alg == Alg::Es256 {
                p256::PublicKey::from_sec1_bytes(&sec1).is_ok()
            } else {
                p521::PublicKey::from_sec1_bytes(&sec1).is_ok()
            }
        }
        Alg::EdDsa => <[u8; 32]>::try_from(x)
            .ok()
            .is_some_and(|b| ed25519_dalek::VerifyingKey::from_bytes(&b).is_ok()),
        Alg::Rs256 => false,
    };
    if ok {
        Ok(())
    } else {
        Err(JwkError::invalid(format!(
            "The public key (\"x\"{}) is not a point on the curve of {alg}",
            if y.is_empty() { "" } else { ", \"y\"" }
        )))
    }
}

/// PKCS#8 for the private scalar / seed `d`, or an error if it is out of range.
fn pkcs8_for(alg: Alg, d: &[u8]) -> Result<Vec<u8>, JwkError> {
    let invalid = || JwkError::invalid(format!("The private key \"d\" is not valid for {alg}"));
    let encode = crypto("encoding private key");
    let doc = match alg {
        Alg::Es256 => p256::SecretKey::from_slice(d)
            .map_err(|_| invalid())?
            .to_pkcs8_der()
            .map_err(|e| encode(e.to_string()))?,
        Alg::Es512 => p521::SecretKey::from_slice(d)
            .map_err(|_| invalid())?
            .to_pkcs8_der()
            .map_err(|e| encode(e.to_string()))?,
        Alg::EdDsa => {
            let seed = <[u8; 32]>::try_from(d).map_err(|_| invalid())?;
            ed25519_dalek::SigningKey::from_bytes(&seed)
                .to_pkcs8_der()
                .map_err(|e| encode(e.to_string()))?
        }
        Alg::Rs256 => return Err(invalid()),
    };
    Ok(doc.as_bytes().to_vec())
}

pub(super) fn import(alg: Alg, given: &Jwk) -> Result<(Jwk, Option<Vec<u8>>), JwkError> {
    let crv = alg.crv().unwrap_or_default();
    if given.crv.as_deref() != Some(crv) {
        return Err(JwkError::invalid(format!(
            "A key for {alg} must have \"crv\" {crv:?}, not {:?}",
            given.crv.as_deref().unwrap_or("none")
        )));
    }
    let len = size(alg);
    let x = fixed(given.x.as_deref(), "x", len)?;
    let y = if alg == Alg::EdDsa {
        if given.y.is_some() {
            return Err(JwkError::invalid("An Ed25519 key has no \"y\""));
        }
        Vec::new()
    } else {
        fixed(given.y.as_deref(), "y", len)?
    };
    check_public(alg, &x, &y)?;
    let public = jwk(alg, &x, &y);
    if [&given.p, &given.q, &given.dp, &given.dq, &given.qi]
        .iter()
        .any(|v| v.is_some())
    {
        return Err(JwkError::invalid(format!(
            "A key for {alg} has no RSA members (p, q, dp, dq, qi)"
        )));
    }
    let Some(d) = &given.d else {
        return Ok((public, None));
    };
    let d = fixed(Some(d.expose()), "d", len)?;
    let der = pkcs8_for(alg, &d)?;
    let (dx, dy, _) = components(alg, &der)?;
    if dx != x || dy != y {
        return Err(JwkError::invalid(
            "The private key \"d\" does not belong to the public key given",
        ));
    }
    Ok((public, Some(der)))
}
