//! `haven plan ...`, `haven statement ...` and `haven reviews due` end to end.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{setup, Env};
use serde_json::{json, Value};

fn hash_of(out: &str) -> String {
    let h = out.lines().next().unwrap().trim().to_string();
    assert_eq!(h.len(), 64, "{out}");
    h
}

fn toml_to_json(v: toml::Value) -> Value {
    serde_json::to_value(v).unwrap()
}

#[test]
fn json_template_round_trips_through_edit_and_show() {
    let e = setup();
    let template = e.ok(&["plan", "template", "--format", "json", "--region", "us"]);
    let expected: Value = serde_json::from_str(&template).unwrap();
    assert!(template.contains("988"), "US crisis lines are in");
    let f = e.write("plan.json", &template);
    hash_of(&e.ok(&["plan", "edit", f.to_str().unwrap()]));
    let shown = e.json(&["plan", "show", "--json"]);
    assert_eq!(shown["content"], expected);
    assert_eq!(shown["status"], "draft");
    assert_eq!(shown["number"], 1);

    let statement = e.ok(&["statement", "template", "--format", "json"]);
    let expected: Value = serde_json::from_str(&statement).unwrap();
    let f = e.write("statement.json", &statement);
    e.ok(&["statement", "edit", f.to_str().unwrap()]);
    assert_eq!(
        e.json(&["statement", "show", "--json"])["content"],
        expected
    );
}

