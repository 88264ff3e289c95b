//! Shell scripts and Makefiles → `crate::model::shell`: a line scanner, not a shell grammar.
//! Comments are skipped (but read for placeholder text), continuation lines are joined, and
//! here-document bodies are skipped unless they feed a shell (`ssh host <<EOF`, `bash <<EOF`),
//! whose lines run as commands. `echo`/`printf`/`log` arguments never count as tool use.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use crate::index::placeholder::is_todo_text;
use crate::model::shell::{
    Command, MakeTarget, Makefile, PlaceholderSpot, Retention, Schedule, ScriptCall, ScriptPurpose, ShellScript, Tool,
    ToolUse,
};
use crate::source::{SourceFile, Span, Spanned};

/// A logical line: its text and, per joined piece, (offset in text, offset in file, length).
struct Logical {
    text: String,
    pieces: Vec<(usize, usize, usize)>,
    depth: u32,
    function: Option<String>,
}

impl Logical {
    /// File offset of a text offset.
    fn file_offset(&self, at: usize) -> usize {
        for (t, f, len) in self.pieces.iter().rev() {
            if at >= *t {
                return f + (at - t).min(*len);
            }
        }
        self.pieces.first().map_or(0, |p| p.1)
    }

    fn span(&self, src: &SourceFile, range: std::ops::Range<usize>) -> Span {
        src.span(self.file_offset(range.start)..self.file_offset(range.end))
    }
}

/// Remove a trailing `# comment` that is outside quotes.
fn strip_comment(line: &str) -> &str {
    let b = line.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match quote {
            Some(q) => {
                if c == b'\\' && q == b'"' {
                    i += 1;
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                b'\'' | b'"' => quote = Some(c),
                b'\\' => i += 1,
                b'#' if i == 0 || b.get(i - 1).is_some_and(|p| p.is_ascii_whitespace() || *p == b';') => {
                    return line.get(..i).unwrap_or(line);
                }
                _ => {}
            },
        }
        i += 1;
    }
    line
}

static HEREDOC: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r#"<<(-?)\s*(?:'([A-Za-z_][A-Za-z0-9_]*)'|"([A-Za-z_][A-Za-z0-9_]*)"|\\?([A-Za-z_][A-Za-z0-9_]*))"#).ok()
});
static FUNC: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:function\s+([A-Za-z_][A-Za-z0-9_:\-]*)\s*(?:\(\s*\))?|([A-Za-z_][A-Za-z0-9_:\-]*)\s*\(\s*\))\s*\{?\s*$").ok()
});
static CRON: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r#"(?:^|["'\s>])((?:@(?:reboot|hourly|daily|midnight|weekly|monthly|yearly|annually))|(?:[0-9*/,\-]+\s+){4}[0-9*/,\-A-Za-z]+)\s+([^"'\n]*(?:/|\.sh\b)[^"'\n]*)"#).ok()
});

/// First word of a command segment (after `sudo`, env assignments, `exec`, `time`).
fn first_word(seg: &str) -> &str {
    let mut words = seg.split_whitespace();
    loop {
        let Some(w) = words.next() else { return "" };
        if w == "sudo" || w == "exec" || w == "time" || w == "nohup" || w == "command" {
            continue;
        }
        if w.contains('=') && !w.starts_with('=') && !w.starts_with('-') {
            continue;
        }
        return w.trim_start_matches(['(', '{', '!']);
    }
}

/// Segments of a command line split at `;`, `&&`, `||`, `|` (outside quotes), with their offsets.
fn segments(text: &str) -> Vec<(usize, &str)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut quote: Option<u8> = None;
    let mut start = 0;
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match quote {
            Some(q) => {
                if c == b'\\' && q == b'"' {
                    i += 1;
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                b'\'' | b'"' => quote = Some(c),
                b';' | b'|' | b'&' => {
                    out.push((start, text.get(start..i).unwrap_or("")));
                    let skip = usize::from(matches!(b.get(i + 1), Some(b'&' | b'|')) && c != b';');
                    start = i + 1 + skip;
                    i += skip;
                }
                _ => {}
            },
        }
        i += 1;
    }
    out.push((start, text.get(start..).unwrap_or("")));
    out
}

/// A segment that only prints (its arguments mention tools without running them).
fn is_print(seg: &str) -> bool {
    let w = first_word(seg);
    matches!(w, "echo" | "printf" | "log" | "info" | "warn" | "error" | "debug" | "print" | "say" | "msg" | "die")
        || w.starts_with("log_")
        || w.starts_with("print_")
}

struct ToolPattern {
    tool: Tool,
    re: Regex,
}

