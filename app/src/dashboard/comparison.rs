//! An indikator beside its Kolada comparison levels (pure): the chart data and the verdict on
//! whether the mål's effektmått move the way the indicator does.

use crate::chart::{Gappy, MultiSeries};
use crate::report::Period;
use crate::schema::{Measure, MeasureKind, Schema};

/// The comparison of indicator `m` of `schema`: the target group's value per year (the last
/// reported month of each year, from `own_values`) next to each comparison level's (`levels`:
/// name and Kolada municipality id, see [`crate::indicator::named_levels`]; `kolada`:
/// (municipality, year, value) of the indicator's KPI), and a verdict ("E1: …") from the
/// first effektmått under the indicator's mål that has values, against the nearest level with
/// at least two values. The chart is titled by the KPI's name (`kpi_name`), or without one by
/// the indicator's own name.
pub fn indicator_comparison<'a>(
    m: &Measure,
    schema: &Schema,
    levels: &[(String, String)],
    kolada: &[(String, i32, f64)],
    own_values: impl Fn(i64) -> &'a [(Period, f64)],
    kpi_name: Option<&str>,
) -> (MultiSeries, Option<String>) {
    let mut own: Vec<(i32, f64)> = Vec::new();
    for &(p, v) in own_values(m.id) {
        match own.last_mut() {
            Some((year, value)) if *year == p.year() => *value = v,
            _ => own.push((p.year(), v)),
        }
    }
    let mut years: Vec<i32> = own
        .iter()
        .map(|(y, _)| *y)
        .chain(
            kolada
                .iter()
                .filter(|(muni, _, _)| levels.iter().any(|(_, l)| l == muni))
                .map(|(_, y, _)| *y),
        )
        .collect();
    years.sort_unstable();
    years.dedup();
    let along = |points: &[(i32, f64)]| -> Gappy {
        years
            .iter()
            .map(|y| points.iter().find(|(py, _)| py == y).map(|(_, v)| *v))
            .collect()
    };
    let mut series = vec![("Satsningens målgrupp".to_string(), along(&own))];
    let mut level_points = Vec::new();
    for (name, muni) in levels {
        let points: Vec<(i32, f64)> = kolada
            .iter()
            .filter(|(r, _, _)| r == muni)
            .map(|(_, y, v)| (*y, *v))
            .collect();
        series.push((name.clone(), along(&points)));
        level_points.push(points);
    }
    let data = MultiSeries {
        title: kpi_name.map_or_else(|| m.name.clone(), str::to_string),
        unit: m.unit.clone(),
        labels: years.iter().map(|y| y.to_string()).collect(),
        series,
    };
    let reference: Option<Vec<f64>> = level_points
        .iter()
        .find(|p| p.len() >= 2)
        .map(|p| p.iter().map(|(_, v)| *v).collect());
    let goal_activities: Vec<i64> = schema
        .goals
        .iter()
        .filter(|g| Some(g.id) == m.goal_id)
        .flat_map(|g| g.activities.iter().map(|a| a.id))
        .collect();
    let verdict = schema
        .measures
        .iter()
        .filter(|e| {
            e.kind == MeasureKind::Effect
                && e.activity_id.is_some_and(|a| goal_activities.contains(&a))
        })
        .find_map(|e| {
            let series: Vec<f64> = own_values(e.id).iter().map(|(_, v)| *v).collect();
            let verdict = crate::indicator::verdict(
                &series,
                e.direction,
                reference.as_deref()?,
                m.direction,
            )?;
            Some(format!("{}: {}", e.code, verdict.text()))
        });
    (data, verdict)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Activity, Goal, ValueType};

    fn measure(id: i64, code: &str, kind: MeasureKind, activity: Option<i64>) -> Measure {
        Measure {
            kind,
            activity_id: activity,
            goal_id: (kind == MeasureKind::Indicator).then_some(1),
            code: code.into(),
            name: code.into(),
            unit: "%".into(),
            value_type: ValueType::Share,
            comparison: "Kolada N15428".into(),
            ..Measure::example(id)
        }
    }

    #[test]
    fn own_years_and_levels_share_one_axis_and_the_goals_effect_gives_the_verdict() {
        let schema = Schema {
            goals: vec![Goal {
                id: 1,
                text: "Fler klarar skolan".into(),
                target_group: String::new(),
                activities: vec![Activity {
                    id: 10,
                    text: "Läxhjälp".into(),
                }],
            }],
            measures: vec![
                measure(1, "I1", MeasureKind::Indicator, None),
                measure(2, "E1", MeasureKind::Effect, Some(10)),
            ],
            effects: vec![],
        };
        let p = |raw: &str| Period::parse(raw).unwrap();
        // The indicator's own values: the year's last reported month counts.
        let indicator = vec![
            (p("2025-06"), 50.0),
            (p("2025-12"), 55.0),
            (p("2026-06"), 60.0),
        ];
        let effect = vec![(p("2025-12"), 40.0), (p("2026-06"), 48.0)];
        let own = |id: i64| -> &[(Period, f64)] {
            match id {
                1 => &indicator,
                2 => &effect,
                _ => &[],
            }
        };
        let mut names = crate::indicator::Names::default();
        names
            .municipalities
            .insert("0018".into(), "Örebro län".into());
        let levels = crate::indicator::named_levels(
            &crate::indicator::levels("1880"),
            &names,
            ("1880", "Örebro kommun"),
        );
        let kolada = vec![
            ("1880".to_string(), 2024, 70.0),
            ("1880".to_string(), 2025, 72.0),
            ("0000".to_string(), 2025, 75.0),
            ("1881".to_string(), 2025, 10.0),
        ];

        let (data, verdict) = indicator_comparison(
            &schema.measures[0],
            &schema,
            &levels,
            &kolada,
            own,
            Some("Behöriga till gymnasiet, andel (%)"),
        );

        assert_eq!(data.title, "Behöriga till gymnasiet, andel (%)");
        assert_eq!(
            data.labels,
            ["2024", "2025", "2026"],
            "another kommun's years are not asked for"
        );
        let series: Vec<(&str, &Gappy)> =
            data.series.iter().map(|(n, v)| (n.as_str(), v)).collect();
        assert_eq!(
            series,
            [
                ("Satsningens målgrupp", &vec![None, Some(55.0), Some(60.0)]),
                ("Örebro kommun", &vec![Some(70.0), Some(72.0), None]),
                ("Örebro län", &vec![None, None, None]),
                ("Riket", &vec![None, Some(75.0), None]),
            ]
        );
        let verdict = verdict.expect("E1 and the kommun both have two values");
        assert!(verdict.starts_with("E1: Samma riktning"), "{verdict}");

        // Without an effektmått under the mål there is nothing to compare.
        let alone = Schema {
            measures: vec![schema.measures[0].clone()],
            ..schema.clone()
        };
        let (data, verdict) =
            indicator_comparison(&alone.measures[0], &alone, &levels, &kolada, own, None);
        assert_eq!(verdict, None);
        assert_eq!(data.title, "I1", "without a KPI name, the indicator's own");
    }
}
