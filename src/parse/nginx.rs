//! nginx configuration: a hand-written tokenizer and tree builder (the `nginx-config` crate
//! rejects common files such as `events {}`), then the typed views of `crate::model::nginx`.
//!
//! Tolerant by design: comments, single- and double-quoted strings with escapes, `${VAR}`
//! template placeholders (`*.conf.template` files rendered by the image's envsubst step), Lua
//! blocks (`*_by_lua_block { … }`, kept opaque) and unbalanced braces (a problem with a span,
//! and the directives read so far are kept). No recursion: nesting depth never grows the stack.

use crate::model::nginx::{
    Arg, Balancing, Directive, DirectiveId, Include, Listen, NginxConfig, NginxProblem, ProxyPass, Server, Upstream,
    UpstreamServer, Zone,
};
use crate::source::{SourceFile, Span, Spanned};

/// Deepest block nesting accepted; deeper blocks are flattened into their parent with a problem.
const MAX_DEPTH: usize = 64;

#[derive(Debug, PartialEq, Eq)]
enum Tok {
    Word { value: String, quoted: bool, start: usize, end: usize },
    Semi(usize),
    Open(usize),
    Close(usize),
}

struct Lexer<'a> {
    b: &'a [u8],
    text: &'a str,
    i: usize,
    problems: Vec<(usize, usize, String)>,
    /// `${VAR}` placeholders: byte ranges.
    vars: Vec<(usize, usize)>,
}

impl<'a> Lexer<'a> {
    fn new(text: &'a str) -> Self {
        Lexer { b: text.as_bytes(), text, i: 0, problems: Vec::new(), vars: Vec::new() }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    /// Skip a balanced `{ … }` starting at `self.i` (which is at `{`), honouring quotes and `--`
    /// Lua comments loosely. Returns the offset of the closing `}` or `None` at end of input.
    fn skip_opaque_block(&mut self) -> Option<usize> {
        let mut depth = 0usize;
        let mut quote: Option<u8> = None;
        while let Some(c) = self.peek() {
            match quote {
                Some(q) => {
                    if c == b'\\' {
                        self.i += 1;
                    } else if c == q {
                        quote = None;
                    }
                }
                None => match c {
                    b'"' | b'\'' => quote = Some(c),
                    b'{' => depth += 1,
                    b'}' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            let at = self.i;
                            self.i += 1;
                            return Some(at);
                        }
                    }
                    _ => {}
                },
            }
            self.i += 1;
        }
        None
    }

    fn next(&mut self) -> Option<Tok> {
        loop {
            let c = self.peek()?;
            match c {
                b' ' | b'\t' | b'\n' | b'\r' => self.i += 1,
                b'#' => {
                    while let Some(c) = self.peek() {
                        if c == b'\n' {
                            break;
                        }
                        self.i += 1;
                    }
                }
                b';' => {
                    self.i += 1;
                    return Some(Tok::Semi(self.i - 1));
                }
                b'{' => {
                    self.i += 1;
                    return Some(Tok::Open(self.i - 1));
                }
                b'}' => {
                    self.i += 1;
                    return Some(Tok::Close(self.i - 1));
                }
                b'"' | b'\'' => return Some(self.quoted(c)),
                _ => return Some(self.word()),
            }
        }
    }

    fn quoted(&mut self, q: u8) -> Tok {
        let start = self.i;
        self.i += 1;
        let mut value = Vec::new();
        loop {
            match self.peek() {
                None => {
                    self.problems.push((start, self.i, "unterminated quoted string".to_owned()));
                    break;
                }
                Some(b'\\') => {
                    match self.b.get(self.i + 1).copied() {
                        Some(n) if n == q || n == b'\\' => value.push(n),
                        Some(n) => {
                            value.push(b'\\');
                            value.push(n);
                        }
                        None => value.push(b'\\'),
                    }
                    self.i += 2;
                }
                Some(c) if c == q => {
                    self.i += 1;
                    break;
                }
                Some(c) => {
                    if c == b'$' && self.b.get(self.i + 1) == Some(&b'{') {
                        self.note_var();
                        let s = self.vars.last().map_or(self.i, |v| v.0);
                        let e = self.vars.last().map_or(self.i, |v| v.1);
                        value.extend_from_slice(self.b.get(s..e).unwrap_or(&[]));
                        self.i = e;
                        continue;
                    }
                    value.push(c);
                    self.i += 1;
                }
            }
        }
        let end = self.i.min(self.b.len());
        Tok::Word { value: String::from_utf8_lossy(&value).into_owned(), quoted: true, start, end }
    }

    /// At `${`: record the placeholder's range (through `}`), without moving `self.i`.
    fn note_var(&mut self) {
        let start = self.i;
        let mut j = self.i + 2;
        while let Some(&c) = self.b.get(j) {
            if c == b'}' {
                let name_ok = self
                    .b
                    .get(start + 2..j)
                    .is_some_and(|n| !n.is_empty() && n.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_'));
                if name_ok {
                    self.vars.push((start, j + 1));
                } else {
                    // `${` that is not a placeholder: treat the `$` alone.
                    self.vars.push((start, start + 1));
                }
                return;
            }
            if matches!(c, b'\n' | b';' | b' ') {
                break;
            }
            j += 1;
        }
        self.vars.push((start, start + 1));
    }

    fn word(&mut self) -> Tok {
        let start = self.i;
        while let Some(c) = self.peek() {
            match c {
                b' ' | b'\t' | b'\n' | b'\r' | b';' | b'{' => break,
                b'}' => break,
                b'$' if self.b.get(self.i + 1) == Some(&b'{') => {
                    self.note_var();
                    self.i = self.vars.last().map_or(self.i + 1, |v| v.1);
                }
                b'"' | b'\'' if self.i > start => {
                    // `name="value"` inside a word: take the quoted part along.
                    let q = c;
                    self.i += 1;
                    while let Some(c) = self.peek() {
                        self.i += 1;
                        if c == b'\\' {
                            self.i += 1;
                        } else if c == q {
                            break;
                        }
                    }
                }
                _ => self.i += 1,
            }
        }
        let end = self.i.min(self.b.len());
        let value = self.text.get(start..end).unwrap_or("").to_owned();
        Tok::Word { value, quoted: false, start, end }
    }
}

