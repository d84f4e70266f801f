//! Users, sessions and engagement membership.

use std::time::{SystemTime, UNIX_EPOCH};

use blake2::{Blake2s256, Digest};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::json;

use crate::accounts::{Role, User, hash_password, validate_password, validate_username};
use crate::db::audit;
use crate::error::{AppError, on_constraint, quoted};

/// A session dies after this long without a request...
pub const SESSION_IDLE_SECS: i64 = 12 * 3600;
/// ...and after this long in any case.
pub const SESSION_MAX_SECS: i64 = 7 * 24 * 3600;

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

fn token_hash(token: &str) -> String {
    Blake2s256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

fn role_of(code: String) -> rusqlite::Result<Role> {
    Role::parse(&code).ok_or_else(|| rusqlite::Error::InvalidColumnType(0, code, rusqlite::types::Type::Text))
}

pub fn user_count(conn: &Connection) -> Result<i64, AppError> {
    Ok(conn.query_row("SELECT COUNT(*) FROM users", [], |r| r.get(0))?)
}

pub fn create_user(conn: &Connection, username: &str, password: &str, role: Role, actor: &str) -> Result<User, AppError> {
    validate_username(username).map_err(AppError::Invalid)?;
    validate_password(password).map_err(AppError::Invalid)?;
    let hash = hash_password(password).map_err(AppError::Internal)?;
    conn.execute("INSERT INTO users (username, password_hash, role) VALUES (?1, ?2, ?3)", params![username, hash, role.code()])
        .map_err(on_constraint(|| AppError::Conflict(format!("username: {} is taken", quoted(username)))))?;
    let user = User { id: conn.last_insert_rowid(), username: username.to_string(), role };
    audit(conn, None, actor, "user", Some(user.id), "create", None, Some(&json!(user)))?;
    Ok(user)
}

pub fn list_users(conn: &Connection) -> Result<Vec<(User, bool)>, AppError> {
    let mut stmt = conn.prepare("SELECT id, username, role, disabled FROM users ORDER BY username")?;
    let rows =
        stmt.query_map([], |r| Ok((User { id: r.get(0)?, username: r.get(1)?, role: role_of(r.get(2)?)? }, r.get::<_, bool>(3)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The enabled account called `username` and its password hash, to be
/// verified with [`crate::accounts::verify_login`] (outside the database's workers).
pub fn login_candidate(conn: &Connection, username: &str) -> Result<Option<(User, String)>, AppError> {
    Ok(conn
        .query_row("SELECT id, username, role, password_hash FROM users WHERE username = ?1 AND disabled = 0", [username], |r| {
            Ok((User { id: r.get(0)?, username: r.get(1)?, role: role_of(r.get(2)?)? }, r.get::<_, String>(3)?))
        })
        .optional()?)
}

/// Starts a session; returns the token for the cookie (only its hash is kept).
pub fn create_session(conn: &Connection, user_id: i64) -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| AppError::Internal(format!("no random source: {e}")))?;
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let t = now();
    conn.execute(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen) VALUES (?1, ?2, ?3, ?3)",
        params![token_hash(&token), user_id, t],
    )?;
    // Old sessions of anyone are swept here rather than by a timer.
    conn.execute("DELETE FROM sessions WHERE last_seen < ?1 OR created_at < ?2", params![t - SESSION_IDLE_SECS, t - SESSION_MAX_SECS])?;
    Ok(token)
}

/// The user behind a session token, if the session is alive.
pub fn session_user(conn: &Connection, token: &str) -> Result<Option<User>, AppError> {
    let t = now();
    let hash = token_hash(token);
    let user = conn
        .prepare_cached(
            "SELECT u.id, u.username, u.role, s.last_seen FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = ?1 AND u.disabled = 0 AND s.last_seen >= ?2 AND s.created_at >= ?3",
        )?
        .query_row(params![hash, t - SESSION_IDLE_SECS, t - SESSION_MAX_SECS], |r| {
            Ok((User { id: r.get(0)?, username: r.get(1)?, role: role_of(r.get(2)?)? }, r.get::<_, i64>(3)?))
        })
        .optional()?;
    if let Some((_, last_seen)) = &user {
        // Touch at most once a minute: reads stay reads.
        if t - last_seen > 60 {
            conn.prepare_cached("UPDATE sessions SET last_seen = ?2 WHERE token_hash = ?1")?.execute(params![hash, t])?;
        }
    }
    Ok(user.map(|(u, _)| u))
}

pub fn delete_session(conn: &Connection, token: &str) -> Result<(), AppError> {
    conn.execute("DELETE FROM sessions WHERE token_hash = ?1", [token_hash(token)])?;
    Ok(())
}

/// A 32-byte secret of this server called `name`, made from the operating
/// system's random source the first time it is asked for.
pub fn server_secret(conn: &Connection, name: &str) -> Result<[u8; 32], AppError> {
    let mut fresh = [0u8; 32];
    getrandom::fill(&mut fresh).map_err(|e| AppError::Internal(format!("no random source: {e}")))?;
    // Two servers starting on one database at once keep the first one written.
    conn.execute("INSERT OR IGNORE INTO server_secrets (name, value) VALUES (?1, ?2)", params![name, fresh.as_slice()])?;
    let value: Vec<u8> = conn.query_row("SELECT value FROM server_secrets WHERE name = ?1", [name], |r| r.get(0))?;
    value.try_into().map_err(|_| AppError::Internal(format!("the server secret {name} is damaged")))
}

pub fn is_member(conn: &Connection, engagement_id: i64, user_id: i64) -> Result<bool, AppError> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM engagement_members WHERE engagement_id = ?1 AND user_id = ?2")?
        .query_row([engagement_id, user_id], |_| Ok(()))
        .optional()?
        .is_some())
}

