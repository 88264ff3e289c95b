//! A small span-preserving YAML tree built from `saphyr-parser` events.
//!
//! Every node (keys included) keeps its line/column span. Duplicate keys are kept in the tree (the
//! typed views read the last one, as most loaders do, and validity rules can report them). Aliases
//! are stored as references and never expanded while building, so an alias bomb costs nothing;
//! merge keys (`<<: *x`) are resolved on lookup with a budget. Nesting depth is capped. YAML 1.2
//! semantics: `on:` is the string `on`.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle as SaphyrStyle};

use crate::source::{to_u32, Pos, Span, Spanned};

/// Deepest nesting of collections accepted in one document.
pub const MAX_DEPTH: usize = 256;
/// Most nodes visited while resolving merge keys for one lookup.
pub const MERGE_BUDGET: usize = 4096;
/// Longest alias chain followed.
const MAX_ALIAS_HOPS: usize = 64;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(u32);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

#[derive(Clone, Debug)]
pub enum NodeKind {
    Scalar {
        value: String,
        style: ScalarStyle,
    },
    Seq(Vec<NodeId>),
    Map(Vec<(NodeId, NodeId)>),
    /// Reference to the node anchored with this id (resolved lazily).
    Alias(usize),
}

#[derive(Clone, Debug)]
pub struct NodeData {
    pub kind: NodeKind,
    pub span: Span,
    pub tag: Option<String>,
}

/// One YAML document: an arena of nodes and its root.
#[derive(Debug)]
pub struct Document {
    nodes: Vec<NodeData>,
    root: NodeId,
    anchors: HashMap<usize, NodeId>,
    /// Span from the document's first to its last node.
    pub span: Span,
}

/// A parse error with the position the parser reported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    pub pos: Pos,
    pub message: String,
}

/// All documents of a stream, plus the error that stopped parsing, if any. Documents completed
/// before an error are kept.
#[derive(Debug, Default)]
pub struct YamlStream {
    pub documents: Vec<Document>,
    pub error: Option<YamlError>,
}

impl YamlStream {
    pub fn first(&self) -> Option<Node<'_>> {
        self.documents.first().map(Document::root)
    }
}

fn pos_of(m: &saphyr_parser::Marker) -> Pos {
    Pos::new(to_u32(m.line().max(1)), to_u32(m.col() + 1))
}

fn span_of(s: &saphyr_parser::Span) -> Span {
    Span::new(pos_of(&s.start), pos_of(&s.end))
}

enum Frame {
    Seq { id: NodeId, items: Vec<NodeId> },
    Map { id: NodeId, items: Vec<NodeId> },
}

struct Builder {
    nodes: Vec<NodeData>,
    anchors: HashMap<usize, NodeId>,
    stack: Vec<Frame>,
    root: Option<NodeId>,
}

impl Builder {
    fn new() -> Self {
        Builder { nodes: Vec::new(), anchors: HashMap::new(), stack: Vec::new(), root: None }
    }

    fn push(&mut self, kind: NodeKind, span: Span, tag: Option<String>, anchor: usize) -> NodeId {
        let id = NodeId(to_u32(self.nodes.len()));
        self.nodes.push(NodeData { kind, span, tag });
        if anchor > 0 {
            self.anchors.insert(anchor, id);
        }
        id
    }

    fn attach(&mut self, id: NodeId) {
        match self.stack.last_mut() {
            Some(Frame::Seq { items, .. }) | Some(Frame::Map { items, .. }) => items.push(id),
            None => self.root = Some(id),
        }
    }

    fn end_span(&self, id: NodeId) -> Pos {
        self.nodes.get(id.0 as usize).map_or_else(Pos::default, |n| n.span.end)
    }

    fn finish(mut self) -> Option<Document> {
        let root = match self.root {
            Some(r) => r,
            None => {
                // An empty document: a null scalar.
                let id = NodeId(to_u32(self.nodes.len()));
                self.nodes.push(NodeData {
                    kind: NodeKind::Scalar { value: String::new(), style: ScalarStyle::Plain },
                    span: Span::point(1, 1),
                    tag: None,
                });
                id
            }
        };
        let span = self.nodes.get(root.0 as usize).map(|n| n.span).unwrap_or_default();
        Some(Document { nodes: self.nodes, root, anchors: self.anchors, span })
    }
}

