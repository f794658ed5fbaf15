//! The two readable files of an access bundle: `records.json` (every section's rows in full,
//! with what is flagged or left out) and `index.html` (the same for a person to read: plain
//! HTML, every value escaped, no scripts, no outside resources).
//!
//! Rendering only: what goes in is decided by the parent module's sections and audience. It
//! must never add a value the bundle was not given.

use super::Bundle;
use serde_json::{Value, json};
use std::fmt::Write as _;

/// `records.json`: every section's rows in full, and what is flagged or left out.
pub(super) fn records(b: &Bundle) -> Value {
    let mut records = serde_json::Map::new();
    for (s, rows) in &b.sections {
        records.insert(
            s.key.to_owned(),
            Value::Array(rows.iter().cloned().map(Value::Object).collect()),
        );
    }
    let third_party: Vec<&str> =
        b.sections.iter().filter(|(s, _)| s.third_party).map(|(s, _)| s.key).collect();
    let mut withheld = Vec::new();
    if !b.audience.references() {
        withheld.push("references: other people's words about you are released after review; make an access request to receive them");
    }
    if !b.audience.monitoring() {
        withheld.push("equal_opportunities: staff never see monitoring answers; they are added to the person's own copy");
    }
    json!({
        "about": format!("Everything {} holds about {} in Shortlist, its recruitment system.", b.organisation, b.email),
        "copy": b.audience.words(),
        "person": b.email,
        "generated_at": b.generated_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "records": records,
        "third_party_data": third_party,
        "withheld": withheld,
        "consent_wordings": b.wordings,
        "documents": b.documents.iter().map(|d| json!({
            "application_id": d.doc.application.to_string(),
            "document_id": d.doc.document.to_string(),
            "file": d.file,
        })).collect::<Vec<_>>(),
    })
}

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn shown(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `index.html`: the same records, readable in a browser, with no scripts or outside links.
pub(super) fn index(b: &Bundle) -> String {
    let mut h = String::new();
    let title = format!("Your data held by {}", b.organisation);
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>{t}</title>\
         <style>body{{font-family:Arial,sans-serif;margin:2rem;max-width:60rem;line-height:1.4}}\
         table{{border-collapse:collapse;margin:0 0 1rem}}th,td{{border:1px solid #b1b4b6;\
         padding:.3rem .5rem;text-align:left;vertical-align:top}}th{{background:#f3f2f1}}\
         .flag{{border-left:5px solid #d4351c;padding-left:.8rem}}</style></head><body>\
         <h1>{t}</h1><p>{copy}. Made {at} (UK time) for {who}.</p>\
         <p>Every record is also in <code>records.json</code>, column by column; your documents \
         are in the <code>documents</code> folder, exactly as you uploaded them.</p>\
         <h2>Contents</h2><ul>",
        t = esc(&title),
        copy = esc(b.audience.words()),
        at = esc(&app::domain::time::format_uk_datetime(b.generated_at)),
        who = esc(&b.email),
    );
    for (s, rows) in &b.sections {
        let _ = write!(h, "<li><a href=\"#{}\">{}</a> ({})</li>", s.key, esc(s.title), rows.len());
    }
    h.push_str("</ul>");
    if !b.audience.references() {
        h.push_str(
            "<p>References your referees wrote are other people's words about you: we \
                    send them after checking them, when you make an access request.</p>",
        );
    }
    if !b.audience.monitoring() {
        h.push_str(
            "<p>Equal-opportunities answers are left out of this copy: staff never see \
                    them. They are added to the person's own copy.</p>",
        );
    }
    for (s, rows) in &b.sections {
        let flag = if s.third_party { " class=\"flag\"" } else { "" };
        let _ = write!(
            h,
            "<section id=\"{}\"{flag}><h2>{}</h2><p>{}</p>",
            s.key,
            esc(s.title),
            esc(s.about)
        );
        if s.third_party {
            h.push_str(
                "<p><strong>Third-party data:</strong> this section holds another \
                        person's information. Check it before release.</p>",
            );
        }
        if rows.is_empty() {
            h.push_str("<p>None held.</p>");
        }
        for r in rows {
            h.push_str("<table><tbody>");
            for (k, v) in r {
                let _ = write!(
                    h,
                    "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
                    esc(k),
                    esc(&shown(v))
                );
            }
            h.push_str("</tbody></table>");
        }
        h.push_str("</section>");
    }
    if !b.documents.is_empty() {
        h.push_str("<h2>Documents</h2><ul>");
        for d in &b.documents {
            let _ = write!(h, "<li><a href=\"{0}\">{0}</a></li>", esc(&d.file));
        }
        h.push_str("</ul>");
    }
    h.push_str("</body></html>");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_records_is_escaped_in_the_index() {
        assert_eq!(
            esc("<script>alert('x')</script>&"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;"
        );
    }
}
