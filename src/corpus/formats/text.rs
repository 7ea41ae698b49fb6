//! Plain text (`.txt`, `.md`, and files named explicitly with an unknown extension): the
//! whole file is one document. All cleaning happens later, in `clean`.

use super::Parsed;
use crate::corpus::record::{Field, Record};

/// The file's text as one record with a single `text` field.
pub fn parse(text: String) -> Parsed {
    let record = Record::whole_file(vec![Field::text("text", text)]);
    Parsed { records: vec![record], multi: false }
}
