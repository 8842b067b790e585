//! Token files: one `verb_resource` event type per line (`InputFormat::Tokens`), the processed form
//! the PerfSPEC dataset publishes. A resource may carry its subresource (`create_pods/binding`).

use super::skip::Skip;
use std::borrow::Cow;

use crate::ingest::record::RecordFields;

pub(crate) fn looks_like_token(text: &str) -> bool {
    split_token(text.trim()).is_some()
}

fn split_token(token: &str) -> Option<(&str, &str)> {
    let (verb, resource) = token.split_once('_')?;
    let valid = |part: &str, extra: &[char]| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || extra.contains(&c))
    };
    (valid(verb, &[]) && valid(resource, &['.', '-', '/', '_'])).then_some((verb, resource))
}

pub(crate) fn parse_token(text: &str) -> Result<RecordFields<'_>, Skip> {
    let (verb, resource) =
        split_token(text.trim()).ok_or_else(|| Skip::new("not a verb_resource token"))?;
    let (resource, subresource) = match resource.split_once('/') {
        Some((resource, subresource)) => (resource, Some(Cow::Borrowed(subresource))),
        None => (resource, None),
    };
    Ok(RecordFields {
        verb: Cow::Borrowed(verb),
        resource: Some(Cow::Borrowed(resource)),
        subresource,
        ..RecordFields::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verb_is_before_the_first_underscore() {
        let record = parse_token("create_pods/binding").unwrap();
        assert_eq!(record.verb, "create");
        assert_eq!(record.resource.as_deref(), Some("pods"));
        assert_eq!(record.subresource.as_deref(), Some("binding"));
        assert!(parse_token("no underscore").is_err());
        assert!(parse_token("_pods").is_err());
        assert!(!looks_like_token("a,b_c"));
    }
}