#[test]
fn toml_template_round_trips_through_edit_and_show() {
    let e = setup();
    for (cmd, file) in [("plan", "plan.toml"), ("statement", "statement.toml")] {
        let template = e.ok(&[cmd, "template"]);
        assert!(template.starts_with("# Haven"), "documented");
        let mut expected = toml_to_json(toml::from_str(&template).unwrap());
        strip_nulls(&mut expected);
        let f = e.write(file, &template);
        e.ok(&[cmd, "edit", f.to_str().unwrap()]);
        let shown = e.json(&[cmd, "show", "--json"]);
        // TOML has no null: optional fields left out of the file are null;
        // and empty lists of items are left out (see `templates.rs`).
        let mut content = shown["content"].clone();
        strip_nulls(&mut content);
        assert_eq!(content, expected, "{cmd}");
        // `show --editable` writes a file that saves back unchanged.
        let again = e.ok(&[cmd, "show", "--editable"]);
        let f2 = e.write(&format!("again-{file}"), &again);
        let out = e
            .cmd(&[cmd, "edit", f2.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(String::from_utf8_lossy(&out.stderr).contains("No changes"));
    }
    assert!(
        e.ok(&["plan", "template"]).contains("116 123"),
        "UK by default"
    );
}

fn strip_nulls(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|_, v| !v.is_null() && v.as_array().is_none_or(|a| !a.is_empty()));
            m.values_mut().for_each(strip_nulls);
        }
        Value::Array(a) => a.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

/// Issue 11, item 9: the person fills every list of a TOML template the
/// way its comments say (`key = []` becomes `key = ["..."]`; a list of
/// items gets `[[path]]` blocks under its comments) and it reads back with
/// every list filled. On main, `[[help_contacts]]` swallowed the lines
/// after it and the file was refused with an unknown field.
#[test]
fn every_list_of_the_toml_templates_can_be_filled_and_read_back() {
    let e = setup();
    for cmd in ["plan", "statement"] {
        let template = e.ok(&[cmd, "template"]);
        let filled = fill_every_list(&template);
        assert!(!filled.contains("= []"), "every list filled:\n{filled}");
        let f = e.write(&format!("{cmd}-filled.toml"), &filled);
        e.ok(&[cmd, "edit", f.to_str().unwrap()]);
        let content = e.json(&[cmd, "show", "--json"])["content"].clone();
        let mut lists = Vec::new();
        every_list(&content, "", &mut lists);
        assert!(lists.len() >= 10, "{cmd}: {lists:?}");
        for (path, len) in &lists {
            assert!(*len > 0, "{cmd}: {path} came back empty");
        }
        for marker in ["m-text", "m-item"] {
            assert!(content.to_string().contains(marker), "{cmd}: {marker}");
        }
        // Saved back from `show --editable`, nothing changes.
        let again = e.ok(&[cmd, "show", "--editable"]);
        let f2 = e.write(&format!("{cmd}-again.toml"), &again);
        let out = e
            .cmd(&[cmd, "edit", f2.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(String::from_utf8_lossy(&out.stderr).contains("No changes"));
    }
}

/// Follows the template's comments as a person would: each `key = []` gets
/// one text item, and each `[[path]]` the comments name gets one block at
/// the end of its section (parents before children), with a marker in its
/// text fields and one text item in its lists of text.
fn fill_every_list(template: &str) -> String {
    let mut out = String::new();
    for section in template.split("\n# ── ") {
        // Open lists of items: (depth of their hint, fields to fill).
        let mut open: Vec<(usize, Vec<String>)> = Vec::new();
        let mut blocks: Vec<(String, Vec<String>)> = Vec::new();
        let mut body = String::new();
        for line in section.lines() {
            if let Some(hint) = line.strip_prefix('#') {
                let depth = hint.len() - hint.trim_start().len();
                let hint = hint.trim();
                if hint.starts_with('(') && hint.contains(" block") {
                    let path = hint.split_once("[[").unwrap().1.split_once("]]").unwrap().0;
                    let fields = open.pop().map(|(_, f)| f).unwrap_or_default();
                    blocks.push((path.to_string(), fields));
                } else if let Some((k, ty)) = hint.split_once(": ") {
                    let field = match ty {
                        "text" => Some(format!("{k} = \"m-item\"")),
                        "list of text" => Some(format!("{k} = [\"m-text\"]")),
                        _ => None,
                    };
                    if let (Some(f), Some((d, fields))) = (field, open.last_mut()) {
                        if *d + 2 == depth {
                            fields.push(f);
                        }
                    }
                    if ty == "a list of items, each with:" {
                        open.push((depth, Vec::new()));
                    }
                }
            }
            match line.split_once(" = []") {
                Some((key, "")) if !line.starts_with('#') => {
                    body.push_str(&format!("{key} = [\"m-text\"]\n"))
                }
                _ => body.push_str(&format!("{line}\n")),
            }
        }
        blocks.sort_by_key(|(p, _)| p.matches('.').count());
        for (path, fields) in blocks {
            body.push_str(&format!("\n[[{path}]]\n"));
            for f in fields {
                body.push_str(&format!("{f}\n"));
            }
        }
        if !out.is_empty() {
            out.push_str("\n# ── ");
        }
        out.push_str(&body);
    }
    out
}

/// Every list in `v`, by path, with its length.
fn every_list(v: &Value, path: &str, out: &mut Vec<(String, usize)>) {
    match v {
        Value::Object(m) => m
            .iter()
            .for_each(|(k, v)| every_list(v, &format!("{path}.{k}"), out)),
        Value::Array(a) => {
            out.push((path.to_string(), a.len()));
            a.iter()
                .for_each(|v| every_list(v, &format!("{path}[]"), out));
        }
        _ => {}
    }
}

#[test]
fn edit_history_diff_and_partial_files() {
    let e = setup();
    let f = e.write(
        "a.toml",
        "when_well = \"I walk the dog\"\ntriggers = [\"noise\"]\n",
    );
    let v1 = hash_of(&e.ok(&["plan", "edit", f.to_str().unwrap(), "--region", "uk"]));
    let shown = e.json(&["plan", "show", "--json"]);
    assert!(
        shown["content"]["crisis_lines"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["number"] == "116 123"),
        "region defaults on first use"
    );
    // Only the sections in the file change; the rest carry over.
    let f = e.write(
        "b.json",
        r#"{"triggers": ["noise", "anniversaries"],
            "help_contacts": [{"name": "Sam", "relationship": "sister",
              "phones": [{"label": "mobile", "number": "07700 900123"}], "may_contact": true}]}"#,
    );
    let v2 = hash_of(&e.ok(&["plan", "edit", f.to_str().unwrap()]));
    let shown = e.json(&["plan", "show", "--json"]);
    assert_eq!(shown["content"]["when_well"], "I walk the dog");
    assert_eq!(shown["parent_hash"], v1.as_str());

    let history = e.json(&["plan", "history", "--json"]);
    let h = history.as_array().unwrap();
    assert_eq!(h.len(), 2);
    assert_eq!(h[1]["hash"], v2.as_str());
    assert_eq!(h[1]["parent_hash"], v1.as_str());
    assert!(e.ok(&["plan", "history"]).contains("v2"));

    let diff = e.json(&["plan", "diff", &v1[..8], &v2, "--json"]);
    let sections: Vec<&str> = diff
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["section"].as_str().unwrap())
        .collect();
    assert_eq!(sections, vec!["triggers", "help_contacts"]);
    assert_eq!(diff[0]["added"], json!(["anniversaries"]));
    let text = e.ok(&["plan", "diff", "1", "2"]);
    assert!(
        text.contains("Triggers") && text.contains("+ anniversaries"),
        "{text}"
    );

    // An older version by number.
    let old = e.json(&["plan", "show", "--version", "1", "--json"]);
    assert_eq!(old["hash"], v1.as_str());
    e.fails(&["plan", "show", "--version", "9"], 1);
}

#[test]
fn unreadable_files_name_the_place_never_the_words() {
    let e = setup();
    let f = e.write(
        "bad.toml",
        "when_well = \"private words\"\ntriggers = [\"x\" private]\n",
    );
    let out = e.fails(&["plan", "edit", f.to_str().unwrap()], 1);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 2") && !err.contains("private"), "{err}");

    let f = e.write("bad.json", "{\n  \"when_well\": \"private words\",\n}");
    let err = String::from_utf8_lossy(&e.fails(&["plan", "edit", f.to_str().unwrap()], 1).stderr)
        .to_string();
    assert!(err.contains("line 3") && !err.contains("private"), "{err}");

    let f = e.write(
        "shape.json",
        r#"{"help_contacts": [{"name": "private", "may_contact": "private words"}]}"#,
    );
    let err = String::from_utf8_lossy(&e.fails(&["plan", "edit", f.to_str().unwrap()], 1).stderr)
        .to_string();
    assert!(
        err.contains("help_contacts[0].may_contact") && !err.contains("private"),
        "{err}"
    );

    let f = e.write("typo.toml", "when_wel = \"private\"\n");
    let err = String::from_utf8_lossy(&e.fails(&["plan", "edit", f.to_str().unwrap()], 1).stderr)
        .to_string();
    assert!(
        err.contains("when_wel") && !err.contains("private"),
        "{err}"
    );

    let f = e.write("plan.txt", "x");
    e.fails(&["plan", "edit", f.to_str().unwrap()], 2);
    e.fails(&["plan", "show"], 1);
}

fn statement_with_refusal(e: &Env, statement: &str) -> String {
    let text = format!(
        r#"
[maker_details]
full_name = "Alex Example"
date_of_birth = "1990-05-17"

[restrictive_interventions]
try_first = ["a quiet room"]

[[treatment_refusals]]
treatment = "electroconvulsive therapy"
circumstances = "at any time"
life_sustaining = true
life_at_risk_statement = "{statement}"
"#
    );
    let f = e.write("s.toml", &text);
    hash_of(&e.ok(&["statement", "edit", f.to_str().unwrap()]))
}

#[test]
fn signing_reports_problems_by_section_then_succeeds() {
    let e = setup();
    statement_with_refusal(&e, "I refuse it");
    let out = e.fails(&["statement", "sign", "--name", "Alex Example"], 1);
    let listed = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = listed.lines().collect();
    assert!(lines
        .iter()
        .any(|l| l.starts_with("Treatment refusals (item 1)")
            && l.contains("even if my life is at risk")));
    assert!(lines
        .iter()
        .any(|l| l.starts_with("Treatment refusals (item 1)") && l.contains("witnessed")));
    assert!(lines
        .iter()
        .any(|l| l.starts_with("Sign-off") && l.contains("capacity")));
    assert!(String::from_utf8_lossy(&out.stderr).contains("by section"));
    assert!(!listed.contains("electroconvulsive"), "never quotes");

    let v2 = statement_with_refusal(&e, "I refuse it even if my life is at risk");
    let sign = [
        "statement",
        "sign",
        "--name",
        "Alex Example",
        "--confirm-capacity",
        "--support",
        "my advocate",
    ];
    // Issue 11, item 1: the maker cannot attest for the witness. On main
    // these flags signed the version as "confirmed by the witness".
    let mut by_maker = sign.to_vec();
    by_maker.extend([
        "--witness-name",
        "Jo Witness",
        "--witness-role",
        "advocate",
        "--witness-confirms-understanding",
        "--witness-confirms-no-undue-influence",
    ]);
    let out = e.fails(&by_maker, 2);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("the witness attests for themselves"), "{err}");
    assert!(err.contains("haven statement witness"), "{err}");
    assert_eq!(e.json(&["statement", "show", "--json"])["status"], "draft");
    // Unwitnessed, it is refused by section.
    let out = e.fails(&sign, 1);
    assert!(String::from_utf8_lossy(&out.stdout).contains("witnessed"));

    // The witness, with their own name, role, statement and date.
    let witness = [
        "statement",
        "witness",
        "--name",
        "Jo Witness",
        "--role",
        "advocate",
        "--statement",
        "Alex understood and chose freely",
        "--confirm-understanding",
    ];
    let out = e.fails(&witness, 1);
    assert!(String::from_utf8_lossy(&out.stderr).contains("confirms, themselves"));
    let mut full = witness.to_vec();
    full.push("--confirm-no-undue-influence");
    assert!(e.ok(&full).contains("Witnessed version 2"));
    assert!(e.ok(&sign).contains("active advance statement"));
    let shown = e.json(&["statement", "show", "--json"]);
    assert_eq!(shown["hash"], v2.as_str());
    assert_eq!(shown["status"], "active");
    assert_eq!(shown["sign_off"]["witness"]["name"], "Jo Witness");
    assert_eq!(shown["sign_off"]["witness"]["attested_by_witness"], true);
    assert!(shown["next_review"].is_string());

    // The PDF says who attested what, and leaves lines for ink.
    let pdf = e.path("signed.pdf");
    e.ok(&["statement", "export", "--out", pdf.to_str().unwrap()]);
    let text = haven_test_support::pdf::text_of_file(&pdf);
    haven_test_support::pdf::assert_contains(
        &text,
        "The witness's attestation, by Jo Witness themselves",
    );
    haven_test_support::pdf::assert_contains(&text, "Signature of the witness");
    haven_test_support::pdf::assert_contains(&text, "confirmed by the witness");

    // A signed version cannot be witnessed again.
    e.fails(&full, 1);

    // Signing the active version again is refused.
    e.fails(
        &[
            "statement",
            "sign",
            "--name",
            "Alex Example",
            "--confirm-capacity",
        ],
        1,
    );
}

