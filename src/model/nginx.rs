//! nginx configuration model: a tree of directives (an arena with parent links, so inheritance
//! lookups walk up cheaply) plus typed views of what readiness rules and cross-file checks need:
//! `server` blocks with their `listen`s, `upstream` blocks with their servers and balancing method,
//! every `proxy_pass`-style target, every `include`, and the rate-limit zones. Every value carries
//! its span. Parsing lives in `crate::parse::nginx`.
//!
//! Contexts follow nginx: a file with a top-level `http`/`events`/`stream` block (or main-only
//! directives such as `worker_processes`) is a *main* configuration; any other file is a
//! *fragment* (a `conf.d/*.conf` with `server` blocks is included into `http` by the main config;
//! a snippet with `location`s or `add_header`s is included into a `server`), so its top level is
//! [`Context::Fragment`], never "outside http".

use crate::source::{Span, Spanned};

/// Index of a directive in [`NginxConfig`]'s arena.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DirectiveId(pub usize);

/// One argument of a directive: its value (quotes removed, `\"` unescaped) and the span of the
/// token as written (quotes included).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arg {
    pub value: String,
    pub span: Span,
    pub quoted: bool,
}

/// A simple (`name args;`) or block (`name args { … }`) directive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    pub id: DirectiveId,
    pub name: Spanned<String>,
    pub args: Vec<Arg>,
    /// From the name to the terminating `;` or the closing `}` (inclusive). For a block left
    /// open at the end of the file, up to the end of the file.
    pub span: Span,
    pub parent: Option<DirectiveId>,
    /// `Some` for blocks (children in source order); `None` for simple directives.
    pub children: Option<Vec<DirectiveId>>,
}

impl Directive {
    pub fn is_block(&self) -> bool {
        self.children.is_some()
    }

    /// The first argument's value, if any.
    pub fn arg(&self, i: usize) -> Option<&str> {
        self.args.get(i).map(|a| a.value.as_str())
    }

    /// Span of the arguments (or of the name when there are none).
    pub fn args_span(&self) -> Span {
        match (self.args.first(), self.args.last()) {
            (Some(a), Some(b)) => a.span.join(b.span),
            _ => self.name.span,
        }
    }

    /// All argument values joined with single spaces.
    pub fn args_text(&self) -> String {
        self.args.iter().map(|a| a.value.as_str()).collect::<Vec<_>>().join(" ")
    }
}

/// The block a directive sits in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Context {
    /// Top level of a main configuration (`nginx.conf` with `http`/`events`).
    Main,
    /// Top level of a fragment meant to be included somewhere (`conf.d/*.conf`, snippets): the
    /// including context is unknown from this file alone.
    Fragment,
    Events,
    Http,
    Stream,
    Mail,
    Server,
    Location,
    Upstream,
    If,
    LimitExcept,
    /// `map`, `geo`, `split_clients`, `types`, `match`: blocks of data entries, not directives.
    Data,
    /// Any other block (`*_by_lua_block`, third-party modules).
    Other(String),
}

impl Context {
    pub fn of_block(name: &str) -> Context {
        match name {
            "events" => Context::Events,
            "http" => Context::Http,
            "stream" => Context::Stream,
            "mail" => Context::Mail,
            "server" => Context::Server,
            "location" => Context::Location,
            "upstream" => Context::Upstream,
            "if" => Context::If,
            "limit_except" => Context::LimitExcept,
            "map" | "geo" | "split_clients" | "types" | "match" | "charset_map" => Context::Data,
            other => Context::Other(other.to_owned()),
        }
    }

    /// The name nginx uses in "directive is not allowed here" messages.
    pub fn label(&self) -> &str {
        match self {
            Context::Main => "main",
            Context::Fragment => "fragment",
            Context::Events => "events",
            Context::Http => "http",
            Context::Stream => "stream",
            Context::Mail => "mail",
            Context::Server => "server",
            Context::Location => "location",
            Context::Upstream => "upstream",
            Context::If => "if",
            Context::LimitExcept => "limit_except",
            Context::Data => "data block",
            Context::Other(n) => n.as_str(),
        }
    }
}

/// `listen` of a `server` block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listen {
    /// The `listen` directive.
    pub span: Span,
    /// The address argument as written (`443`, `[::]:443`, `127.0.0.1:8080`, `unix:/run/x.sock`, `${PORT}`).
    pub address: Spanned<String>,
    /// Port, when the address names one (`80` when only a host is given, as nginx defaults).
    pub port: Option<u16>,
    pub ssl: bool,
    pub http2: bool,
    /// `quic` (HTTP/3).
    pub quic: bool,
    pub default_server: bool,
    /// A Unix socket.
    pub unix: bool,
}

