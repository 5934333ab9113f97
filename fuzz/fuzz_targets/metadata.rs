//! Metadata YAML reading (per-implementation and spec-level): never panics, every value
//! that converts becomes an SQL literal that reads back as the same value (JSON columns as
//! the same JSON), and every diagnostic renders.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use plotsql::fuzzing;
use plotsql::ir::Json;

fn to_serde(j: &Json) -> serde_json::Value {
    match j {
        Json::Null => serde_json::Value::Null,
        Json::Bool(b) => serde_json::Value::Bool(*b),
        Json::Number(n) => serde_json::from_str(n).expect("a JSON number"),
        Json::String(s) => serde_json::Value::String(s.clone()),
        Json::Array(items) => serde_json::Value::Array(items.iter().map(to_serde).collect()),
        Json::Object(entries) => serde_json::Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), to_serde(v)))
                .collect(),
        ),
    }
}

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = fuzzing::decode(bytes) else {
        return;
    };
    let m = fuzzing::metadata(&text);
    assert!(m.json_disagreements.is_empty(), "{:?}", m.json_disagreements);
    match fuzzing::yaml_fast_path_agrees(&text) {
        Ok(_) => {}
        Err(difference) => panic!("the YAML fast path disagrees: {difference}"),
    }
    for (j, lit) in &m.json {
        let json_text = common::text_value(lit);
        let parsed: serde_json::Value =
            serde_json::from_str(&json_text).expect("the literal holds JSON");
        assert_eq!(parsed, to_serde(j));
    }
    for (s, lit) in &m.texts {
        assert_eq!(&common::text_value(lit), s);
    }
    for (items, lit) in &m.arrays {
        assert_eq!(&common::array_value(lit), items);
    }
    common::render_all("metadata.yaml", &text, m.diagnostics);
});
