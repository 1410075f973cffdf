//! Server functions for documents (uploads and downloads are HTTP handlers in
//! `server/src/documents.rs`, since they stream files).

use leptos::prelude::*;

use crate::error::AppError;
use crate::form::Saved;

/// Ta bort dokument: for those who may upload to the satsning.
#[server(endpoint = "dokument/ta-bort")]
pub async fn delete_document(id: i64, dokument_id: i64) -> Result<Saved, AppError> {
    let (user, initiative) = crate::initiative::api::load_visible(id).await?;
    if !super::may_upload(&user, &initiative) {
        return Err(AppError::Forbidden);
    }
    let db = expect_context::<crate::db::Db>();
    let actor = user.actor();
    super::repo::delete(&db, actor, id, dokument_id, chrono::Utc::now()).await?;
    Ok(Saved {
        redirect: format!("/satsningar/{id}?borttaget=1#dokument"),
    })
}
