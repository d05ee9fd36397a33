//! Sign-in, sessions, the second factor and API tokens.
//!
//! Secrets handed to a browser or API client (session and API tokens) are random 128- or
//! 256-bit values; only their SHA-256 is stored, so a copy of the database signs nobody in.
use crate::{Actor, App, AppError};
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::Argon2;
use hearth_domain::audit::Outcome;
use hearth_domain::user::{Permission, UserRecord};
use hearth_domain::{ApiTokenId, DraftId, SessionId};
use hearth_store::{ApiTokenRecord, DraftRecord, SessionRecord};
use rand::RngCore;
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};
use totp_rs::{Builder, Secret, Totp};

/// Hashes a password with argon2id and a random salt, as a PHC string.
pub fn hash_password(password: &str) -> Result<String, AppError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AppError::Store(hearth_store::StoreError::Database(format!("password hashing failed: {e}"))))
}

fn verify_password(password: &str, phc: &str) -> bool {
    Argon2::default().verify_password(password.as_bytes(), phc).is_ok()
}

/// A hash of a password nobody knows, checked when the username is unknown so that the
/// answer takes as long as for a real account.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$N5Zv3VpWTx/0PpDYG9t2Q3qqVn5ruVxHHNjOt/qDhGI";

pub fn random_token(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut b);
    hex::encode(b)
}

pub fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// The shortest password accepted for a new account.
pub const MIN_PASSWORD_LEN: usize = 12;

pub fn check_new_password(password: &str) -> Result<(), AppError> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(AppError::invalid("password", &format!("The password must be at least {MIN_PASSWORD_LEN} characters")));
    }
    Ok(())
}

/// What a browser must do after its password was accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NextStep {
    Done,
    VerifyCode,
    /// The user must set up an authenticator app before going on.
    EnrolMfa,
}

/// A new session: the token goes into the cookie and is never stored.
#[derive(Clone, Debug)]
pub struct NewSession {
    pub token: String,
    pub session: SessionRecord,
    pub next: NextStep,
}

/// How a session token stands now.
#[derive(Clone, Debug)]
pub enum SessionState {
    Active { actor: Actor, session: SessionRecord },
    /// Password accepted, second factor still to do.
    MfaPending { user: UserRecord, session: SessionRecord, next: NextStep },
    /// Timed out (idle or absolute): the record is kept so a form in flight can be saved.
    Expired { session: SessionRecord },
    Unknown,
}

fn totp_for(secret_b32: &str) -> Result<Totp, AppError> {
    let secret = Secret::try_from_base32(secret_b32).map_err(|_| AppError::BadCode)?;
    Builder::new()
        .with_secret(secret)
        .build()
        .map_err(|_| AppError::BadCode)
}

/// A new TOTP secret (160 bits, base32) to enrol.
pub fn new_totp_secret() -> String {
    let mut b = [0u8; 20];
    rand::rng().fill_bytes(&mut b);
    Secret::from(b.as_slice()).to_base32()
}

/// The otpauth URL an authenticator app reads.
pub fn totp_url(secret_b32: &str, username: &str) -> String {
    format!("otpauth://totp/Hearth:{username}?secret={secret_b32}&issuer=Hearth&algorithm=SHA1&digits=6&period=30")
}

/// The current code for a secret; for the demo's printed instructions and for tests.
pub fn totp_code(secret_b32: &str, at: OffsetDateTime) -> Result<String, AppError> {
    Ok(totp_for(secret_b32)?.generate(at.unix_timestamp().max(0) as u64).to_string())
}

fn code_ok(secret_b32: &str, code: &str, at: OffsetDateTime) -> bool {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    totp_for(secret_b32).is_ok_and(|t| t.check(&code, at.unix_timestamp().max(0) as u64).is_some())
}

impl App {
    fn needs_mfa(&self, user: &UserRecord) -> NextStep {
        if user.totp_secret.is_some() {
            NextStep::VerifyCode
        } else if user.role.requires_mfa() || self.config.mfa_required_for_all {
            NextStep::EnrolMfa
        } else {
            NextStep::Done
        }
    }