/// A `server` block (in `http`, `stream`, or a fragment's top level).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Server {
    pub id: DirectiveId,
    /// The `server` keyword.
    pub keyword: Span,
    /// The whole block.
    pub span: Span,
    /// Inside `stream { }` (TCP/UDP proxy), not HTTP.
    pub stream: bool,
    pub listens: Vec<Listen>,
    pub names: Vec<Spanned<String>>,
    /// `location` blocks anywhere inside (nested ones included), in source order.
    pub locations: Vec<DirectiveId>,
}

impl Server {
    /// Serves TLS: a `listen … ssl` or `listen … quic`, or the legacy `ssl on;`.
    pub fn listens_tls(&self) -> bool {
        self.listens.iter().any(|l| l.ssl || l.quic)
    }

    /// "server `api.acme.io`" / "server on port 80" for messages.
    pub fn label(&self) -> String {
        if let Some(n) = self.names.iter().find(|n| n.value != "_" && !n.value.is_empty()) {
            return format!("server `{}`", n.value);
        }
        match self.listens.first().and_then(|l| l.port) {
            Some(p) => format!("server on port {p}"),
            None => "server".to_owned(),
        }
    }
}

/// How an `upstream` balances its servers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Balancing {
    RoundRobin,
    LeastConn,
    IpHash,
    /// `hash KEY [consistent]`
    Hash(String),
    Random,
    LeastTime,
}

/// `server` inside an `upstream` block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UpstreamServer {
    /// The directive.
    pub span: Span,
    /// `host:port`, `unix:/path` as written.
    pub address: Spanned<String>,
    pub host: String,
    pub port: Option<u16>,
    pub backup: bool,
    pub down: bool,
    /// Other parameters (`weight=3`, `max_fails=2`, `resolve`…).
    pub params: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Upstream {
    pub id: DirectiveId,
    pub name: Spanned<String>,
    pub span: Span,
    pub stream: bool,
    pub servers: Vec<UpstreamServer>,
    pub balancing: Balancing,
    /// Span of the balancing directive, when one is written.
    pub balancing_span: Option<Span>,
    pub keepalive: Option<Spanned<String>>,
}

/// A `proxy_pass` / `fastcgi_pass` / `grpc_pass` / `uwsgi_pass` / `scgi_pass` / `memcached_pass`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProxyPass {
    pub id: DirectiveId,
    /// The directive name.
    pub directive: String,
    pub span: Span,
    /// The target as written.
    pub url: Spanned<String>,
    /// `http`, `https`, `grpc`, `grpcs`; `None` for `fastcgi_pass host:port` forms and Unix sockets.
    pub scheme: Option<String>,
    /// Host or upstream name (empty for Unix sockets).
    pub host: String,
    pub port: Option<u16>,
    /// Path part after the host (`/api/`), if any.
    pub path: Option<String>,
    /// The host part is built from a variable (`http://$backend`): resolved at request time.
    pub dynamic: bool,
    pub unix: bool,
}

/// An `include` directive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Include {
    pub id: DirectiveId,
    pub span: Span,
    pub path: Spanned<String>,
    /// Contains `*`, `?` or `[`: nginx expands it, and a pattern matching nothing is not an error.
    pub glob: bool,
}

/// `limit_req_zone` / `limit_conn_zone`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Zone {
    pub span: Span,
    /// `limit_req_zone` or `limit_conn_zone`.
    pub directive: String,
    pub key: String,
    pub name: Option<Spanned<String>>,
    pub size: Option<String>,
    /// `rate=10r/s` (request zones only).
    pub rate: Option<String>,
}

/// An `add_header`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    pub span: Span,
    /// Header name, lowercased.
    pub name: String,
    pub value: String,
    /// `always`: also added to error responses.
    pub always: bool,
}

/// A problem found while reading the file (unbalanced braces, unterminated strings…). The model
/// keeps what was read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NginxProblem {
    pub span: Span,
    pub message: String,
}

/// One parsed nginx file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NginxConfig {
    /// Every directive, in source order (a directive's id is its index).
    pub directives: Vec<Directive>,
    /// Top-level directives.
    pub roots: Vec<DirectiveId>,
    /// A main configuration (`http`/`events`/`stream` or main-only directives at the top level)
    /// rather than a fragment.
    pub is_main: bool,
    /// Uses `${VAR}` placeholders (a `*.conf.template` for the image's envsubst step).
    pub template_vars: Vec<Spanned<String>>,
    pub servers: Vec<Server>,
    pub upstreams: Vec<Upstream>,
    pub proxy_passes: Vec<ProxyPass>,
    pub includes: Vec<Include>,
    pub zones: Vec<Zone>,
    pub problems: Vec<NginxProblem>,
}

