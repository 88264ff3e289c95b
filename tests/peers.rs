//! The peer map: every rule of hadolint, kube-score, dclint, dotenv-linter and zizmor's offline
//! audits, mapped to a prodready rule or marked out of scope. Data lives in `docs/peers/*.toml`;
//! this test checks it against the rule catalog and keeps `docs/peer-map.md` generated from it.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use prodready::rules::meta::{RuleId, RULES};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PeerFile {
    tool: String,
    source: String,
    id_pattern: String,
    #[serde(default)]
    rule: Vec<PeerRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PeerRule {
    id: String,
    title: String,
    #[serde(default)]
    prodready: Option<String>,
    #[serde(default)]
    out_of_scope: Option<String>,
    #[serde(default)]
    note: Option<String>,
}

fn load() -> Vec<(String, PeerFile)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/peers");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|rd| rd.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "toml")).collect())
        .unwrap_or_default();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let f: PeerFile = toml::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, f)
        })
        .collect()
}

#[test]
fn peer_data_is_consistent_with_the_catalog() {
    let mut problems = Vec::new();
    for (name, f) in load() {
        let re = regex::Regex::new(&f.id_pattern).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut seen = BTreeMap::new();
        for r in &f.rule {
            if seen.insert(r.id.clone(), ()).is_some() {
                problems.push(format!("{name}: {} listed twice", r.id));
            }
            if !re.is_match(&r.id) {
                problems.push(format!("{name}: {} does not match id_pattern", r.id));
            }
            match (&r.prodready, &r.out_of_scope) {
                (Some(code), None) => match RuleId::lookup(code) {
                    Some(id) if id.code() == code => {
                        if !id.meta().peer.contains(&r.id.as_str()) {
                            problems.push(format!(
                                "{name}: {} maps to {code}, whose metadata lacks peer \"{}\"",
                                r.id, r.id
                            ));
                        }
                    }
                    _ => problems.push(format!("{name}: {} maps to unknown rule {code}", r.id)),
                },
                (None, Some(reason)) if reason.trim().len() >= 10 => {}
                (None, Some(_)) => problems.push(format!("{name}: {} needs a real out-of-scope reason", r.id)),
                _ => problems.push(format!("{name}: {} needs exactly one of `prodready` or `out_of_scope`", r.id)),
            }
        }
        // Every peer id of this tool named in rule metadata is listed here.
        for m in RULES.iter() {
            for p in m.peer.iter().filter(|p| re.is_match(p)) {
                if !seen.contains_key(*p) {
                    problems.push(format!("{name}: {} names peer {p}, which the peer file does not list", m.code));
                }
            }
        }
    }
    assert!(problems.is_empty(), "peer map problems:\n{}", problems.join("\n"));
}

fn render() -> String {
    let mut out = String::from(
        "# Peer map\n\nEvery rule of the tools prodready replaces, mapped to the prodready rule that performs the same check, or marked out of scope with the reason. Generated from [`docs/peers/`](peers/) by `tests/peers.rs`; rule metadata carries the same ids (`prodready rules --format json`), so suppressions can be migrated.\n",
    );
    for (_, f) in load() {
        let mapped = f.rule.iter().filter(|r| r.prodready.is_some()).count();
        let _ = write!(
            out,
            "\n## {}\n\nSource: {}. {} of {} rules mapped.\n\n| Id | Check | prodready | Notes |\n|---|---|---|---|\n",
            f.tool,
            f.source,
            mapped,
            f.rule.len()
        );
        for r in &f.rule {
            let target = r.prodready.as_deref().map_or_else(|| "out of scope".to_owned(), |c| format!("`{c}`"));
            let note = r.out_of_scope.as_deref().or(r.note.as_deref()).unwrap_or("");
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} |",
                r.id,
                r.title.replace('|', "\\|"),
                target,
                note.replace('|', "\\|")
            );
        }
    }
    out
}

#[test]
fn peer_map_document_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/peer-map.md");
    let expected = render();
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    if current != expected {
        if std::env::var_os("PRODREADY_BLESS").is_some() {
            std::fs::write(&path, expected).unwrap_or_else(|e| panic!("{e}"));
        } else {
            panic!("docs/peer-map.md is stale; run `PRODREADY_BLESS=1 cargo test --test peers`");
        }
    }
}
