//! Sign-in, sessions, the second factor and API tokens.
//!
//! Secrets handed to a browser or API client (session and API tokens) are random 128- or
//! 256-bit values; only their SHA-256 is stored, so a copy of the database signs nobody in.
use crate::{Actor, App, AppError};
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::Argon2;
use hearth_domain::audit::{AuditDraft, Outcome};
use hearth_domain::user::{Permission, UserRecord};
use hearth_domain::{ApiTokenId, DraftId, SessionId, SetupLinkId, UserId};
use hearth_store::{ApiTokenRecord, DraftRecord, SessionRecord, SetupLinkRecord, Tx};
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

/// `verify_password` off the async runtime: argon2 takes tens of milliseconds of CPU, which
/// would hold up every other request on the worker thread.
async fn verify_password_blocking(password: &str, phc: &str) -> bool {
    let (password, phc) = (password.to_string(), phc.to_string());
    tokio::task::spawn_blocking(move || verify_password(&password, &phc)).await.unwrap_or(false)
}

/// `hash_password` off the async runtime.
pub async fn hash_password_blocking(password: &str) -> Result<String, AppError> {
    let password = password.to_string();
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| AppError::Store(hearth_store::StoreError::Database(format!("password hashing failed: {e}"))))?
}

/// The stored hash of an account whose owner has not set a password yet: it is no PHC
/// string, so no password matches it.
pub const NO_PASSWORD: &str = "!unset";

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

/// The longest password accepted (long passphrases are welcome; this only bounds the work).
pub const MAX_PASSWORD_LEN: usize = 1000;

/// What is wrong with a new password, if anything: too short, too long, or easy to guess —
/// a common password, or one made of `context` (the user's name and username, the service's
/// name), as the zxcvbn estimator judges it.
pub fn new_password_problem(password: &str, context: &[&str]) -> Option<String> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_LEN {
        return Some(format!("The password must be at least {MIN_PASSWORD_LEN} characters"));
    }
    if n > MAX_PASSWORD_LEN {
        return Some(format!("The password must be {MAX_PASSWORD_LEN} characters or fewer"));
    }
    let mut words: Vec<&str> = vec!["hearth", "social", "care", "council"];
    words.extend(context.iter().flat_map(|c| c.split(|ch: char| !ch.is_alphanumeric())).filter(|w| w.len() > 2));
    // The estimator's work grows with the length; the first 100 characters tell enough.
    let judged: String = password.chars().take(100).collect();
    (zxcvbn::zxcvbn(&judged, &words).score() < zxcvbn::Score::Three).then(|| {
        "Choose a password that is harder to guess: not a common password, and not made of your name, your username or the name of this service. A few unrelated words make a strong one".to_string()
    })
}

/// `new_password_problem` as a field error on `password`.
pub fn check_new_password(password: &str, context: &[&str]) -> Result<(), AppError> {
    match new_password_problem(password, context) {
        Some(m) => Err(AppError::invalid("password", &m)),
        None => Ok(()),
    }
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

/// How long a set-up link works.
pub const SETUP_LINK_HOURS: i64 = 72;

/// How long a form kept after its session expired waits to be given back.
pub const DRAFT_LIFETIME: Duration = Duration::days(7);

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

/// The time step of `code` if it is right for the secret now (one step of clock skew either
/// way) and newer than `after`, the last step the user's codes were accepted at: a code is
/// accepted once, and never one older than the last accepted.
fn code_step(secret_b32: &str, code: &str, at: OffsetDateTime, after: i64) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let step = totp_for(secret_b32).ok()?.check(&code, at.unix_timestamp().max(0) as u64)?;
    i64::try_from(step).ok().filter(|&s| s > after)
}

/// Fields never kept in a draft: passwords, authenticator secrets and codes, tokens.
fn is_secret_field(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    ["password", "secret", "token", "otp"].iter().any(|w| n.contains(w)) || matches!(n.as_str(), "code" | "current_code" | "confirm")
}

/// A form body (urlencoded) without its secret fields.
pub fn scrub_draft(body: &str) -> String {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(body).unwrap_or_default();
    let kept: Vec<(String, String)> = pairs.into_iter().filter(|(k, _)| !is_secret_field(k)).collect();
    serde_urlencoded::to_string(kept).unwrap_or_default()
}

