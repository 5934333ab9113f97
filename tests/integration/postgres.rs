//! Scripts applied with the real psql to a real PostgreSQL, rows read back.

use serde_json::{Value, json};

use crate::util::{Repo, TestDb, build, demo};

fn row<'a>(dump: &'a Value, table: &str, key: &[(&str, &str)]) -> &'a Value {
    dump[table]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| key.iter().all(|(k, v)| r[*k] == json!(v)))
        .unwrap_or_else(|| panic!("no {table} row {key:?}"))
}

fn impl_row<'a>(dump: &'a Value, spec: &str, lang: &str, lib: &str) -> &'a Value {
    row(
        dump,
        "impls",
        &[
            ("spec_id", spec),
            ("language_id", lang),
            ("library_id", lib),
        ],
    )
}

#[test]
fn fresh_sync_of_the_demo_stores_every_rule() {
    let Some(db) = TestDb::new("fresh") else {
        return;
    };
    db.apply(&build(&demo(), &[]));
    let d = db.dump();
    assert_eq!(d["languages"].as_array().unwrap().len(), 2);
    assert_eq!(d["libraries"].as_array().unwrap().len(), 3);
    let ids: Vec<&str> = d["specs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "_draft-Pie",
            "bar-basic",
            "heatmap-basic",
            "line-basic",
            "scatter-basic"
        ]
    );
    assert_eq!(d["impls"].as_array().unwrap().len(), 6);

    let bar = row(&d, "specs", &[("id", "bar-basic")]);
    assert_eq!(bar["title"], "Basic Bar Chart");
    assert_eq!(
        bar["description"],
        "A bar chart comparing a numeric value across a handful of categories.\nBars share one baseline at zero."
    );
    assert_eq!(
        bar["applications"],
        json!([
            "Comparing sales across regions",
            "Showing survey answer counts"
        ])
    );
    assert_eq!(bar["created"], "2025-01-10T09:30:00");
    assert_eq!(bar["updated"], "2025-03-02T18:00:00");
    assert_eq!(bar["issue"], 101);
    assert_eq!(bar["tags"]["reviewed"], "2025-03-01T12:00:00+00:00");
    assert_eq!(bar["tags"]["data_type"], json!(["categorical", "numeric"]));

    let heat = row(&d, "specs", &[("id", "heatmap-basic")]);
    assert_eq!(heat["title"], "Basic Heatmap");
    assert_eq!(
        heat["description"], "## Applications\n\n- Showing a correlation matrix",
        "an empty section swallows the next heading"
    );
    assert_eq!(
        heat["data"],
        json!(["`matrix` (2D float) - the values"]),
        "`## Data` matches inside `### Data`"
    );
    assert_eq!(heat["tags"], Value::Null);

    let line = row(&d, "specs", &[("id", "line-basic")]);
    assert_eq!(
        line["created"],
        Value::Null,
        "an unquoted date is not a timestamp"
    );
    assert_eq!(line["issue"], 77, "'0077' read as an integer literal");
    assert_eq!(
        line["applications"],
        json!([
            "Tracking a metric over time",
            "Comparing a trend before and after an event"
        ])
    );
    assert_eq!(line["notes"], json!([]));

    let pie = row(&d, "specs", &[("id", "_draft-Pie")]);
    assert_eq!(pie["title"], "Pie Chart (draft)");
    assert_eq!(
        row(&d, "specs", &[("id", "scatter-basic")])["title"],
        "Basic Scatter Plot"
    );
    assert_eq!(
        row(&d, "specs", &[("id", "scatter-basic")])["created"],
        "2025-02-20T00:00:00"
    );

    let mpl = impl_row(&d, "bar-basic", "python", "matplotlib");
    assert_eq!(
        mpl["preview_url_light"],
        "https://example.org/plots/bar-basic/matplotlib/plot.png"
    );
    assert_eq!(mpl["updated"], "2025-02-01T08:15:30.25");
    assert_eq!(mpl["generated_at"], "2025-01-11T10:00:00");
    assert_eq!(mpl["workflow_run"], 9_000_000_001_i64);
    assert_eq!(
        mpl["review_criteria_checklist"]["visual_quality"]["passed"],
        true
    );
    assert_eq!(
        mpl["impl_tags"],
        json!({"techniques": ["bar"], "dependencies": []})
    );
    assert_eq!(mpl["review_verdict"], "APPROVED");

    let plotly = impl_row(&d, "bar-basic", "python", "plotly");
    assert_eq!(
        plotly["code"],
        "import plotly.express as px\n\nfig = px.bar(x=[\"North\", \"South\"], y=[42, 35])\nfig.write_html(\"plot.html\")\n"
    );
    assert_eq!(
        plotly["quality_score"], 88.0,
        "current 0 is falsy: falls back to ' 88 '"
    );
    assert_eq!(
        plotly["python_version"], "3.1",
        "the float 3.10 is stored as 3.1"
    );
    assert_eq!(plotly["generated_at"], "2025-02-10T10:00:00");
    assert_eq!(
        plotly["preview_html_light"],
        "https://example.org/plots/bar-basic/plotly/plot.html"
    );
    assert_eq!(plotly["review_strengths"], json!([]));
    assert_eq!(plotly["review_verdict"], "REJECTED");

    let makie = impl_row(&d, "bar-basic", "julia", "makie");
    assert_eq!(makie["quality_score"], 75.5);
    assert_eq!(
        makie["review_verdict"],
        Value::Null,
        "unknown verdict stored as NULL"
    );
    assert_eq!(
        makie["generated_at"], "2025-01-15T08:00:00",
        "offset dropped, wall clock kept"
    );

    let legacy = impl_row(&d, "line-basic", "python", "matplotlib");
    assert_eq!(legacy["quality_score"], 82.0);
    assert_eq!(legacy["generated_at"], "2024-11-03T00:00:00");

    let oldest = impl_row(&d, "scatter-basic", "python", "plotly");
    assert_eq!(
        oldest["quality_score"], 100.0,
        "'1e2' is a string that float() reads"
    );
    assert_eq!(
        oldest["review_strengths"],
        json!(["Hover shows both values", "Renders in 3.10 s"])
    );
    assert_eq!(oldest["generated_by"], "demo-generator");

    let heat_impl = impl_row(&d, "heatmap-basic", "python", "matplotlib");
    assert_eq!(heat_impl["review_strengths"], json!([]));
    assert_eq!(heat_impl["quality_score"], Value::Null);
}

