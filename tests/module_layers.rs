//! The modules depend on each other in one direction: no cycle among the
//! top-level modules of `src/` (domain modules below `db`, `db` below
//! `service`, `service` below `web` and `cli`), nor among the repositories
//! of `db/`. Read from the source: every `crate::…` and `super::…` path,
//! `use` lines included, outside comments and `#[cfg(test)]` modules.
//!
//! `db::derived` is left out of the second check: every repository tells it
//! what a write touched and it re-derives through them (the freshness
//! engine), a cycle by design until the derivations move above `db`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The module path of a source file: `src/db/workloads.rs` → `db::workloads`.
fn module_of(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel.with_extension("").iter().map(|p| p.to_string_lossy().into_owned()).collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    if parts == ["lib"] || parts == ["main"] { Vec::new() } else { parts }
}

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The text without line comments and `#[cfg(test)] mod … { … }` blocks.
fn shipped_code(text: &str) -> String {
    let mut code: String = text.lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n");
    while let Some(start) = code.find("#[cfg(test)]") {
        let rest = &code[start..];
        let Some(open) = rest.find('{').filter(|&o| rest[..o].contains("mod ") && !rest[..o].contains(';')) else {
            code.replace_range(start..start + "#[cfg(test)]".len(), "");
            continue;
        };
        let mut depth = 0;
        let mut end = rest.len();
        for (i, c) in rest[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + i + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        code.replace_range(start..start + end, "");
    }
    code
}

fn ident(s: &str) -> usize {
    s.char_indices().find(|(_, c)| !(c.is_alphanumeric() || *c == '_')).map_or(s.len(), |(i, _)| i)
}

/// The paths of a `use` tree or an expression path starting at `s` (after
/// `crate::` or `super::`): `db::{workloads, applications::get}` gives
/// `db::workloads` and `db::applications::get`.
fn paths(s: &str) -> (Vec<Vec<String>>, usize) {
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        i += s[i..].len() - s[i..].trim_start().len();
        if s[i..].starts_with('{') {
            let (inner, used) = paths(&s[i + 1..]);
            out.extend(inner);
            i += 1 + used;
        } else {
            let mut path = Vec::new();
            loop {
                let n = ident(&s[i..]);
                if n == 0 {
                    break;
                }
                path.push(s[i..i + n].to_string());
                i += n;
                if !s[i..].starts_with("::") {
                    break;
                }
                i += 2;
                if s[i..].starts_with('{') {
                    let (inner, used) = paths(&s[i + 1..]);
                    out.extend(inner.into_iter().map(|q| path.iter().cloned().chain(q).collect()));
                    i += 1 + used;
                    path.clear();
                    break;
                }
            }
            if !path.is_empty() {
                out.push(path);
            }
        }
        i += s[i..].len() - s[i..].trim_start().len();
        if let Some(alias) = s[i..].strip_prefix("as ") {
            let alias = alias.trim_start();
            i = s.len() - alias.len() + ident(alias);
            i += s[i..].len() - s[i..].trim_start().len();
        }
        if s[i..].starts_with(',') {
            i += 1;
            if s[i..].trim_start().starts_with('}') {
                i += s[i..].len() - s[i..].trim_start().len() + 1;
                return (out, i);
            }
            continue;
        }
        if s[i..].starts_with('}') {
            i += 1;
        }
        return (out, i);
    }
}