/// A set-up link as its owner sees it before using it.
#[derive(Clone, Debug)]
pub struct SetupView {
    pub username: String,
    pub display_name: String,
    /// Whether the account must set up an authenticator too.
    pub needs_mfa: bool,
    /// Whether the account already has one (a reissued link keeps it).
    pub has_mfa: bool,
    /// The authenticator secret proposed for it, when it needs one.
    pub proposed_totp: Option<String>,
    pub expires_at: OffsetDateTime,
}

/// What a completed set-up changes.
#[derive(Clone, Debug)]
pub struct SetupAnswer {
    pub password: String,
    pub confirm: String,
    /// The code the authenticator app shows now, when the account needs one.
    pub code: String,
}

/// What signing out everywhere ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SignedOut {
    pub sessions: u64,
    pub api_tokens: u64,
}

impl App {
    fn needs_mfa(&self, user: &UserRecord) -> NextStep {
        if user.totp_secret.is_some() {
            NextStep::VerifyCode
        } else if self.mfa_required(user) {
            NextStep::EnrolMfa
        } else {
            NextStep::Done
        }
    }

    fn mfa_required(&self, user: &UserRecord) -> bool {
        user.role.requires_mfa() || self.config.mfa_required_for_all
    }

    fn new_session(&self, user: UserId, mfa_passed: bool) -> (String, SessionRecord) {
        let now = self.now();
        let token = random_token(16);
        let session = SessionRecord {
            id: SessionId::new(),
            user,
            token_hash: sha256_hex(&token),
            csrf_token: random_token(16),
            mfa_passed,
            proposed_totp: None,
            created_at: now,
            last_seen_at: now,
        };
        (token, session)
    }

    /// Counts a failed password or code towards the account's lockout; at the threshold the
    /// account is locked for `lockout_duration`. Returns whether it is now locked.
    fn count_failure(&self, user: &mut UserRecord) -> bool {
        user.failed_logins += 1;
        if user.failed_logins >= self.config.lockout_threshold {
            user.locked_until = Some(self.now() + self.config.lockout_duration);
            user.failed_logins = 0;
            return true;
        }
        false
    }

    /// Checks a password; after `lockout_threshold` failures in a row (passwords and codes)
    /// the account is locked for `lockout_duration`, even for the right password. A locked
    /// account, an unknown username and a wrong password get the same answer in about the
    /// same time: the password is checked in every case. The password is checked outside
    /// any transaction, so that no writer waits behind the hashing.
    pub async fn sign_in(&self, username: &str, password: &str) -> Result<NewSession, AppError> {
        let found = {
            let mut tx = self.store.begin().await?;
            let u = tx.user_by_username(username.trim()).await?;
            tx.commit().await?;
            u
        };
        let Some(found) = found else {
            verify_password_blocking(password, DUMMY_HASH).await;
            // What was typed is not kept: it may be a password typed into the wrong box.
            let mut d = self.draft(None, "auth.sign_in", None, Outcome::Denied);
            d.reason = Some("unknown username".into());
            let mut tx = self.store.begin().await?;
            tx.append_audit(&d).await?;
            tx.commit().await?;
            return Err(AppError::BadCredentials);
        };
        let password_ok = verify_password_blocking(password, &found.password_hash).await;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        // Read again under the write lock: concurrent failures each count.
        let mut user = tx.user(found.id).await?.ok_or(AppError::BadCredentials)?;
        let mut d = self.draft(None, "auth.sign_in", None, Outcome::Denied);
        d.actor = Some(user.id);
        d.target = Some(user.username.clone());
        if user.locked_until.is_some_and(|t| t > now) {
            d.reason = Some("account locked".into());
            tx.append_audit(&d).await?;
            tx.commit().await?;
            return Err(AppError::BadCredentials);
        }
        if !user.active || !password_ok {
            let locked = self.count_failure(&mut user);
            d.reason = Some(match (user.active, locked) {
                (false, _) => "account deactivated".into(),
                (true, true) => "wrong password; account locked".into(),
                (true, false) => "wrong password".into(),
            });
            tx.update_user(&user).await?;
            tx.append_audit(&d).await?;
            tx.commit().await?;
            return Err(AppError::BadCredentials);
        }
        let next = self.needs_mfa(&user);
        // The failures are forgiven only once the second factor is passed too.
        if next == NextStep::Done && (user.failed_logins != 0 || user.locked_until.is_some()) {
            user.failed_logins = 0;
            user.locked_until = None;
            tx.update_user(&user).await?;
        }
        let (token, session) = self.new_session(user.id, next == NextStep::Done);
        tx.insert_session(&session).await?;
        d.outcome = Outcome::Allowed;
        if next != NextStep::Done {
            d.reason = Some("password accepted; second factor to come".into());
        }
        tx.append_audit(&d).await?;
        tx.commit().await?;
        Ok(NewSession { token, session, next })
    }