#[test]
fn reviews_departures_and_reviews_due() {
    let e = setup();
    statement_with_refusal(&e, "even if my life is at risk");
    e.ok(&[
        "statement",
        "witness",
        "--name",
        "Jo",
        "--role",
        "friend",
        "--statement",
        "Alex chose this freely",
        "--confirm-understanding",
        "--confirm-no-undue-influence",
    ]);
    e.ok(&["statement", "sign", "--name", "Alex", "--confirm-capacity"]);
    let review = r#"
name = "Dr Rivera"
role = "consultant psychiatrist"
organisation = "Riverside ward"

[[responses]]
section = "treatment_refusals"
response = "agreed"
person_told = true

[[responses]]
section = "restrictive_interventions"
response = "cannot_follow"
person_told = true
"#;
    let f = e.write("review.toml", review);
    let out = e.fails(&["statement", "review", "--file", f.to_str().unwrap()], 1);
    assert!(String::from_utf8_lossy(&out.stderr).contains("a reason is required"));
    let with_reason = review.replace(
        "response = \"cannot_follow\"",
        "response = \"cannot_follow\"\nreason = \"no quiet room on this ward\"",
    );
    let f = e.write("review2.toml", &with_reason);
    e.ok(&["statement", "review", "--file", f.to_str().unwrap()]);

    e.fails(
        &[
            "statement",
            "departure",
            "--section",
            "no_such",
            "--by",
            "Dr R",
            "--role",
            "RC",
            "--reason",
            "x",
            "--told",
            "no",
            "--authority",
            "none",
        ],
        2,
    );
    let today = chrono::Local::now().date_naive().to_string();
    let departure = |date: &str, told: Option<&str>| {
        let mut a = vec![
            "statement",
            "departure",
            "--section",
            "restrictive_interventions",
            "--by",
            "Dr Rivera",
            "--role",
            "responsible clinician",
            "--reason",
            "immediate risk to others",
            "--authority",
            "Mental Health Act 1983 s.3",
            "--also-told",
            "nominated person",
            "--date",
        ];
        a.push(date);
        if let Some(t) = told {
            a.extend(["--told", t]);
        }
        a.into_iter().map(String::from).collect::<Vec<_>>()
    };
    fn args(a: &[String]) -> Vec<&str> {
        a.iter().map(String::as_str).collect()
    }
    // Issue 11: whether the person was told has no silent default.
    let out = e.cmd(&args(&departure(&today, None))).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--told"));
    // Dated before the statement existed, or in 2030: refused, saying which.
    for (date, bound) in [
        ("2020-02-01", "before this version"),
        ("2030-02-01", "in the future"),
    ] {
        let out = e
            .cmd(&args(&departure(date, Some("yes"))))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("the departure is dated") && err.contains(bound),
            "{err}"
        );
    }
    e.ok(&args(&departure(&today, Some("yes"))));
    let log = e.json(&["statement", "reviews", "--json"]);
    let r = &log["reviews"][0];
    assert_eq!(r["clinician"]["name"], "Dr Rivera");
    assert_eq!(r["responses"][1]["response"], "cannot_follow");
    assert_eq!(r["responses"][1]["reason"], "no quiet room on this ward");
    let d = &log["departures"][0];
    assert_eq!(d["section"], "restrictive_interventions");
    assert_eq!(d["person_told"], true);
    assert_eq!(d["legal_authority"], "Mental Health Act 1983 s.3");
    assert_eq!(d["others_told"][0], "nominated person");
    // A date alone: no time was invented.
    assert_eq!(d["time_known"], false);
    let text = e.ok(&["statement", "reviews"]);
    assert!(text.contains("cannot follow: no quiet room"), "{text}");
    assert!(
        text.contains("legal authority: Mental Health Act 1983 s.3"),
        "{text}"
    );
    assert!(text.contains("also told: nominated person"), "{text}");

    // Issue 11, item 3: overriding a treatment refusal must say whether a
    // second opinion was obtained; without one, the person is told s.57A
    // asks for one. The legal authority is required.
    let refusal = |extra: &[&str]| {
        let mut a = vec![
            "statement",
            "departure",
            "--section",
            "treatment_refusals",
            "--by",
            "Dr Rivera",
            "--role",
            "responsible clinician",
            "--reason",
            "acutely unwell, refusing all food",
            "--told",
            "yes",
            "--authority",
            "Mental Health Act 1983 s.3, s.63",
        ];
        a.extend_from_slice(extra);
        a.into_iter().map(String::from).collect::<Vec<_>>()
    };
    let out = e.cmd(&args(&refusal(&[]))).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("say whether a second opinion was obtained"),
        "{err}"
    );
    let no_authority: Vec<String> = departure(&today, Some("yes"))
        .into_iter()
        .filter(|a| a != "--authority" && a != "Mental Health Act 1983 s.3")
        .collect();
    let out = e.cmd(&args(&no_authority)).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--authority"));
    let out = e
        .cmd(&args(&refusal(&["--no-second-opinion"])))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no second opinion was obtained"), "{err}");
    assert!(err.contains("s.57A"), "{err}");
    e.ok(&args(&refusal(&[
        "--second-opinion-by",
        "Dr Okafor",
        "--second-opinion-role",
        "second opinion appointed doctor",
        "--time",
        "00:01",
    ])));
    let log = e.json(&["statement", "reviews", "--json"]);
    let d = &log["departures"][2];
    assert_eq!(d["second_opinion"]["obtained"]["by"]["name"], "Dr Okafor");
    assert_eq!(d["time_known"], true);
    assert_eq!(log["departures"][1]["second_opinion"], "not_obtained");
    let text = e.ok(&["statement", "reviews"]);
    assert!(text.contains("second opinion: Dr Okafor"), "{text}");

    // Signed today: due in about six months.
    let due = e.json(&["reviews", "due", "--within", "200", "--json"]);
    assert_eq!(due.as_array().unwrap().len(), 1);
    assert_eq!(due[0]["kind"], "advance_statement");
    assert!(due[0]["days_until"].as_i64().unwrap() > 150);
    assert_eq!(
        e.json(&["reviews", "due", "--json"])
            .as_array()
            .unwrap()
            .len(),
        0
    );
    assert!(e.ok(&["reviews", "due"]).contains("No reviews due"));
}

