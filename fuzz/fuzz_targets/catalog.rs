//! The catalog `plotsql.yaml`: never panics, the rows it keeps satisfy the columns' limits
//! and references, their literals read back, and every diagnostic renders.
#![no_main]

mod common;

use std::collections::BTreeSet;

use libfuzzer_sys::fuzz_target;
use plotsql::fuzzing;

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = fuzzing::decode(bytes) else {
        return;
    };
    let (catalog, diagnostics) = fuzzing::catalog(&text);
    let mut languages = BTreeSet::new();
    for l in &catalog.languages {
        assert!(!l.id.is_empty() && l.id.chars().count() <= 50);
        assert!(!l.name.is_empty() && l.name.chars().count() <= 100);
        assert!(!l.file_extension.is_empty() && l.file_extension.chars().count() <= 10);
        assert!(
            l.runtime_version
                .as_ref()
                .is_none_or(|v| v.chars().count() <= 50)
        );
        assert!(
            l.documentation_url
                .as_ref()
                .is_none_or(|v| v.chars().count() <= 500)
        );
        assert!(languages.insert(l.id.clone()), "language {} twice", l.id);
        for s in [&l.id, &l.name, &l.file_extension]
            .into_iter()
            .chain(l.description.as_ref())
        {
            assert!(!s.contains('\0'));
            assert_eq!(&common::text_value(&fuzzing::text_literal(s)), s);
        }
    }
    let mut libraries = BTreeSet::new();
    for l in &catalog.libraries {
        assert!(!l.id.is_empty() && !l.name.is_empty());
        assert!(
            languages.contains(&l.language_id),
            "library {} of unknown language",
            l.id
        );
        assert!(libraries.insert(l.id.clone()), "library {} twice", l.id);
        for s in [&l.id, &l.name]
            .into_iter()
            .chain(l.version.as_ref())
            .chain(l.description.as_ref())
        {
            assert!(!s.contains('\0'));
            assert_eq!(&common::text_value(&fuzzing::text_literal(s)), s);
        }
    }
    common::render_all("plotsql.yaml", &text, diagnostics);
});