static TOOLS: LazyLock<Vec<ToolPattern>> = LazyLock::new(|| {
    let p = |tool, r: &str| Regex::new(r).ok().map(|re| ToolPattern { tool, re });
    [
        p(Tool::PgDumpall, r"\bpg_dumpall\b"),
        p(Tool::PgDump, r"\bpg_dump\b"),
        p(Tool::PgBasebackup, r"\bpg_basebackup\b"),
        p(Tool::PgRestore, r"\bpg_restore\b"),
        p(Tool::Psql, r"\bpsql\b[^|]*(?:\s<\s*\S|\s-f\s|--file)"),
        p(Tool::Mongodump, r"\bmongodump\b"),
        p(Tool::Mongorestore, r"\bmongorestore\b"),
        p(Tool::Mysqldump, r"\bmysqldump\b"),
        p(Tool::Mariadump, r"\bmariadb-dump\b"),
        p(Tool::MysqlClient, r"\b(?:mysql|mariadb)\b[^|<]*\s<\s*\S"),
        p(Tool::RedisCliRdb, r"\bredis-cli\b[^|;]*--rdb\b"),
        p(Tool::RedisBgsave, r"(?i)\bredis-cli\b[^|;]*\b(?:bgsave|save)\b"),
        p(Tool::Etcdctl, r"\betcdctl\b[^|;]*\bsnapshot\s+save\b"),
        p(Tool::Restic, r"\brestic\b"),
        p(Tool::Borg, r"\bborg\s+(?:create|prune|init)\b"),
        p(Tool::Velero, r"\bvelero\s+(?:backup|schedule|restore)\b"),
        p(Tool::AwsS3, r"\baws\s+s3(?:api)?\s+(?:cp|sync|mv|put-object)\b"),
        p(Tool::Rclone, r"\brclone\s+(?:copy|sync|move|copyto|moveto)\b"),
        p(Tool::Gsutil, r"\bgsutil\b(?:\s+-m)?\s+(?:cp|rsync|mv)\b"),
        p(Tool::GcloudStorage, r"\bgcloud\s+storage\s+(?:cp|rsync|mv)\b"),
        p(Tool::AzStorage, r"\baz\s+storage\s+(?:blob|file|copy|fs)\b"),
        p(Tool::Azcopy, r"\bazcopy\s+(?:copy|sync)\b"),
        p(Tool::MinioClient, r"(?:^|[\s;&|(])mc\s+(?:cp|mirror|mv)\b"),
        p(Tool::Rsync, r"\brsync\b[^|;]*\s(?:[A-Za-z0-9_.\-]+@)?[A-Za-z0-9_.\-]+:\S"),
        p(Tool::Scp, r"\bscp\b"),
        p(Tool::Sha256sum, r"\bsha256sum\b|\bshasum\s+-a\s*256\b"),
        p(Tool::Md5sum, r"\bmd5sum\b"),
        p(Tool::Gpg, r"\bgpg2?\b[^|;]*(?:--encrypt|--symmetric|\s-[a-zA-Z]*[ec]\b)"),
        p(Tool::OpensslEnc, r"\bopenssl\s+(?:enc|smime|cms)\b"),
        p(Tool::Age, r"\bage\s+(?:-r|-R|-e|-p|--recipient|--encrypt|--passphrase|-a)\b"),
        p(Tool::S3Sse, r"--sse(?:-kms-key-id|-c)?\b"),
        p(Tool::Tar, r"\btar\s+-?[a-zA-Z]*c"),
        p(Tool::Gzip, r"\b(?:gzip|pigz)\b|--gzip\b"),
    ]
    .into_iter()
    .flatten()
    .collect()
});

static UPLOAD_TARGET: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r#"((?:s3|gs|az|https)://[^\s"']+|[A-Za-z0-9_\-]+:[A-Za-z0-9_./\-${}]+|\$\{?[A-Z_]*(?:BUCKET|REMOTE|DEST)[A-Z_]*\}?[^\s"']*)"#)
        .ok()
});

static RETENTION_FIND: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r#"\bfind\b.*-m(?:time|min)\s+\+?("?\$\{?([A-Za-z_][A-Za-z0-9_]*)[^\s"]*"?|[0-9]+)"#).ok()
});
static RETENTION_KEEP: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"\b(?:restic\s+forget|borg\s+prune|rclone\s+delete\b.*--min-age|tail\s+-n\s+\+[0-9]+.*\bxargs\b.*\brm\b|--keep-(?:daily|weekly|monthly|last|within))").ok()
});
static ASSIGN: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r#"^\s*(?:export\s+|readonly\s+|local\s+|declare\s+(?:-\w+\s+)?)?([A-Za-z_][A-Za-z0-9_]*)=["']?(?:\$\{[A-Za-z_][A-Za-z0-9_]*:-)?([0-9]+)"#).ok()
});
static CALL: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r#"(?:^|[\s;&|(`])(?:(bash|sh|zsh|source|\.)\s+)?["']?((?:\./|\.\./|/|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?/)?[A-Za-z0-9_.\-/${}]*[A-Za-z0-9_\-]\.sh)\b"#).ok()
});

