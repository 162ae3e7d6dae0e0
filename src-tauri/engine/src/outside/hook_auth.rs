//! How a webhook delivery proves it knows the hook's secret, checked in two steps: the
//! headers at the door (before any byte of the body is read), then — for signatures — the
//! body against them. Pure logic: the secret, headers, body and clock come in as values.
//!
//! Every refusal is the same [`refused`] error, whatever the reason (no such hook, turned
//! off, wrong secret, bad or stale signature), so a caller learns nothing about which hooks
//! exist. Comparisons of secrets and signatures take constant time.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::error::{ApiError, ErrorCode, Result};
use crate::secrets;
use crate::store::hooks::HookAuth;

/// How far a Standard Webhooks timestamp may be from now, either way (the spec's default).
pub const TIMESTAMP_TOLERANCE_SECS: i64 = 5 * 60;

const WHSEC: &str = "whsec_";

/// The one answer to every delivery that is not let in.
pub fn refused() -> ApiError {
    ApiError::new(ErrorCode::Unauthorized, "no webhook by that name takes this delivery")
}

/// What a delivery's headers carry, as sent.
#[derive(Debug, Default, Clone)]
pub struct Knock {
    /// `Authorization: Bearer …` or `X-Hearth-Hook-Secret`.
    pub bearer: Option<String>,
    /// `X-Hearth-Delivery`, `X-GitHub-Delivery` or `Idempotency-Key`.
    pub delivery: Option<String>,
    /// `X-Hub-Signature-256`.
    pub hub_signature: Option<String>,
    /// `webhook-id`, `webhook-timestamp`, `webhook-signature`.
    pub webhook_id: Option<String>,
    pub webhook_timestamp: Option<String>,
    pub webhook_signature: Option<String>,
}

/// A delivery let in at the door; its body is still to pass [`Pass::check_body`].
pub struct Pass {
    /// The sender's delivery id (for Standard Webhooks the signed `webhook-id`).
    pub delivery: Option<String>,
    body: BodyCheck,
}

enum BodyCheck {
    /// The secret itself was shown: any body.
    None,
    /// HMAC-SHA256 over `prefix` then the body must equal one of `signatures`.
    Mac { key: Vec<u8>, prefix: Vec<u8>, signatures: Vec<Vec<u8>> },
}

impl std::fmt::Debug for Pass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pass").field("delivery", &self.delivery).finish_non_exhaustive()
    }
}

impl Pass {
    /// Whether the body is the one the sender signed.
    pub fn check_body(&self, body: &[u8]) -> Result<()> {
        match &self.body {
            BodyCheck::None => Ok(()),
            BodyCheck::Mac { key, prefix, signatures } => {
                let matches = signatures.iter().any(|sig| {
                    let mut mac = hmac(key);
                    mac.update(prefix);
                    mac.update(body);
                    mac.verify_slice(sig).is_ok()
                });
                if matches { Ok(()) } else { Err(refused()) }
            }
        }
    }
}

fn hmac(key: &[u8]) -> Hmac<Sha256> {
    // HMAC takes a key of any length.
    Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length")
}

/// The door: whether these headers may deliver to a hook with this `auth` and `secret` at
/// `now` (Unix seconds). Reads no body.
pub fn admit(auth: HookAuth, secret: &str, knock: &Knock, now: i64) -> Result<Pass> {
    let delivery = knock.delivery.clone();
    match auth {
        HookAuth::Bearer => {
            let shown = knock.bearer.as_deref().unwrap_or("");
            if !secrets::token_matches(shown, secret) {
                return Err(refused());
            }
            Ok(Pass { delivery, body: BodyCheck::None })
        }
        HookAuth::Github => {
            let hex = knock
                .hub_signature
                .as_deref()
                .and_then(|v| v.strip_prefix("sha256="))
                .ok_or_else(refused)?;
            let signature = from_hex(hex).filter(|s| s.len() == 32).ok_or_else(refused)?;
            let body = BodyCheck::Mac {
                key: secret.as_bytes().to_vec(),
                prefix: Vec::new(),
                signatures: vec![signature],
            };
            Ok(Pass { delivery, body })
        }
        HookAuth::StandardWebhooks => {
            let key = standard_key(secret).ok_or_else(refused)?;
            let id = knock.webhook_id.as_deref().filter(|id| valid_id(id)).ok_or_else(refused)?;
            let stamp = knock.webhook_timestamp.as_deref().ok_or_else(refused)?;
            let at: i64 = stamp.parse().map_err(|_| refused())?;
            if (now - at).abs() > TIMESTAMP_TOLERANCE_SECS {
                return Err(refused());
            }
            let signatures: Vec<Vec<u8>> = knock
                .webhook_signature
                .as_deref()
                .unwrap_or("")
                .split(' ')
                .filter_map(|s| s.strip_prefix("v1,"))
                .filter_map(|b64| STANDARD.decode(b64).ok())
                .filter(|s| s.len() == 32)
                .collect();
            if signatures.is_empty() {
                return Err(refused());
            }
            let prefix = format!("{id}.{stamp}.").into_bytes();
            Ok(Pass {
                delivery: Some(id.to_owned()),
                body: BodyCheck::Mac { key, prefix, signatures },
            })
        }
    }
}

