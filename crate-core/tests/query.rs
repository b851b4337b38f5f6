//! The `q` language: parsing, printing, validation, evaluation, builder.

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use serde_json::json;
use sps_core::model::{FieldValue, FieldValues, SparseBody};
use sps_core::query::{
    validate, validate_all, Bound, CompiledQuery, Field, FieldGroup, FieldType, Range, Span, Term,
    Value, WildPart,
};
use sps_core::{parse_query, Catalogue, ErrorKind, FieldSource, Query};

fn parse(text: &str) -> Query {
    match parse_query(text) {
        Ok(q) => q,
        Err(e) => panic!("`{text}` does not parse: {e}"),
    }
}

fn error(text: &str) -> String {
    match parse_query(text) {
        Ok(q) => panic!("`{text}` parsed as {q:?}"),
        Err(e) => e.to_string(),
    }
}

fn invalid(text: &str, catalogue: &Catalogue) -> String {
    match validate(&parse(text), catalogue) {
        Ok(()) => panic!("`{text}` validated"),
        Err(e) => e.to_string(),
    }
}

/// Parses, checks that printing gives `printed` and that it parses back equal.
fn round_trip(text: &str, printed: &str) -> Query {
    let q = parse(text);
    assert_eq!(q.to_string(), printed, "printing {text}");
    assert_eq!(parse(printed), q, "re-parsing {printed}");
    q
}

fn body(value: serde_json::Value) -> SparseBody {
    serde_json::from_value(value).expect("sparse body")
}

fn hits(q: &str, catalogue: &Catalogue, items: &[SparseBody]) -> Vec<usize> {
    let compiled = CompiledQuery::parse(q, catalogue).expect("compiles");
    items
        .iter()
        .enumerate()
        .filter(|(_, s)| compiled.matches(*s))
        .map(|(i, _)| i)
        .collect()
}

const SESSION_EXAMPLES: &[(&str, &str)] = &[
    ("protocol:ssh", "protocol:ssh"),
    (
        r#"server_username:\"Windows User\""#,
        r#"server_username:"Windows User""#,
    ),
    (
        "protocol:ssh AND verdict:accept AND NOT name:admin",
        "protocol:ssh AND verdict:accept AND NOT name:admin",
    ),
    (
        "(client.address:10.20.30.40 OR target.address:10.20.30.40) AND verdict:accept",
        "(client.address:10.20.30.40 OR target.address:10.20.30.40) AND verdict:accept",
    ),
    ("protocol:(ssh rdp)", "protocol:(ssh rdp)"),
    ("name:?dmi*", "name:?dmi*"),
    ("port:{21 TO 23}", "port:{21 TO 23}"),
    (
        "start_time:[* TO 1461654799]",
        "start_time:[* TO 1461654799]",
    ),
    ("active:true", "active:true"),
];