/// Parse a shell script.
pub fn parse(src: &SourceFile) -> ShellScript {
    let mut out = ShellScript::default();
    let mut logical: Vec<Logical> = Vec::new();
    let mut cur: Option<Logical> = None;
    let mut heredoc: Option<(String, bool, bool)> = None; // (tag, strip tabs, body runs as commands)
    let mut depth: u32 = 0;
    let mut function: Option<(String, u32)> = None;
    let mut offset = 0usize;
    let mut first = true;
    for raw in src.text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches('\n');
        if first {
            first = false;
            if line.starts_with("#!") {
                out.shebang = Some(Spanned::new(line.to_owned(), src.span(start..start + line.len())));
                if line.contains(" -e") || line.contains(" -eu") {
                    out.strict.errexit = Some(src.span(start..start + line.len()));
                }
                continue;
            }
        }
        // Schedules may appear anywhere: crontab heredocs, echo into crontab, comments excluded.
        if !line.trim_start().starts_with('#') {
            if let Some(c) = CRON.as_ref().and_then(|re| re.captures(line)) {
                let expr = c.get(1).map_or("", |m| m.as_str()).to_owned();
                let has_star = expr.contains('*') || expr.starts_with('@');
                if has_star {
                    out.schedules.push(Schedule {
                        span: src.span(start..start + line.len()),
                        expr,
                        command: c.get(2).map_or("", |m| m.as_str()).trim().to_owned(),
                    });
                }
            }
        }
        if let Some((tag, strip, runs)) = &heredoc {
            let t = if *strip { line.trim_start_matches('\t') } else { line };
            if t.trim_end() == tag {
                heredoc = None;
                continue;
            }
            if !*runs {
                continue;
            }
        }
        let trimmed = line.trim_start();
        if cur.is_none() && trimmed.starts_with('#') {
            if is_todo_text(trimmed) || is_add_here(trimmed) {
                let lead = line.len() - trimmed.len();
                out.placeholders.push(PlaceholderSpot {
                    span: src.span(start + lead..start + line.len()),
                    text: trimmed.trim_start_matches('#').trim().to_owned(),
                });
            }
            continue;
        }
        let code = strip_comment(line);
        if code.len() < line.len() {
            let comment = line.get(code.len()..).unwrap_or("");
            if is_todo_text(comment) || is_add_here(comment) {
                out.placeholders.push(PlaceholderSpot {
                    span: src.span(start + code.len()..start + line.len()),
                    text: comment.trim_start_matches([' ', '#']).trim().to_owned(),
                });
            }
        }
        let (body, cont) = match code.trim_end().strip_suffix('\\') {
            Some(b) => (b, true),
            None => (code, false),
        };
        let entry = cur.get_or_insert_with(|| Logical {
            text: String::new(),
            pieces: Vec::new(),
            depth,
            function: function.as_ref().map(|f| f.0.clone()),
        });
        if !entry.text.is_empty() {
            entry.text.push(' ');
        }
        entry.pieces.push((entry.text.len(), start, body.len()));
        entry.text.push_str(body);
        if cont {
            continue;
        }
        let Some(done) = cur.take() else { continue };
        let owned = done.text.trim().to_owned();
        let text = owned.as_str();
        if text.is_empty() {
            continue;
        }
        // Here-documents start on this line; their body follows.
        if let Some(c) = HEREDOC.as_ref().and_then(|re| re.captures(&done.text)) {
            let tag = c.get(2).or_else(|| c.get(3)).or_else(|| c.get(4)).map_or("", |m| m.as_str()).to_owned();
            let strip = c.get(1).is_some_and(|m| !m.as_str().is_empty());
            let before = done.text.get(..c.get(0).map_or(0, |m| m.start())).unwrap_or("");
            let feeder = segments(before).last().map_or("", |(_, s)| first_word(s)).to_owned();
            let runs = matches!(feeder.as_str(), "ssh" | "bash" | "sh" | "zsh" | "docker" | "kubectl");
            if !tag.is_empty() {
                heredoc = Some((tag, strip, runs));
            }
        }
        // Block structure.
        let fw = first_word(text);
        if let Some(c) = FUNC.as_ref().and_then(|re| re.captures(text)) {
            if let Some(name) = c.get(1).or_else(|| c.get(2)) {
                let lead = done.text.len() - done.text.trim_start().len();
                out.functions.push(Spanned::new(name.as_str().to_owned(), done.span(src, lead..done.text.len())));
                function = Some((name.as_str().to_owned(), depth));
                continue;
            }
        }
        if text == "}" || text == "};" {
            if function.as_ref().is_some_and(|f| f.1 == depth) {
                function = None;
            }
            continue;
        }
        match fw {
            "fi" | "done" | "esac" => depth = depth.saturating_sub(1),
            _ => {}
        }
        let mut d = done;
        d.depth = depth;
        if matches!(fw, "if" | "for" | "while" | "until" | "case") && !ends_block_inline(text) {
            depth += 1;
        }
        logical.push(d);
    }
    if let Some(d) = cur.take() {
        if !d.text.trim().is_empty() {
            logical.push(d);
        }
    }
    analyse(src, &logical, &mut out);
    out
}