struct Frame {
    id: DirectiveId,
    children: Vec<DirectiveId>,
}

/// Parse one nginx file.
pub fn parse(src: &SourceFile) -> NginxConfig {
    let mut cfg = NginxConfig::default();
    let mut lx = Lexer::new(&src.text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut roots: Vec<DirectiveId> = Vec::new();
    // Words of the directive being read: (value, quoted, start, end).
    let mut pending: Vec<(String, bool, usize, usize)> = Vec::new();
    let mut problems: Vec<(usize, usize, String)> = Vec::new();

    fn attach(stack: &mut [Frame], roots: &mut Vec<DirectiveId>, id: DirectiveId) {
        match stack.last_mut() {
            Some(f) => f.children.push(id),
            None => roots.push(id),
        }
    }

    let mk = |cfg: &mut NginxConfig,
              pending: &mut Vec<(String, bool, usize, usize)>,
              end: usize,
              parent: Option<DirectiveId>,
              block: bool|
     -> Option<DirectiveId> {
        let mut words = std::mem::take(pending).into_iter();
        let (name, _, ns, ne) = words.next()?;
        let id = DirectiveId(cfg.directives.len());
        let args = words.map(|(value, quoted, s, e)| Arg { value, span: src.span(s..e), quoted }).collect::<Vec<_>>();
        cfg.directives.push(Directive {
            id,
            name: Spanned::new(name, src.span(ns..ne)),
            args,
            span: src.span(ns..end),
            parent,
            children: block.then(Vec::new),
        });
        Some(id)
    };

    while let Some(tok) = lx.next() {
        match tok {
            Tok::Word { value, quoted, start, end } => pending.push((value, quoted, start, end)),
            Tok::Semi(at) => {
                let parent = stack.last().map(|f| f.id);
                if pending.is_empty() {
                    continue; // stray `;`
                }
                if let Some(id) = mk(&mut cfg, &mut pending, at + 1, parent, false) {
                    attach(&mut stack, &mut roots, id);
                }
            }
            Tok::Open(at) => {
                let parent = stack.last().map(|f| f.id);
                if pending.is_empty() {
                    problems.push((at, at + 1, "`{` without a directive name".to_owned()));
                    // Read it as an anonymous block so the closing brace balances.
                    pending.push(("{".to_owned(), false, at, at + 1));
                }
                let lua = pending.first().is_some_and(|(n, ..)| n.ends_with("_by_lua_block"));
                let Some(id) = mk(&mut cfg, &mut pending, at + 1, parent, true) else { continue };
                attach(&mut stack, &mut roots, id);
                if lua {
                    lx.i = at;
                    let close = lx.skip_opaque_block();
                    let end = close.map_or(src.text.len(), |c| c + 1);
                    if let Some(d) = cfg.directives.get_mut(id.0) {
                        d.span = Span::new(d.span.start, src.pos(end));
                    }
                    if close.is_none() {
                        problems.push((at, at + 1, "block is never closed (missing `}`)".to_owned()));
                    }
                    continue;
                }
                if stack.len() >= MAX_DEPTH {
                    problems.push((at, at + 1, format!("blocks nested deeper than {MAX_DEPTH} levels")));
                    if let Some(d) = cfg.directives.get_mut(id.0) {
                        d.children = None;
                    }
                    continue;
                }
                stack.push(Frame { id, children: Vec::new() });
            }
            Tok::Close(at) => {
                if !pending.is_empty() {
                    let (.., s, _) = pending.first().cloned().unwrap_or_default();
                    problems.push((s, at, "directive is not terminated by `;`".to_owned()));
                    let parent = stack.last().map(|f| f.id);
                    if let Some(id) = mk(&mut cfg, &mut pending, at, parent, false) {
                        attach(&mut stack, &mut roots, id);
                    }
                }
                match stack.pop() {
                    Some(f) => {
                        if let Some(d) = cfg.directives.get_mut(f.id.0) {
                            d.children = Some(f.children);
                            d.span = Span::new(d.span.start, src.pos(at + 1));
                        }
                    }
                    None => problems.push((at, at + 1, "unexpected `}` (no block is open)".to_owned())),
                }
            }
        }
    }
    if !pending.is_empty() {
        let (.., s, e) = pending.last().cloned().unwrap_or_default();
        let (.., fs, _) = pending.first().cloned().unwrap_or_default();
        problems.push((fs, e, "directive is not terminated by `;` at the end of the file".to_owned()));
        let parent = stack.last().map(|f| f.id);
        let _ = s;
        if let Some(id) = mk(&mut cfg, &mut pending, e, parent, false) {
            attach(&mut stack, &mut roots, id);
        }
    }
    // Blocks left open at the end of the file: close them there, with a problem each.
    while let Some(f) = stack.pop() {
        let start = cfg.directives.get(f.id.0).map(|d| d.name.span);
        if let Some(d) = cfg.directives.get_mut(f.id.0) {
            d.children = Some(f.children);
            d.span = Span::new(d.span.start, src.pos(src.text.len()));
        }
        if let Some(sp) = start {
            let name = cfg.directives.get(f.id.0).map(|d| d.name.value.clone()).unwrap_or_default();
            cfg.problems
                .push(NginxProblem { span: sp, message: format!("`{name}` block is never closed (missing `}}`)") });
        }
    }
    cfg.roots = roots;
    for (s, e, m) in lx.problems.into_iter().chain(problems) {
        cfg.problems.push(NginxProblem { span: src.span(s..e), message: m });
    }
    cfg.problems.sort_by_key(|p| p.span);
    cfg.template_vars = lx
        .vars
        .iter()
        .filter(|(s, e)| e - s > 1)
        .map(|(s, e)| Spanned::new(src.text.get(*s..*e).unwrap_or("").to_owned(), src.span(*s..*e)))
        .collect();
    cfg.is_main = cfg.roots.iter().filter_map(|r| cfg.get(*r)).any(|d| {
        matches!(
            d.name.value.as_str(),
            "http"
                | "events"
                | "stream"
                | "mail"
                | "worker_processes"
                | "worker_rlimit_nofile"
                | "pid"
                | "user"
                | "load_module"
                | "daemon"
                | "master_process"
        )
    });
    build_views(&mut cfg);
    cfg
}

/// Split `host:port` (IPv6 in brackets allowed); a bare number is a port.
pub fn split_host_port(addr: &str) -> (String, Option<u16>) {
    if let Some(rest) = addr.strip_prefix('[') {
        if let Some((h, tail)) = rest.split_once(']') {
            let port = tail.strip_prefix(':').and_then(|p| p.parse().ok());
            return (h.to_owned(), port);
        }
    }
    if let Ok(p) = addr.parse::<u16>() {
        return (String::new(), Some(p));
    }
    match addr.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') => match p.parse::<u16>() {
            Ok(port) => (h.to_owned(), Some(port)),
            Err(_) => (addr.to_owned(), None),
        },
        _ => (addr.to_owned(), None),
    }
}

