//! CI rules (`CI`, GitHub Actions and GitLab CI): one file per rule, one registration line each.

mod action_not_pinned;
mod no_test_step;
mod permissions;
mod pr_target_checkout;
mod script_injection;
mod security_non_blocking;

use super::{Cx, Rule};
use crate::source::{Pos, Span};

pub fn register(rules: &mut Vec<Box<dyn Rule>>) {
    rules.push(Box::new(security_non_blocking::SecurityNonBlocking));
    rules.push(Box::new(action_not_pinned::ActionNotPinned));
    rules.push(Box::new(permissions::Permissions));
    rules.push(Box::new(script_injection::ScriptInjection));
    rules.push(Box::new(no_test_step::NoTestStep));
    rules.push(Box::new(pr_target_checkout::PrTargetCheckout));
}

/// Span of the `n`-th (0-based) occurrence of `needle` in the file text covered by `value_span`
/// (from the start of its first line to the end of its last). Script values lose their
/// indentation in the model, so an occurrence is found by counting, not by offset.
pub(crate) fn find_nth(cx: &Cx, value_span: Span, needle: &str, n: usize) -> Span {
    let Some(src) = cx.source() else { return value_span };
    if needle.is_empty() {
        return value_span;
    }
    let start = src.offset(Pos::new(value_span.start.line, 1));
    let end = src.offset(Pos::new(value_span.end.line.saturating_add(1), 1)).max(start);
    let Some(hay) = src.text.get(start..end) else { return value_span };
    match hay.match_indices(needle).nth(n) {
        Some((i, _)) => src.span(start + i..start + i + needle.len()),
        None => cx.find(value_span, needle),
    }
}

/// Span of the text `value[range]` of a script value in the file (see [`find_nth`]).
pub(crate) fn locate_in_value(cx: &Cx, value: &str, value_span: Span, range: std::ops::Range<usize>) -> Span {
    let needle = value.get(range.clone()).unwrap_or("");
    let n = value.get(..range.start).map_or(0, |before| before.matches(needle).count());
    find_nth(cx, value_span, needle, n)
}
