//! Errors of the invocation itself (exit code 2). Problems with files inside the repository are
//! diagnostics, never errors.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot audit `{path}`: {reason}", path = .0.display(), reason = .1)]
    Root(PathBuf, String),
    #[error("configuration: {0}")]
    Config(String),
    #[error("cannot write `{path}`: {reason}", path = .0.display(), reason = .1)]
    Output(PathBuf, String),
    #[error("{0}")]
    Usage(String),
    #[error("cannot start worker threads: {0}")]
    Threads(String),
}