    /// Looks a session token up and applies the idle and absolute timeouts.
    pub async fn session(&self, token: &str) -> Result<SessionState, AppError> {
        let now = self.now();
        // Read beside the writer: a page view does not queue for it to find its session.
        let mut tx = self.store.begin_read().await?;
        let Some(mut session) = tx.session_by_token_hash(&sha256_hex(token)).await? else {
            return Ok(SessionState::Unknown);
        };
        if now - session.last_seen_at > self.config.idle_timeout || now - session.created_at > self.config.absolute_timeout {
            return Ok(SessionState::Expired { session });
        }
        let Some(user) = tx.user(session.user).await?.filter(|u| u.active) else {
            return Ok(SessionState::Unknown);
        };
        let state = if session.mfa_passed {
            SessionState::Active { actor: self.actor_in(tx.as_mut(), user).await?, session: session.clone() }
        } else {
            let next = self.needs_mfa(&user);
            SessionState::MfaPending { user, session: session.clone(), next }
        };
        tx.commit().await?;
        // Writing on every request would cost a disk sync each; a minute's precision is enough.
        if now - session.last_seen_at > Duration::minutes(1) {
            session.last_seen_at = now;
            let mut tx = self.store.begin().await?;
            tx.touch_session(session.id, now).await?;
            tx.commit().await?;
        }
        Ok(state)
    }

    /// The second factor of `pending` is passed with a code of `step`: the step is kept (no
    /// code of it or before is accepted again), the failures are forgiven, and the pending
    /// session is replaced by a new, fully signed-in one (a new id, token and CSRF token, so
    /// that whatever knew the pending session's cookie knows nothing now), audited as `d`.
    async fn second_factor_passed(&self, mut tx: Box<dyn Tx>, mut user: UserRecord, step: i64, pending: &SessionRecord, mut d: AuditDraft) -> Result<NewSession, AppError> {
        user.totp_last_step = step;
        user.failed_logins = 0;
        user.locked_until = None;
        tx.update_user(&user).await?;
        tx.delete_session(pending.id).await?;
        let (token, session) = self.new_session(pending.user, true);
        tx.insert_session(&session).await?;
        d.outcome = Outcome::Allowed;
        tx.append_audit(&d).await?;
        tx.commit().await?;
        Ok(NewSession { token, session, next: NextStep::Done })
    }

    /// Verifies the second factor of a pending session. A wrong (or replayed) code counts
    /// towards the account's lockout as a wrong password does; at the threshold the account
    /// is locked and the pending session ends (`Locked`).
    pub async fn verify_mfa(&self, session: &SessionRecord, code: &str) -> Result<NewSession, AppError> {
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let mut user = tx.user(session.user).await?.ok_or(AppError::NotFound)?;
        let mut d = self.draft(None, "auth.mfa_verify", None, Outcome::Denied);
        d.actor = Some(user.id);
        if session.mfa_passed || user.locked_until.is_some_and(|t| t > now) {
            tx.delete_session(session.id).await?;
            d.reason = Some(if session.mfa_passed { "session already signed in".into() } else { "account locked".into() });
            tx.append_audit(&d).await?;
            tx.commit().await?;
            return Err(AppError::Locked);
        }
        let step = user.totp_secret.as_deref().and_then(|s| code_step(s, code, now, user.totp_last_step));
        let Some(step) = step else {
            let locked = self.count_failure(&mut user);
            tx.update_user(&user).await?;
            if locked {
                tx.delete_session(session.id).await?;
            }
            d.reason = Some(if locked { "wrong or reused code; account locked".into() } else { "wrong or reused code".into() });
            tx.append_audit(&d).await?;
            tx.commit().await?;
            return Err(if locked { AppError::Locked } else { AppError::BadCode });
        };
        self.second_factor_passed(tx, user, step, session, d).await
    }

