//! HTML pages (`.html`, `.htm`): one document per file, markup removed, the first `<h1>` or
//! the `<title>` as the title.

use super::Parsed;
use crate::corpus::clean::markup::page_to_text;
use crate::corpus::record::{Field, Record};

/// The page as one record, marked as already free of markup.
pub fn parse(html: &str) -> Parsed {
    let page = page_to_text(html);
    let mut fields = vec![Field::text("text", page.text)];
    if let Some(title) = page.title {
        fields.push(Field::text("title", title));
    }
    let mut record = Record::whole_file(fields);
    record.markup_done = true;
    Parsed { records: vec![record], multi: false }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_record() {
        let p = parse("<html><title>T</title><body><p>One &amp; two</p></body></html>");
        assert!(!p.multi);
        let r = &p.records[0];
        assert!(r.markup_done);
        assert_eq!(r.fields, [Field::text("text", "One & two"), Field::text("title", "T")]);
    }
}