/// The node a path lands on: the top-level module, or `db::<repository>`.
fn node(path: &[String], modules: &BTreeSet<Vec<String>>) -> Option<String> {
    let mut p = path.to_vec();
    while !p.is_empty() && !modules.contains(&p) {
        p.pop();
    }
    match p.as_slice() {
        [] => None,
        [db, repo, ..] if db == "db" => Some(format!("db::{repo}")),
        [top, ..] => Some(top.clone()),
    }
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    let modules: BTreeSet<Vec<String>> = all.iter().map(|f| module_of(f.strip_prefix(&src).unwrap())).collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &all {
        if file.file_name().is_some_and(|n| n == "tests.rs") {
            continue;
        }
        let me = module_of(file.strip_prefix(&src).unwrap());
        let Some(from) = node(&me, &modules) else { continue };
        let code = shipped_code(&std::fs::read_to_string(file).unwrap());
        for (at, _) in code.match_indices("::") {
            let before = &code[..at];
            let base = if before.ends_with("crate") && !before[..at - 5].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
                Vec::new()
            } else if before.ends_with("super") && !before[..at - 5].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':') {
                me[..me.len().saturating_sub(1)].to_vec()
            } else {
                continue;
            };
            for path in paths(&code[at + 2..]).0 {
                let full: Vec<String> = base.iter().cloned().chain(path).collect();
                if let Some(to) = node(&full, &modules).filter(|to| *to != from) {
                    edges.entry(from.clone()).or_default().insert(to);
                }
            }
        }
    }
    edges
}

/// A cycle of the graph, if it has one.
fn cycle(g: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        v: &str,
        g: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(v.to_string(), 1);
        stack.push(v.to_string());
        for w in g.get(v).into_iter().flatten() {
            match state.get(w) {
                Some(1) => {
                    let from = stack.iter().position(|s| s == w).unwrap();
                    return Some(stack[from..].iter().cloned().chain([w.clone()]).collect());
                }
                Some(_) => {}
                None => {
                    if let Some(c) = visit(w, g, state, stack) {
                        return Some(c);
                    }
                }
            }
        }
        stack.pop();
        state.insert(v.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for v in g.keys() {
        if !state.contains_key(v)
            && let Some(c) = visit(v, g, &mut state, &mut Vec::new())
        {
            return Some(c);
        }
    }
    None
}

fn top_level(g: &BTreeMap<String, BTreeSet<String>>) -> BTreeMap<String, BTreeSet<String>> {
    let top = |n: &str| n.split("::").next().unwrap().to_string();
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (a, bs) in g {
        for b in bs.iter().filter(|b| top(b) != top(a)) {
            out.entry(top(a)).or_default().insert(top(b));
        }
    }
    out
}

#[test]
fn the_top_level_modules_have_no_cycle() {
    let g = top_level(&graph());
    assert!(g["web"].contains("db") && g["db"].contains("inventory"), "the reader sees the modules: {g:?}");
    if let Some(c) = cycle(&g) {
        panic!("module cycle: {}", c.join(" → "));
    }
    for domain in ["import", "scoring", "architecture", "cost", "plan", "report", "cfn", "enrich", "inventory"] {
        for upper in ["db", "service", "web", "cli"] {
            assert!(!g.get(domain).is_some_and(|d| d.contains(upper)), "{domain} is pure but uses {upper}");
        }
    }
}

#[test]
fn the_repositories_of_db_have_no_cycle() {
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (a, bs) in graph() {
        if a.starts_with("db::") && a != "db::derived" {
            let bs = bs.into_iter().filter(|b| b.starts_with("db::") && b != "db::derived");
            g.entry(a).or_default().extend(bs);
        }
    }
    assert!(g["db::workloads"].contains("db::applications"), "the reader sees the repositories: {g:?}");
    if let Some(c) = cycle(&g) {
        panic!("cycle among the db repositories: {}", c.join(" → "));
    }
}

#[test]
fn the_reader_follows_grouped_uses() {
    let (p, _) = paths("db::{self, workloads::{get, list}, applications as apps};");
    let joined: Vec<String> = p.iter().map(|p| p.join("::")).collect();
    assert_eq!(joined, ["db::self", "db::workloads::get", "db::workloads::list", "db::applications"]);
    assert_eq!(shipped_code("a\n#[cfg(test)]\nmod tests {\n use crate::web;\n}\nb // crate::cli\n"), "a\n\nb ");
}
