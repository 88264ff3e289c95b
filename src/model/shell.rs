//! Shell scripts and Makefiles: what they run, with line spans. A light structured scan (no shell
//! grammar): logical command lines (continuations joined, comments and here-document bodies
//! skipped), the backup/restore/upload/checksum/encryption tools they use, retention, strict mode,
//! scripts they call, placeholder branches and schedules. Parsing lives in `crate::parse::shell`.

use crate::source::{Span, Spanned};

/// What a script is for, judged from its name and content.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ScriptPurpose {
    Backup,
    Restore,
    /// Verifies backups or deployments (checksums, test restores, smoke tests).
    Verify,
    Deploy,
    Rollback,
    HealthCheck,
    Migrate,
    Other,
}

impl ScriptPurpose {
    pub fn label(self) -> &'static str {
        match self {
            ScriptPurpose::Backup => "backup",
            ScriptPurpose::Restore => "restore",
            ScriptPurpose::Verify => "verify",
            ScriptPurpose::Deploy => "deploy",
            ScriptPurpose::Rollback => "rollback",
            ScriptPurpose::HealthCheck => "health check",
            ScriptPurpose::Migrate => "migrate",
            ScriptPurpose::Other => "other",
        }
    }
}

/// What a recognised tool does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ToolRole {
    /// Produces a database/data dump or snapshot.
    Dump,
    /// Loads a dump back.
    Restore,
    /// Copies data off the host (object storage, remote repository).
    Offsite,
    Checksum,
    Encryption,
    /// Backup programs that do dump + deduplicated repository (restic, borg): also off-site when
    /// the repository is remote.
    BackupProgram,
    /// Compresses an archive (`tar`, `gzip`).
    Archive,
}

/// A recognised tool.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tool {
    PgDump,
    PgDumpall,
    PgBasebackup,
    PgRestore,
    Psql,
    Mongodump,
    Mongorestore,
    Mysqldump,
    Mariadump,
    MysqlClient,
    RedisCliRdb,
    RedisBgsave,
    Etcdctl,
    Restic,
    Borg,
    Velero,
    AwsS3,
    Rclone,
    Gsutil,
    GcloudStorage,
    AzStorage,
    Azcopy,
    MinioClient,
    Rsync,
    Scp,
    Sha256sum,
    Md5sum,
    Gpg,
    OpensslEnc,
    Age,
    /// `--sse` / `--sse-kms-key-id` server-side encryption on an upload.
    S3Sse,
    Tar,
    Gzip,
}

impl Tool {
    pub fn label(self) -> &'static str {
        match self {
            Tool::PgDump => "pg_dump",
            Tool::PgDumpall => "pg_dumpall",
            Tool::PgBasebackup => "pg_basebackup",
            Tool::PgRestore => "pg_restore",
            Tool::Psql => "psql",
            Tool::Mongodump => "mongodump",
            Tool::Mongorestore => "mongorestore",
            Tool::Mysqldump => "mysqldump",
            Tool::Mariadump => "mariadb-dump",
            Tool::MysqlClient => "mysql",
            Tool::RedisCliRdb => "redis-cli --rdb",
            Tool::RedisBgsave => "redis-cli BGSAVE",
            Tool::Etcdctl => "etcdctl snapshot",
            Tool::Restic => "restic",
            Tool::Borg => "borg",
            Tool::Velero => "velero",
            Tool::AwsS3 => "aws s3",
            Tool::Rclone => "rclone",
            Tool::Gsutil => "gsutil",
            Tool::GcloudStorage => "gcloud storage",
            Tool::AzStorage => "az storage",
            Tool::Azcopy => "azcopy",
            Tool::MinioClient => "mc",
            Tool::Rsync => "rsync",
            Tool::Scp => "scp",
            Tool::Sha256sum => "sha256sum",
            Tool::Md5sum => "md5sum",
            Tool::Gpg => "gpg",
            Tool::OpensslEnc => "openssl enc",
            Tool::Age => "age",
            Tool::S3Sse => "--sse",
            Tool::Tar => "tar",
            Tool::Gzip => "gzip",
        }
    }

    pub fn role(self) -> ToolRole {
        match self {
            Tool::PgDump
            | Tool::PgDumpall
            | Tool::PgBasebackup
            | Tool::Mongodump
            | Tool::Mysqldump
            | Tool::Mariadump
            | Tool::RedisCliRdb
            | Tool::RedisBgsave
            | Tool::Etcdctl => ToolRole::Dump,
            Tool::PgRestore | Tool::Mongorestore | Tool::Psql | Tool::MysqlClient => ToolRole::Restore,
            Tool::Restic | Tool::Borg | Tool::Velero => ToolRole::BackupProgram,
            Tool::AwsS3
            | Tool::Rclone
            | Tool::Gsutil
            | Tool::GcloudStorage
            | Tool::AzStorage
            | Tool::Azcopy
            | Tool::MinioClient
            | Tool::Rsync
            | Tool::Scp => ToolRole::Offsite,
            Tool::Sha256sum | Tool::Md5sum => ToolRole::Checksum,
            Tool::Gpg | Tool::OpensslEnc | Tool::Age | Tool::S3Sse => ToolRole::Encryption,
            Tool::Tar | Tool::Gzip => ToolRole::Archive,
        }
    }
}