/// A delivery id: 1 to 128 visible characters.
fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 128 && id.bytes().all(|b| b.is_ascii_graphic())
}

fn from_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect()
}

/// The key of a `whsec_<base64>` secret.
fn standard_key(secret: &str) -> Option<Vec<u8>> {
    STANDARD.decode(secret.strip_prefix(WHSEC)?).ok().filter(|k| (16..=64).contains(&k.len()))
}

/// A new secret for a hook of this kind, shown once.
pub fn new_secret(auth: HookAuth) -> String {
    match auth {
        HookAuth::Bearer | HookAuth::Github => secrets::new_token(),
        HookAuth::StandardWebhooks => {
            format!("{WHSEC}{}", STANDARD.encode(rand::random::<[u8; 32]>()))
        }
    }
}

/// Whether a secret the sender made fits a hook of this kind. The message never repeats it.
pub fn validate_secret(auth: HookAuth, secret: &str) -> Result<()> {
    let invalid = |message: &str| Err(ApiError::new(ErrorCode::InvalidHook, message));
    match auth {
        HookAuth::StandardWebhooks if standard_key(secret).is_none() => {
            invalid("a Standard Webhooks secret is `whsec_` and the base64 of 16 to 64 bytes")
        }
        HookAuth::StandardWebhooks => Ok(()),
        HookAuth::Bearer | HookAuth::Github
            if !(16..=256).contains(&secret.len())
                || !secret.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            invalid("a webhook secret is 16 to 256 visible ASCII characters, no spaces")
        }
        HookAuth::Bearer | HookAuth::Github => Ok(()),
    }
}