    /// Checks a password; after `lockout_threshold` failures in a row the account is locked
    /// for `lockout_duration`, even for the right password.
    pub async fn sign_in(&self, username: &str, password: &str) -> Result<NewSession, AppError> {
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let Some(mut user) = tx.user_by_username(username.trim()).await? else {
            verify_password(password, DUMMY_HASH);
            let mut d = self.draft(None, "auth.sign_in", None, Outcome::Denied);
            d.target = Some(format!("unknown user {}", username.chars().take(100).collect::<String>()));
            tx.append_audit(&d).await?;
            tx.commit().await?;
            return Err(AppError::BadCredentials);
        };
        let mut d = self.draft(None, "auth.sign_in", None, Outcome::Denied);
        d.actor = Some(user.id);
        if user.locked_until.is_some_and(|t| t > now) {
            d.reason = Some("account locked".into());
            tx.append_audit(&d).await?;
            tx.commit().await?;
            return Err(AppError::Locked);
        }
        if !user.active || !verify_password(password, &user.password_hash) {
            user.failed_logins += 1;
            if user.failed_logins >= self.config.lockout_threshold {
                user.locked_until = Some(now + self.config.lockout_duration);
                user.failed_logins = 0;
                d.reason = Some("wrong password; account locked".into());
            }
            tx.update_user(&user).await?;
            tx.append_audit(&d).await?;
            tx.commit().await?;
            return Err(AppError::BadCredentials);
        }
        if user.failed_logins != 0 || user.locked_until.is_some() {
            user.failed_logins = 0;
            user.locked_until = None;
            tx.update_user(&user).await?;
        }
        let next = self.needs_mfa(&user);
        let token = random_token(16);
        let session = SessionRecord {
            id: SessionId::new(),
            user: user.id,
            token_hash: sha256_hex(&token),
            csrf_token: random_token(16),
            mfa_passed: next == NextStep::Done,
            created_at: now,
            last_seen_at: now,
        };
        tx.insert_session(&session).await?;
        d.outcome = Outcome::Allowed;
        tx.append_audit(&d).await?;
        tx.commit().await?;
        Ok(NewSession { token, session, next })
    }

    /// Looks a session token up and applies the idle and absolute timeouts.
    pub async fn session(&self, token: &str) -> Result<SessionState, AppError> {
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let Some(mut session) = tx.session_by_token_hash(&sha256_hex(token)).await? else {
            return Ok(SessionState::Unknown);
        };
        if now - session.last_seen_at > self.config.idle_timeout || now - session.created_at > self.config.absolute_timeout {
            return Ok(SessionState::Expired { session });
        }
        let Some(user) = tx.user(session.user).await?.filter(|u| u.active) else {
            return Ok(SessionState::Unknown);
        };
        // Writing on every request would cost a disk sync each; a minute's precision is enough.
        if now - session.last_seen_at > Duration::minutes(1) {
            session.last_seen_at = now;
            tx.update_session(&session).await?;
        }
        let state = if session.mfa_passed {
            SessionState::Active { actor: App::actor_in(tx.as_mut(), user).await?, session }
        } else {
            let next = self.needs_mfa(&user);
            SessionState::MfaPending { user, session, next }
        };
        tx.commit().await?;
        Ok(state)
    }

    /// Verifies the second factor of a pending session.
    pub async fn verify_mfa(&self, session: &SessionRecord, code: &str) -> Result<(), AppError> {
        let mut tx = self.store.begin().await?;
        let user = tx.user(session.user).await?.ok_or(AppError::NotFound)?;
        let mut d = self.draft(None, "auth.mfa_verify", None, Outcome::Denied);
        d.actor = Some(user.id);
        let ok = user.totp_secret.as_deref().is_some_and(|s| code_ok(s, code, self.now()));
        if ok {
            let mut s = session.clone();
            s.mfa_passed = true;
            tx.update_session(&s).await?;
            d.outcome = Outcome::Allowed;
        }
        tx.append_audit(&d).await?;
        tx.commit().await?;
        if ok { Ok(()) } else { Err(AppError::BadCode) }
    }