/// `if x; then y; fi` on one line does not open a block.
fn ends_block_inline(text: &str) -> bool {
    let t = text.trim_end().trim_end_matches(';');
    t.ends_with(" fi") || t.ends_with(" done") || t.ends_with(" esac") || t.ends_with(";fi") || t.ends_with(";done")
}

fn is_add_here(text: &str) -> bool {
    let l = text.to_ascii_lowercase();
    (l.contains("add your") || l.contains("insert your") || l.contains("put your")) && l.contains("here")
}

fn analyse(src: &SourceFile, logical: &[Logical], out: &mut ShellScript) {
    let mut numbers: HashMap<String, u32> = HashMap::new();
    for l in logical {
        if let Some(c) = ASSIGN.as_ref().and_then(|re| re.captures(&l.text)) {
            if let (Some(k), Some(v)) = (c.get(1), c.get(2)) {
                if let Ok(n) = v.as_str().parse::<u32>() {
                    numbers.entry(k.as_str().to_owned()).or_insert(n);
                }
            }
        }
    }
    let mut pending_then: Option<(Span, usize)> = None;
    for (i, l) in logical.iter().enumerate() {
        let text = l.text.trim_end();
        let lead = l.text.len() - l.text.trim_start().len();
        let span = l.span(src, lead..text.len());
        out.commands.push(Command {
            text: text.trim_start().to_owned(),
            span,
            function: l.function.clone(),
            depth: l.depth,
        });
        let ci = out.commands.len() - 1;
        let fw = first_word(text);
        // Empty branches: `then` / `else` immediately followed by `fi` / `else` / `elif`.
        let opens = text.ends_with("then") || fw == "else" && text.trim() == "else";
        if let Some((sp, _)) = pending_then.take() {
            let empty = matches!(fw, "fi" | "else" | "elif") || text.trim() == ":" || text.trim() == "true";
            if empty && !opens {
                out.placeholders.push(PlaceholderSpot { span: sp, text: "empty branch".to_owned() });
            }
        }
        if opens {
            pending_then = Some((span, i));
        }
        // set -e / -u / -o pipefail
        if fw == "set" {
            let args: Vec<&str> = text.split_whitespace().skip(1).collect();
            for (j, a) in args.iter().enumerate() {
                if let Some(flags) = a.strip_prefix('-').filter(|f| !f.starts_with('-') && *f != "o") {
                    if flags.contains('e') && out.strict.errexit.is_none() {
                        out.strict.errexit = Some(span);
                    }
                    if flags.contains('u') && out.strict.nounset.is_none() {
                        out.strict.nounset = Some(span);
                    }
                }
                let opt = if *a == "-o" || a.ends_with('o') && a.starts_with('-') { args.get(j + 1) } else { None };
                match opt.copied() {
                    Some("errexit") if out.strict.errexit.is_none() => out.strict.errexit = Some(span),
                    Some("nounset") if out.strict.nounset.is_none() => out.strict.nounset = Some(span),
                    Some("pipefail") if out.strict.pipefail.is_none() => out.strict.pipefail = Some(span),
                    _ => {}
                }
            }
        }
        for (so, seg) in segments(&l.text) {
            if is_print(seg) {
                continue;
            }
            for tp in TOOLS.iter() {
                if let Some(m) = tp.re.find(seg) {
                    let at = so + m.start();
                    let target = if tp.tool.role() == crate::model::shell::ToolRole::Offsite {
                        let rest = seg.get(m.end()..).unwrap_or("");
                        let all: Vec<&str> = UPLOAD_TARGET
                            .as_ref()
                            .map(|re| re.find_iter(rest).map(|t| t.as_str()).collect())
                            .unwrap_or_default();
                        all.iter()
                            .rev()
                            .find(|t| t.contains("://"))
                            .or_else(|| all.iter().rev().find(|t| t.starts_with('$')))
                            .or_else(|| all.last())
                            .map(|t| (*t).to_owned())
                    } else {
                        None
                    };
                    let word_end = seg.get(m.start()..m.end()).map_or(0, |w| w.trim_end().len());
                    out.tools.push(ToolUse {
                        tool: tp.tool,
                        span: l.span(src, at..at + word_end),
                        command: ci,
                        target,
                    });
                }
            }
            // Retention.
            if let Some(c) = RETENTION_FIND.as_ref().and_then(|re| re.captures(seg)) {
                if seg.contains("-delete") || seg.contains("rm ") || seg.contains("-exec") || l.text.contains("rm ") {
                    let days = c
                        .get(1)
                        .and_then(|v| v.as_str().parse::<u32>().ok())
                        .or_else(|| c.get(2).and_then(|name| numbers.get(name.as_str()).copied()));
                    out.retention.push(Retention { span, days });
                }
            } else if RETENTION_KEEP.as_ref().is_some_and(|re| re.is_match(seg)) {
                out.retention.push(Retention { span, days: None });
            }
            // Calls to other scripts.
            if let Some(re) = CALL.as_ref() {
                for c in re.captures_iter(seg) {
                    let Some(p) = c.get(2) else { continue };
                    let via = c.get(1).map(|v| v.as_str().to_owned());
                    let path = p.as_str();
                    let explicit = path.starts_with("./")
                        || path.starts_with("../")
                        || path.starts_with('$')
                        || path.starts_with('/')
                        || path.contains('/');
                    if via.is_none() && !explicit {
                        continue;
                    }
                    let at = so + p.start();
                    out.calls.push(ScriptCall {
                        path: Spanned::new(path.to_owned(), l.span(src, at..at + path.len())),
                        via: via.unwrap_or_else(|| "./".to_owned()),
                        command: ci,
                    });
                }
            }
        }
    }
    out.purposes = purposes(&src.path, out);
}

