//! Accounts and roles: who may do what. Pure rules; storage in
//! `db::accounts`, enforcement in `web::auth`.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Manages users and sees every engagement.
    Admin,
    /// Works on the engagements they created or were added to.
    Consultant,
    /// Reads the engagements they were added to (a customer reviewing theirs).
    Viewer,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Consultant => "consultant",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s.trim().to_ascii_lowercase().as_str() {
            "admin" | "administrator" => Some(Role::Admin),
            "consultant" => Some(Role::Consultant),
            "viewer" => Some(Role::Viewer),
            _ => None,
        }
    }

    /// The i18n key of the role's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Role::Admin => "role.admin",
            Role::Consultant => "role.consultant",
            Role::Viewer => "role.viewer",
        }
    }

    pub const ALL: [Role; 3] = [Role::Admin, Role::Consultant, Role::Viewer];
}

/// A logged-in user as a request sees them.
#[derive(Debug, Clone, Serialize)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub role: Role,
}

/// What a request wants to do, as far as permissions care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Look at something (GET).
    Read,
    /// Change something (POST, PUT, DELETE...).
    Write,
}

/// Whether `user` may touch engagement-scoped data, given whether they are a
/// member of that engagement.
pub fn may_access_engagement(user: &User, is_member: bool, access: Access) -> bool {
    match user.role {
        Role::Admin => true,
        Role::Consultant => is_member,
        Role::Viewer => is_member && access == Access::Read,
    }
}

/// Whether `user` may create engagements.
pub fn may_create_engagement(user: &User) -> bool {
    matches!(user.role, Role::Admin | Role::Consultant)
}

pub fn validate_username(name: &str) -> Result<(), String> {
    let ok = (2..=64).contains(&name.chars().count()) && name.chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | '@'));
    if ok { Ok(()) } else { Err("username: 2 to 64 letters, digits, '.', '-', '_' or '@'".into()) }
}

pub fn validate_password(password: &str) -> Result<(), String> {
    if password.chars().count() < 10 {
        return Err("password: use at least 10 characters".into());
    }
    if password.len() > 1024 {
        return Err("password: keep it under 1024 bytes".into());
    }
    Ok(())
}

/// Hashes a password with argon2id and a random salt (PHC string).
pub fn hash_password(password: &str) -> Result<String, String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| format!("no random source: {e}"))?;
    let salt = SaltString::encode_b64(&bytes).map_err(|e| format!("salt: {e}"))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| format!("could not hash the password: {e}"))
}

pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// A hash of a random password, made like every stored hash: what an
/// unknown username's password is checked against, so that the answer
/// takes as long as for a real one.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        let mut random = [0u8; 24];
        let _ = getrandom::fill(&mut random);
        let password: String = random.iter().map(|b| format!("{b:02x}")).collect();
        hash_password(&password).unwrap_or_default()
    })
}

/// The user of a login attempt when `password` matches their hash. An
/// unknown username (`None`) costs the same argon2 verification.
pub fn verify_login(password: &str, candidate: Option<(User, String)>) -> Option<User> {
    let matches = verify_password(password, candidate.as_ref().map_or(dummy_hash(), |(_, h)| h.as_str()));
    candidate.filter(|_| matches).map(|(user, _)| user)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role) -> User {
        User { id: 1, username: "u".into(), role }
    }

    #[test]
    fn roles_grant_what_they_say() {
        use Access::*;
        assert!(may_access_engagement(&user(Role::Admin), false, Write));
        assert!(may_access_engagement(&user(Role::Consultant), true, Write));
        assert!(!may_access_engagement(&user(Role::Consultant), false, Read));
        assert!(may_access_engagement(&user(Role::Viewer), true, Read));
        assert!(!may_access_engagement(&user(Role::Viewer), true, Write));
        assert!(!may_create_engagement(&user(Role::Viewer)));
    }

    #[test]
    fn an_unknown_username_is_verified_against_a_hash_as_costly_as_a_real_one() {
        let params = |phc: &str| PasswordHash::new(phc).map(|h| (h.algorithm.to_string(), h.params.to_string())).unwrap();
        assert_eq!(params(dummy_hash()), params(&hash_password("any password at all").unwrap()));
        let real = hash_password("correct horse battery").unwrap();
        assert!(verify_login("correct horse battery", Some((user(Role::Viewer), real.clone()))).is_some());
        assert!(verify_login("wrong horse battery", Some((user(Role::Viewer), real))).is_none());
        assert!(verify_login("correct horse battery", None).is_none());
    }

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("wrong horse battery", &h));
        assert!(!verify_password("x", "not a hash"));
        assert!(validate_password("short").is_err());
        assert!(validate_username("a b").is_err());
    }
}