fn tag_string(tag: Option<std::borrow::Cow<'_, saphyr_parser::Tag>>) -> Option<String> {
    tag.map(|t| format!("{}{}", t.handle, t.suffix))
}

/// Most lines re-indented to work around saphyr's flow-indentation strictness.
const MAX_REINDENTS: usize = 32;

/// Parse a YAML stream. Never panics; errors are returned in `YamlStream::error`.
///
/// saphyr rejects a line inside a flow collection that is indented less than the enclosing block
/// (`command: [` … `]` with the `]` under `command`), which libyaml and go-yaml — the loaders of
/// compose, kubectl and GitHub — accept. That error can only arise inside flow context, so the
/// offending line is re-indented and the text parsed again (bounded); only that line's columns
/// shift.
pub fn parse(text: &str) -> YamlStream {
    let mut stream = parse_once(text);
    let mut owned: Option<String> = None;
    for _ in 0..MAX_REINDENTS {
        let Some(e) = &stream.error else { break };
        if e.message != "invalid indentation" {
            break;
        }
        let cur = owned.as_deref().unwrap_or(text);
        let Some(fixed) = reindent_line(cur, e.pos.line) else { break };
        stream = parse_once(&fixed);
        owned = Some(fixed);
    }
    stream
}

/// `text` with line `line` (1-based) indented by two more spaces.
fn reindent_line(text: &str, line: u32) -> Option<String> {
    let idx = usize::try_from(line).ok()?.checked_sub(1)?;
    let start = if idx == 0 { 0 } else { memchr::memchr_iter(b'\n', text.as_bytes()).nth(idx - 1)? + 1 };
    let mut out = String::with_capacity(text.len() + 2);
    out.push_str(text.get(..start)?);
    out.push_str("  ");
    out.push_str(text.get(start..)?);
    Some(out)
}

