//! The portfolio's rows per organisation, computed once per data version and day.
//!
//! Computing an organisation's portfolio reads every satsning, six months of reporting and
//! every judged measure (thousands of rows at national scale); the beredningsgrupp and the
//! readers ask for it far more often than anything in it changes. Database triggers bump
//! `organisation.data_version` in the same transaction as every change the portfolio shows
//! (migration 0013), so one indexed row tells whether a kept snapshot is still right — on
//! every app instance, whichever instance or code path wrote the change.
//!
//! A snapshot also keeps the portfolio sections it has rendered (filters, totals and table as
//! HTML) per viewer and filter, so a repeated view of the same portfolio only joins kept HTML
//! into the page. They go with the snapshot when the data changes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;

use super::portfolio::{PortfolioEntry, organisation_rows};
use crate::db::Db;
use crate::db_read;
use crate::error::AppError;
use crate::organisation::DataVersion;
use crate::report::{Period, Rules};

/// How many bytes of rendered sections a snapshot keeps (about forty full portfolios of a
/// hundred satsningar); views beyond it are rendered each time.
const VIEW_BUDGET_BYTES: usize = 8 * 1024 * 1024;

/// Who sees which rows under which filter: the key of a rendered portfolio section.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ViewKey {
    /// `None` for staff, who see every satsning of the organisation; otherwise the
    /// projektledare, who sees those they lead.
    pub viewer: Option<i64>,
    pub filter: super::Filter,
}

#[derive(Debug, Default)]
struct Views {
    sections: HashMap<ViewKey, Arc<str>>,
    bytes: usize,
}

/// One organisation's portfolio as of a data version and a day.
#[derive(Debug)]
pub struct Snapshot {
    version: i64,
    today: NaiveDate,
    /// The reporting months shown, oldest first.
    pub months: Vec<Period>,
    /// Every satsning of the organisation with its row and the row's HTML, before per-user
    /// visibility.
    pub rows: Vec<PortfolioEntry>,
    views: Mutex<Views>,
}

impl Snapshot {
    /// The section rendered for `key` from this snapshot, if kept.
    pub fn view(&self, key: &ViewKey) -> Option<Arc<str>> {
        self.views().sections.get(key).cloned()
    }

    /// Keeps a section rendered from this snapshot, while the budget lasts.
    pub fn keep_view(&self, key: ViewKey, html: Arc<str>) {
        let mut views = self.views();
        if views.bytes + html.len() <= VIEW_BUDGET_BYTES && !views.sections.contains_key(&key) {
            views.bytes += html.len();
            views.sections.insert(key, html);
        }
    }

    fn views(&self) -> std::sync::MutexGuard<'_, Views> {
        // Single inserts: a panic elsewhere cannot leave the map half-written.
        self.views
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Snapshots per organisation (one each, replaced when stale). Cheap to clone: shared.
#[derive(Debug, Clone, Default)]
pub struct PortfolioCache {
    snapshots: Arc<Mutex<HashMap<i64, Arc<Snapshot>>>>,
}

impl PortfolioCache {
    /// The organisation's current snapshot: the kept one when its version and day still hold,
    /// otherwise a fresh one (which is then kept). `known` is the version read at the start of
    /// the request with the session, if any; otherwise it is read now.
    pub async fn organisation(
        &self,
        db: &Db,
        organisation_id: i64,
        known: Option<DataVersion>,
        today: NaiveDate,
        rules: &Rules,
    ) -> Result<Arc<Snapshot>, AppError> {
        // The version is read before the data: a change landing in between leaves the new
        // snapshot under the older version, so it is recomputed next time, never kept stale.
        let version = match known {
            Some(DataVersion(version)) => version,
            None => data_version(db, organisation_id).await?,
        };
        if let Some(kept) = self.kept(organisation_id)
            && kept.version == version
            && kept.today == today
        {
            return Ok(kept);
        }
        let (months, rows) = organisation_rows(db, organisation_id, today, rules).await?;
        let fresh = Arc::new(Snapshot {
            version,
            today,
            months,
            rows,
            views: Mutex::default(),
        });
        self.lock().insert(organisation_id, fresh.clone());
        Ok(fresh)
    }

    fn kept(&self, organisation_id: i64) -> Option<Arc<Snapshot>> {
        self.lock().get(&organisation_id).cloned()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Arc<Snapshot>>> {
        // A panic while holding the lock cannot leave the map half-written (single inserts).
        self.snapshots
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The organisation's data version (0 for an unknown organisation).
pub async fn data_version(db: &Db, organisation_id: i64) -> Result<i64, AppError> {
    let version: Option<i64> = db_read!(db, |pool| {
        sqlx::query_scalar("SELECT data_version FROM organisation WHERE id = $1")
            .bind(organisation_id)
            .fetch_optional(pool)
            .await
    })?;
    Ok(version.unwrap_or(0))
}