static DEPLOY_CMD: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"\b(?:docker(?:-|\s+)compose\b[^|;]*\bup\b|docker\s+stack\s+deploy|kubectl\s+(?:apply|set\s+image|rollout\s+restart)|helm\s+(?:upgrade|install)|terraform\s+apply|ansible-playbook|fly\s+deploy|gcloud\s+run\s+deploy|aws\s+ecs\s+update-service)\b").ok()
});
static ROLLBACK_CMD: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\b(?:kubectl\s+rollout\s+undo|helm\s+rollback|--rollback\b|rollback)\b").ok());
static HEALTH_CMD: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"\b(?:curl|wget)\b[^|;]*(?:/health|/healthz|/ready|/readyz|/live|/ping|/status)").ok()
});
static MIGRATE_CMD: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"\b(?:migrate\b|migration:run|prisma\s+migrate|alembic\s+upgrade|flyway\b|liquibase\b|db:migrate|knex\s+migrate|typeorm\b[^|;]*migration|sequelize\b[^|;]*db:migrate|manage\.py\s+migrate|goose\s+up)").ok()
});
static VERIFY_CMD: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?:sha256sum|md5sum|shasum)\b[^|;]*(?:\s-c\b|--check)|\bgzip\s+-t\b|\btar\s+-?t[a-z]*f|\bpg_restore\s+(?:-l|--list)\b|\brestic\s+check\b|\bborg\s+check\b|--dry-run\b").ok()
});