#[test]
fn applying_twice_changes_nothing() {
    let Some(db) = TestDb::new("twice") else {
        return;
    };
    let script = build(&demo(), &[]);
    db.apply(&script);
    let first = db.dump();
    let xmins = db.query("SELECT string_agg(xmin::text, ',' ORDER BY id) FROM public.specs UNION ALL SELECT string_agg(xmin::text, ',' ORDER BY id) FROM public.impls");
    db.apply(&script);
    assert_eq!(db.dump(), first);
    let again = db.query("SELECT string_agg(xmin::text, ',' ORDER BY id) FROM public.specs UNION ALL SELECT string_agg(xmin::text, ',' ORDER BY id) FROM public.impls");
    assert_eq!(
        xmins, again,
        "a re-sync of an unchanged repository rewrites no row"
    );
}

#[test]
fn second_state_removes_and_updates() {
    let Some(db) = TestDb::new("second") else {
        return;
    };
    let repo = Repo::demo_copy();
    db.apply(&build(repo.path(), &[]));
    let ids_before = db.query(
        "SELECT id FROM public.impls WHERE library_id = 'matplotlib' AND spec_id = 'bar-basic'",
    );

    repo.remove("plots/line-basic");
    repo.remove("plots/bar-basic/implementations/julia");
    repo.remove("plots/scatter-basic/implementations/python/plotly.py");
    let meta = repo
        .read("plots/bar-basic/metadata/python/matplotlib.yaml")
        .replace("quality_score: 91", "quality_score: 95");
    repo.write("plots/bar-basic/metadata/python/matplotlib.yaml", &meta);
    let md = repo
        .read("plots/bar-basic/specification.md")
        .replace("- Label the value axis", "- Label both axes");
    repo.write("plots/bar-basic/specification.md", &md);
    db.apply(&build(repo.path(), &[]));

    let d = db.dump();
    let ids: Vec<&str> = d["specs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["_draft-Pie", "bar-basic", "heatmap-basic", "scatter-basic"]
    );
    let keys: Vec<String> = d["impls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            format!(
                "{}/{}/{}",
                i["spec_id"].as_str().unwrap(),
                i["language_id"].as_str().unwrap(),
                i["library_id"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        keys,
        [
            "bar-basic/python/matplotlib",
            "bar-basic/python/plotly",
            "heatmap-basic/python/matplotlib"
        ]
    );
    assert_eq!(
        impl_row(&d, "bar-basic", "python", "matplotlib")["quality_score"],
        95.0
    );
    assert_eq!(
        row(&d, "specs", &[("id", "bar-basic")])["notes"][1],
        "Label both axes"
    );
    // The catalog rows stay: julia is still a language although no implementation uses it.
    assert_eq!(d["languages"].as_array().unwrap().len(), 2);
    // Updated rows keep their id.
    let ids_after = db.query(
        "SELECT id FROM public.impls WHERE library_id = 'matplotlib' AND spec_id = 'bar-basic'",
    );
    assert_eq!(ids_before, ids_after);
}

#[test]
fn a_failing_statement_leaves_the_database_untouched() {
    let Some(db) = TestDb::new("atomic") else {
        return;
    };
    let repo = Repo::demo_copy();
    db.apply(&build(repo.path(), &[]));
    let before = db.dump();

    // The next state changes specs (applied first) and the plotly rows, which a constraint
    // added to the database now rejects: the whole transaction must roll back.
    let md = repo
        .read("plots/bar-basic/specification.md")
        .replace("Basic Bar Chart", "Renamed");
    repo.write("plots/bar-basic/specification.md", &md);
    repo.remove("plots/heatmap-basic");
    let meta = repo
        .read("plots/bar-basic/metadata/python/plotly.yaml")
        .replace("REJECTED", "APPROVED");
    repo.write("plots/bar-basic/metadata/python/plotly.yaml", &meta);
    let out = db.psql("ALTER TABLE public.impls ADD CONSTRAINT reject_approved_plotly CHECK (library_id <> 'plotly' OR review_verdict IS DISTINCT FROM 'APPROVED') NOT VALID;");
    assert!(out.status.success());
    let script = build(repo.path(), &[]);
    for args in [&[][..], &["-1", "-v", "ON_ERROR_STOP=1"][..]] {
        let out = db.try_apply(&script, args);
        assert!(!out.status.success(), "the script must fail with {args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("reject_approved_plotly"));
        assert_eq!(db.dump(), before, "nothing may change with {args:?}");
    }
}

#[test]
fn the_script_also_applies_with_single_transaction_flags() {
    let Some(db) = TestDb::new("single") else {
        return;
    };
    let script = build(&demo(), &[]);
    let out = db.try_apply(&script, &["-1", "-v", "ON_ERROR_STOP=1"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(db.dump()["impls"].as_array().unwrap().len(), 6);
}

#[test]
fn a_script_cut_into_several_queries_is_still_one_transaction() {
    let Some(db) = TestDb::new("cut") else { return };
    let reading = plotsql::reader::read(&demo(), &plotsql::reader::ReadOptions::default()).unwrap();
    let statements = plotsql::sql::statements(
        &reading.model,
        &plotsql::sql::SqlOptions {
            chunk_size: 1,
            ..Default::default()
        },
    )
    .unwrap();
    let options = plotsql::writer::ScriptOptions {
        max_query_bytes: 2000,
        ..Default::default()
    };
    let script = plotsql::writer::script(&statements, plotsql::writer::Counts::default(), &options);
    let cuts = script.matches("\n;\n").count();
    assert!(cuts >= 5, "expected several query strings, got {cuts} cuts");
    db.apply(&script);
    let whole = TestDb::new("cut_whole").unwrap();
    whole.apply(&build(&demo(), &[]));
    assert_eq!(db.dump(), whole.dump());
    // A failure in a later query string still rolls back the earlier ones.
    let other = TestDb::new("cut_fail").unwrap();
    assert!(
        other
            .psql("ALTER TABLE public.impls ADD CONSTRAINT no_makie CHECK (library_id <> 'makie');")
            .status
            .success()
    );
    let out = other.try_apply(&script, &[]);
    assert!(!out.status.success());
    assert_eq!(other.dump()["specs"], serde_json::json!([]));
}