/// One logical command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    /// Text with continuation lines joined by a space (comments removed).
    pub text: String,
    /// From the first to the last physical line.
    pub span: Span,
    /// Name of the enclosing shell function, if any.
    pub function: Option<String>,
    /// Nesting depth of `if`/`for`/`while`/`case` blocks around it.
    pub depth: u32,
}

/// A tool used by a command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ToolUse {
    pub tool: Tool,
    /// The tool's word(s) in the file.
    pub span: Span,
    /// Index into [`ShellScript::commands`].
    pub command: usize,
    /// For uploads: the destination as written (`s3://bucket/x`, `remote:path`), if seen.
    pub target: Option<String>,
}

/// `find … -mtime +N -delete`-style retention.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Retention {
    pub span: Span,
    /// Days kept, when stated as a literal (`-mtime +30`) or a variable default (`${RETENTION_DAYS:-30}`).
    pub days: Option<u32>,
}

/// `set -e` / `set -o errexit`, `-u`, `-o pipefail` as declared (first occurrence).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StrictMode {
    pub errexit: Option<Span>,
    pub nounset: Option<Span>,
    pub pipefail: Option<Span>,
}

/// Another script invoked (`./scripts/x.sh`, `bash scripts/x.sh`, `source lib.sh`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptCall {
    /// The path as written, with its span.
    pub path: Spanned<String>,
    /// `./`, `bash`, `sh`, `source`, `.`
    pub via: String,
    pub command: usize,
}

/// A place where the script pretends: an empty branch or a "# Add your … here" comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlaceholderSpot {
    pub span: Span,
    pub text: String,
}

/// A schedule hint: a crontab line (`0 2 * * * /opt/backup.sh`) written or installed by the script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schedule {
    pub span: Span,
    /// The five cron fields (or `@daily`).
    pub expr: String,
    pub command: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ShellScript {
    pub shebang: Option<Spanned<String>>,
    pub commands: Vec<Command>,
    /// Purposes with the evidence (`file name`, `uses pg_dump`).
    pub purposes: Vec<(ScriptPurpose, String)>,
    pub tools: Vec<ToolUse>,
    pub retention: Vec<Retention>,
    pub strict: StrictMode,
    pub calls: Vec<ScriptCall>,
    pub placeholders: Vec<PlaceholderSpot>,
    pub schedules: Vec<Schedule>,
    /// Shell functions defined (name with the span of the definition line).
    pub functions: Vec<Spanned<String>>,
}

impl ShellScript {
    pub fn has_purpose(&self, p: ScriptPurpose) -> bool {
        self.purposes.iter().any(|(q, _)| *q == p)
    }

    pub fn uses(&self, tool: Tool) -> Option<&ToolUse> {
        self.tools.iter().find(|t| t.tool == tool)
    }

    pub fn with_role(&self, role: ToolRole) -> impl Iterator<Item = &ToolUse> {
        self.tools.iter().filter(move |t| t.tool.role() == role)
    }

    pub fn command(&self, i: usize) -> Option<&Command> {
        self.commands.get(i)
    }
}

/// A Makefile target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MakeTarget {
    pub name: Spanned<String>,
    pub prerequisites: Vec<Spanned<String>>,
    /// Recipe lines (leading tab and `@`/`-` prefixes removed), with spans.
    pub recipe: Vec<Spanned<String>>,
    /// Listed in `.PHONY`.
    pub phony: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Makefile {
    pub targets: Vec<MakeTarget>,
    /// `include`/`-include` paths.
    pub includes: Vec<Spanned<String>>,
    /// `NAME = value` / `:=` / `?=` assignments.
    pub variables: Vec<(Spanned<String>, Spanned<String>)>,
}

impl Makefile {
    pub fn target(&self, name: &str) -> Option<&MakeTarget> {
        self.targets.iter().find(|t| t.name.value == name)
    }
}
