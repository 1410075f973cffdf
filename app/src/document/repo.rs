//! SQL for documents.

use chrono::{DateTime, Utc};

use super::{DocumentInfo, DocumentKind, FileType};
use crate::audit::Action;
use crate::audit::Actor;
use crate::audit::repo::record_change;
use crate::db::Db;
use crate::error::AppError;
use crate::{db_read, on_tx};

/// An upload that passed the checks: sniffed type, cleaned name.
#[derive(Debug, Clone, Copy)]
pub struct NewDocument<'a> {
    pub kind: DocumentKind,
    pub file_name: &'a str,
    pub file_type: FileType,
    pub content: &'a [u8],
}

/// Stores an uploaded document with its audit row.
pub async fn store(
    db: &Db,
    actor: Actor,
    initiative_id: i64,
    document: NewDocument<'_>,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let NewDocument {
        kind,
        file_name,
        file_type,
        content,
    } = document;
    let mut tx = db.begin().await?;
    let id: i64 = on_tx!(&mut tx, |conn| {
        sqlx::query_scalar(
            "INSERT INTO document (initiative_id, kind, file_name, content_type, size_bytes,
               content, uploaded_by, uploaded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(initiative_id)
        .bind(kind.as_db())
        .bind(file_name)
        .bind(file_type.content_type())
        .bind(content.len() as i64)
        .bind(content)
        .bind(actor.user_id)
        .bind(now)
        .fetch_one(conn)
        .await
    })?;
    let changes = serde_json::json!({
        "file_name": { "after": file_name },
        "kind": { "after": kind.as_db() },
        "initiative": { "after": initiative_id },
    });
    record_change(&mut tx, actor, Action::Create, "document", id, changes, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// Deletes a document of the satsning, bytes and all; the audit row keeps its name and kind.
pub async fn delete(
    db: &Db,
    actor: Actor,
    initiative_id: i64,
    id: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let found: Option<(String, String)> = on_tx!(&mut tx, |conn| {
        sqlx::query_as(
            "DELETE FROM document WHERE id = $1 AND initiative_id = $2 RETURNING file_name, kind",
        )
        .bind(id)
        .bind(initiative_id)
        .fetch_optional(conn)
        .await
    })?;
    let Some((file_name, kind)) = found else {
        return tx.abort(AppError::NotFound).await;
    };
    let changes = serde_json::json!({
        "file_name": { "before": file_name },
        "kind": { "before": kind },
        "initiative": { "before": initiative_id },
    });
    record_change(&mut tx, actor, Action::Delete, "document", id, changes, now).await?;
    tx.commit().await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct InfoRow {
    id: i64,
    kind: String,
    file_name: String,
    size_bytes: i64,
    uploaded_by: Option<String>,
    uploaded_at: DateTime<Utc>,
}

/// The satsning's documents, newest first.
pub async fn list(db: &Db, initiative_id: i64) -> Result<Vec<DocumentInfo>, AppError> {
    let rows: Vec<InfoRow> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT d.id, d.kind, d.file_name, d.size_bytes, u.name AS uploaded_by, d.uploaded_at
             FROM document d LEFT JOIN user_account u ON u.id = d.uploaded_by
             WHERE d.initiative_id = $1 ORDER BY d.uploaded_at DESC, d.id DESC",
        )
        .bind(initiative_id)
        .fetch_all(pool)
        .await
    })?;
    Ok(rows
        .into_iter()
        .map(|r| DocumentInfo {
            id: r.id,
            kind: DocumentKind::from_db(&r.kind).unwrap_or(DocumentKind::Other),
            file_name: r.file_name,
            size_bytes: r.size_bytes,
            uploaded_by: r.uploaded_by.unwrap_or_else(|| "–".into()),
            uploaded_at: r.uploaded_at.format("%Y-%m-%d").to_string(),
        })
        .collect())
}

/// One document's name, type and bytes, if it belongs to `initiative_id`.
pub async fn content(
    db: &Db,
    initiative_id: i64,
    id: i64,
) -> Result<(String, String, Vec<u8>), AppError> {
    let row: Option<(String, String, Vec<u8>)> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT file_name, content_type, content FROM document
             WHERE id = $1 AND initiative_id = $2",
        )
        .bind(id)
        .bind(initiative_id)
        .fetch_optional(pool)
        .await
    })?;
    row.ok_or(AppError::NotFound)
}