fn purposes(path: &str, s: &ShellScript) -> Vec<(ScriptPurpose, String)> {
    let name = crate::index::files::file_name(path).to_ascii_lowercase();
    let mut out: Vec<(ScriptPurpose, String)> = Vec::new();
    let mut add = |p: ScriptPurpose, why: String| {
        if !out.iter().any(|(q, _)| *q == p) {
            out.push((p, why));
        }
    };
    let by_name: &[(&str, ScriptPurpose)] = &[
        ("backup", ScriptPurpose::Backup),
        ("dump", ScriptPurpose::Backup),
        ("snapshot", ScriptPurpose::Backup),
        ("restore", ScriptPurpose::Restore),
        ("verify", ScriptPurpose::Verify),
        ("validate-backup", ScriptPurpose::Verify),
        ("check-backup", ScriptPurpose::Verify),
        ("test-restore", ScriptPurpose::Verify),
        ("rollback", ScriptPurpose::Rollback),
        ("deploy", ScriptPurpose::Deploy),
        ("release", ScriptPurpose::Deploy),
        ("health", ScriptPurpose::HealthCheck),
        ("smoke", ScriptPurpose::HealthCheck),
        ("migrat", ScriptPurpose::Migrate),
    ];
    for (word, p) in by_name {
        if name.contains(word) {
            add(*p, format!("file name `{name}`"));
        }
    }
    use crate::model::shell::ToolRole;
    if let Some(t) = s.tools.iter().find(|t| matches!(t.tool.role(), ToolRole::Dump | ToolRole::BackupProgram)) {
        add(ScriptPurpose::Backup, format!("runs `{}`", t.tool.label()));
    }
    if let Some(t) = s.tools.iter().find(|t| t.tool.role() == ToolRole::Restore) {
        add(ScriptPurpose::Restore, format!("runs `{}`", t.tool.label()));
    }
    let first = |re: &LazyLock<Option<Regex>>| {
        s.commands
            .iter()
            .find(|c| !is_print(&c.text) && re.as_ref().is_some_and(|r| r.is_match(&c.text)))
            .map(|c| c.text.chars().take(60).collect::<String>())
    };
    if let Some(c) = first(&VERIFY_CMD) {
        add(ScriptPurpose::Verify, format!("runs `{c}`"));
    }
    if let Some(c) = first(&ROLLBACK_CMD) {
        add(ScriptPurpose::Rollback, format!("runs `{c}`"));
    }
    if let Some(c) = first(&DEPLOY_CMD) {
        add(ScriptPurpose::Deploy, format!("runs `{c}`"));
    }
    if let Some(c) = first(&HEALTH_CMD) {
        add(ScriptPurpose::HealthCheck, format!("runs `{c}`"));
    }
    if let Some(c) = first(&MIGRATE_CMD) {
        add(ScriptPurpose::Migrate, format!("runs `{c}`"));
    }
    if out.is_empty() {
        out.push((ScriptPurpose::Other, "no recognised purpose".to_owned()));
    }
    out
}

/// Parse a Makefile: targets with prerequisites and recipe lines, `include`s, variables.
pub fn parse_makefile(src: &SourceFile) -> Makefile {
    let mut mk = Makefile::default();
    let mut phony: Vec<String> = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    let mut offset = 0usize;
    for raw in src.text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches('\n');
        if let Some(recipe) = line.strip_prefix('\t') {
            let body = recipe.trim_start_matches(['@', '-', '+']).trim_start();
            if current.is_empty() || body.is_empty() || body.starts_with('#') {
                continue;
            }
            let at = start + 1 + (recipe.len() - body.len());
            let sp = Spanned::new(body.trim_end().to_owned(), src.span(at..at + body.trim_end().len()));
            for t in &current {
                if let Some(t) = mk.targets.get_mut(*t) {
                    t.recipe.push(sp.clone());
                }
            }
            continue;
        }
        let code = strip_comment(line);
        let t = code.trim();
        if t.is_empty() {
            continue;
        }
        if let Some(rest) =
            t.strip_prefix("include ").or_else(|| t.strip_prefix("-include ")).or_else(|| t.strip_prefix("sinclude "))
        {
            for w in rest.split_whitespace() {
                if let Some(i) = line.find(w) {
                    mk.includes.push(Spanned::new(w.to_owned(), src.span(start + i..start + i + w.len())));
                }
            }
            current.clear();
            continue;
        }
        // Variable assignment (`:=`, `?=`, `+=`, `=`) before any rule colon.
        let assign = ["::=", ":=", "?=", "+=", "!="].iter().filter_map(|op| t.find(op).map(|i| (i, op.len()))).min();
        let colon = t.find(':');
        let eq = t.find('=');
        let is_assign = match (assign, colon, eq) {
            (Some((ai, _)), Some(ci), _) => ai <= ci,
            (Some(_), None, _) => true,
            (None, Some(ci), Some(ei)) => ei < ci,
            (None, None, Some(_)) => true,
            _ => false,
        };
        if is_assign {
            let (i, len) = assign.or_else(|| eq.map(|e| (e, 1))).unwrap_or((0, 0));
            let name = t.get(..i).unwrap_or("").trim().trim_start_matches("export ").trim();
            let value = t.get(i + len..).unwrap_or("").trim();
            if !name.is_empty() && !name.contains(' ') {
                let lead = line.len() - line.trim_start().len();
                let ns = start + lead + line.trim_start().find(name).unwrap_or(0);
                let vs = start + line.rfind(value).unwrap_or(0);
                mk.variables.push((
                    Spanned::new(name.to_owned(), src.span(ns..ns + name.len())),
                    Spanned::new(value.to_owned(), src.span(vs..vs + value.len())),
                ));
            }
            current.clear();
            continue;
        }
        let Some(ci) = colon else {
            current.clear();
            continue;
        };
        let names = t.get(..ci).unwrap_or("");
        let prereq_text = t.get(ci + 1..).unwrap_or("").trim_start_matches(':');
        let prereq_text = prereq_text.split(';').next().unwrap_or("");
        if names.trim() == ".PHONY" {
            phony.extend(prereq_text.split_whitespace().map(str::to_owned));
            current.clear();
            continue;
        }
        current.clear();
        let lead = line.len() - line.trim_start().len();
        let mut search = start + lead;
        let mut prereqs = Vec::new();
        let pstart = start + lead + line.trim_start().find(':').unwrap_or(0) + 1;
        let mut ps = pstart;
        for w in prereq_text.split_whitespace() {
            if let Some(i) = src.text.get(ps..offset).and_then(|s| s.find(w)) {
                prereqs.push(Spanned::new(w.to_owned(), src.span(ps + i..ps + i + w.len())));
                ps += i + w.len();
            }
        }
        for n in names.split_whitespace() {
            let Some(i) = src.text.get(search..offset).and_then(|s| s.find(n)) else { continue };
            let at = search + i;
            search = at + n.len();
            if n.starts_with('.') && n.chars().skip(1).all(|c| c.is_ascii_uppercase() || c == '_') {
                continue; // special targets (.DEFAULT_GOAL, .SILENT)
            }
            mk.targets.push(MakeTarget {
                name: Spanned::new(n.to_owned(), src.span(at..at + n.len())),
                prerequisites: prereqs.clone(),
                recipe: Vec::new(),
                phony: false,
            });
            current.push(mk.targets.len() - 1);
        }
    }
    for t in &mut mk.targets {
        t.phony = phony.contains(&t.name.value);
    }
    mk
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::shell::ToolRole;
    use crate::source::Pos;

    fn sp(l1: u32, c1: u32, l2: u32, c2: u32) -> Span {
        Span::new(Pos::new(l1, c1), Pos::new(l2, c2))
    }

    const BACKUP: &str = r#"#!/bin/bash
