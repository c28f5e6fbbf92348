//! FHIR narrative (`Resource.text`): the same blocks the PDF lays out, as
//! the limited XHTML FHIR allows (txt-1: only basic formatting, no scripts
//! or styles; txt-2: some non-whitespace content).

use serde_json::{json, Value};

use crate::export::pdf::blocks::Blocks;
use crate::export::pdf::layout::{Block, Span};

const XHTML_NS: &str = "http://www.w3.org/1999/xhtml";

/// Escapes text for XHTML content and attributes.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push_str("<br/>"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn spans(spans: &[Span]) -> String {
    spans
        .iter()
        .map(|s| {
            let t = escape(&crate::export::pdf::layout::clean(&s.text));
            match s.style.weight {
                crate::export::fonts::Weight::Bold => format!("<b>{t}</b>"),
                crate::export::fonts::Weight::Regular => t,
            }
        })
        .collect()
}

/// A `Narrative` with status `generated` made of blocks.
pub(crate) fn from_blocks(blocks: &Blocks) -> Value {
    let mut html = format!("<div xmlns=\"{XHTML_NS}\">");
    let mut in_list = false;
    for b in &blocks.out {
        let is_bullet = matches!(b, Block::Bullet { .. });
        if in_list && !is_bullet {
            html.push_str("</ul>");
            in_list = false;
        }
        match b {
            Block::Heading { text, style, .. } => {
                let tag = if style.size >= 16.0 {
                    "h2"
                } else if style.size >= 12.0 {
                    "h3"
                } else {
                    "h4"
                };
                html.push_str(&format!("<{tag}>{}</{tag}>", escape(text)));
            }
            Block::Para { spans: s, .. } => {
                html.push_str(&format!("<p>{}</p>", spans(s)));
            }
            Block::Bullet { spans: s, .. } => {
                if !in_list {
                    html.push_str("<ul>");
                    in_list = true;
                }
                html.push_str(&format!("<li>{}</li>", spans(s)));
            }
            Block::Space(_) | Block::Rule => {}
        }
    }
    if in_list {
        html.push_str("</ul>");
    }
    html.push_str("</div>");
    json!({ "status": "generated", "div": html })
}

/// A one-paragraph narrative.
pub(crate) fn paragraph(text: &str) -> Value {
    json!({
        "status": "generated",
        "div": format!("<div xmlns=\"{XHTML_NS}\"><p>{}</p></div>", escape(text)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_neutralises_markup() {
        assert_eq!(
            escape("<script>&\"'\nx"),
            "&lt;script&gt;&amp;&quot;&#39;<br/>x"
        );
    }
}
