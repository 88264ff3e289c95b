//! The README rule table is generated from the rule metadata; this test keeps it current.
//! Refresh with `PRODREADY_BLESS=1 cargo test --test readme`.

use std::path::Path;

#[test]
fn readme_rule_table_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap_or_default();
    let (start, end) = ("<!-- rules:start -->\n", "<!-- rules:end -->");
    let (Some(a), Some(b)) = (readme.find(start), readme.find(end)) else {
        panic!("README.md lacks the rules:start/rules:end markers");
    };
    let current = &readme[a + start.len()..b];
    let expected = prodready::catalog::readme_table();
    if current != expected {
        if std::env::var_os("PRODREADY_BLESS").is_some() {
            let updated = format!("{}{}{}", &readme[..a + start.len()], expected, &readme[b..]);
            std::fs::write(&path, updated).unwrap_or_else(|e| panic!("{e}"));
        } else {
            panic!("README rule table is stale; run `PRODREADY_BLESS=1 cargo test --test readme`");
        }
    }
}