set -euo pipefail
RETENTION_DAYS=${RETENTION_DAYS:-30}
BACKUP_DIR=/backups

backup_mongo() {
  echo "Running mongodump to $BACKUP_DIR"
  mongodump --uri "$MONGO_URI" \
    --archive="$BACKUP_DIR/db.gz" --gzip
  sha256sum "$BACKUP_DIR/db.gz" > "$BACKUP_DIR/db.gz.sha256"
}

backup_mongo
if [ -n "${S3_BUCKET:-}" ]; then
  # Add your remote storage upload command here
fi
aws s3 cp "$BACKUP_DIR/db.gz" "s3://${S3_BUCKET}/mongo/" --sse aws:kms
find "$BACKUP_DIR" -name '*.gz' -mtime +${RETENTION_DAYS} -delete
./scripts/backup/verify-backup.sh "$BACKUP_DIR/db.gz"
bash scripts/notify.sh ok
cat > /etc/cron.d/backup <<'EOF'
0 2 * * * root /opt/app/scripts/backup/backup-all.sh
EOF
"#;

    #[test]
    fn backup_script_model() {
        let s = parse(&SourceFile::from_text("scripts/backup/backup-mongodb.sh", BACKUP));
        assert_eq!(s.shebang.as_ref().map(|b| b.value.as_str()), Some("#!/bin/bash"));
        assert_eq!(s.strict.errexit, Some(sp(2, 1, 2, 18)));
        assert!(s.strict.nounset.is_some() && s.strict.pipefail.is_some());
        assert_eq!(s.functions.iter().map(|f| f.value.as_str()).collect::<Vec<_>>(), vec!["backup_mongo"]);
        // mongodump spans its continuation line; echo mentioning it is not a use.
        let dump = s.uses(Tool::Mongodump).unwrap_or_else(|| unreachable!());
        assert_eq!(dump.span, sp(8, 3, 8, 12));
        let cmd = s.command(dump.command).unwrap_or_else(|| unreachable!());
        assert_eq!(cmd.span, sp(8, 3, 9, 41));
        assert_eq!(cmd.function.as_deref(), Some("backup_mongo"));
        assert!(cmd.text.contains("--gzip"));
        assert_eq!(s.tools.iter().filter(|t| t.tool == Tool::Mongodump).count(), 1);
        assert!(s.uses(Tool::Sha256sum).is_some());
        let up = s.uses(Tool::AwsS3).unwrap_or_else(|| unreachable!());
        assert_eq!(up.span, sp(17, 1, 17, 10));
        assert_eq!(up.target.as_deref(), Some("s3://${S3_BUCKET}/mongo/"));
        assert!(s.uses(Tool::S3Sse).is_some());
        assert_eq!(s.with_role(ToolRole::Encryption).count(), 1);
        assert_eq!(s.retention.len(), 1);
        assert_eq!(s.retention[0].days, Some(30));
        assert_eq!(s.retention[0].span.start, Pos::new(18, 1));
        let calls: Vec<(&str, &str, Span)> =
            s.calls.iter().map(|c| (c.path.value.as_str(), c.via.as_str(), c.path.span)).collect();
        assert_eq!(
            calls,
            vec![
                ("./scripts/backup/verify-backup.sh", "./", sp(19, 1, 19, 34)),
                ("scripts/notify.sh", "bash", sp(20, 6, 20, 23)),
            ]
        );
        // The comment placeholder and the empty branch it sits in.
        assert_eq!(s.placeholders.len(), 2, "{:?}", s.placeholders);
        assert_eq!(s.placeholders[0].span, sp(15, 3, 15, 48));
        assert_eq!(s.placeholders[1].span.start, Pos::new(14, 1));
        assert_eq!(s.schedules.len(), 1);
        assert_eq!(s.schedules[0].expr, "0 2 * * *");
        assert_eq!(s.schedules[0].span.start, Pos::new(22, 1));
        // heredoc body is not a command
        assert!(!s.commands.iter().any(|c| c.text.starts_with("0 2")));
        let purposes: Vec<ScriptPurpose> = s.purposes.iter().map(|(p, _)| *p).collect();
        assert_eq!(purposes, vec![ScriptPurpose::Backup]);
    }

    #[test]
    fn purposes_by_content_and_ssh_heredoc() {
        let text = "#!/bin/sh\nssh deploy@host <<'EOF'\n  cd /opt/app && docker compose -f docker-compose.prod.yml up -d\n  curl -fsS https://api.acme.io/health\nEOF\nmongorestore --archive=/b/db.gz --gzip\n";
        let s = parse(&SourceFile::from_text("scripts/ops.sh", text));
        let purposes: Vec<ScriptPurpose> = s.purposes.iter().map(|(p, _)| *p).collect();
        assert_eq!(purposes, vec![ScriptPurpose::Restore, ScriptPurpose::Deploy, ScriptPurpose::HealthCheck]);
        assert!(s.strict.errexit.is_none());
        let s =
            parse(&SourceFile::from_text("x.sh", "if true; then echo; fi\nfor f in *; do\n  :\ndone\nelse_thing\n"));
        assert_eq!(s.commands.iter().map(|c| c.depth).collect::<Vec<_>>(), vec![0, 0, 1, 0, 0]);
    }

    #[test]
    fn makefile_targets() {
        let text = "SHELL := /bin/bash\nIMAGE ?= acme/api\n.PHONY: deploy test\n\ninclude common.mk\n\ndeploy: build test ## ship it\n\t@echo deploying\n\t./scripts/deploy.sh $(IMAGE)\n\nbuild test:\n\tdocker build -t $(IMAGE) .\n";
        let mk = parse_makefile(&SourceFile::from_text("Makefile", text));
        assert_eq!(mk.variables.len(), 2);
        assert_eq!(mk.variables[1].0.span, sp(2, 1, 2, 6));
        assert_eq!(mk.variables[1].1.value, "acme/api");
        assert_eq!(mk.includes[0].span, sp(5, 9, 5, 18));
        let d = mk.target("deploy").unwrap_or_else(|| unreachable!());
        assert!(d.phony);
        assert_eq!(d.name.span, sp(7, 1, 7, 7));
        assert_eq!(
            d.prerequisites.iter().map(|p| (p.value.as_str(), p.span.start)).collect::<Vec<_>>(),
            vec![("build", Pos::new(7, 9)), ("test", Pos::new(7, 15))]
        );
        assert_eq!(d.recipe.len(), 2);
        assert_eq!(d.recipe[1].span, sp(9, 2, 9, 30));
        assert_eq!(d.recipe[0].value, "echo deploying");
        let b = mk.target("build").unwrap_or_else(|| unreachable!());
        assert_eq!(b.recipe.len(), 1);
        assert!(mk.target("test").is_some_and(|t| t.phony && t.name.span.start == Pos::new(11, 7)));
    }
}