fn parse_once(text: &str) -> YamlStream {
    let mut out = YamlStream::default();
    let mut parser = Parser::new_from_str(text);
    let mut builder: Option<Builder> = None;
    while let Some(next) = parser.next_event() {
        let (event, span) = match next {
            Ok(ev) => ev,
            Err(e) => {
                out.error = Some(YamlError { pos: pos_of(e.marker()), message: e.info().to_owned() });
                break;
            }
        };
        let span = span_of(&span);
        let is_seq_start = matches!(event, Event::SequenceStart(..));
        match event {
            Event::StreamStart | Event::Nothing => {}
            Event::StreamEnd => break,
            Event::DocumentStart(_) => builder = Some(Builder::new()),
            Event::DocumentEnd => {
                if let Some(doc) = builder.take().and_then(Builder::finish) {
                    out.documents.push(doc);
                }
            }
            Event::Scalar(value, style, anchor, tag) => {
                let Some(b) = builder.as_mut() else { continue };
                let style = match style {
                    SaphyrStyle::Plain => ScalarStyle::Plain,
                    SaphyrStyle::SingleQuoted => ScalarStyle::SingleQuoted,
                    SaphyrStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
                    SaphyrStyle::Literal => ScalarStyle::Literal,
                    SaphyrStyle::Folded => ScalarStyle::Folded,
                };
                let kind = NodeKind::Scalar { value: value.into_owned(), style };
                let id = b.push(kind, span, tag_string(tag), anchor);
                b.attach(id);
            }
            Event::Alias(anchor) => {
                let Some(b) = builder.as_mut() else { continue };
                let id = b.push(NodeKind::Alias(anchor), span, None, 0);
                b.attach(id);
            }
            Event::SequenceStart(anchor, tag) | Event::MappingStart(anchor, tag) => {
                let is_seq = is_seq_start;
                let Some(b) = builder.as_mut() else { continue };
                if b.stack.len() >= MAX_DEPTH {
                    out.error =
                        Some(YamlError { pos: span.start, message: format!("nesting deeper than {MAX_DEPTH} levels") });
                    break;
                }
                let kind = if is_seq { NodeKind::Seq(Vec::new()) } else { NodeKind::Map(Vec::new()) };
                let id = b.push(kind, span, tag_string(tag), anchor);
                b.stack.push(if is_seq {
                    Frame::Seq { id, items: Vec::new() }
                } else {
                    Frame::Map { id, items: Vec::new() }
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(b) = builder.as_mut() else { continue };
                let Some(frame) = b.stack.pop() else { continue };
                let (id, kind, last) = match frame {
                    Frame::Seq { id, items } => {
                        let last = items.last().copied();
                        (id, NodeKind::Seq(items), last)
                    }
                    Frame::Map { id, items } => {
                        let last = items.last().copied();
                        let pairs: Vec<(NodeId, NodeId)> =
                            items.chunks_exact(2).filter_map(|c| Some((*c.first()?, *c.get(1)?))).collect();
                        (id, NodeKind::Map(pairs), last)
                    }
                };
                let end = match last {
                    Some(l) => b.end_span(l).max(span.start.min(b.end_span(l))),
                    None => span.end,
                };
                if let Some(n) = b.nodes.get_mut(id.0 as usize) {
                    n.kind = kind;
                    if end > n.span.start {
                        n.span.end = end;
                    }
                }
                b.attach(id);
            }
        }
    }
    out
}

impl Document {
    pub fn root(&self) -> Node<'_> {
        Node { doc: self, id: self.root }
    }

    pub fn node(&self, id: NodeId) -> Node<'_> {
        Node { doc: self, id }
    }

    fn data(&self, id: NodeId) -> Option<&NodeData> {
        self.nodes.get(id.0 as usize)
    }

    /// Every node of the document exactly once (aliases are not followed): the cheap way to scan
    /// all scalars without risking expansion.
    pub fn all_nodes(&self) -> impl Iterator<Item = Node<'_>> {
        (0..self.nodes.len()).map(move |i| Node { doc: self, id: NodeId(to_u32(i)) })
    }

    /// Keys that appear more than once in the same mapping: (duplicate key, first occurrence).
    pub fn duplicate_keys(&self) -> Vec<(Node<'_>, Node<'_>)> {
        let mut out = Vec::new();
        for n in &self.nodes {
            if let NodeKind::Map(pairs) = &n.kind {
                let mut seen: HashMap<&str, NodeId> = HashMap::new();
                for (k, _) in pairs {
                    let Some(key) = self.node(*k).scalar_raw() else { continue };
                    if key == "<<" {
                        continue;
                    }
                    if let Some(first) = seen.get(key) {
                        out.push((self.node(*k), self.node(*first)));
                    } else {
                        seen.insert(key, *k);
                    }
                }
            }
        }
        out
    }
}

/// A cheap handle on one node of a document.
#[derive(Clone, Copy)]
pub struct Node<'a> {
    doc: &'a Document,
    id: NodeId,
}

impl std::fmt::Debug for Node<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.data().map(|d| &d.kind) {
            Some(NodeKind::Scalar { value, .. }) => write!(f, "Scalar({value:?})"),
            Some(NodeKind::Seq(v)) => write!(f, "Seq(len={})", v.len()),
            Some(NodeKind::Map(v)) => write!(f, "Map(len={})", v.len()),
            Some(NodeKind::Alias(a)) => write!(f, "Alias({a})"),
            None => write!(f, "Invalid"),
        }
    }
}