#[test]
fn plan_sign_lists_problems_then_signs() {
    let e = setup();
    let f = e.write(
        "p.json",
        r#"{"professionals": [{"role": "GP"}], "warning_signs": [{"text": "not sleeping"}]}"#,
    );
    e.ok(&["plan", "edit", f.to_str().unwrap()]);
    let out = e.fails(&["plan", "sign", "--name", "Alex", "--confirm-capacity"], 1);
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("Professionals and services (item 1): ")
    );
    let f = e.write(
        "p2.json",
        r#"{"professionals": [{"name": "Dr Patel", "role": "GP"}]}"#,
    );
    e.ok(&["plan", "edit", f.to_str().unwrap()]);
    // A date before the version existed is refused, naming the bound.
    let out = e.fails(
        &["plan", "sign", "--name", "Alex", "--date", "2020-01-05"],
        1,
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("dated before this version"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Issue 11: a crisis plan is signed without a declaration of capacity
    // (made in an emergency department, say); the statement still needs one.
    let today = chrono::Local::now().date_naive();
    e.ok(&[
        "plan",
        "sign",
        "--name",
        "Alex",
        "--date",
        &today.to_string(),
    ]);
    let shown = e.json(&["plan", "show", "--json"]);
    assert_eq!(shown["status"], "active");
    assert_eq!(
        shown["next_review"],
        today
            .checked_add_months(chrono::Months::new(6))
            .unwrap()
            .to_string()
    );
    assert_eq!(shown["sign_off"]["confirms_capacity"], false);
    let id = shown["content"]["warning_signs"][0]["id"].as_str().unwrap();
    assert_eq!(id.len(), 32, "warning signs get stable ids");
    assert!(e
        .ok(&["plan", "show"])
        .contains(&format!("signed by Alex on {today}")));
}

/// The person withdraws a version and sets or clears the review date, for
/// the plan and the statement alike; bad requests are refused with nothing
/// changed.
#[test]
fn revoke_and_review_date() {
    let e = setup();
    let f = e.write(
        "p.json",
        r#"{"professionals": [{"name": "Dr Patel", "role": "GP"}]}"#,
    );
    let f = f.to_str().unwrap();
    e.ok(&["plan", "edit", f]);
    e.ok(&["plan", "sign", "--name", "Alex", "--confirm-capacity"]);
    let f2 = e.write(
        "p2.json",
        r#"{"professionals": [{"name": "Dr Okafor", "role": "GP"}]}"#,
    );
    e.ok(&["plan", "edit", f2.to_str().unwrap()]);

    e.ok(&["plan", "review-date", "--on", "2099-03-01"]);
    assert_eq!(
        e.json(&["plan", "show", "--json", "--version", "1"])["next_review"],
        "2099-03-01"
    );
    let due = e.json(&["reviews", "due", "--within", "30000", "--json"]);
    assert_eq!(due[0]["next_review"], "2099-03-01", "{due}");
    // A past date and a missing date are usage errors; nothing changes.
    let out = e.fails(&["plan", "review-date", "--on", "2000-01-01"], 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("in the past"));
    for bad in [
        &["plan", "review-date"][..],
        &["plan", "review-date", "--on", "2099-03-01", "--clear"],
        &["plan", "review-date", "--on", "1 March"],
        &["plan", "revoke"],
    ] {
        // Argument errors come from clap, with its usage text.
        let out = e.cmd(bad).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
    }
    assert_eq!(
        e.json(&["plan", "show", "--json", "--version", "1"])["next_review"],
        "2099-03-01"
    );
    e.ok(&["plan", "review-date", "--clear"]);
    assert!(e.json(&["plan", "show", "--json", "--version", "1"])["next_review"].is_null());

    // Issue 11: revoking is confirmed. With no terminal to ask on and no
    // --yes, it is refused and nothing changes.
    let out = e.fails(&["plan", "revoke", "--version", "2"], 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("add --yes"));
    assert_eq!(
        e.json(&["plan", "show", "--json", "--version", "2"])["status"],
        "draft"
    );
    // Revoking the draft (version 2) leaves version 1 active.
    let out = e.ok(&["plan", "revoke", "--version", "2", "--yes"]);
    assert!(out.starts_with("Revoked version 2"), "{out}");
    assert!(!out.contains("no active version"), "{out}");
    assert_eq!(e.json(&["plan", "show", "--json"])["number"], 1);
    // Revoking the active version leaves none active.
    let out = e.ok(&["plan", "revoke", "--version", "1", "--yes"]);
    assert!(out.contains("no active version"), "{out}");
    let history = e.json(&["plan", "history", "--json"]);
    let statuses: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, vec!["revoked", "revoked"], "{history}");
    // Twice, or a version that does not exist: refused.
    let out = e.fails(&["plan", "revoke", "--version", "1", "--yes"], 1);
    assert!(String::from_utf8_lossy(&out.stderr).contains("already revoked"));
    e.fails(&["plan", "revoke", "--version", "9", "--yes"], 1);
    // The statement has the same commands.
    let out = e.fails(&["statement", "revoke", "--version", "1", "--yes"], 1);
    assert!(String::from_utf8_lossy(&out.stderr).contains("no advance statement yet"));
}