/// Directives whose values nginx inherits from the enclosing level *as a whole*: a level that
/// writes any of them does not inherit the parent's (the `add_header` trap).
pub const ARRAY_DIRECTIVES: &[&str] = &[
    "add_header",
    "limit_req",
    "limit_conn",
    "proxy_set_header",
    "error_page",
    "ssl_certificate",
    "ssl_certificate_key",
];

impl NginxConfig {
    pub fn get(&self, id: DirectiveId) -> Option<&Directive> {
        self.directives.get(id.0)
    }

    /// All directives in source order.
    pub fn iter(&self) -> impl Iterator<Item = &Directive> {
        self.directives.iter()
    }

    /// Directives named `name` anywhere, in source order.
    pub fn named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Directive> + 'a {
        self.directives.iter().filter(move |d| d.name.value == name)
    }

    /// Children of a block (`None` = the top level).
    pub fn children(&self, parent: Option<DirectiveId>) -> Vec<&Directive> {
        let ids: &[DirectiveId] = match parent {
            None => &self.roots,
            Some(p) => self.get(p).and_then(|d| d.children.as_deref()).unwrap_or(&[]),
        };
        ids.iter().filter_map(|i| self.get(*i)).collect()
    }

    /// Direct children of `parent` named `name`.
    pub fn child_named(&self, parent: Option<DirectiveId>, name: &str) -> Vec<&Directive> {
        self.children(parent).into_iter().filter(|d| d.name.value == name).collect()
    }

    /// The enclosing blocks of `id`, innermost first.
    pub fn ancestors(&self, id: DirectiveId) -> Vec<&Directive> {
        let mut out = Vec::new();
        let mut cur = self.get(id).and_then(|d| d.parent);
        let mut guard = 0;
        while let Some(p) = cur {
            let Some(d) = self.get(p) else { break };
            out.push(d);
            cur = d.parent;
            guard += 1;
            if guard > 1024 {
                break;
            }
        }
        out
    }

    /// The context a directive is written in.
    pub fn context(&self, id: DirectiveId) -> Context {
        match self.get(id).and_then(|d| d.parent).and_then(|p| self.get(p)) {
            Some(p) => Context::of_block(&p.name.value),
            None if self.is_main => Context::Main,
            None => Context::Fragment,
        }
    }

    /// Is `id` inside a `stream { }` block?
    pub fn in_stream(&self, id: DirectiveId) -> bool {
        self.ancestors(id).iter().any(|a| a.name.value == "stream")
    }

    /// The directives named `name` that apply at block `at` (a `server` or `location` id; `None`
    /// = top level), with nginx's inheritance: the nearest level (the block itself, then its
    /// enclosing blocks outwards) that writes any `name` directive supplies all of them, and
    /// outer levels are ignored. For single-valued settings (`ssl_protocols`, `server_tokens`) the
    /// last element is the effective one.
    pub fn effective(&self, at: Option<DirectiveId>, name: &str) -> Vec<&Directive> {
        let mut level = at;
        let mut guard = 0;
        loop {
            let here = self.child_named(level, name);
            if !here.is_empty() {
                return here;
            }
            match level {
                None => return Vec::new(),
                Some(id) => level = self.get(id).and_then(|d| d.parent),
            }
            guard += 1;
            if guard > 1024 {
                return Vec::new();
            }
        }
    }

    /// The effective value of a single-valued setting at `at` (see [`NginxConfig::effective`]).
    pub fn effective_one(&self, at: Option<DirectiveId>, name: &str) -> Option<&Directive> {
        self.effective(at, name).into_iter().last()
    }

    /// The `add_header`s in effect at `at`, with nginx's inheritance rule.
    pub fn headers_at(&self, at: Option<DirectiveId>) -> Vec<Header> {
        self.effective(at, "add_header").into_iter().filter_map(header_of).collect()
    }

    /// `add_header` directives written directly in block `at`.
    pub fn own_headers(&self, at: Option<DirectiveId>) -> Vec<Header> {
        self.child_named(at, "add_header").into_iter().filter_map(header_of).collect()
    }

    /// The `server` block enclosing `id`, if any.
    pub fn server_of(&self, id: DirectiveId) -> Option<&Server> {
        let anc: Vec<DirectiveId> = self.ancestors(id).iter().map(|d| d.id).collect();
        self.servers.iter().find(|s| s.id == id || anc.contains(&s.id))
    }

    pub fn upstream(&self, name: &str) -> Option<&Upstream> {
        self.upstreams.iter().find(|u| u.name.value == name)
    }
}

/// Read an `add_header NAME VALUE [always]` directive.
pub fn header_of(d: &Directive) -> Option<Header> {
    let name = d.args.first()?;
    let value = d.args.get(1).map(|a| a.value.clone()).unwrap_or_default();
    Some(Header {
        span: d.span,
        name: name.value.to_ascii_lowercase(),
        value,
        always: d.args.get(2).is_some_and(|a| a.value == "always"),
    })
}
