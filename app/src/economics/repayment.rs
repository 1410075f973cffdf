//! Återföring: under the återföringsmodell the nämnder whose costs fall pay money back to the
//! fund by a plan per year; the ledger sets what was paid against it (pure; unit-tested).
//! A satsning outside the model (`initiative.repayment` off, as Örebro's from 2020) has
//! "Ingen återföring".

use serde::{Deserialize, Serialize};

use super::Problems;
use crate::error::AppError;
use crate::sv::number::parse_sek;

/// One nämnd's year in the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerRow {
    pub party_id: i64,
    pub year: i32,
    /// Planerad återföring, kronor.
    pub planned: i64,
    /// Återbetalt, kronor.
    pub paid: i64,
}

/// Saldo per nämnd: planned in total, paid in total, and what is left (planned − paid;
/// negative when more was paid than planned).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Balance {
    pub party_id: i64,
    pub planned: i64,
    pub paid: i64,
    pub left: i64,
}

/// The ledger from the plan's (party, year, amount) and the payments' (party, year, amount):
/// one row per nämnd and year that has either, sorted by nämnd and year.
pub fn ledger(plan: &[(i64, i32, i64)], payments: &[(i64, i32, i64)]) -> Vec<LedgerRow> {
    let mut rows: std::collections::BTreeMap<(i64, i32), (i64, i64)> = Default::default();
    for (party, year, amount) in plan {
        rows.entry((*party, *year)).or_default().0 += amount;
    }
    for (party, year, amount) in payments {
        rows.entry((*party, *year)).or_default().1 += amount;
    }
    rows.into_iter()
        .map(|((party_id, year), (planned, paid))| LedgerRow {
            party_id,
            year,
            planned,
            paid,
        })
        .collect()
}

/// The balance per nämnd of a ledger, in the ledger's order.
pub fn balances(rows: &[LedgerRow]) -> Vec<Balance> {
    let mut out: Vec<Balance> = Vec::new();
    for row in rows {
        match out.iter_mut().find(|b| b.party_id == row.party_id) {
            Some(balance) => {
                balance.planned += row.planned;
                balance.paid += row.paid;
            }
            None => out.push(Balance {
                party_id: row.party_id,
                planned: row.planned,
                paid: row.paid,
                left: 0,
            }),
        }
    }
    for balance in &mut out {
        balance.left = balance.planned - balance.paid;
    }
    out
}

/// Formuläret för återföring: a planned amount or a payment, posted as `repayment`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepaymentForm {
    pub party_id: String,
    pub year: String,
    pub amount_sek: String,
    #[serde(default)]
    pub note: String,
}

/// A validated plan line or payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepaymentInput {
    pub party_id: i64,
    pub year: i32,
    pub amount_sek: i64,
    pub note: String,
}

impl RepaymentForm {
    /// Validates against the satsning's own nämnder; a payment must be above zero, a planned
    /// amount may be zero (which takes the year out of the plan).
    pub fn parse(&self, parties: &[i64], payment: bool) -> Result<RepaymentInput, AppError> {
        let mut p = Problems::new("repayment");
        let party_id = self
            .party_id
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|id| parties.contains(id))
            .unwrap_or_else(|| {
                p.add("party_id", "Välj en av satsningens nämnder.");
                0
            });
        let year = p.year("year", &self.year);
        let amount_sek = match parse_sek(&self.amount_sek) {
            Some(amount) if amount > 0 || !payment => amount,
            _ => {
                p.add(
                    "amount_sek",
                    "Ange beloppet i hela kronor, till exempel 250 000.",
                );
                0
            }
        };
        let note = p.text("note", &self.note, 500, None);
        p.finish(RepaymentInput {
            party_id,
            year,
            amount_sek,
            note,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ledger_sets_payments_against_the_plan_per_party_and_year() {
        let plan = [(5, 2021, 200_000), (5, 2022, 300_000), (7, 2021, 100_000)];
        let paid = [(5, 2021, 150_000), (5, 2021, 50_000), (7, 2023, 40_000)];
        let rows = ledger(&plan, &paid);
        assert_eq!(
            rows,
            vec![
                LedgerRow {
                    party_id: 5,
                    year: 2021,
                    planned: 200_000,
                    paid: 200_000
                },
                LedgerRow {
                    party_id: 5,
                    year: 2022,
                    planned: 300_000,
                    paid: 0
                },
                LedgerRow {
                    party_id: 7,
                    year: 2021,
                    planned: 100_000,
                    paid: 0
                },
                LedgerRow {
                    party_id: 7,
                    year: 2023,
                    planned: 0,
                    paid: 40_000
                },
            ]
        );
        assert_eq!(
            balances(&rows),
            vec![
                Balance {
                    party_id: 5,
                    planned: 500_000,
                    paid: 200_000,
                    left: 300_000
                },
                Balance {
                    party_id: 7,
                    planned: 100_000,
                    paid: 40_000,
                    left: 60_000
                },
            ]
        );
        assert!(balances(&[]).is_empty());
    }

    #[test]
    fn a_payment_needs_an_amount_and_one_of_the_satsnings_parties() {
        let form = RepaymentForm {
            party_id: "5".into(),
            year: "2022".into(),
            amount_sek: "250 000".into(),
            note: "Delår 2".into(),
        };
        let ok = form.parse(&[5, 7], true).unwrap();
        assert_eq!((ok.party_id, ok.year, ok.amount_sek), (5, 2022, 250_000));
        let zero = RepaymentForm {
            amount_sek: "0".into(),
            ..form.clone()
        };
        assert!(
            zero.parse(&[5], true)
                .unwrap_err()
                .message_for("repayment[amount_sek]")
                .is_some()
        );
        assert_eq!(
            zero.parse(&[5], false).unwrap().amount_sek,
            0,
            "a plan may be zero"
        );
        let foreign = RepaymentForm {
            party_id: "9".into(),
            ..form
        };
        assert!(
            foreign
                .parse(&[5], true)
                .unwrap_err()
                .message_for("repayment[party_id]")
                .is_some()
        );
    }
}