pub fn add_member(conn: &Connection, engagement_id: i64, user_id: i64, actor: &str) -> Result<(), AppError> {
    conn.execute(
        "INSERT INTO engagement_members (engagement_id, user_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
        [engagement_id, user_id],
    )?;
    audit(conn, Some(engagement_id), actor, "member", Some(user_id), "add", None, None)?;
    Ok(())
}

/// Ids of the engagements a user is a member of.
pub fn member_engagements(conn: &Connection, user_id: i64) -> Result<Vec<i64>, AppError> {
    let mut stmt = conn.prepare_cached("SELECT engagement_id FROM engagement_members WHERE user_id = ?1")?;
    let rows = stmt.query_map([user_id], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn find_user(conn: &Connection, username: &str) -> Result<Option<User>, AppError> {
    Ok(conn
        .query_row("SELECT id, username, role FROM users WHERE username = ?1", [username], |r| {
            Ok(User { id: r.get(0)?, username: r.get(1)?, role: role_of(r.get(2)?)? })
        })
        .optional()?)
}

/// The users added to an engagement, by name.
pub fn members(conn: &Connection, engagement_id: i64) -> Result<Vec<User>, AppError> {
    let mut stmt = conn.prepare_cached(
        "SELECT u.id, u.username, u.role FROM engagement_members m JOIN users u ON u.id = m.user_id
         WHERE m.engagement_id = ?1 ORDER BY u.username",
    )?;
    let rows = stmt.query_map([engagement_id], |r| Ok(User { id: r.get(0)?, username: r.get(1)?, role: role_of(r.get(2)?)? }))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn remove_member(conn: &Connection, engagement_id: i64, user_id: i64, actor: &str) -> Result<(), AppError> {
    conn.execute("DELETE FROM engagement_members WHERE engagement_id = ?1 AND user_id = ?2", [engagement_id, user_id])?;
    audit(conn, Some(engagement_id), actor, "member", Some(user_id), "remove", None, None)?;
    Ok(())
}