fn listen_of(d: &Directive) -> Option<Listen> {
    let addr = d.args.first()?;
    let flags: Vec<&str> = d.args.iter().skip(1).map(|a| a.value.as_str()).collect();
    let unix = addr.value.starts_with("unix:");
    let port = if unix {
        None
    } else {
        let (host, port) = split_host_port(&addr.value);
        match port {
            Some(p) => Some(p),
            // `listen 127.0.0.1;` listens on port 80; `listen ${PORT};` is unknown.
            None if !host.contains('$') && !host.is_empty() => Some(80),
            None => None,
        }
    };
    let has = |f: &str| flags.contains(&f);
    Some(Listen {
        span: d.span,
        address: Spanned::new(addr.value.clone(), addr.span),
        port,
        ssl: has("ssl"),
        http2: has("http2"),
        quic: has("quic") || has("http3"),
        default_server: has("default_server") || has("default"),
        unix,
    })
}

fn proxy_of(d: &Directive) -> Option<ProxyPass> {
    let url = d.args.first()?;
    let raw = url.value.as_str();
    let (scheme, rest) = match raw.split_once("://") {
        Some((s, r)) => (Some(s.to_ascii_lowercase()), r),
        None => (None, raw),
    };
    let unix = rest.starts_with("unix:");
    let (hostport, path) = if unix {
        (rest, None)
    } else {
        match rest.find('/') {
            Some(i) => (rest.get(..i).unwrap_or(rest), rest.get(i..).map(str::to_owned)),
            None => (rest, None),
        }
    };
    let (host, port) = if unix { (String::new(), None) } else { split_host_port(hostport) };
    Some(ProxyPass {
        id: d.id,
        directive: d.name.value.clone(),
        span: d.span,
        url: Spanned::new(url.value.clone(), url.span),
        scheme,
        dynamic: host.contains('$'),
        host,
        port,
        path,
        unix,
    })
}