const EVENT_EXAMPLES: &[(&str, &str)] = &[
    ("content:sudo", "content:sudo"),
    (r#"content:\"Copying Files\""#, r#"content:"Copying Files""#),
    (
        "content:ls AND content:cp AND NOT content:mv",
        "content:ls AND content:cp AND NOT content:mv",
    ),
    (
        "(content:rm OR content:mv) AND channels_id:5",
        "(content:rm OR content:mv) AND channels_id:5",
    ),
    ("content:(sudo rm)", "content:(sudo rm)"),
    ("content:?dmi*", "content:?dmi*"),
    ("channels_id:{1 TO 3}", "channels_id:{1 TO 3}"),
    ("channels_id:[* TO 5]", "channels_id:[* TO 5]"),
];

const CONTENT_EXAMPLES: &[&str] = &["example", "example?", "exam*"];

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn reference_session_examples_parse_print_and_validate() {
    for (text, printed) in SESSION_EXAMPLES {
        let q = round_trip(text, printed);
        validate(&q, Catalogue::sessions()).unwrap_or_else(|e| panic!("{text}: {e}"));
        CompiledQuery::new(&q, Catalogue::sessions()).expect("compiles");
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn reference_event_and_content_examples() {
    for (text, printed) in EVENT_EXAMPLES {
        let q = round_trip(text, printed);
        validate(&q, Catalogue::events()).unwrap_or_else(|e| panic!("{text}: {e}"));
    }
    for text in CONTENT_EXAMPLES {
        let q = round_trip(text, text);
        validate(&q, Catalogue::content()).expect("content query");
        assert!(matches!(q, Query::Term(Term { field: None, .. })));
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn ast_shapes() {
    let term = |f: &str, v: Value| {
        Query::Term(Term {
            field: Some(Field::new(f)),
            value: v,
            span: Span::default(),
        })
    };
    assert_eq!(
        parse("protocol:ssh AND verdict:accept AND NOT name:admin"),
        Query::And(vec![
            term("protocol", Value::Word("ssh".into())),
            term("verdict", Value::Word("accept".into())),
            Query::Not(Box::new(term("name", Value::Word("admin".into())))),
        ])
    );
    assert_eq!(
        parse(r#"server_username:\"Windows User\""#),
        term("server_username", Value::Phrase("Windows User".into()))
    );
    // A single escaped word keeps its quotes, as in Lucene.
    assert_eq!(
        parse(r#"name:\"abc\""#),
        term("name", Value::Word("\"abc\"".into()))
    );
    assert_eq!(
        parse("name:?dmi*"),
        term(
            "name",
            Value::Wildcard(vec![
                WildPart::OneChar,
                WildPart::Literal("dmi".into()),
                WildPart::AnyChars
            ])
        )
    );
    assert_eq!(
        parse("port:{21 TO 23]"),
        Query::Range(Range {
            field: Some(Field::new("port")),
            lower: Bound::Exclusive("21".into()),
            upper: Bound::Inclusive("23".into()),
            span: Span::default(),
        })
    );
    assert_eq!(
        parse("protocol:(ssh rdp)"),
        Query::FieldGroup(FieldGroup {
            field: Field::new("protocol"),
            query: Box::new(Query::Implicit(vec![
                Query::text("ssh"),
                Query::text("rdp")
            ])),
            span: Span::default(),
        })
    );
    // Precedence: NOT > AND > OR > side by side.
    assert_eq!(
        parse("a OR b AND c"),
        Query::Or(vec![
            Query::text("a"),
            Query::And(vec![Query::text("b"), Query::text("c")])
        ])
    );
    assert_eq!(
        parse("a b OR c"),
        Query::Implicit(vec![
            Query::text("a"),
            Query::Or(vec![Query::text("b"), Query::text("c")])
        ])
    );
    // A bare NOT after a term means AND NOT.
    assert_eq!(parse("a NOT b"), parse("a AND NOT b"));
    assert_eq!(parse("a NOT b").to_string(), "a AND NOT b");
    // Lower-case operators are words.
    assert_eq!(
        parse("a and b"),
        Query::Implicit(vec![Query::text("a"), Query::text("and"), Query::text("b")])
    );
    // Spans are kept (columns are 1-based) but not compared.
    let Query::And(items) = parse("protocol:ssh AND verdict:accept") else {
        panic!()
    };
    assert_eq!(items[1].span().column(), 18);
    assert_eq!(items[1].span().start, 17);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn printing_adds_parentheses_and_escapes() {
    for (text, printed) in [
        ("(a OR b) AND c", "(a OR b) AND c"),
        ("a AND (b AND c)", "a AND (b AND c)"),
        ("NOT (a OR b)", "NOT (a OR b)"),
        ("NOT NOT a", "NOT NOT a"),
        ("a (NOT b)", "a (NOT b)"),
        ("a (NOT b AND c)", "a (NOT b AND c)"),
        ("a (NOT b OR c)", "a (NOT b OR c)"),
        ("a NOT b AND c", "a AND NOT b AND c"),
        ("(a b) c", "(a b) c"),
        ("(a)", "a"),
        ("protocol: ssh", "protocol:ssh"),
        ("name:a\\:b", "name:a\\:b"),
        ("name:\\AND", "name:\\AND"),
        ("name:\\*admin", "name:\\*admin"),
        ("name:C\\:\\\\temp\\ \\(x\\)", "name:C\\:\\\\temp\\ \\(x\\)"),
        ("verdict:accept-terminated", "verdict:accept-terminated"),
        ("name:\"say \\\"hi\\\"\"", "name:\"say \\\"hi\\\"\""),
        (
            "start_time:[2017-01-20T11:00 TO *]",
            "start_time:[2017-01-20T11:00 TO *]",
        ),
        (
            "start_time:{\"2017-01-20 11:00\" TO now}",
            "start_time:{\"2017-01-20 11:00\" TO now}",
        ),
        ("port:{* TO 5}", "port:[* TO 5}"),
        (
            "  protocol:ssh   OR   protocol:rdp ",
            "protocol:ssh OR protocol:rdp",
        ),
        ("content:(\"a b\" c)", "content:(\"a b\" c)"),
        ("x:(a:b)", "x:(a:b)"),
        ("a:b:c", "a:b\\:c"),
        ("client.ip:::1", "client.ip:\\:\\:1"),
        (
            "start_time:2017-01-20T11:00",
            "start_time:2017-01-20T11\\:00",
        ),
    ] {
        round_trip(text, printed);
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn syntax_error_messages() {
    for (text, message) in [
        ("protocol:ssh OR (x", "unclosed parenthesis at 17"),
        ("(protocol:ssh", "unclosed parenthesis at 1"),
        ("abcd)", "unexpected `)` at 5"),
        (")", "unexpected `)` at 1"),
        ("protocol:", "missing value after `protocol:` at 10"),
        ("protocol: AND x", "missing value after `protocol:` at 11"),
        ("protocol:)", "missing value after `protocol:` at 10"),
        ("a \"bc", "unterminated quote at 3"),
        ("port:[1 5]", "range needs `TO` at 9"),
        ("port:[1 TO 5", "unclosed range at 6"),
        (
            "port:[1 TO 5)",
            "unexpected `)` in range, expected `]` or `}` at 13",
        ),
        ("port:[ TO 5]", "missing range bound at 8"),
        ("a AND", "missing term after `AND` at 6"),
        ("a OR )", "missing term after `OR`, found `)` at 6"),
        ("NOT", "missing term after `NOT` at 4"),
        ("AND a", "unexpected `AND` at 1"),
        ("a AND OR b", "missing term after `AND`, found `OR` at 7"),
        ("", "empty query at 1"),
        ("   ", "empty query at 1"),
        ("()", "empty parentheses at 2"),
        ("a\\", "dangling backslash at 2"),
        ("a*b:c", "invalid field name `a*b` at 1"),
        ("a ]", "unexpected `]` at 3"),
        ("él:(x", "unclosed parenthesis at 4"),
    ] {
        assert_eq!(error(text), message, "for {text:?}");
    }
    let Err(e) = parse_query("protocol:ssh OR (x") else {
        panic!()
    };
    assert_eq!(
        e.kind(),
        &ErrorKind::QuerySyntax {
            position: 17,
            message: "unclosed parenthesis".into()
        }
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn validation_messages() {
    let s = Catalogue::sessions();
    assert_eq!(
        invalid("protocl:ssh", s),
        "unknown field `protocl` at 1, did you mean `protocol`?"
    );
    assert_eq!(
        invalid("protocol:ssh AND verdcit:accept", s),
        "unknown field `verdcit` at 18, did you mean `verdict`?"
    );
    assert_eq!(invalid("zzzzzzzz:1", s), "unknown field `zzzzzzzz` at 1");
    let Err(e) = validate(&parse("protocl:ssh"), s) else {
        panic!()
    };
    assert_eq!(
        e.kind(),
        &ErrorKind::QueryField {
            position: 1,
            field: "protocl".into(),
            suggestion: Some("protocol".into())
        }
    );
    assert_eq!(
        invalid("protocol:[a TO b]", s),
        "ranges need an integer or date field, `protocol` is a string field at 1"
    );
    assert_eq!(
        invalid("active:[1 TO 2]", s),
        "ranges need an integer or date field, `active` is a boolean field at 1"
    );
    assert_eq!(
        invalid("x:1 OR duration:1*", Catalogue::sessions())
            .split(" at ")
            .next(),
        Some("unknown field `x`")
    );
    assert_eq!(
        invalid("duration:1*", s),
        "wildcards need a string or IP field, `duration` is an integer field at 1"
    );
    assert_eq!(
        invalid("duration:abc", s),
        "`abc` is not an integer (field `duration`) at 1"
    );
    assert_eq!(
        invalid("port:[1 TO x]", s),
        "`x` is not an integer (field `server.port`) at 1"
    );
    assert_eq!(
        invalid("active:yes", s),
        "`yes` is not `true` or `false` (field `active`) at 1"
    );
    assert_eq!(
        invalid("start_time:[yesterday TO *]", s),
        "`yesterday` is not a date (ISO 8601 such as 2017-01-20T11:00, or UNIX seconds) (field `start_time`) at 1"
    );
    assert_eq!(
        invalid("ssh", s),
        "`ssh` needs a field, for example `protocol:ssh` at 1"
    );
    assert_eq!(
        invalid("trail_download_link:x", s),
        "field `trail_download_link` cannot be used in a filter at 1"
    );
    assert_eq!(
        invalid("protocol:(ssh [1 TO 2])", s),
        "ranges need an integer or date field, `protocol` is a string field at 15"
    );
    // Accepted: `*` on any type, wildcards on IPs, dates as ISO text or seconds.
    for ok in [
        "duration:*",
        "client.ip:10.20.*",
        "start_time:[2017-01-20 TO 2017-01-21T09:00]",
        "end_time:{1461654799 TO *]",
        "start_time:2017-01-20",
        "analytics.score.aggregated:[50 TO 100]",
        "analytics.tags:risky",
        "port:22",
        "port:\"22\"",
    ] {
        validate(&parse(ok), s).unwrap_or_else(|e| panic!("{ok}: {e}"));
    }
    // Events: bare words search `content`; type, time, ids.
    let ev = Catalogue::events();
    validate(
        &parse("sudo AND type:command AND time:[2017-04-11 TO *]"),
        ev,
    )
    .expect("events");
    assert_eq!(
        invalid("content:x AND chanels_id:5", ev),
        "unknown field `chanels_id` at 15, did you mean `channels_id`?"
    );
    // All errors, in text order.
    let all = validate_all(&parse("protocl:x AND duration:y AND active:z"), s);
    assert_eq!(all.len(), 3);
    assert!(all[2].to_string().ends_with("at 30"));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn catalogue_lookups() {
    let s = Catalogue::sessions();
    let by = |n: &str| s.resolve(n).map(|f| f.name);
    assert_eq!(by("name"), Some("user.gateway_username"));
    assert_eq!(by("psm.gateway_username"), Some("user.gateway_username"));
    assert_eq!(by("server_username"), Some("user.server_username"));
    assert_eq!(by("client.address"), Some("client.ip"));
    // A field of its own since SPS 7.x (the model falls back to the IP).
    assert_eq!(by("server.address"), Some("server.address"));
    assert_eq!(by("target.address"), Some("recording.target.ip"));
    assert_eq!(by("psm.target.address"), Some("recording.target.ip"));
    assert_eq!(
        by("psm.connection_policy"),
        Some("recording.connection_policy")
    );
    assert_eq!(by("connection_policy"), Some("recording.connection_policy"));
    assert_eq!(
        by("psm.server_local.address"),
        Some("recording.server_local.ip")
    );
    assert_eq!(
        by("server_local.address"),
        Some("recording.server_local.ip")
    );
    assert_eq!(
        by("psm.server_local.port"),
        Some("recording.server_local.port")
    );
    assert_eq!(by("session_id"), Some("recording.session_id"));
    assert_eq!(by("archived"), Some("recording.archived"));
    assert_eq!(by("auth_method"), Some("recording.auth_method"));
    assert_eq!(by("channel_policy"), Some("recording.channel_policy"));
    assert_eq!(by("port"), Some("server.port"));
    assert_eq!(by("nope"), None);
    let title = |n: &str| s.resolve(n).map(|f| f.title);
    for (field, t) in [
        ("protocol", "Protocol"),
        ("end_time", "End time"),
        ("user.gateway_username", "Gateway username"),
        ("server.ip", "Server IP"),
        ("client.ip", "Client IP"),
        ("client.port", "Client port"),
        ("recording.session_id", "Recording Session ID"),
        (
            "analytics.interesting_events",
            "Analytics Interesting events",
        ),
        ("analytics.similar_sessions", "Similar Sessions"),
        ("trail_download_link", "Audit trail download link"),
        ("start_time", "Start time"),
        ("duration", "Duration"),
        ("verdict", "Verdict"),
        ("server_username", "Server username"),
    ] {
        assert_eq!(title(field), Some(t));
    }
    let spec = s.resolve("user.server_username").expect("field");
    assert!(spec.multi && spec.filterable && spec.showable);
    assert!(s.resolve("analytics.tags").expect("tags").multi);
    assert_eq!(s.resolve("start_time").expect("f").kind, FieldType::Date);
    assert_eq!(s.resolve("client.ip").expect("f").kind, FieldType::Ip);
    assert!(!s.resolve("trail_download_link").expect("f").filterable);
    assert!(s.all_names().contains(&"psm.gateway_username"));
    assert!(s.complete("recording.t").contains(&"recording.target.ip"));
    assert_eq!(s.suggest("protocl"), Some("protocol"));
    assert_eq!(s.suggest("Protocol"), Some("protocol"));
    assert_eq!(s.suggest("server_usrname"), Some("server_username"));
    assert_eq!(s.suggest("qqqqqqqq"), None);
    // Edit distance counts characters, not bytes.
    assert_eq!(s.suggest("protocól"), Some("protocol"));
    let e = Catalogue::events();
    let kinds: Vec<_> = ["channels_id", "content", "record_id", "time", "type"]
        .iter()
        .map(|n| e.resolve(n).expect("event field").kind)
        .collect();
    assert_eq!(
        kinds,
        [
            FieldType::Integer,
            FieldType::Text,
            FieldType::Integer,
            FieldType::Date,
            FieldType::String
        ]
    );
    // Every field the catalogue knows is one the session model answers.
    for f in s.fields() {
        assert!(
            sps_core::model::SESSION_FIELDS.contains(&f.name),
            "{}",
            f.name
        );
    }
    // In alphabetical order, once each; aliases name no other field.
    let names: Vec<_> = s.fields().iter().map(|f| f.name).collect();
    assert!(names.windows(2).all(|w| w[0] < w[1]), "{names:?}");
    for f in s.fields() {
        for alias in f.aliases {
            assert!(!names.contains(alias), "{alias} is an alias and a field");
        }
    }
}

/// Every field SPS 7.3–8.2 sends in `fields=*` bodies (the vendor's Power BI
/// connector's list, `real-sps/README.md`), with the type the connector
/// converts it to.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn catalogue_knows_every_sps_7x_field() {
    use FieldType::*;
    let s = Catalogue::sessions();
    let fields: &[(&str, FieldType)] = &[
        ("active", Boolean),
        ("creation_time", Date),
        ("start_time", Date),
        ("end_time", Date),
        ("duration", Integer),
        ("node_id", String),
        ("origin", String),
        ("protocol", String),
        ("verdict", String),
        ("trail_download_link", String),
        ("analytics.interesting_events", String),
        ("analytics.similar_sessions", String),
        ("analytics.tags", String),
        ("analytics.scripted", Boolean),
        ("analytics.score.aggregated", Integer),
        ("analytics.score.details.command.score", Integer),
        ("analytics.score.details.fis.score", Integer),
        ("analytics.score.details.hostlogin.score", Integer),
        ("analytics.score.details.logintime.score", Integer),
        ("analytics.score.details.keystroke.score", Integer),
        ("analytics.score.details.mouse.score", Integer),
        ("analytics.score.details.windowtitle.score", Integer),
        ("analytics.bucketed_duration", String),
        ("analytics.bucketed_starting_hour", String),
        ("client.ip", Ip),
        ("client.name", String),
        ("client.port", Integer),
        ("log.adapter_name", String),
        ("log.auth_method", String),
        ("log.syslog_time", Date),
        ("recording.archived", Boolean),
        ("recording.archive.date", Date),
        ("recording.archive.path", String),
        ("recording.archive.policy", String),
        ("recording.archive.server", String),
        ("recording.auth_method", String),
        ("recording.channel_policy", String),
        ("recording.command_extracted", Boolean),
        ("recording.connection_policy", String),
        ("recording.connection_policy_id", String),
        ("recording.content_reference_id", Integer),
        ("recording.deny_reason", String),
        ("recording.index_status", String),
        ("recording.network_id", String),
        ("recording.server_local.ip", Ip),
        ("recording.server_local.name", String),
        ("recording.server_local.port", Integer),
        ("recording.session_id", String),
        ("recording.target.ip", Ip),
        ("recording.target.name", String),
        ("recording.target.port", Integer),
        ("recording.verdict", String),
        ("recording.window_title_extracted", Boolean),
        ("server.address", Ip),
        ("server.id", String),
        ("server.ip", Ip),
        ("server.name", String),
        ("server.port", Integer),
        ("user.gateway_username", String),
        ("user.gateway_username_domain", String),
        ("user.id", String),
        ("user.name", String),
        ("user.name_domain", String),
        ("user.server_username", String),
        ("user.server_username_domain", String),
    ];
    for &(name, kind) in fields {
        let spec = s.resolve(name).unwrap_or_else(|| panic!("{name} unknown"));
        assert_eq!(spec.name, name, "{name} is an alias of {}", spec.name);
        assert_eq!(spec.kind, kind, "{name}");
        assert!(spec.showable, "{name}");
        assert!(!spec.title.is_empty(), "{name}");
        if name != "trail_download_link" {
            assert!(spec.filterable, "{name}");
            assert_eq!(spec.sortable, !spec.multi, "{name}");
        }
    }
    for (name, title) in [
        ("server.id", "Server ID"),
        ("server.address", "Server address"),
        ("recording.deny_reason", "Deny reason"),
        ("analytics.score.details.fis.score", "FIS score"),
        ("user.name_domain", "User name domain"),
        ("log.syslog_time", "Syslog time"),
    ] {
        assert_eq!(s.resolve(name).map(|f| f.title), Some(title));
    }
    assert!(s
        .resolve("user.server_username_domain")
        .is_some_and(|f| f.multi));
    // Completion offers them, and every showable field is a CSV column of `*`.
    assert!(s.complete("analytics.score.details.").len() == 7);
    assert!(s.complete("user.").contains(&"user.name_domain"));
    assert!(s.complete("log.").len() == 3);
    let star = sps_core::export::session_columns(&["*"]).unwrap();
    for &(name, _) in fields {
        assert!(
            star.iter().any(|c| c.path() == name),
            "{name} not in fields=*"
        );
    }
    // Filters, `fields=` and `sort=` accept them.
    let search = sps_core::SessionSearch::new()
        .with_q_text("recording.deny_reason:x AND analytics.score.details.mouse.score:[1 TO 5] AND log.syslog_time:[2024-01-01 TO *]")
        .and_then(|s| s.with_fields(["server.id", "user.server_username_domain", "recording.archive.date"]))
        .and_then(|s| s.with_sort("-analytics.score.details.fis.score,server.address"));
    assert!(search.is_ok(), "{search:?}");
}

fn sessions() -> Vec<SparseBody> {
    vec![
        // 0: the reference's detail example.
        body(json!({
            "active": false,
            "analytics": {"interesting_events": [], "similar_sessions": [], "tags": []},
            "client": {"ip": "10.20.30.40", "name": "10.20.30.40", "port": 59125},
            "duration": 57,
            "end_time": "2018-09-15T14:22:00+05:00",
            "protocol": "SSH",
            "recording": {
                "archived": false, "auth_method": "password",
                "connection_policy": "myconnectionpolicy",
                "server_local": {"ip": "10.20.30.40", "port": 55386},
                "session_id": "svc/rUhhQZ3jYsY1NDWYp9DEpq/abcde:29",
                "target": {"ip": "10.20.30.40", "port": 221},
                "verdict": "Accepted"
            },
            "server": {"ip": "10.20.30.40", "port": 22},
            "start_time": "2018-09-15T15:53:00+05:00",
            "user": {"gateway_username": "admin", "server_username": ["root", "Windows User"]},
            "verdict": "ACCEPT"
        })),
        // 1
        body(json!({
            "active": true,
            "analytics": {"tags": ["risky", "night"], "score": {"aggregated": 80}},
            "client": {"ip": "192.168.1.5", "port": 40000},
            "duration": 4,
            "end_time": null,
            "protocol": "rdp",
            "recording": {"target": {"ip": "172.16.0.1", "port": 3389}},
            "server": {"ip": "172.16.0.1", "port": 3389},
            "start_time": 1461654799,
            "user": {"gateway_username": "Administrator", "server_username": ["adm"]},
            "verdict": "accept-terminated"
        })),
        // 2
        body(json!({
            "active": false,
            "duration": 120,
            "end_time": "2017-01-20T23:59:59Z",
            "protocol": "ssh",
            "server": {"ip": "2.2.2.2", "port": 23},
            "start_time": "2017-01-20T11:00:00+00:00",
            "user": {"gateway_username": "bob"},
            "verdict": "deny"
        })),
    ]
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn evaluates_session_queries() {
    let items = sessions();
    let s = Catalogue::sessions();
    let cases: &[(&str, &[usize])] = &[
        ("protocol:ssh", &[0, 2]),
        ("protocol:SSH", &[0, 2]),
        ("protocol:(ssh rdp)", &[0, 1, 2]),
        ("protocol:ssh AND verdict:accept", &[0]),
        ("protocol:ssh AND verdict:accept AND NOT name:admin", &[]),
        ("NOT name:admin", &[1, 2]),
        (r#"server_username:\"Windows User\""#, &[0]),
        ("server_username:\"windows user\"", &[0]),
        ("server_username:Windows", &[]),
        ("server_username:root", &[0]),
        ("name:?dmi*", &[0, 1]),
        ("name:adm", &[]),
        ("name:*n", &[0]),
        ("port:{21 TO 23}", &[0]),
        ("port:[22 TO 23]", &[0, 2]),
        ("port:[3000 TO *]", &[1]),
        ("start_time:[* TO 1461654799]", &[1]),
        ("start_time:[* TO 1461654799}", &[]),
        ("start_time:[* TO 1461654800}", &[1]),
        ("start_time:2017-01-20", &[2]),
        ("start_time:[2017-01-20 TO 2017-01-20]", &[2]),
        ("start_time:{2017-01-20 TO *]", &[0]),
        ("start_time:[2017-01-20 TO *]", &[0, 2]),
        ("start_time:2018-09-15T15:53:00+05:00", &[0]),
        ("start_time:\"2018-09-15T10:53:00Z\"", &[0]),
        ("end_time:*", &[0, 2]),
        ("NOT end_time:*", &[1]),
        ("active:true", &[1]),
        ("active:FALSE", &[0, 2]),
        (
            "(client.address:10.20.30.40 OR target.address:10.20.30.40) AND verdict:accept",
            &[0],
        ),
        ("target.address:172.16.*", &[1]),
        ("client.ip:192.168.1.?", &[1]),
        ("analytics.tags:risky", &[1]),
        ("analytics.tags:*", &[1]),
        ("analytics.score.aggregated:[50 TO 100]", &[1]),
        ("duration:4", &[1]),
        ("session_id:\"svc/rUhhQZ3jYsY1NDWYp9DEpq/abcde:29\"", &[0]),
        ("session_id:svc*", &[0]),
        ("recording.verdict:accepted", &[0]),
        ("verdict:accept-terminated", &[1]),
        ("psm.server_local.port:55386", &[0]),
        ("protocol:ssh verdict:deny", &[0, 2]),
    ];
    for (q, want) in cases {
        assert_eq!(hits(q, s, &items), *want, "{q}");
    }
    assert!(CompiledQuery::match_all().matches(&items[0]));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn evaluates_event_and_content_queries() {
    let event = |id: i64, channel: &str, content: &str, kind: &str| {
        body(json!({
            "channels_id": channel, "content": content, "record_id": id,
            "time": "2017-04-11T09:21:10.832", "type": kind
        }))
    };
    let items = vec![
        event(46, "0", "myuser@examplehost:~$ sudo ls", "command"),
        event(64, "5", "myuser@examplehost:~$ rm -rf /tmp/x", "command"),
        event(78, "2", "Copying Files to C:\\admin", "screen.content"),
        event(
            95,
            "3",
            "myuser@examplehost:/var$ cp a b; mv b c",
            "command",
        ),
    ];
    let e = Catalogue::events();
    let cases: &[(&str, &[usize])] = &[
        ("content:sudo", &[0]),
        (r#"content:\"Copying Files\""#, &[2]),
        ("content:\"copying files\"", &[2]),
        ("content:\"files copying\"", &[]),
        ("content:ls AND content:cp AND NOT content:mv", &[]),
        ("content:cp AND NOT content:rm", &[3]),
        ("(content:rm OR content:mv) AND channels_id:5", &[1]),
        ("content:(sudo rm)", &[0, 1]),
        ("content:?dmi*", &[2]),
        ("channels_id:{1 TO 3}", &[2]),
        ("channels_id:[* TO 5]", &[0, 1, 2, 3]),
        ("record_id:[60 TO 80]", &[1, 2]),
        ("type:command", &[0, 1, 3]),
        ("type:screen.content", &[2]),
        ("time:2017-04-11", &[0, 1, 2, 3]),
        ("time:[2017-04-12 TO *]", &[]),
        ("sudo OR copying", &[0, 2]),
        ("content:/tmp/x", &[1]),
    ];
    for (q, want) in cases {
        assert_eq!(hits(q, e, &items), *want, "{q}");
    }
    let c = Catalogue::content();
    let text = |t: &str| body(json!({ "content": t }));
    let items = vec![
        text("an example here"),
        text("examples galore"),
        text("examine it"),
    ];
    assert_eq!(hits("example", c, &items), vec![0]);
    assert_eq!(hits("example?", c, &items), vec![1]);
    assert_eq!(hits("exam*", c, &items), vec![0, 1, 2]);
    assert_eq!(hits("\"an example\"", c, &items), vec![0]);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn evaluates_full_session_models() {
    let session: sps_core::Session = serde_json::from_value(json!({
        "active": false, "protocol": "SSH", "verdict": "ACCEPT", "duration": 57,
        "client": {"ip": "10.20.30.40", "port": 59125},
        "start_time": "2018-09-15T15:53:00+05:00",
        "end_time": "2018-09-15T14:22:00+05:00",
        "user": {"gateway_username": "myname", "server_username": "myserver"},
        "recording": {"connection_policy": "myconnectionpolicy", "verdict": "Accepted"}
    }))
    .expect("session");
    let s = Catalogue::sessions();
    for (q, want) in [
        ("protocol:ssh AND verdict:accept", true),
        ("name:myname AND server_username:myserver", true),
        ("connection_policy:my*", true),
        ("start_time:[2018-09-15 TO 2018-09-15]", true),
        ("end_time:[* TO 1461654799]", false),
        ("duration:[60 TO *]", false),
        ("client.port:59125", true),
    ] {
        let compiled = CompiledQuery::parse(q, s).expect("compiles");
        assert_eq!(compiled.matches(&session), want, "{q}");
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn builder_makes_the_same_ast() {
    let q = Query::field("protocol")
        .eq("ssh")
        .and(Query::field("verdict").eq("accept"))
        .and_not(Query::field("name").eq("admin"));
    assert_eq!(
        q,
        parse("protocol:ssh AND verdict:accept AND NOT name:admin")
    );
    assert_eq!(
        q.to_string(),
        "protocol:ssh AND verdict:accept AND NOT name:admin"
    );

    let q = Query::field("client.address")
        .eq("10.20.30.40")
        .or(Query::field("target.address").eq("10.20.30.40"))
        .and(Query::field("verdict").eq("accept"));
    assert_eq!(
        q.to_string(),
        "(client.address:10.20.30.40 OR target.address:10.20.30.40) AND verdict:accept"
    );
    assert_eq!(
        Query::field("protocol").any_of(["ssh", "rdp"]).to_string(),
        "protocol:(ssh rdp)"
    );
    assert_eq!(
        Query::field("protocol").any_of(["ssh"]).to_string(),
        "protocol:(ssh)"
    );
    let none: [&str; 0] = [];
    assert_eq!(
        Query::field("protocol").any_of(none).to_string(),
        "protocol:* AND NOT protocol:*"
    );
    assert_eq!(Query::field("name").wildcard("?dmi*"), parse("name:?dmi*"));
    assert_eq!(
        Query::field("name").wildcard("a\\*b*").to_string(),
        "name:a\\*b*"
    );
    assert_eq!(
        Query::field("port").range(21, 23).to_string(),
        "port:[21 TO 23]"
    );
    assert_eq!(
        Query::field("start_time")
            .range("*", 1461654799i64)
            .to_string(),
        "start_time:[* TO 1461654799]"
    );
    assert_eq!(
        Query::field("port").range(None::<i64>, Some(5)).to_string(),
        "port:[* TO 5]"
    );
    assert_eq!(
        Query::field("port")
            .range_bounds(Bound::Exclusive("21".into()), Bound::Exclusive("23".into()))
            .to_string(),
        "port:{21 TO 23}"
    );
    assert_eq!(
        Query::field("server_username")
            .phrase("Windows User")
            .to_string(),
        "server_username:\"Windows User\""
    );
    assert_eq!(Query::field("active").eq(true).to_string(), "active:true");
    assert_eq!(Query::field("name").eq("x").not().to_string(), "NOT name:x");
    assert_eq!((!Query::field("name").eq("x")).to_string(), "NOT name:x");
    assert_eq!(Query::field("name").exists().to_string(), "name:*");
    assert_eq!(Query::text("example").to_string(), "example");
    // Literal values never change the structure.
    for (value, printed) in [
        ("Windows User", "name:\"Windows User\""),
        ("a:b", "name:\"a:b\""),
        ("C:\\temp (x)", "name:\"C:\\\\temp (x)\""),
        ("*admin", "name:\"*admin\""),
        ("AND", "name:\"AND\""),
        ("\"quoted\"", "name:\"\\\"quoted\\\"\""),
        ("", "name:\"\""),
        ("-x", "name:\"-x\""),
        ("a-b", "name:a-b"),
        // Title case: lower-cases to another letter.
        ("ᾨ", "name:ᾨ"),
        ("ÉCOLE", "name:ÉCOLE"),
    ] {
        let q = Query::field("name").eq(value);
        assert_eq!(q.to_string(), printed);
        let back = parse(printed);
        assert_eq!(back, q);
        let compiled = CompiledQuery::new(&q, Catalogue::sessions()).expect("compiles");
        assert!(compiled.matches(&body(json!({"user": {"gateway_username": value}}))));
        assert!(!compiled.matches(&body(
            json!({"user": {"gateway_username": format!("{value}x")}})
        )));
    }
}

/// A source with one string field, for property tests and quick checks.
struct OneField<'a>(&'a str, &'a str);

impl FieldSource for OneField<'_> {
    fn field_values(&self, path: &str) -> FieldValues<'_> {
        if path == self.0 {
            FieldValues::one(FieldValue::Str(self.1))
        } else {
            FieldValues::empty()
        }
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn custom_field_sources() {
    let q = CompiledQuery::parse("name:bob OR protocol:ssh", Catalogue::sessions()).expect("q");
    assert!(q.matches(&OneField("user.gateway_username", "Bob")));
    assert!(q.matches(&OneField("protocol", "SSH")));
    assert!(!q.matches(&OneField("protocol", "rdp")));
    let dynamic: &dyn FieldSource = &OneField("protocol", "ssh");
    assert!(q.matches(dynamic));
}

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    fn word() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z][a-z0-9_.-]{0,6}",
            "[ -~]{1,6}",
            "\\PC{1,5}",
            Just("AND".to_string()),
            Just("TO".to_string()),
            Just("\"a b\"".to_string()),
        ]
    }

    fn field() -> impl Strategy<Value = Option<Field>> {
        prop_oneof![
            Just(None),
            "[a-z_][a-z_.]{0,10}[a-z]".prop_map(|n| Some(Field::new(n))),
        ]
    }

    fn value() -> impl Strategy<Value = Value> {
        prop_oneof![
            word().prop_map(Value::Word),
            "\\PC{0,6}".prop_map(Value::Phrase),
            "[ -~]{0,6}".prop_map(Value::Phrase),
            proptest::collection::vec(
                prop_oneof![
                    Just(WildPart::AnyChars),
                    Just(WildPart::OneChar),
                    word().prop_map(WildPart::Literal),
                ],
                1..4
            )
            .prop_map(Value::from_parts),
        ]
    }

    fn bound() -> impl Strategy<Value = Bound> {
        prop_oneof![
            Just(Bound::Unbounded),
            "\\PC{0,5}".prop_map(Bound::Inclusive),
            "[0-9:T-]{1,8}".prop_map(Bound::Exclusive),
            Just(Bound::Inclusive("*".into())),
            Just(Bound::Exclusive("TO".into())),
        ]
    }

    fn leaf() -> impl Strategy<Value = Query> {
        prop_oneof![
            (field(), value()).prop_map(|(field, value)| Query::Term(Term {
                field,
                value,
                span: Span::default()
            })),
            (field(), bound(), bound()).prop_map(|(field, lower, upper)| Query::Range(Range {
                field,
                lower,
                upper,
                span: Span::default()
            })),
        ]
    }

    fn query() -> impl Strategy<Value = Query> {
        leaf().prop_recursive(4, 24, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 2..4).prop_map(Query::And),
                proptest::collection::vec(inner.clone(), 2..4).prop_map(Query::Or),
                proptest::collection::vec(inner.clone(), 2..4).prop_map(Query::Implicit),
                inner.clone().prop_map(|q| Query::Not(Box::new(q))),
                ("[a-z][a-z_.]{0,8}", inner).prop_map(|(f, q)| Query::FieldGroup(FieldGroup {
                    field: Field::new(f),
                    query: Box::new(q),
                    span: Span::default()
                })),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn printed_queries_parse_back_identical(q in query()) {
            let text = q.to_string();
            let back = parse_query(&text);
            prop_assert!(back.is_ok(), "{text:?} does not parse: {:?}", back.err());
            prop_assert_eq!(back.ok(), Some(q), "text: {:?}", text);
        }

        #[test]
        fn builder_values_match_literally(
            value in prop_oneof![
                "\\PC{0,12}",
                "[ :\\\\()\"*?\\[\\]{}ANDORT-]{0,12}",
                Just("AND".to_string()), Just("a OR b".to_string()), Just("NOT x".to_string()),
            ],
            other in "\\PC{0,12}",
        ) {
            let q = Query::field("protocol").eq(&value);
            let text = q.to_string();
            let parsed = parse_query(&text);
            prop_assert_eq!(parsed.as_ref().ok(), Some(&q), "text: {:?}", text);
            let compiled = CompiledQuery::new(&q, Catalogue::sessions());
            prop_assert!(compiled.is_ok());
            let compiled = compiled.expect("checked");
            prop_assert!(compiled.matches(&OneField("protocol", &value)), "{text}");
            if other.to_lowercase() != value.to_lowercase() {
                prop_assert!(!compiled.matches(&OneField("protocol", &other)), "{text} vs {other:?}");
            }
            // The value followed by anything else never matches either.
            let longer = format!("{value}x");
            prop_assert!(!compiled.matches(&OneField("protocol", &longer)));
        }

        #[test]
        fn parser_never_panics(text in "\\PC{0,30}") {
            let _ = parse_query(&text);
        }

        #[test]
        fn parser_never_panics_on_syntax(text in "[a-c:()\\[\\]{}\"*?\\\\ ANDORTN]{0,30}") {
            if let Ok(q) = parse_query(&text) {
                prop_assert_eq!(parse_query(&q.to_string()).ok(), Some(q));
            }
        }
    }
}