impl<'a> Node<'a> {
    fn data(&self) -> Option<&'a NodeData> {
        self.doc.data(self.id)
    }

    pub fn id(&self) -> NodeId {
        self.id
    }

    pub fn document(&self) -> &'a Document {
        self.doc
    }

    /// Span of this node as written (an alias reports the alias's own position).
    pub fn span(&self) -> Span {
        self.data().map(|d| d.span).unwrap_or_default()
    }

    pub fn tag(&self) -> Option<&'a str> {
        self.data().and_then(|d| d.tag.as_deref())
    }

    /// Follow aliases to the anchored node (bounded; an unknown or cyclic alias resolves to itself).
    pub fn resolve(self) -> Node<'a> {
        let mut cur = self;
        for _ in 0..MAX_ALIAS_HOPS {
            match cur.data().map(|d| &d.kind) {
                Some(NodeKind::Alias(a)) => match cur.doc.anchors.get(a) {
                    Some(target) if *target != cur.id => cur = Node { doc: cur.doc, id: *target },
                    _ => return cur,
                },
                _ => return cur,
            }
        }
        cur
    }

    pub fn is_alias(&self) -> bool {
        matches!(self.data().map(|d| &d.kind), Some(NodeKind::Alias(_)))
    }

    pub fn is_map(&self) -> bool {
        matches!(self.resolve().data().map(|d| &d.kind), Some(NodeKind::Map(_)))
    }

    pub fn is_seq(&self) -> bool {
        matches!(self.resolve().data().map(|d| &d.kind), Some(NodeKind::Seq(_)))
    }

    pub fn is_scalar(&self) -> bool {
        matches!(self.resolve().data().map(|d| &d.kind), Some(NodeKind::Scalar { .. }))
    }

    /// Scalar text of this very node (no alias resolution).
    fn scalar_raw(&self) -> Option<&'a str> {
        match self.data().map(|d| &d.kind) {
            Some(NodeKind::Scalar { value, .. }) => Some(value.as_str()),
            _ => None,
        }
    }

    /// Scalar text (aliases resolved). Numbers and booleans are returned as written.
    pub fn as_str(&self) -> Option<&'a str> {
        self.resolve().scalar_raw()
    }

    pub fn style(&self) -> Option<ScalarStyle> {
        match self.resolve().data().map(|d| &d.kind) {
            Some(NodeKind::Scalar { style, .. }) => Some(*style),
            _ => None,
        }
    }

    /// Scalar text with its span.
    pub fn spanned_str(&self) -> Option<Spanned<String>> {
        self.as_str().map(|s| Spanned::new(s.to_owned(), self.span()))
    }

    /// True for a plain `null`, `~`, empty scalar.
    pub fn is_null(&self) -> bool {
        let r = self.resolve();
        match r.data().map(|d| &d.kind) {
            Some(NodeKind::Scalar { value, style: ScalarStyle::Plain }) => {
                matches!(value.as_str(), "" | "~" | "null" | "Null" | "NULL")
            }
            _ => false,
        }
    }

    /// Boolean as a typed field would read it. Accepts the YAML 1.2 core forms and, because the
    /// Go and Python loaders behind compose/Kubernetes accept them for boolean fields, the YAML 1.1
    /// `yes/no/on/off` forms when unquoted.
    pub fn as_bool(&self) -> Option<bool> {
        let r = self.resolve();
        let s = r.as_str()?;
        let plain = r.style() == Some(ScalarStyle::Plain);
        match s {
            "true" | "True" | "TRUE" => Some(true),
            "false" | "False" | "FALSE" => Some(false),
            "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "y" | "Y" if plain => Some(true),
            "no" | "No" | "NO" | "off" | "Off" | "OFF" | "n" | "N" if plain => Some(false),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        let s = self.as_str()?.trim();
        s.parse::<i64>().ok().or_else(|| s.replace('_', "").parse::<i64>().ok())
    }

    pub fn as_f64(&self) -> Option<f64> {
        self.as_str()?.trim().parse::<f64>().ok()
    }

    /// Items of a sequence (aliases resolved for the sequence itself; items are returned as written).
    pub fn items(&self) -> Vec<Node<'a>> {
        match self.resolve().data().map(|d| &d.kind) {
            Some(NodeKind::Seq(items)) => items.iter().map(|i| Node { doc: self.doc, id: *i }).collect(),
            _ => Vec::new(),
        }
    }

    /// Key/value pairs exactly as written (duplicates and `<<` included).
    pub fn raw_entries(&self) -> Vec<(Node<'a>, Node<'a>)> {
        match self.resolve().data().map(|d| &d.kind) {
            Some(NodeKind::Map(pairs)) => {
                pairs.iter().map(|(k, v)| (Node { doc: self.doc, id: *k }, Node { doc: self.doc, id: *v })).collect()
            }
            _ => Vec::new(),
        }
    }

    /// Key/value pairs as a loader sees them: merge keys resolved, later duplicates win, explicit
    /// keys override merged ones. Order: first appearance.
    pub fn entries(&self) -> Vec<(Node<'a>, Node<'a>)> {
        let mut out: Vec<(Node<'a>, Node<'a>)> = Vec::new();
        let mut index: HashMap<&'a str, usize> = HashMap::new();
        let mut budget = MERGE_BUDGET;
        self.collect_entries(&mut out, &mut index, &mut budget, 0, true);
        out
    }

    fn collect_entries(
        &self,
        out: &mut Vec<(Node<'a>, Node<'a>)>,
        index: &mut HashMap<&'a str, usize>,
        budget: &mut usize,
        depth: usize,
        explicit: bool,
    ) {
        if depth > 16 {
            return;
        }
        let pairs = self.raw_entries();
        let mut merges = Vec::new();
        for (k, v) in pairs {
            if *budget == 0 {
                return;
            }
            *budget -= 1;
            let key = k.as_str().unwrap_or("");
            if key == "<<" && k.style() == Some(ScalarStyle::Plain) {
                merges.push(v);
                continue;
            }
            match index.get(key) {
                Some(&i) => {
                    if explicit {
                        if let Some(slot) = out.get_mut(i) {
                            *slot = (k, v);
                        }
                    }
                }
                None => {
                    index.insert(key, out.len());
                    out.push((k, v));
                }
            }
        }
        for m in merges {
            let m = m.resolve();
            if m.is_seq() {
                for item in m.items() {
                    item.resolve().collect_entries(out, index, budget, depth + 1, false);
                }
            } else {
                m.collect_entries(out, index, budget, depth + 1, false);
            }
        }
    }

    /// Value for `key` (merge keys resolved; the last explicit duplicate wins).
    pub fn get(&self, key: &str) -> Option<Node<'a>> {
        if !self.is_map() {
            return None;
        }
        let mut budget = MERGE_BUDGET;
        self.lookup(key, &mut budget, 0)
    }

    fn lookup(&self, key: &str, budget: &mut usize, depth: usize) -> Option<Node<'a>> {
        if depth > 16 {
            return None;
        }
        let pairs = self.raw_entries();
        let mut found = None;
        let mut merges = Vec::new();
        for (k, v) in &pairs {
            if *budget == 0 {
                return found;
            }
            *budget -= 1;
            match k.as_str() {
                Some(s) if s == key && !(s == "<<" && k.style() == Some(ScalarStyle::Plain)) => found = Some(*v),
                Some("<<") if k.style() == Some(ScalarStyle::Plain) => merges.push(*v),
                _ => {}
            }
        }
        if found.is_some() {
            return found;
        }
        for m in merges {
            let m = m.resolve();
            let sources = if m.is_seq() { m.items() } else { vec![m] };
            for s in sources {
                if let Some(v) = s.resolve().lookup(key, budget, depth + 1) {
                    return Some(v);
                }
            }
        }
        None
    }

    /// The key node for `key` in this mapping (for pointing at `key:` rather than its value).
    pub fn key_node(&self, key: &str) -> Option<Node<'a>> {
        self.entries().into_iter().find(|(k, _)| k.as_str() == Some(key)).map(|(k, _)| k)
    }

    /// `get` then `as_str`.
    pub fn get_str(&self, key: &str) -> Option<&'a str> {
        self.get(key).and_then(|n| n.as_str())
    }

    /// Follow a path of mapping keys.
    pub fn path(&self, keys: &[&str]) -> Option<Node<'a>> {
        let mut cur = *self;
        for k in keys {
            cur = cur.get(k)?;
        }
        Some(cur)
    }

    /// Strings of a scalar-or-sequence field (`ports: "80"` or `ports: ["80"]`).
    pub fn str_list(&self) -> Vec<Spanned<String>> {
        if self.is_seq() {
            self.items().iter().filter_map(|n| n.spanned_str()).collect()
        } else {
            self.spanned_str().into_iter().collect()
        }
    }

    /// Human name of the node's type, for diagnostics ("expected a mapping, found a sequence").
    pub fn type_name(&self) -> &'static str {
        match self.resolve().data().map(|d| &d.kind) {
            Some(NodeKind::Scalar { .. }) if self.is_null() => "null",
            Some(NodeKind::Scalar { .. }) => "scalar",
            Some(NodeKind::Seq(_)) => "sequence",
            Some(NodeKind::Map(_)) => "mapping",
            Some(NodeKind::Alias(_)) => "unresolved alias",
            None => "nothing",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> YamlStream {
        let s = parse(text);
        assert!(s.error.is_none(), "{:?}", s.error);
        s
    }

    #[test]
    fn spans_of_keys_and_values() {
        let s = doc("services:\n  api:\n    image: node:20\n");
        let root = s.first().unwrap_or_else(|| unreachable!());
        let img = root.path(&["services", "api", "image"]).map(|n| (n.as_str(), n.span().start));
        assert_eq!(img, Some((Some("node:20"), Pos::new(3, 12))));
        let key = root.get("services").and_then(|s| s.key_node("api")).map(|k| k.span().start);
        assert_eq!(key, Some(Pos::new(2, 3)));
    }

    #[test]
    fn on_is_a_string_key() {
        let s = doc("on:\n  push:\n");
        let root = s.first().unwrap_or_else(|| unreachable!());
        assert!(root.get("on").is_some());
    }

    #[test]
    fn merge_keys_resolve_with_override() {
        let s = doc(
            "x-base: &base\n  restart: always\n  read_only: true\nservices:\n  a:\n    <<: *base\n    restart: \"no\"\n",
        );
        let root = s.first().unwrap_or_else(|| unreachable!());
        let a = root.path(&["services", "a"]).unwrap_or(root);
        assert_eq!(a.get_str("restart"), Some("no"));
        assert_eq!(a.get("read_only").and_then(|n| n.as_bool()), Some(true));
        let keys: Vec<_> = a.entries().iter().filter_map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, vec!["restart", "read_only"]);
    }

    #[test]
    fn merge_list_and_duplicates() {
        let s = doc("a: &a {x: 1}\nb: &b {y: 2}\nc:\n  <<: [*a, *b]\n  z: 3\n  z: 4\n");
        let root = s.first().unwrap_or_else(|| unreachable!());
        let c = root.get("c").unwrap_or(root);
        assert_eq!(c.get_str("y"), Some("2"));
        assert_eq!(c.get_str("z"), Some("4"));
        let d = s.documents.first().map(|d| d.duplicate_keys().len());
        assert_eq!(d, Some(1));
    }

    #[test]
    fn billion_laughs_is_cheap() {
        let mut text =
            String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        let mut prev = 'a';
        for c in 'b'..='j' {
            text.push_str(&format!(
                "{c}: &{c} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
            ));
            prev = c;
        }
        let s = doc(&text);
        let n = s.documents.first().map(|d| d.all_nodes().count()).unwrap_or(0);
        assert!(n < 200, "{n}");
    }

    #[test]
    fn recursive_merge_terminates() {
        let s = parse("a: &a\n  <<: *a\n  k: v\n");
        if let Some(root) = s.first() {
            let _ = root.get("a").map(|a| a.entries());
            let _ = root.get("a").and_then(|a| a.get("missing"));
        }
    }

    #[test]
    fn multi_document_and_errors() {
        let s = parse("a: 1\n---\nb: 2\n---\nc: [\n");
        assert_eq!(s.documents.len(), 2);
        assert!(s.error.is_some());
    }

    #[test]
    fn flow_closers_at_block_indentation_are_accepted() {
        let s = doc("services:\n  flagd:\n    command: [\n      \"start\",\n      \"--uri\"\n    ]\n    ports:\n      - \"8013\"\n");
        let root = s.first().unwrap_or_else(|| unreachable!());
        let cmd = root.path(&["services", "flagd", "command"]).map(|c| c.items().len());
        assert_eq!(cmd, Some(2));
        let port = root.path(&["services", "flagd", "ports"]).and_then(|p| p.items().first().map(|i| i.span().start));
        assert_eq!(port, Some(Pos::new(8, 9)));
    }

    #[test]
    fn depth_is_capped() {
        let text = "[".repeat(MAX_DEPTH + 10);
        let s = parse(&text);
        assert!(s.error.is_some());
    }

    #[test]
    fn empty_input_has_no_documents() {
        assert!(parse("").documents.is_empty());
        assert_eq!(parse("# just a comment\n").documents.len(), 0);
    }
}
