//! RSA keys: JWK `n e d p q dp dq qi` <-> PKCS#8.

use super::{decode, enc, member, JwkError};
use crate::jwk::model::Jwk;
use crate::secret::Secret;
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use rsa::{BigUint, RsaPrivateKey};

/// Accepted modulus sizes: what AWS-LC verifies with (RSA_PKCS1_2048_8192_SHA256).
const MIN_BITS: usize = 2048;
const MAX_BITS: usize = 8192;

fn secret(n: &BigUint) -> Option<Secret> {
    Some(Secret::new(crate::crypto::b64url(&n.to_bytes_be())))
}

pub(super) fn from_pkcs8(der: &[u8]) -> Result<Jwk, JwkError> {
    let key = RsaPrivateKey::from_pkcs8_der(der)
        .map_err(|e| JwkError::Crypto(format!("stored RSA key does not parse: {e}")))?;
    let primes = key.primes();
    if primes.len() != 2 {
        return Err(JwkError::Crypto(
            "stored RSA key is not a two-prime key".into(),
        ));
    }
    let qi = key
        .crt_coefficient()
        .ok_or_else(|| JwkError::Crypto("stored RSA key has no CRT coefficient".into()))?;
    let (dp, dq) = match (key.dp(), key.dq()) {
        (Some(dp), Some(dq)) => (dp.clone(), dq.clone()),
        _ => {
            return Err(JwkError::Crypto(
                "stored RSA key has no CRT exponents".into(),
            ))
        }
    };
    Ok(Jwk {
        kty: Some("RSA".into()),
        n: enc(&key.n().to_bytes_be()),
        e: enc(&key.e().to_bytes_be()),
        d: secret(key.d()),
        p: secret(&primes[0]),
        q: secret(&primes[1]),
        dp: secret(&dp),
        dq: secret(&dq),
        qi: secret(&qi),
        ..Jwk::default()
    })
}

fn uint(value: Option<&Secret>, name: &str) -> Result<BigUint, JwkError> {
    Ok(BigUint::from_bytes_be(&member(
        value.map(|s| s.expose()),
        name,
    )?))
}

/// Returns the normalised public members and, for a private key, its PKCS#8 form.
pub(super) fn import(jwk: &Jwk) -> Result<(Jwk, Option<Vec<u8>>), JwkError> {
    let n = BigUint::from_bytes_be(&member(jwk.n.as_deref(), "n")?);
    let e = BigUint::from_bytes_be(&member(jwk.e.as_deref(), "e")?);
    let bits = n.bits();
    if !(MIN_BITS..=MAX_BITS).contains(&bits) {
        return Err(JwkError::invalid(format!(
            "RSA keys must have {MIN_BITS} to {MAX_BITS} bits, not {bits}"
        )));
    }
    let e_odd = e.to_bytes_be().last().is_some_and(|b| b & 1 == 1);
    if e.bits() < 2 || e.bits() > 64 || !e_odd {
        return Err(JwkError::invalid(
            "The RSA public exponent \"e\" is not usable",
        ));
    }
    let public = Jwk {
        kty: Some("RSA".into()),
        n: enc(&n.to_bytes_be()),
        e: enc(&e.to_bytes_be()),
        ..Jwk::default()
    };
    if jwk.d.is_none() {
        if [&jwk.p, &jwk.q, &jwk.dp, &jwk.dq, &jwk.qi]
            .iter()
            .any(|v| v.is_some())
        {
            return Err(JwkError::invalid(
                "An RSA key with private members must include \"d\"",
            ));
        }
        return Ok((public, None));
    }
    let d = uint(jwk.d.as_ref(), "d")?;
    let (p, q) = match (&jwk.p, &jwk.q) {
        (Some(_), Some(_)) => (uint(jwk.p.as_ref(), "p")?, uint(jwk.q.as_ref(), "q")?),
        _ => {
            return Err(JwkError::invalid(
                "An RSA private key must include its primes \"p\" and \"q\"",
            ))
        }
    };
    let key = RsaPrivateKey::from_components(n, e, d, vec![p, q])
        .map_err(|e| JwkError::invalid(format!("The RSA private key is inconsistent: {e}")))?;
    // The CRT values are recomputed from d, p, q; ones given must agree with them, or the
    // key given was not the key stored.
    let der = key
        .to_pkcs8_der()
        .map_err(|e| JwkError::Crypto(format!("encoding RSA key: {e}")))?;
    let full = from_pkcs8(der.as_bytes())?;
    for (name, given, computed) in [
        ("dp", &jwk.dp, &full.dp),
        ("dq", &jwk.dq, &full.dq),
        ("qi", &jwk.qi, &full.qi),
    ] {
        if let Some(given) = given {
            let g = BigUint::from_bytes_be(&decode(given.expose(), name)?);
            let c = computed
                .as_ref()
                .and_then(|c| crate::crypto::b64url_decode(c.expose()))
                .map(|b| BigUint::from_bytes_be(&b));
            if Some(g) != c {
                return Err(JwkError::invalid(format!(
                    "The RSA member {name:?} does not belong to this key"
                )));
            }
        }
    }
    Ok((public, Some(der.as_bytes().to_vec())))
}