/// Whether a stored secret can key deliveries of this kind (a switch to Standard Webhooks
/// needs a `whsec_` one).
pub fn secret_fits(auth: HookAuth, secret: &str) -> bool {
    auth != HookAuth::StandardWebhooks || standard_key(secret).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_700_000_000;

    fn mac(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
        let mut m = hmac(key);
        for p in parts {
            m.update(p);
        }
        m.finalize().into_bytes().to_vec()
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn standard_knock(key: &[u8], id: &str, at: i64, body: &[u8]) -> Knock {
        let sig = mac(key, &[id.as_bytes(), b".", at.to_string().as_bytes(), b".", body]);
        Knock {
            webhook_id: Some(id.into()),
            webhook_timestamp: Some(at.to_string()),
            webhook_signature: Some(format!("v1,{}", STANDARD.encode(sig))),
            ..Knock::default()
        }
    }

    #[test]
    fn a_bearer_hook_takes_exactly_its_secret() {
        let secret = "s".repeat(64);
        let knock = |s: &str| Knock { bearer: Some(s.into()), ..Knock::default() };
        assert!(admit(HookAuth::Bearer, &secret, &knock(&secret), NOW).is_ok());
        for wrong in ["", "s", &"s".repeat(63), &"t".repeat(64), &"s".repeat(65)] {
            let err = admit(HookAuth::Bearer, &secret, &knock(wrong), NOW).unwrap_err();
            assert_eq!(err, refused(), "{wrong:?} is not the secret");
        }
        let signed_only = Knock { hub_signature: Some("sha256=00".into()), ..Knock::default() };
        assert!(admit(HookAuth::Bearer, &secret, &signed_only, NOW).is_err());
    }

    #[test]
    fn a_github_signature_covers_the_whole_body() {
        let secret = "It's a Secret to Everybody";
        let body = b"Hello, World!";
        // GitHub's documented example (docs.github.com, "Validating webhook deliveries").
        let documented = "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
        assert_eq!(hex(&mac(secret.as_bytes(), &[body])), documented);
        let knock = Knock {
            hub_signature: Some(format!("sha256={documented}")),
            delivery: Some("d-1".into()),
            ..Knock::default()
        };
        let pass = admit(HookAuth::Github, secret, &knock, NOW).unwrap();
        assert_eq!(pass.delivery.as_deref(), Some("d-1"));
        assert!(pass.check_body(body).is_ok());
        assert_eq!(pass.check_body(b"Hello, World?").unwrap_err(), refused());
        for header in [None, Some("sha1=abc"), Some("sha256=zz"), Some("sha256=00ff")] {
            let knock = Knock { hub_signature: header.map(str::to_owned), ..Knock::default() };
            assert!(admit(HookAuth::Github, secret, &knock, NOW).is_err(), "{header:?}");
        }
        let bearer = Knock { bearer: Some(secret.into()), ..Knock::default() };
        assert!(admit(HookAuth::Github, secret, &bearer, NOW).is_err(), "signatures only");
    }

    #[test]
    fn a_standard_webhooks_signature_covers_id_timestamp_and_body() {
        let key = [9u8; 32];
        let secret = format!("whsec_{}", STANDARD.encode(key));
        let body = br#"{"type":"ping"}"#;
        let pass =
            admit(HookAuth::StandardWebhooks, &secret, &standard_knock(&key, "m1", NOW, body), NOW)
                .unwrap();
        assert_eq!(pass.delivery.as_deref(), Some("m1"), "the webhook-id is the delivery id");
        assert!(pass.check_body(body).is_ok());
        assert!(pass.check_body(br#"{"type":"pong"}"#).is_err(), "a tampered body");
        for at in [NOW - TIMESTAMP_TOLERANCE_SECS, NOW + TIMESTAMP_TOLERANCE_SECS] {
            let knock = standard_knock(&key, "m1", at, body);
            assert!(admit(HookAuth::StandardWebhooks, &secret, &knock, NOW).is_ok(), "{at}");
        }
        for at in [NOW - TIMESTAMP_TOLERANCE_SECS - 1, NOW + TIMESTAMP_TOLERANCE_SECS + 1] {
            let knock = standard_knock(&key, "m1", at, body);
            assert!(admit(HookAuth::StandardWebhooks, &secret, &knock, NOW).is_err(), "{at}");
        }
        // Several signatures (a key rotation): one match is enough; other versions are skipped.
        let mut knock = standard_knock(&key, "m1", NOW, body);
        knock.webhook_signature = Some(format!(
            "v1a,xyz v1,{} {}",
            STANDARD.encode([0u8; 32]),
            knock.webhook_signature.unwrap()
        ));
        let pass = admit(HookAuth::StandardWebhooks, &secret, &knock, NOW).unwrap();
        assert!(pass.check_body(body).is_ok());
        // Signed by the id and timestamp too: moving the signature to another id fails.
        let mut moved = standard_knock(&key, "m1", NOW, body);
        moved.webhook_id = Some("m2".into());
        let pass = admit(HookAuth::StandardWebhooks, &secret, &moved, NOW).unwrap();
        assert!(pass.check_body(body).is_err());
        let mut missing = standard_knock(&key, "m1", NOW, body);
        missing.webhook_timestamp = None;
        assert!(admit(HookAuth::StandardWebhooks, &secret, &missing, NOW).is_err());
    }

    #[test]
    fn secrets_fit_their_kind() {
        assert!(new_secret(HookAuth::StandardWebhooks).starts_with("whsec_"));
        assert!(secret_fits(HookAuth::StandardWebhooks, &new_secret(HookAuth::StandardWebhooks)));
        assert!(!secret_fits(HookAuth::StandardWebhooks, &new_secret(HookAuth::Github)));
        assert!(secret_fits(HookAuth::Github, &new_secret(HookAuth::StandardWebhooks)));
        for (auth, secret, ok) in [
            (HookAuth::StandardWebhooks, "whsec_", false),
            (HookAuth::StandardWebhooks, "whsec_!!!!", false),
            (HookAuth::StandardWebhooks, "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", false),
            (HookAuth::StandardWebhooks, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", true),
            (HookAuth::Github, "short", false),
            (HookAuth::Github, "with a space in it ok", false),
            (HookAuth::Github, "a-long-enough-secret", true),
        ] {
            assert_eq!(validate_secret(auth, secret).is_ok(), ok, "{auth:?} {secret:?}");
            if let Err(e) = validate_secret(auth, secret) {
                assert!(secret.len() < 10 || !e.message.contains(secret), "never echoes it");
            }
        }
    }
}
