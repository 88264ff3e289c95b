//! Masking: how a secret is shown anywhere prodready writes (at most a short prefix + length).

use super::secrets;

/// `"sk_live_abcdef…"` → `"sk_***** (24 chars)"`. Values of 8 characters or fewer show no prefix.
pub fn mask(value: &str) -> String {
    let n = value.chars().count();
    let shown = if n > 16 {
        3
    } else if n > 8 {
        2
    } else {
        0
    };
    let prefix: String = value.chars().take(shown).collect();
    format!("{prefix}***** ({n} chars)")
}

/// Mask every secret-looking value in one line of text (used on snippets and quoted lines):
/// `KEY=value` / `key: value` pairs whose key looks secret and whose value is literal, token
/// formats (AWS, GitHub, Slack, Stripe, JWT…) and `user:password@` in URLs.
pub fn mask_line(line: &str) -> String {
    let mut ranges = secrets::scan_line(line);
    if ranges.is_empty() {
        return line.to_owned();
    }
    ranges.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    let mut out = String::with_capacity(line.len());
    let mut pos = 0;
    for r in ranges {
        if r.start < pos || r.end > line.len() || r.start >= r.end {
            continue;
        }
        let (Some(before), Some(secret)) = (line.get(pos..r.start), line.get(r.start..r.end)) else {
            continue;
        };
        out.push_str(before);
        out.push_str(&mask(secret));
        pos = r.end;
    }
    out.push_str(line.get(pos..).unwrap_or(""));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_with_prefix_and_length() {
        assert_eq!(mask("hunter2"), "***** (7 chars)");
        assert_eq!(mask("sk_live_0123456789abcdef"), "sk_***** (24 chars)");
    }

    #[test]
    fn masks_assignments_and_tokens_in_lines() {
        let l = mask_line("      - DB_PASSWORD=Sup3rS3cretValue!");
        assert!(!l.contains("Sup3rS3cretValue"), "{l}");
        assert!(l.contains("DB_PASSWORD="));
        let l = mask_line("token: ghp_abcdefghijklmnopqrstuvwxyz0123456789");
        assert!(!l.contains("ghp_abcdefghijklmnopqrstuvwxyz0123456789"), "{l}");
        let l = mask_line("DATABASE_URL=postgres://app:s3cr3tpw@db:5432/app");
        assert!(!l.contains("s3cr3tpw"), "{l}");
        assert_eq!(mask_line("image: node:20"), "image: node:20");
        let once = mask_line(&format!("ENV JWT_SECRET={}", mask("k3Jq9vTz2LmW8xRp4NcY7bHd")));
        assert_eq!(once, "ENV JWT_SECRET=k3J***** (24 chars)");
        assert_eq!(mask_line("DB_PASSWORD=${DB_PASSWORD}"), "DB_PASSWORD=${DB_PASSWORD}");
    }
}