    /// Confirms enrolment of an authenticator: the code proves the app holds `secret`.
    pub async fn enrol_mfa(&self, session: &SessionRecord, secret: &str, code: &str) -> Result<(), AppError> {
        if !code_ok(secret, code, self.now()) {
            return Err(AppError::BadCode);
        }
        let mut tx = self.store.begin().await?;
        let mut user = tx.user(session.user).await?.ok_or(AppError::NotFound)?;
        user.totp_secret = Some(secret.to_string());
        tx.update_user(&user).await?;
        let mut s = session.clone();
        s.mfa_passed = true;
        tx.update_session(&s).await?;
        let mut d = self.draft(None, "auth.mfa_enrol", None, Outcome::Allowed);
        d.actor = Some(user.id);
        tx.append_audit(&d).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn sign_out(&self, session: &SessionRecord) -> Result<(), AppError> {
        let mut tx = self.store.begin().await?;
        tx.delete_session(session.id).await?;
        let mut d = self.draft(None, "auth.sign_out", None, Outcome::Allowed);
        d.actor = Some(session.user);
        tx.append_audit(&d).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Ends every session of the actor, on every device.
    pub async fn sign_out_everywhere(&self, actor: &Actor) -> Result<u64, AppError> {
        let mut tx = self.store.begin().await?;
        let n = tx.delete_user_sessions(actor.user.id).await?;
        tx.append_audit(&self.draft(Some(actor), "auth.sign_out_everywhere", None, Outcome::Allowed)).await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Keeps a form posted after its session expired, for the same user after signing in.
    pub async fn save_draft(&self, session: &SessionRecord, path: &str, body: &str) -> Result<DraftId, AppError> {
        let mut tx = self.store.begin().await?;
        let draft = DraftRecord { id: DraftId::new(), user: session.user, path: path.to_string(), body: body.to_string(), created_at: self.now() };
        tx.insert_draft(&draft).await?;
        tx.delete_session(session.id).await?;
        let mut d = self.draft(None, "auth.session_expired_draft_kept", None, Outcome::Allowed);
        d.actor = Some(session.user);
        d.target = Some(path.to_string());
        tx.append_audit(&d).await?;
        tx.commit().await?;
        Ok(draft.id)
    }

    /// Gives a kept form back, once, to the user who typed it.
    pub async fn take_draft(&self, actor: &Actor, id: DraftId) -> Result<Option<DraftRecord>, AppError> {
        let mut tx = self.store.begin().await?;
        let d = tx.take_draft(id, actor.user.id).await?;
        tx.commit().await?;
        Ok(d)
    }

    /// Creates a personal API token; the token is returned once and stored only hashed.
    pub async fn create_api_token(&self, actor: &Actor, name: &str) -> Result<(ApiTokenRecord, String), AppError> {
        self.require(actor, Permission::UseApi, "api_token.create").await?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(AppError::invalid("name", "Enter a name for the token, 100 characters or fewer"));
        }
        let token = format!("hearth_{}", random_token(32));
        let rec = ApiTokenRecord {
            id: ApiTokenId::new(),
            user: actor.user.id,
            name: name.to_string(),
            token_hash: sha256_hex(&token),
            created_at: self.now(),
            last_used_at: None,
            revoked_at: None,
        };
        let mut tx = self.store.begin().await?;
        tx.insert_api_token(&rec).await?;
        let mut d = self.draft(Some(actor), "api_token.create", None, Outcome::Allowed);
        d.target = Some(rec.id.to_string());
        tx.append_audit(&d).await?;
        tx.commit().await?;
        Ok((rec, token))
    }

    pub async fn api_tokens(&self, actor: &Actor) -> Result<Vec<ApiTokenRecord>, AppError> {
        let mut tx = self.store.begin().await?;
        let t = tx.api_tokens_of(actor.user.id).await?;
        tx.commit().await?;
        Ok(t)
    }

    pub async fn revoke_api_token(&self, actor: &Actor, id: ApiTokenId) -> Result<(), AppError> {
        let mut tx = self.store.begin().await?;
        tx.revoke_api_token(id, actor.user.id, self.now()).await?;
        let mut d = self.draft(Some(actor), "api_token.revoke", None, Outcome::Allowed);
        d.target = Some(id.to_string());
        tx.append_audit(&d).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The actor behind a bearer token, if it is live and its user may use the API.
    pub async fn api_actor(&self, token: &str) -> Result<Option<Actor>, AppError> {
        let mut tx = self.store.begin().await?;
        let Some(t) = tx.api_token_by_hash(&sha256_hex(token)).await?.filter(|t| t.revoked_at.is_none()) else {
            // Failed API authentication leaves a trace, as failed sign-ins do.
            tx.append_audit(&self.draft(None, "api.authenticate", None, Outcome::Denied)).await?;
            tx.commit().await?;
            return Ok(None);
        };
        let Some(user) = tx.user(t.user).await?.filter(|u| u.active && u.role.can(Permission::UseApi)) else {
            return Ok(None);
        };
        let now = self.now();
        if t.last_used_at.is_none_or(|at| now - at > Duration::minutes(1)) {
            tx.touch_api_token(t.id, now).await?;
        }
        let actor = App::actor_in(tx.as_mut(), user).await?;
        tx.commit().await?;
        Ok(Some(actor))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_round_trip_and_dummy_hash_parses() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("wrong", &h));
        assert!(argon2::password_hash::phc::PasswordHash::new(DUMMY_HASH).is_ok());
    }

    #[test]
    fn totp_codes_verify_with_one_step_of_skew() {
        let s = new_totp_secret();
        let now = OffsetDateTime::now_utc();
        let code = totp_code(&s, now).unwrap();
        assert!(code_ok(&s, &code, now));
        assert!(code_ok(&s, &code, now + Duration::seconds(30)));
        assert!(!code_ok(&s, &code, now + Duration::minutes(5)));
        assert!(!code_ok(&s, "000000x", now));
    }
}
