//! Which consent sessions `DELETE /oauth2/auth/sessions/consent` revokes, read from its
//! query by the rules of the API it arrived on: Hydra 1.9.2 on the unprefixed path,
//! Hydra v2 (v25.4/v26) under `/admin`.
//!
//! Neither version revokes every consent of a subject unless `all` asks for it: a
//! forgotten or misspelt `client` (or a `consent_request_id` the API does not know) must
//! not wipe out the subject's other grants (Hydra changed this in 1.7, ory/hydra#1952).

use super::Refused;

/// What a revocation request revokes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsentRevocation {
    /// The subject's consents to one client.
    Client { subject: String, client: String },
    /// Every consent of the subject.
    All { subject: String },
    /// One consent request (v2's `consent_request_id`) and the tokens issued under it.
    Request { id: String },
}

/// The query parameters the endpoint reads (absent ones as empty strings).
#[derive(Debug, Clone, Copy, Default)]
pub struct RevokeConsentQuery<'a> {
    pub subject: &'a str,
    pub client: &'a str,
    pub consent_request_id: &'a str,
    pub all: &'a str,
}

/// `all`'s true values. Hydra compares with `"true"` only, but Hydra 1.9.2's own Python
/// SDK sends `all=True`, so the spellings Go's `strconv.ParseBool` takes as true count.
fn is_true(v: &str) -> bool {
    matches!(v, "1" | "t" | "T" | "true" | "TRUE" | "True")
}

const NO_SUBJECT: &str = "Query parameter 'subject' is not defined but should have been.";
const NEITHER: &str =
    "Query parameter both 'client' and 'all' is not defined but one of them should have been.";
const BAD_COMBINATION: &str = "Invalid combination of query parameters.";

impl RevokeConsentQuery<'_> {
    /// Hydra 1.9.2: `subject` is required; `client` narrows to one client and wins over
    /// `all`; otherwise `all` must be true. `consent_request_id` is not a 1.9.2 parameter
    /// and is ignored, as 1.9.2 would.
    pub fn hydra1(&self) -> Result<ConsentRevocation, Refused> {
        if self.subject.is_empty() {
            return Err(NO_SUBJECT.into());
        }
        let subject = self.subject.to_string();
        if !self.client.is_empty() {
            Ok(ConsentRevocation::Client {
                subject,
                client: self.client.to_string(),
            })
        } else if is_true(self.all) {
            Ok(ConsentRevocation::All { subject })
        } else {
            Err(NEITHER.into())
        }
    }

    /// Hydra v2: exactly one of `consent_request_id` alone (its `all` is not read),
    /// `subject` with `client`, or `subject` with `all=true`; any other combination is
    /// refused.
    pub fn v2(&self) -> Result<ConsentRevocation, Refused> {
        let all = is_true(self.all);
        let (s, c, id) = (self.subject, self.client, self.consent_request_id);
        match (s.is_empty(), c.is_empty(), id.is_empty()) {
            (true, true, false) => Ok(ConsentRevocation::Request { id: id.to_string() }),
            (false, false, true) if !all => Ok(ConsentRevocation::Client {
                subject: s.to_string(),
                client: c.to_string(),
            }),
            (false, true, true) if all => Ok(ConsentRevocation::All {
                subject: s.to_string(),
            }),
            _ => Err(BAD_COMBINATION.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ConsentRevocation::*;

    fn q<'a>(
        subject: &'a str,
        client: &'a str,
        id: &'a str,
        all: &'a str,
    ) -> RevokeConsentQuery<'a> {
        RevokeConsentQuery {
            subject,
            client,
            consent_request_id: id,
            all,
        }
    }

    fn client(s: &str, c: &str) -> ConsentRevocation {
        Client {
            subject: s.into(),
            client: c.into(),
        }
    }

    fn all(s: &str) -> ConsentRevocation {
        All { subject: s.into() }
    }

    #[test]
    fn hydra_1_9_2_needs_a_subject_and_either_a_client_or_all() {
        assert_eq!(q("", "app", "", "true").hydra1(), Err(NO_SUBJECT.into()));
        assert_eq!(
            q("alice", "app", "", "").hydra1(),
            Ok(client("alice", "app"))
        );
        assert_eq!(
            q("alice", "app", "", "true").hydra1(),
            Ok(client("alice", "app")),
            "client wins over all"
        );
        assert_eq!(q("alice", "", "", "true").hydra1(), Ok(all("alice")));
        assert_eq!(q("alice", "", "", "").hydra1(), Err(NEITHER.into()));
        assert_eq!(q("alice", "", "", "false").hydra1(), Err(NEITHER.into()));
        assert_eq!(q("alice", "", "", "yes").hydra1(), Err(NEITHER.into()));
    }

    #[test]
    fn hydra_1_9_2_ignores_a_consent_request_id_and_so_never_revokes_everything_for_it() {
        assert_eq!(q("alice", "", "req", "").hydra1(), Err(NEITHER.into()));
        assert_eq!(q("", "", "req", "").hydra1(), Err(NO_SUBJECT.into()));
        assert_eq!(
            q("alice", "app", "req", "").hydra1(),
            Ok(client("alice", "app"))
        );
    }

    #[test]
    fn the_python_sdks_spelling_of_true_counts() {
        for t in ["1", "t", "T", "true", "TRUE", "True"] {
            assert_eq!(q("alice", "", "", t).hydra1(), Ok(all("alice")), "{t}");
            assert_eq!(q("alice", "", "", t).v2(), Ok(all("alice")), "{t}");
        }
    }

    #[test]
    fn v2_revokes_one_consent_request_by_its_id_alone() {
        let one = Ok(Request { id: "req".into() });
        assert_eq!(q("", "", "req", "").v2(), one);
        assert_eq!(q("", "", "req", "true").v2(), one, "all is not read");
        assert_eq!(q("alice", "", "req", "").v2(), Err(BAD_COMBINATION.into()));
        assert_eq!(q("", "app", "req", "").v2(), Err(BAD_COMBINATION.into()));
        assert_eq!(
            q("alice", "", "req", "true").v2(),
            Err(BAD_COMBINATION.into())
        );
    }

    #[test]
    fn v2_takes_a_subject_with_exactly_one_of_client_and_all() {
        assert_eq!(q("alice", "app", "", "").v2(), Ok(client("alice", "app")));
        assert_eq!(q("alice", "", "", "true").v2(), Ok(all("alice")));
        for refused in [
            q("alice", "", "", ""),
            q("alice", "", "", "false"),
            q("alice", "app", "", "true"),
            q("", "app", "", ""),
            q("", "", "", "true"),
            q("", "", "", ""),
        ] {
            assert_eq!(refused.v2(), Err(BAD_COMBINATION.into()), "{refused:?}");
        }
    }
}