/// Journal entries linked to the plan's warning signs, by number or id.
#[test]
fn journal_entries_link_to_warning_signs() {
    let e = setup();
    let id = e
        .ok(&["journal", "add", "slept three hours"])
        .trim()
        .to_string();
    let out = e.fails(&["journal", "link", &id, "--warning-sign", "1"], 1);
    assert!(String::from_utf8_lossy(&out.stderr).contains("no crisis plan yet"));

    let f = e.write(
        "p.json",
        r#"{"warning_signs": [{"text": "not sleeping"}, {"text": "skipping meals"}]}"#,
    );
    e.ok(&["plan", "edit", f.to_str().unwrap()]);
    let out = e.ok(&["journal", "link", &id, "--warning-sign", "1"]);
    assert!(out.contains("\"not sleeping\""), "{out}");
    let shown = e.json(&["plan", "show", "--json"]);
    let second = shown["content"]["warning_signs"][1]["id"].as_str().unwrap();
    e.ok(&["journal", "link", &id, "--warning-sign", &second[..8]]);

    let linked = e.json(&["journal", "linked", "--warning-sign", "1", "--json"]);
    assert_eq!(linked.as_array().unwrap().len(), 1);
    assert_eq!(linked[0]["id"], id.as_str());
    let signs = e.json(&["journal", "signs", &id, "--json"]);
    let mut texts: Vec<&str> = signs
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["text"].as_str().unwrap())
        .collect();
    texts.sort_unstable();
    assert_eq!(texts, vec!["not sleeping", "skipping meals"]);

    e.ok(&["journal", "unlink", &id, "--warning-sign", "1"]);
    let out = e.fails(&["journal", "unlink", &id, "--warning-sign", "1"], 1);
    assert!(String::from_utf8_lossy(&out.stderr).contains("not linked"));
    assert_eq!(
        e.json(&["journal", "linked", "--warning-sign", "1", "--json"]),
        serde_json::json!([])
    );
    assert_eq!(
        e.json(&["journal", "signs", &id, "--json"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // Bad references are refused and change nothing.
    e.fails(&["journal", "link", &id, "--warning-sign", "3"], 1);
    e.fails(&["journal", "link", &id, "--warning-sign", "0"], 1);
    e.fails(&["journal", "link", &id, "--warning-sign", "ffffffff"], 1);
    e.fails(
        &["journal", "link", "no-such-entry", "--warning-sign", "2"],
        1,
    );
    assert_eq!(
        e.json(&["journal", "signs", &id, "--json"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn the_field_reference_in_docs_matches_the_types() {
    let e = setup();
    let doc = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/document-files.md"),
    )
    .unwrap();
    for cmd in ["plan", "statement"] {
        let generated = e.ok(&[cmd, "template", "--format", "markdown"]);
        assert!(
            doc.contains(&generated),
            "docs/document-files.md is out of date for {cmd}: regenerate with `haven {cmd} template --format markdown`"
        );
    }
}

/// Issue 11, item 3: saving a statement that refuses treatment tells the
/// person plainly what mental health law can override, and what it cannot,
/// for the law they chose (both UK texts until they choose).
#[test]
fn saving_refusals_says_what_mental_health_law_can_override() {
    let e = setup();
    let f = e.write(
        "s.toml",
        "[[treatment_refusals]]\ntreatment = \"olanzapine\"\ncircumstances = \"at any time\"\n",
    );
    let out = e
        .cmd(&["statement", "edit", f.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("(England and Wales)") && err.contains("(Scotland)"),
        "{err}"
    );
    assert!(
        err.contains("can give you medication for your mental disorder"),
        "{err}"
    );
    let f = e.write(
        "s2.toml",
        "[maker_details]\njurisdiction = \"scotland\"\n\n[[treatment_refusals]]\ntreatment = \"olanzapine\"\ncircumstances = \"at any time\"\n",
    );
    let out = e
        .cmd(&["statement", "edit", f.to_str().unwrap()])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("(Scotland)") && !err.contains("(England and Wales)"),
        "{err}"
    );
    // Nothing refused: nothing to tell.
    let f = e.write("s3.toml", "treatment_refusals = []\n");
    let out = e
        .cmd(&["statement", "edit", f.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("About your treatment refusals"));
}

/// Issue 11, item 4: `revoke` records when and how; a Scottish statement is
/// withdrawn in writing and witnessed (s.275(3)), so the default (in the
/// app, unwitnessed) is refused and nothing changes.
#[test]
fn revoking_records_how_and_scotland_needs_a_witnessed_writing() {
    let e = setup();
    let f = e.write(
        "s.toml",
        "[maker_details]\nfull_name = \"Alex\"\njurisdiction = \"scotland\"\n",
    );
    e.ok(&["statement", "edit", f.to_str().unwrap()]);
    let out = e.fails(&["statement", "revoke", "--version", "1", "--yes"], 1);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("withdrawn in writing (s.275(3))"), "{err}");
    let out = e.fails(
        &[
            "statement",
            "revoke",
            "--version",
            "1",
            "--yes",
            "--how",
            "in-writing",
        ],
        1,
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("add the witness"));
    assert_eq!(
        e.json(&["statement", "show", "--json", "--version", "1"])["status"],
        "draft"
    );
    let out = e.ok(&[
        "statement",
        "revoke",
        "--version",
        "1",
        "--yes",
        "--how",
        "in-writing",
        "--witness-name",
        "Dr Grey",
        "--witness-role",
        "general practitioner",
        "--notes",
        "letter to the ward",
    ]);
    assert!(
        out.starts_with("Revoked version 1") && out.contains(", in writing."),
        "{out}"
    );
    assert_eq!(
        e.json(&["statement", "show", "--json", "--version", "1"])["status"],
        "revoked"
    );

    // The exports say when and how, and FHIR does not call it superseded.
    let pdf = e.path("revoked.pdf");
    e.ok(&[
        "statement",
        "export",
        "--version",
        "1",
        "--out",
        pdf.to_str().unwrap(),
    ]);
    let text = haven_test_support::pdf::text_of_file(&pdf);
    haven_test_support::pdf::assert_contains(&text, "(in writing)");
    haven_test_support::pdf::assert_contains(
        &text,
        "Withdrawal witnessed by: Dr Grey (general practitioner)",
    );
    haven_test_support::pdf::assert_lacks(&text, "Next review due");
    let fhir = e.path("revoked.json");
    e.ok(&[
        "statement",
        "export",
        "--version",
        "1",
        "--format",
        "fhir",
        "--out",
        fhir.to_str().unwrap(),
    ]);
    let bundle: serde_json::Value = serde_json::from_slice(&std::fs::read(&fhir).unwrap()).unwrap();
    let of = |kind: &str| -> Vec<serde_json::Value> {
        bundle["entry"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["resource"].clone())
            .filter(|r| r["resourceType"] == kind)
            .collect()
    };
    assert_eq!(of("DocumentReference")[0]["status"], "entered-in-error");
    assert_eq!(of("Consent")[0]["status"], "inactive");
    assert!(of("Provenance")
        .iter()
        .any(|p| p["activity"]["text"] == "Revoked by the person"));
}