    /// The authenticator secret proposed to the session's user (to enrol, or to replace
    /// their app), made and kept on the session the first time it is asked for: the same one
    /// is shown again until it is used, and a code is only ever checked against it.
    pub async fn propose_totp(&self, session: &SessionRecord) -> Result<String, AppError> {
        if let Some(s) = &session.proposed_totp {
            return Ok(s.clone());
        }
        let secret = new_totp_secret();
        let mut tx = self.store.begin().await?;
        tx.update_session(&SessionRecord { proposed_totp: Some(secret.clone()), ..session.clone() }).await?;
        tx.commit().await?;
        Ok(secret)
    }

    /// Confirms the first authenticator of an account that has none, from a pending session:
    /// the code proves the app holds the secret Hearth proposed (`propose_totp`). An account
    /// that already has an authenticator replaces it only from a fully signed-in session
    /// (`replace_mfa`) or by an administrator's reset, never here.
    pub async fn enrol_mfa(&self, session: &SessionRecord, code: &str) -> Result<NewSession, AppError> {
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let mut user = tx.user(session.user).await?.ok_or(AppError::NotFound)?;
        let mut d = self.draft(None, "auth.mfa_enrol", None, Outcome::Denied);
        d.actor = Some(user.id);
        if session.mfa_passed || user.totp_secret.is_some() || !self.mfa_required(&user) || user.locked_until.is_some_and(|t| t > now) {
            d.reason = Some("enrolment refused: an authenticator is already set up, or none is needed".into());
            tx.append_audit(&d).await?;
            tx.commit().await?;
            return Err(AppError::Forbidden);
        }
        let proposed = session.proposed_totp.clone();
        let Some((secret, step)) = proposed.and_then(|s| code_step(&s, code, now, 0).map(|step| (s, step))) else {
            d.reason = Some("wrong code for the proposed authenticator".into());
            tx.append_audit(&d).await?;
            tx.commit().await?;
            return Err(AppError::BadCode);
        };
        user.totp_secret = Some(secret);
        self.second_factor_passed(tx, user, step, session, d).await
    }

    /// Checks the password (`password_ok`: checked against the actor's hash before the
    /// transaction, so no writer waits behind the hashing) and, when the account has an
    /// authenticator, its current code, for a change to the account itself, counting
    /// failures towards the lockout. The user is read again in `tx`.
    async fn reauthenticate(&self, tx: &mut dyn Tx, actor: &Actor, password_ok: bool, code: &str, action: &str) -> Result<UserRecord, AppError> {
        let now = self.now();
        let mut user = tx.user(actor.user.id).await?.ok_or(AppError::NotFound)?;
        let step = match &user.totp_secret {
            Some(s) => code_step(s, code, now, user.totp_last_step).map(Some),
            None => Some(None),
        };
        let mut errors = hearth_domain::FieldErrors::new();
        if !password_ok {
            errors.add("current_password", "The password is not correct");
        }
        if step.is_none() {
            errors.add("current_code", "The security code is not correct. Enter the code your authenticator app shows now");
        }
        match step {
            Some(step) if password_ok => {
                if let Some(step) = step {
                    user.totp_last_step = step;
                }
                Ok(user)
            }
            _ => {
                let locked = self.count_failure(&mut user);
                tx.update_user(&user).await?;
                let mut d = self.draft(Some(actor), action, None, Outcome::Denied);
                d.reason = Some(if locked { "wrong password or code; account locked".into() } else { "wrong password or code".into() });
                if locked {
                    tx.delete_user_sessions(user.id).await?;
                }
                tx.append_audit(&d).await?;
                Err(if locked { AppError::Locked } else { AppError::Invalid(errors) })
            }
        }
    }

