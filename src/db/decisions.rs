//! Recommendations and decisions as the rest of sixr reads them.

use std::collections::HashMap;

use rusqlite::Connection;

use crate::error::AppError;
use crate::strategy::Strategy;

/// The strategy each workload goes with: the consultant's decision when
/// there is one, else the recommendation. Workloads with neither are absent.
pub fn effective_strategies(conn: &Connection, engagement_id: i64) -> Result<HashMap<i64, Strategy>, AppError> {
    let mut stmt = conn.prepare_cached(
        "SELECT w.id, COALESCE(d.strategy, a.recommended)
         FROM workloads w
         LEFT JOIN decisions d ON d.workload_id = w.id
         LEFT JOIN assessments a ON a.workload_id = w.id
         WHERE w.engagement_id = ?1 AND COALESCE(d.strategy, a.recommended) IS NOT NULL",
    )?;
    let rows = stmt.query_map([engagement_id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = HashMap::new();
    for row in rows {
        let (id, code) = row?;
        let strategy = Strategy::parse(&code)
            .ok_or_else(|| AppError::Internal(format!("workload {id} has an unknown strategy \"{code}\"")))?;
        out.insert(id, strategy);
    }
    Ok(out)
}
