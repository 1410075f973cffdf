//! The layering rule, checked: no two concepts (top-level modules) depend on each other, even
//! through others. A concept builds on those below it; a page that needs concepts built on its
//! own moves to `pages`. `lib.rs` (the routes) is the root and may use everything.
//!
//! The concepts, bottom to top: organisation, audit, outbox, auth, party, initiative,
//! document, schema, report, survey, indicator, economics, deviation, halfyear, reminder,
//! dashboard, history, pages. (`outbox` sits below `auth` because the password mails are queued
//! with their link; `survey` above `report` because it writes values through reporting;
//! `economics` below `deviation` and `dashboard` so that a budget rule and the fund overview can
//! use it — it also keeps the actual costs the half-year report enters; `halfyear` above
//! `deviation` and `survey`, whose flags and results it reports; `reminder` above `report`,
//! `survey` and `deviation` because it reads reporting status, waves and flags — and above
//! `halfyear`, so that a reminder type can read the report deadlines.)

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// concept → (concept it uses → first place it does so).
type Graph = BTreeMap<String, BTreeMap<String, String>>;

fn concept_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The concepts `line` names as `crate::x` or in `crate::{x, y}`.
fn named(line: &str, concepts: &BTreeSet<String>) -> Vec<String> {
    let mut found = Vec::new();
    for (at, _) in line.match_indices("crate::") {
        let rest = &line[at + "crate::".len()..];
        let names: Vec<&str> = match rest.strip_prefix('{') {
            Some(group) => group.split('}').next().unwrap_or("").split(',').collect(),
            None => vec![rest],
        };
        for name in names {
            let name: String = name
                .trim()
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if concepts.contains(&name) {
                found.push(name);
            }
        }
    }
    found
}

fn graph() -> Graph {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    all.retain(|f| !f.ends_with("lib.rs"));
    let concepts: BTreeSet<String> = all.iter().map(|f| concept_of(&src, f)).collect();
    let mut graph = Graph::new();
    for file in &all {
        let from = concept_of(&src, file);
        let text = std::fs::read_to_string(file).unwrap();
        // Unit tests may reach anywhere; only the code itself is layered.
        let code = text.split("#[cfg(test)]\nmod tests").next().unwrap_or("");
        for (n, line) in code.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for to in named(line, &concepts) {
                if to != from {
                    let place = format!("{}:{}", file.strip_prefix(&src).unwrap().display(), n + 1);
                    graph
                        .entry(from.clone())
                        .or_default()
                        .entry(to)
                        .or_insert(place);
                }
            }
        }
    }
    graph
}

/// A cycle through `start`, as the list of concepts and the place of each step.
fn cycle_from(graph: &Graph, start: &str) -> Option<Vec<String>> {
    fn walk(
        graph: &Graph,
        start: &str,
        at: &str,
        path: &mut Vec<String>,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        for (to, place) in graph.get(at).into_iter().flatten() {
            path.push(format!("{at} → {to} ({place})"));
            if to == start {
                return true;
            }
            if seen.insert(to.clone()) && walk(graph, start, to, path, seen) {
                return true;
            }
            path.pop();
        }
        false
    }
    let mut path = Vec::new();
    walk(graph, start, start, &mut path, &mut BTreeSet::new()).then_some(path)
}

#[test]
fn no_two_concepts_depend_on_each_other() {
    let graph = graph();
    let cycles: Vec<String> = graph
        .keys()
        .filter_map(|c| cycle_from(&graph, c))
        .map(|steps| steps.join("\n    "))
        .collect();
    assert!(
        cycles.is_empty(),
        "import loops between concepts:\n  {}",
        cycles.join("\n  ")
    );
}

#[test]
fn the_check_sees_a_loop() {
    let mut graph = graph();
    graph
        .entry("audit".into())
        .or_default()
        .insert("pages".into(), "planted".into());
    assert!(
        cycle_from(&graph, "audit").is_some(),
        "pages uses audit, so audit → pages is a loop"
    );
}