    /// Commits the refusal a `reauthenticate` recorded and hands its error back.
    async fn refused(tx: Box<dyn Tx>, e: AppError) -> AppError {
        if matches!(e, AppError::Locked | AppError::Invalid(_))
            && let Err(c) = tx.commit().await
        {
            return c.into();
        }
        e
    }

    /// Sets up or replaces the actor's authenticator with the one Hearth proposed to this
    /// session, from a fully signed-in session that has just given the password and the
    /// current code. Every session ends; the answer is a new one for this browser.
    pub async fn replace_mfa(&self, actor: &Actor, session: &SessionRecord, password: &str, current_code: &str, code: &str) -> Result<NewSession, AppError> {
        let password_ok = verify_password_blocking(password, &actor.user.password_hash).await;
        let mut tx = self.store.begin().await?;
        let mut user = match self.reauthenticate(tx.as_mut(), actor, password_ok, current_code, "auth.mfa_replace").await {
            Ok(u) => u,
            Err(e) => return Err(Self::refused(tx, e).await),
        };
        let proposed = session.proposed_totp.clone();
        let Some((secret, step)) = proposed.and_then(|s| code_step(&s, code, self.now(), 0).map(|step| (s, step))) else {
            return Err(AppError::invalid("code", "The new security code is not correct. Check the key you entered in your app and enter the code it shows now"));
        };
        let replaced = user.totp_secret.is_some();
        user.totp_secret = Some(secret);
        user.totp_last_step = step;
        user.failed_logins = 0;
        tx.update_user(&user).await?;
        let (ended, new) = self.renew_sessions(tx.as_mut(), user.id).await?;
        let mut d = self.draft(Some(actor), "auth.mfa_replace", None, Outcome::Allowed);
        d.reason = Some(format!("{}; {ended} other sessions ended", if replaced { "authenticator replaced" } else { "authenticator set up" }));
        tx.append_audit(&d).await?;
        tx.commit().await?;
        Ok(new)
    }

