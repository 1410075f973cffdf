//! The automatic transfer when a wave closes: a plain async function of (database, settings,
//! clock) that the scheduler runs as the upkeep job `survey_transfer`; tests call it with
//! their own clock.
//!
//! It does what "Överför till effektmått" does by hand (`api::transfer_wave`): the same rows
//! (`api::planned_transfer`), the same write through reporting (audit row per value, the
//! measure's latest value, the month's row), then the values-changed hook (deviation
//! evaluation). A suppressed cell writes nothing and its note says why. The audit rows name no
//! user: Utfall itself made the change.
//!
//! Once per wave: the wave is claimed (`survey_wave_closed`, primary key) in the transaction
//! that transfers it, so two instances running the job at once transfer it once. A wave
//! someone transferred by hand after it closed is left as it is (claimed as `for_hand`).

use chrono::{DateTime, Utc};

use super::Thresholds;
use super::repo::{self, Closing};
use crate::db::Db;
use crate::error::AppError;
use crate::report::AfterValues;

/// What one run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Waves transferred by this run.
    pub transferred: usize,
    /// Values written to effektmått (suppressed cells write none).
    pub values: usize,
    /// Waves left because someone had transferred them by hand after they closed.
    pub by_hand: usize,
}

/// Transfers every wave that has closed by `now` (its last day is past in Sweden) and has not
/// been transferred since, once. Waves of a satsning that does not report the wave's month
/// (not decided, or the month outside its period) are left for a later run, as the button
/// refuses them.
pub async fn transfer_closed_waves(
    db: &Db,
    limits: Thresholds,
    after: &AfterValues,
    now: DateTime<Utc>,
) -> Result<Outcome, AppError> {
    let today = crate::sv::time::local_date(now);
    let mut outcome = Outcome::default();
    for closed in repo::closed_waves(db, today).await? {
        let wave = &closed.wave;
        if closed
            .transferred_at
            .iter()
            .any(|at| wave.transferred_after_close(*at))
        {
            if repo::leave_closed(db, wave.id, Closing::ByHand, now).await? {
                outcome.by_hand += 1;
            }
            continue;
        }
        let initiative =
            crate::initiative::repo::get(db, closed.organisation_id, closed.initiative_id).await?;
        if let Some(reason) = crate::report::month::closed_reason(&initiative, wave.period(), today)
        {
            tracing::debug!(wave = wave.id, %reason, "survey wave not transferred");
            continue;
        }
        let survey = repo::get(db, closed.organisation_id, wave.survey_id).await?;
        let rows = super::api::planned_transfer(db, &survey, wave, limits).await?;
        if rows.is_empty() {
            continue;
        }
        let Some(values) = repo::transfer_closed(db, &closed, &rows, now, after).await? else {
            continue; // another instance took it
        };
        outcome.transferred += 1;
        outcome.values += values;
    }
    Ok(outcome)
}
