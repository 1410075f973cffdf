//! The schema's reading order for measures: mål by mål, each aktivitet's measures under it,
//! then the mål's indikatorer. The month's reporting form and the satsning's charts both show
//! measures this way, so the grouping is written once, here.

use super::{Measure, MeasureKind, Schema};

/// The measures under one heading ("Aktivitet 1.2: …" or "Indikatorer") of one mål.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasureGroup<T> {
    /// "Mål 1: Fler elever klarar skolan".
    pub goal: String,
    pub heading: String,
    pub items: Vec<T>,
}

impl Schema {
    /// `measures` (a selection of this schema's, e.g. those due this month) grouped in the
    /// schema's order, each turned into an item by `item`; headings without measures are left
    /// out.
    pub fn grouped<'a, T>(
        &self,
        measures: &[&'a Measure],
        mut item: impl FnMut(&'a Measure) -> T,
    ) -> Vec<MeasureGroup<T>> {
        let mut groups = Vec::new();
        for (g, goal) in self.goals.iter().enumerate() {
            let goal_heading = format!("Mål {}: {}", g + 1, goal.text);
            for (a, activity) in goal.activities.iter().enumerate() {
                let items: Vec<T> = measures
                    .iter()
                    .filter(|m| m.activity_id == Some(activity.id))
                    .map(|m| item(m))
                    .collect();
                if !items.is_empty() {
                    groups.push(MeasureGroup {
                        goal: goal_heading.clone(),
                        heading: format!("Aktivitet {}.{}: {}", g + 1, a + 1, activity.text),
                        items,
                    });
                }
            }
            let indicators: Vec<T> = measures
                .iter()
                .filter(|m| m.goal_id == Some(goal.id) && m.kind == MeasureKind::Indicator)
                .map(|m| item(m))
                .collect();
            if !indicators.is_empty() {
                groups.push(MeasureGroup {
                    goal: goal_heading,
                    heading: "Indikatorer".into(),
                    items: indicators,
                });
            }
        }
        groups
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Activity, Goal};

    fn measure(id: i64, kind: MeasureKind, activity: Option<i64>, goal: Option<i64>) -> Measure {
        Measure {
            kind,
            activity_id: activity,
            goal_id: goal,
            code: format!("M{id}"),
            ..Measure::example(id)
        }
    }

    #[test]
    fn measures_follow_the_schema_goal_by_goal_and_empty_headings_are_left_out() {
        let activity = |id, text: &str| Activity {
            id,
            text: text.into(),
        };
        let schema = Schema {
            goals: vec![
                Goal {
                    id: 1,
                    text: "Fler klarar skolan".into(),
                    target_group: String::new(),
                    activities: vec![activity(10, "Läxhjälp"), activity(11, "Mentorer")],
                },
                Goal {
                    id: 2,
                    text: "Tryggare fritid".into(),
                    target_group: String::new(),
                    activities: vec![activity(20, "Fritidsgård")],
                },
            ],
            measures: vec![
                measure(1, MeasureKind::Indicator, None, Some(1)),
                measure(2, MeasureKind::Activity, Some(20), None),
                measure(3, MeasureKind::Effect, Some(10), None),
                measure(4, MeasureKind::Activity, Some(10), None),
            ],
            effects: Vec::new(),
        };
        let all: Vec<&Measure> = schema.measures.iter().collect();
        let groups = schema.grouped(&all, |m| m.id);
        let shape: Vec<(&str, &str, Vec<i64>)> = groups
            .iter()
            .map(|g| (g.goal.as_str(), g.heading.as_str(), g.items.clone()))
            .collect();
        assert_eq!(
            shape,
            [
                (
                    "Mål 1: Fler klarar skolan",
                    "Aktivitet 1.1: Läxhjälp",
                    vec![3, 4]
                ),
                ("Mål 1: Fler klarar skolan", "Indikatorer", vec![1]),
                (
                    "Mål 2: Tryggare fritid",
                    "Aktivitet 2.1: Fritidsgård",
                    vec![2]
                ),
            ]
        );
        // Only the selection: no Mentorer heading, and nothing when nothing is selected.
        assert!(schema.grouped(&[], |m| m.id).is_empty());
    }
}