    /// Changes the actor's password after checking the current one (and code). Every
    /// session ends (the answer is a new one for this browser) and every API token is
    /// revoked: whoever knew the old password may have made one.
    pub async fn change_password(&self, actor: &Actor, current: &str, code: &str, new: &str, confirm: &str) -> Result<(SignedOut, NewSession), AppError> {
        let mut errors = hearth_domain::FieldErrors::new();
        if let Some(m) = new_password_problem(new, &[&actor.user.username, &actor.user.display_name]) {
            errors.add("new_password", m);
        }
        if new != confirm {
            errors.add("confirm_password", "The two new passwords are not the same");
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let password_ok = verify_password_blocking(current, &actor.user.password_hash).await;
        let hash = hash_password_blocking(new).await?;
        let mut tx = self.store.begin().await?;
        let mut user = match self.reauthenticate(tx.as_mut(), actor, password_ok, code, "auth.password_change").await {
            Ok(u) => u,
            Err(e) => return Err(Self::refused(tx, e).await),
        };
        user.password_hash = hash;
        user.failed_logins = 0;
        tx.update_user(&user).await?;
        let (sessions, session) = self.renew_sessions(tx.as_mut(), user.id).await?;
        let api_tokens = tx.revoke_user_api_tokens(user.id, self.now()).await?;
        let mut d = self.draft(Some(actor), "auth.password_change", None, Outcome::Allowed);
        d.reason = Some(format!("{sessions} other sessions ended, {api_tokens} API tokens revoked"));
        tx.append_audit(&d).await?;
        tx.commit().await?;
        Ok((SignedOut { sessions, api_tokens }, session))
    }

    /// Ends every session of `user` and starts a new, signed-in one for the browser that
    /// asked (a change of password or authenticator renews the session, as signing in
    /// does); returns how many other sessions ended and the new one.
    async fn renew_sessions(&self, tx: &mut dyn Tx, user: UserId) -> Result<(u64, NewSession), AppError> {
        let ended = tx.delete_user_sessions(user).await?;
        let (token, session) = self.new_session(user, true);
        tx.insert_session(&session).await?;
        Ok((ended.saturating_sub(1), NewSession { token, session, next: NextStep::Done }))
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

    /// Ends every session of the actor, on every device, and revokes their API tokens.
    pub async fn sign_out_everywhere(&self, actor: &Actor) -> Result<SignedOut, AppError> {
        let mut tx = self.store.begin().await?;
        let sessions = tx.delete_user_sessions(actor.user.id).await?;
        let api_tokens = tx.revoke_user_api_tokens(actor.user.id, self.now()).await?;
        let mut d = self.draft(Some(actor), "auth.sign_out_everywhere", None, Outcome::Allowed);
        d.reason = Some(format!("{sessions} sessions ended, {api_tokens} API tokens revoked"));
        tx.append_audit(&d).await?;
        tx.commit().await?;
        Ok(SignedOut { sessions, api_tokens })
    }

    /// Keeps a form posted after its session expired, for the same user after signing in,
    /// without its secret fields; drafts older than `DRAFT_LIFETIME` are deleted meanwhile.
    pub async fn save_draft(&self, session: &SessionRecord, path: &str, body: &str) -> Result<DraftId, AppError> {
        let now = self.now();
        let mut tx = self.store.begin().await?;
        tx.delete_drafts_before(now - DRAFT_LIFETIME).await?;
        let draft = DraftRecord { id: DraftId::new(), user: session.user, path: path.to_string(), body: scrub_draft(body), created_at: now };
        tx.insert_draft(&draft).await?;
        tx.delete_session(session.id).await?;
        let mut d = self.draft(None, "auth.session_expired_draft_kept", None, Outcome::Allowed);
        d.actor = Some(session.user);
        d.target = Some(path.to_string());
        tx.append_audit(&d).await?;
        tx.commit().await?;
        Ok(draft.id)
    }

    /// Gives a kept form back, once, to the user who typed it, unless it has expired.
    pub async fn take_draft(&self, actor: &Actor, id: DraftId) -> Result<Option<DraftRecord>, AppError> {
        let mut tx = self.store.begin().await?;
        let d = tx.take_draft(id, actor.user.id).await?.filter(|d| self.now() - d.created_at <= DRAFT_LIFETIME);
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

    /// Revokes one of the actor's own tokens; anyone else's (or an unknown id) is refused as
    /// not found, and the refusal audited.
    pub async fn revoke_api_token(&self, actor: &Actor, id: ApiTokenId) -> Result<(), AppError> {
        let mut tx = self.store.begin().await?;
        match tx.revoke_api_token(id, actor.user.id, self.now()).await {
            Ok(()) => {}
            Err(hearth_store::StoreError::NotFound) => {
                drop(tx);
                self.audit_denied(actor, "api_token.revoke", None, Some(id.to_string())).await?;
                return Err(AppError::NotFound);
            }
            Err(e) => return Err(e.into()),
        }
        let mut d = self.draft(Some(actor), "api_token.revoke", None, Outcome::Allowed);
        d.target = Some(id.to_string());
        tx.append_audit(&d).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The actor behind a bearer token, if it is live and its user may use the API.
    pub async fn api_actor(&self, token: &str) -> Result<Option<Actor>, AppError> {
        let mut tx = self.store.begin_read().await?;
        let Some(t) = tx.api_token_by_hash(&sha256_hex(token)).await?.filter(|t| t.revoked_at.is_none()) else {
            // Failed API authentication leaves a trace, as failed sign-ins do.
            tx.append_audit(&self.draft(None, "api.authenticate", None, Outcome::Denied)).await?;
            tx.commit().await?;
            return Ok(None);
        };
        let Some(user) = tx.user(t.user).await?.filter(|u| u.active && u.role.can(Permission::UseApi)) else {
            let mut d = self.draft(None, "api.authenticate", None, Outcome::Denied);
            d.actor = Some(t.user);
            d.reason = Some("account deactivated or its role may not use the API".into());
            tx.append_audit(&d).await?;
            tx.commit().await?;
            return Ok(None);
        };
        let actor = self.actor_in(tx.as_mut(), user).await?;
        tx.commit().await?;
        let now = self.now();
        if t.last_used_at.is_none_or(|at| now - at > Duration::minutes(1)) {
            let mut tx = self.store.begin().await?;
            tx.touch_api_token(t.id, now).await?;
            tx.commit().await?;
        }
        Ok(Some(actor))
    }

    /// Issues a one-time set-up link for `user` (ending any earlier one): the token is
    /// returned once. `by`: the administrator (`None`: the command line).
    pub(crate) async fn issue_setup_link(&self, tx: &mut dyn Tx, by: Option<&Actor>, user: UserId) -> Result<String, AppError> {
        let now = self.now();
        let token = random_token(32);
        let link = SetupLinkRecord {
            id: SetupLinkId::new(),
            user,
            token_hash: sha256_hex(&token),
            created_by: by.map(|a| a.user.id),
            created_at: now,
            expires_at: now + Duration::hours(SETUP_LINK_HOURS),
            proposed_totp: None,
            used_at: None,
        };
        tx.insert_setup_link(&link).await?;
        let mut d = self.draft(by, "user.setup_link", None, Outcome::Allowed);
        d.target = Some(user.to_string());
        tx.append_audit(&d).await?;
        Ok(token)
    }

    /// The live link behind `token` with its user, or an audited `NotFound`.
    async fn live_setup_link(&self, tx: &mut dyn Tx, token: &str) -> Result<Option<(SetupLinkRecord, UserRecord)>, AppError> {
        let Some(link) = tx.setup_link_by_hash(&sha256_hex(token)).await? else { return Ok(None) };
        if link.used_at.is_some() || link.expires_at <= self.now() {
            return Ok(None);
        }
        Ok(tx.user(link.user).await?.filter(|u| u.active).map(|u| (link, u)))
    }

    async fn setup_refused(&self, tx: Box<dyn Tx>) -> AppError {
        drop(tx);
        let mut d = self.draft(None, "user.setup", None, Outcome::Denied);
        d.reason = Some("set-up link unknown, used or expired".into());
        let audited = async {
            let mut tx = self.store.begin().await?;
            tx.append_audit(&d).await?;
            tx.commit().await
        };
        match audited.await {
            Ok(()) => AppError::NotFound,
            Err(e) => e.into(),
        }
    }

    /// What a set-up link is for, while it works, with the authenticator secret proposed for
    /// the account when it needs one (made and kept the first time the link is opened).
    pub async fn setup_link(&self, token: &str) -> Result<SetupView, AppError> {
        let mut tx = self.store.begin().await?;
        let Some((mut link, user)) = self.live_setup_link(tx.as_mut(), token).await? else {
            return Err(self.setup_refused(tx).await);
        };
        let needs_mfa = self.mfa_required(&user) && user.totp_secret.is_none();
        if needs_mfa && link.proposed_totp.is_none() {
            let secret = new_totp_secret();
            tx.propose_setup_totp(link.id, &secret).await?;
            link.proposed_totp = Some(secret);
        }
        tx.commit().await?;
        Ok(SetupView {
            username: user.username.clone(),
            display_name: user.display_name.clone(),
            needs_mfa,
            has_mfa: user.totp_secret.is_some(),
            proposed_totp: link.proposed_totp.filter(|_| needs_mfa),
            expires_at: link.expires_at,
        })
    }

    /// Uses a set-up link: the user sets their own password (and authenticator, when their
    /// account needs one and has none). The link then stops working; the account's sessions
    /// end, its API tokens are revoked and its lockout is cleared.
    pub async fn complete_setup(&self, token: &str, answer: &SetupAnswer) -> Result<(), AppError> {
        // Whose link it is first, so the password is judged against their name; then the
        // hashing outside any transaction; then the change, the link checked again.
        let owner = {
            let mut tx = self.store.begin().await?;
            match self.live_setup_link(tx.as_mut(), token).await? {
                Some((_, user)) => {
                    tx.commit().await?;
                    user
                }
                None => return Err(self.setup_refused(tx).await),
            }
        };
        let mut errors = hearth_domain::FieldErrors::new();
        if let Some(m) = new_password_problem(&answer.password, &[&owner.username, &owner.display_name]) {
            errors.add("password", m);
        }
        if answer.password != answer.confirm {
            errors.add("confirm", "The two passwords are not the same");
        }
        let now = self.now();
        let hash = if errors.is_empty() { Some(hash_password_blocking(&answer.password).await?) } else { None };
        let mut tx = self.store.begin().await?;
        let Some((link, mut user)) = self.live_setup_link(tx.as_mut(), token).await? else {
            return Err(self.setup_refused(tx).await);
        };
        let mut factor = None;
        if self.mfa_required(&user) && user.totp_secret.is_none() {
            factor = link.proposed_totp.clone().and_then(|s| code_step(&s, &answer.code, now, 0).map(|step| (s, step)));
            if factor.is_none() {
                errors.add("code", "The security code is not correct. Check the key you entered in your app and enter the code it shows now");
            }
        }
        let Some(hash) = hash.filter(|_| errors.is_empty()) else {
            return Err(AppError::Invalid(errors));
        };
        user.password_hash = hash;
        let set_up_factor = factor.is_some();
        if let Some((secret, step)) = factor {
            user.totp_secret = Some(secret);
            user.totp_last_step = step;
        }
        user.failed_logins = 0;
        user.locked_until = None;
        tx.update_user(&user).await?;
        tx.use_setup_link(link.id, now).await?;
        let sessions = tx.delete_user_sessions(user.id).await?;
        let tokens = tx.revoke_user_api_tokens(user.id, now).await?;
        let mut d = self.draft(None, "user.setup", None, Outcome::Allowed);
        d.actor = Some(user.id);
        d.reason = Some(format!("password set{}; {sessions} sessions ended, {tokens} API tokens revoked", if set_up_factor { ", authenticator set up" } else { "" }));
        tx.append_audit(&d).await?;
        tx.commit().await?;
        Ok(())
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
    fn totp_codes_verify_with_one_step_of_skew_and_once() {
        let s = new_totp_secret();
        let now = OffsetDateTime::now_utc();
        let code = totp_code(&s, now).unwrap();
        let step = code_step(&s, &code, now, 0).expect("the current code");
        assert_eq!(step, now.unix_timestamp() / 30);
        assert_eq!(code_step(&s, &code, now + Duration::seconds(30), 0), Some(step), "one step of skew");
        assert_eq!(code_step(&s, &code, now + Duration::minutes(5), 0), None);
        assert_eq!(code_step(&s, "000000x", now, 0), None);
        assert_eq!(code_step(&s, &code, now, step), None, "a code of the last accepted step is a replay");
        assert_eq!(code_step(&s, &code, now, step + 1), None, "and so is an older one");
    }

    #[test]
    fn drafts_never_keep_secrets() {
        let body = "csrf_token=abc&given_name=Zo%C3%AB&password=hunter2hunter2&new_password=x&secret=JBSWY3DP&code=123456&token=t&text=line+1";
        assert_eq!(scrub_draft(body), "given_name=Zo%C3%AB&text=line+1");
        assert_eq!(scrub_draft("category=neglect&need_code=N1"), "category=neglect&need_code=N1", "ordinary codes stay");
    }
}

#[cfg(test)]
mod password_tests {
    use super::*;

    #[test]
    fn new_passwords_must_be_long_and_hard_to_guess() {
        assert!(new_password_problem("short", &[]).unwrap().contains("at least 12"));
        assert!(new_password_problem(&"x".repeat(1001), &[]).unwrap().contains("1000 characters or fewer"));
        for weak in ["passwordpassword", "qwertyuiop123", "hearthhearth12", "123456789012"] {
            assert!(new_password_problem(weak, &[]).unwrap().contains("harder to guess"), "{weak}");
        }
        // The user's own name and username count as easy to guess.
        assert!(new_password_problem("samanthaworker", &["sam.worker", "Samantha Worker"]).is_some());
        for strong in ["correct horse battery", "a kettle on the hob", "a new long passphrase"] {
            assert_eq!(new_password_problem(strong, &["sam", "Sam Worker"]), None, "{strong}");
        }
        // A long passphrase is welcome, and judged quickly.
        assert_eq!(new_password_problem(&"tea kettle orange fox ".repeat(40), &[]), None);
    }
}