fn build_views(cfg: &mut NginxConfig) {
    let mut servers = Vec::new();
    let mut upstreams = Vec::new();
    let mut proxies = Vec::new();
    let mut includes = Vec::new();
    let mut zones = Vec::new();
    for d in &cfg.directives {
        match d.name.value.as_str() {
            "server" if d.is_block() => {
                let in_upstream = d.parent.and_then(|p| cfg.get(p)).is_some_and(|p| p.name.value == "upstream");
                if in_upstream {
                    continue;
                }
                let listens = cfg.child_named(Some(d.id), "listen").into_iter().filter_map(listen_of).collect();
                let mut names = Vec::new();
                for n in cfg.child_named(Some(d.id), "server_name") {
                    names.extend(n.args.iter().map(|a| Spanned::new(a.value.clone(), a.span)));
                }
                let mut locations = Vec::new();
                let mut todo: Vec<DirectiveId> = d.children.clone().unwrap_or_default();
                let mut seen = 0usize;
                while let Some(c) = todo.pop() {
                    seen += 1;
                    if seen > 100_000 {
                        break;
                    }
                    if let Some(cd) = cfg.get(c) {
                        if cd.name.value == "location" {
                            locations.push(cd.id);
                        }
                        if let Some(ch) = &cd.children {
                            todo.extend(ch.iter().copied());
                        }
                    }
                }
                locations.sort();
                let mut server = Server {
                    id: d.id,
                    keyword: d.name.span,
                    span: d.span,
                    stream: cfg.in_stream(d.id),
                    listens,
                    names,
                    locations,
                };
                // Legacy `ssl on;` makes every listen of the server TLS.
                if cfg.child_named(Some(d.id), "ssl").iter().any(|s| s.arg(0) == Some("on")) {
                    for l in &mut server.listens {
                        l.ssl = true;
                    }
                }
                servers.push(server);
            }
            "upstream" if d.is_block() => {
                let Some(name) = d.args.first() else { continue };
                let mut u = Upstream {
                    id: d.id,
                    name: Spanned::new(name.value.clone(), name.span),
                    span: d.span,
                    stream: cfg.in_stream(d.id),
                    servers: Vec::new(),
                    balancing: Balancing::RoundRobin,
                    balancing_span: None,
                    keepalive: None,
                };
                for c in cfg.children(Some(d.id)) {
                    match c.name.value.as_str() {
                        "server" => {
                            let Some(a) = c.args.first() else { continue };
                            let (host, port) = if a.value.starts_with("unix:") {
                                (String::new(), None)
                            } else {
                                let (h, p) = split_host_port(&a.value);
                                // nginx defaults an upstream server's port to 80.
                                (h, p.or(Some(80)))
                            };
                            let params: Vec<String> = c.args.iter().skip(1).map(|p| p.value.clone()).collect();
                            u.servers.push(UpstreamServer {
                                span: c.span,
                                address: Spanned::new(a.value.clone(), a.span),
                                host,
                                port,
                                backup: params.iter().any(|p| p == "backup"),
                                down: params.iter().any(|p| p == "down"),
                                params,
                            });
                        }
                        "least_conn" => (u.balancing, u.balancing_span) = (Balancing::LeastConn, Some(c.span)),
                        "ip_hash" => (u.balancing, u.balancing_span) = (Balancing::IpHash, Some(c.span)),
                        "hash" => {
                            (u.balancing, u.balancing_span) = (Balancing::Hash(c.args_text()), Some(c.span));
                        }
                        "random" => (u.balancing, u.balancing_span) = (Balancing::Random, Some(c.span)),
                        "least_time" => (u.balancing, u.balancing_span) = (Balancing::LeastTime, Some(c.span)),
                        "keepalive" => {
                            u.keepalive = c.args.first().map(|a| Spanned::new(a.value.clone(), a.span));
                        }
                        _ => {}
                    }
                }
                upstreams.push(u);
            }
            "proxy_pass" | "fastcgi_pass" | "grpc_pass" | "uwsgi_pass" | "scgi_pass" | "memcached_pass" => {
                proxies.extend(proxy_of(d));
            }
            "include" => {
                if let Some(a) = d.args.first() {
                    includes.push(Include {
                        id: d.id,
                        span: d.span,
                        path: Spanned::new(a.value.clone(), a.span),
                        glob: a.value.contains(['*', '?', '[']),
                    });
                }
            }
            "limit_req_zone" | "limit_conn_zone" => {
                let mut z = Zone {
                    span: d.span,
                    directive: d.name.value.clone(),
                    key: d.arg(0).unwrap_or("").to_owned(),
                    name: None,
                    size: None,
                    rate: None,
                };
                for a in d.args.iter().skip(1) {
                    if let Some(v) = a.value.strip_prefix("zone=") {
                        let (n, size) = v.split_once(':').unwrap_or((v, ""));
                        let col = u32::try_from(5 + usize::from(a.quoted)).unwrap_or(5);
                        let start = crate::source::Pos::new(a.span.start.line, a.span.start.col + col);
                        let end = crate::source::Pos::new(
                            start.line,
                            start.col + u32::try_from(n.chars().count()).unwrap_or(0),
                        );
                        z.name = Some(Spanned::new(n.to_owned(), Span::new(start, end)));
                        z.size = (!size.is_empty()).then(|| size.to_owned());
                    } else if let Some(r) = a.value.strip_prefix("rate=") {
                        z.rate = Some(r.to_owned());
                    }
                }
                zones.push(z);
            }
            _ => {}
        }
    }
    cfg.servers = servers;
    cfg.upstreams = upstreams;
    cfg.proxy_passes = proxies;
    cfg.includes = includes;
    cfg.zones = zones;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::nginx::Context;
    use crate::source::Pos;

    fn p(text: &str) -> NginxConfig {
        parse(&SourceFile::from_text("nginx.conf", text))
    }

    fn sp(l1: u32, c1: u32, l2: u32, c2: u32) -> Span {
        Span::new(Pos::new(l1, c1), Pos::new(l2, c2))
    }

    const MAIN: &str = "\
user nginx;
events { worker_connections 1024; }
http {
    server_tokens off;
    add_header X-Frame-Options DENY always;
    limit_req_zone $binary_remote_addr zone=api:10m rate=10r/s;
    upstream api_backend {
        least_conn;
        server api:4000 max_fails=3;
        server api2:4000 backup;
    }
    server {
        listen 443 ssl http2;
        listen [::]:443 ssl;
        server_name shop.acme.io www.acme.io;
        ssl_protocols TLSv1.2 TLSv1.3;
        add_header Strict-Transport-Security \"max-age=31536000\" always;
        location /api/ {
            limit_req zone=api burst=20;
            proxy_pass http://api_backend/;
        }
        location / { root /usr/share/nginx/html; }
    }
    include /etc/nginx/conf.d/*.conf;
}
";

    #[test]
    fn main_config_tree_and_spans() {
        let c = p(MAIN);
        assert!(c.is_main);
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        let names: Vec<&str> = c.roots.iter().filter_map(|r| c.get(*r)).map(|d| d.name.value.as_str()).collect();
        assert_eq!(names, vec!["user", "events", "http"]);
        let http = c.named("http").next().map(|d| d.span);
        assert_eq!(http, Some(sp(3, 1, 25, 2)));
        let wc = c.named("worker_connections").next().map(|d| (d.span, c.context(d.id)));
        assert_eq!(wc, Some((sp(2, 10, 2, 34), Context::Events)));
        // server
        assert_eq!(c.servers.len(), 1);
        let s = &c.servers[0];
        assert_eq!(s.keyword, sp(12, 5, 12, 11));
        assert_eq!(s.span, sp(12, 5, 23, 6));
        assert_eq!(s.listens.len(), 2);
        assert_eq!(s.listens[0].port, Some(443));
        assert!(s.listens[0].ssl && s.listens[0].http2);
        assert_eq!(s.listens[1].address.value, "[::]:443");
        assert_eq!(s.listens[1].address.span, sp(14, 16, 14, 24));
        assert_eq!(s.names.iter().map(|n| n.value.as_str()).collect::<Vec<_>>(), vec!["shop.acme.io", "www.acme.io"]);
        assert_eq!(s.locations.len(), 2);
        assert!(s.listens_tls());
        // upstream
        let u = c.upstream("api_backend").map(|u| (u.balancing.clone(), u.servers.len(), u.name.span));
        assert_eq!(u, Some((Balancing::LeastConn, 2, sp(7, 14, 7, 25))));
        let us = &c.upstreams[0].servers[1];
        assert_eq!((us.host.as_str(), us.port, us.backup), ("api2", Some(4000), true));
        assert_eq!(us.address.span, sp(10, 16, 10, 25));
        // proxy_pass
        let pp = &c.proxy_passes[0];
        assert_eq!((pp.host.as_str(), pp.port, pp.path.as_deref()), ("api_backend", None, Some("/")));
        assert_eq!(pp.url.span, sp(20, 24, 20, 43));
        assert_eq!(c.context(pp.id), Context::Location);
        // include
        assert_eq!(c.includes.len(), 1);
        assert!(c.includes[0].glob);
        assert_eq!(c.includes[0].path.span, sp(24, 13, 24, 37));
        // zone
        let z = &c.zones[0];
        assert_eq!(z.name.as_ref().map(|n| (n.value.as_str(), n.span)), Some(("api", sp(6, 45, 6, 48))));
        assert_eq!(z.rate.as_deref(), Some("10r/s"));
    }

    #[test]
    fn add_header_inheritance() {
        let c = p(MAIN);
        let s = &c.servers[0];
        // The server writes its own add_header: the http-level X-Frame-Options is not inherited.
        let at_server: Vec<String> = c.headers_at(Some(s.id)).into_iter().map(|h| h.name).collect();
        assert_eq!(at_server, vec!["strict-transport-security"]);
        // A location without add_header inherits the server's.
        let loc = s.locations[0];
        let at_loc: Vec<String> = c.headers_at(Some(loc)).into_iter().map(|h| h.name).collect();
        assert_eq!(at_loc, vec!["strict-transport-security"]);
        // server_tokens is inherited from http.
        assert_eq!(c.effective_one(Some(loc), "server_tokens").and_then(|d| d.arg(0)), Some("off"));
        let hsts = c.headers_at(Some(s.id));
        assert!(hsts[0].always);
        assert_eq!(hsts[0].value, "max-age=31536000");
    }

    #[test]
    fn fragment_top_level_is_not_outside_http() {
        let c = p("server {\n  listen 80;\n  location / {\n    proxy_pass http://backend:80;\n  }\n}");
        assert!(!c.is_main);
        let s = &c.servers[0];
        assert_eq!(c.context(s.id), Context::Fragment);
        assert_eq!(s.listens[0].port, Some(80));
        assert_eq!(c.proxy_passes[0].port, Some(80));
        assert_eq!(c.proxy_passes[0].url.span, sp(4, 16, 4, 33));
    }

    #[test]
    fn comments_quotes_templates() {
        let text = "# top comment\nserver {\n  listen ${NGINX_PORT}; # trailing\n  server_name \"${DOMAIN}\";\n  add_header Content-Security-Policy \"default-src 'self'; frame-ancestors 'none'\" always;\n  return 301 https://$host$request_uri;\n}\n";
        let c = p(text);
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        assert_eq!(
            c.template_vars.iter().map(|v| v.value.as_str()).collect::<Vec<_>>(),
            vec!["${NGINX_PORT}", "${DOMAIN}"]
        );
        assert_eq!(c.template_vars[0].span, sp(3, 10, 3, 23));
        let s = &c.servers[0];
        assert_eq!(s.listens[0].port, None);
        assert_eq!(s.names[0].value, "${DOMAIN}");
        assert_eq!(s.names[0].span, sp(4, 15, 4, 26));
        let h = c.own_headers(Some(s.id));
        assert_eq!(h[0].value, "default-src 'self'; frame-ancestors 'none'");
        let ret = c.named("return").next().map(|d| d.args_text());
        assert_eq!(ret.as_deref(), Some("301 https://$host$request_uri"));
    }

    #[test]
    fn unbalanced_braces_keep_a_partial_model() {
        let c = p("http {\n  server {\n    listen 80;\n");
        assert_eq!(c.servers.len(), 1);
        assert_eq!(c.problems.len(), 2);
        assert_eq!(c.problems[0].span, sp(1, 1, 1, 5));
        let c = p("server { listen 80; }\n}\nserver { listen 81; }\n");
        assert_eq!(c.servers.len(), 2);
        assert_eq!(c.problems.len(), 1);
        assert_eq!(c.problems[0].span, sp(2, 1, 2, 2));
        let c = p("server { listen 80 }\n");
        assert_eq!(c.servers[0].listens.len(), 1);
        assert_eq!(c.problems.len(), 1);
        let c = p("location / { return 200 \"unterminated; }\n");
        assert!(!c.problems.is_empty());
    }

    #[test]
    fn lua_blocks_are_opaque_and_deep_nesting_is_capped() {
        let c =
            p("http { server { location / { content_by_lua_block { ngx.say(\"}\") if x then end } } } }\nevents {}\n");
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        assert_eq!(c.named("events").count(), 1);
        let deep = "a {".repeat(200) + &"}".repeat(200);
        let c = p(&deep);
        assert!(c.problems.iter().any(|p| p.message.contains("nested deeper")));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 256, ..Default::default() })]
        /// Hostile input never panics any of the line/token parsers of this issue.
        #[test]
        fn text_parsers_never_panic(text in "(?s).{0,400}") {
            let src = SourceFile::from_text("x/nginx.conf", text.clone());
            let _ = parse(&src);
            let _ = crate::parse::shell::parse(&src);
            let _ = crate::parse::shell::parse_makefile(&src);
            let _ = crate::parse::markdown::parse(&src);
            let _ = crate::parse::json::parse(&src);
            let _ = crate::parse::telemetry::grafana_ini(&src);
            for k in [
                crate::model::manifest::ManifestKind::PackageJson,
                crate::model::manifest::ManifestKind::Requirements,
                crate::model::manifest::ManifestKind::Pyproject,
                crate::model::manifest::ManifestKind::GoMod,
                crate::model::manifest::ManifestKind::Pom,
                crate::model::manifest::ManifestKind::Gradle,
            ] {
                let _ = crate::parse::manifest::parse(k, &src);
            }
        }

        #[test]
        fn nginx_structured_noise_never_panics(parts in proptest::collection::vec("[a-z_]{1,6}|\\{|\\}|;|\"[^\"]{0,5}\"?|'|#[^\n]{0,5}\n|\\$\\{[A-Z]{0,3}\\}?| |\n", 0..80)) {
            let text: String = parts.concat();
            let c = parse(&SourceFile::from_text("nginx.conf", text));
            for d in c.iter() {
                let _ = c.context(d.id);
                let _ = c.headers_at(Some(d.id));
                let _ = c.effective_one(Some(d.id), "server_tokens");
            }
        }
    }

    #[test]
    fn listen_forms_and_upstream_defaults() {
        let c = p("server { listen 127.0.0.1; listen unix:/run/n.sock; listen 8443 quic reuseport; listen 80 default_server; ssl on; }\nupstream u { server 10.0.0.1; server unix:/tmp/s; hash $request_uri consistent; keepalive 32; }\n");
        let s = &c.servers[0];
        assert_eq!(s.listens.iter().map(|l| l.port).collect::<Vec<_>>(), vec![Some(80), None, Some(8443), Some(80)]);
        assert!(s.listens[1].unix && s.listens[2].quic && s.listens[3].default_server);
        // `ssl on;` marks every listen TLS.
        assert!(s.listens.iter().all(|l| l.ssl));
        let u = &c.upstreams[0];
        assert_eq!(u.servers[0].port, Some(80));
        assert_eq!(u.balancing, Balancing::Hash("$request_uri consistent".into()));
        assert_eq!(u.keepalive.as_ref().map(|k| k.value.as_str()), Some("32"));
        assert_eq!(split_host_port("[::1]:8080"), ("::1".to_owned(), Some(8080)));
    }
}
