//! Rules of this family: one file per rule, one registration line each.

use super::Rule;

pub fn register(_rules: &mut Vec<Box<dyn Rule>>) {}
