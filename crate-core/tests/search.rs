//! Search requests: checking, rendering to and reading from URL query strings.

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use sps_core::request::{decode_component, encode_component, Format};
use sps_core::{
    parse_query, Catalogue, ContentSearch, ErrorKind, EventSearch, Query, SessionSearch, SortKey,
};

fn message<T: std::fmt::Debug>(r: sps_core::Result<T>) -> String {
    match r {
        Ok(v) => panic!("accepted: {v:?}"),
        Err(e) => e.to_string(),
    }
}

fn round_trip(search: &SessionSearch) {
    let text = search.to_query_string();
    let back = SessionSearch::from_query_string(&text).expect("reads back");
    assert_eq!(&back, search, "{text}");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn renders_the_reference_urls() {
    // `meta.last` of the reference's search example.
    let search = SessionSearch::new()
        .with_limit(500)
        .and_then(|s| s.with_offset(0))
        .and_then(|s| s.with_fields(["start_time", "name", "duration"]))
        .and_then(|s| s.with_q(Query::field("name").eq("myname")))
        .and_then(|s| s.with_sort("duration"))
        .expect("valid");
    assert_eq!(
        search.to_query_string(),
        "limit=500&offset=0&fields=start_time,name,duration&q=name%3Amyname&sort=duration"
    );
    round_trip(&search);

    // `?q=protocol:ssh&content=sudo`, as the reference writes it by hand.
    let read = SessionSearch::from_query_string("?q=protocol:ssh&content=sudo").expect("reads");
    assert_eq!(read.q, Some(parse_query("protocol:ssh").expect("q")));
    assert_eq!(read.content.as_deref(), Some("sudo"));
    assert_eq!(read.to_query_string(), "q=protocol%3Assh&content=sudo");
    round_trip(&read);

    let read =
        SessionSearch::from_query_string("fields=psm.target.address,psm.target.port&q=active:true")
            .expect("reads");
    assert_eq!(
        read.fields,
        Some(vec![
            "psm.target.address".to_string(),
            "psm.target.port".to_string()
        ])
    );
    assert_eq!(
        read.to_query_string(),
        "fields=psm.target.address,psm.target.port&q=active%3Atrue"
    );

    let read = SessionSearch::from_query_string("limit=10&offset=31").expect("reads");
    assert_eq!((read.limit, read.offset), (Some(10), Some(31)));
    assert_eq!(read.to_query_string(), "limit=10&offset=31");

    let read = SessionSearch::from_query_string(
        "sort=duration&fields=start_time,psm.gateway_username,duration",
    )
    .expect("reads");
    assert_eq!(
        read.to_query_string(),
        "fields=start_time,psm.gateway_username,duration&sort=duration"
    );

    // Spaces are %20; content keeps Lucene text as written.
    let search = SessionSearch::new()
        .with_q_text(r#"server_username:\"Windows User\""#)
        .and_then(|s| s.with_content("man iptables"))
        .expect("valid");
    assert_eq!(
        search.to_query_string(),
        "q=server_username%3A%22Windows%20User%22&content=man%20iptables"
    );
    round_trip(&search);
    let read = SessionSearch::from_query_string("content=exam%2A").expect("reads");
    assert_eq!(read.content.as_deref(), Some("exam*"));
    assert_eq!(read.to_query_string(), "content=exam%2A");
    let read = SessionSearch::from_query_string("content=example%3F").expect("reads");
    assert_eq!(read.content.as_deref(), Some("example?"));
    let read = SessionSearch::from_query_string("fields=*&format=csv").expect("reads");
    assert_eq!(read.fields, Some(vec!["*".to_string()]));
    assert_eq!(read.format, Some(Format::Csv));
    assert_eq!(read.to_query_string(), "fields=*&format=csv");
    let read = SessionSearch::from_query_string("fields=").expect("reads");
    assert_eq!(read.fields, Some(vec![]));
    assert_eq!(read.to_query_string(), "fields=");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn every_reference_query_renders_and_reads_back() {
    for q in [
        "protocol:ssh",
        "protocol:ssh AND verdict:accept AND NOT name:admin",
        "(client.address:10.20.30.40 OR target.address:10.20.30.40) AND verdict:accept",
        "protocol:(ssh rdp)",
        "name:?dmi*",
        "port:{21 TO 23}",
        "start_time:[* TO 1461654799]",
        "active:true",
    ] {
        let search = SessionSearch::new().with_q_text(q).expect("valid");
        let url = search.to_query_string();
        assert!(url.starts_with("q="), "{url}");
        assert!(!url.contains(' ') && !url.contains(':'), "{url}");
        assert_eq!(decode_component(&url[2..]), q);
        round_trip(&search);
    }
    for q in [
        "content:sudo",
        "content:ls AND content:cp AND NOT content:mv",
        "(content:rm OR content:mv) AND channels_id:5",
        "content:(sudo rm)",
        "content:?dmi*",
        "channels_id:{1 TO 3}",
        "channels_id:[* TO 5]",
    ] {
        let search = EventSearch::new().with_q_text(q).expect("valid");
        let back = EventSearch::from_query_string(&search.to_query_string()).expect("reads");
        assert_eq!(back, search);
        assert_eq!(back.q.map(|q| q.to_string()).as_deref(), Some(q));
    }
    let read =
        EventSearch::from_query_string(r#"q=content:\"Copying Files\"&limit=1000"#).expect("reads");
    assert_eq!(read.limit, Some(1000));
    assert_eq!(
        read.to_query_string(),
        "limit=1000&q=content%3A%22Copying%20Files%22"
    );
    assert_eq!(
        message(EventSearch::new().with_q_text("protocol:ssh")),
        "unknown field `protocol` at 1"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn content_search() {
    for q in ["example", "example?", "exam*", "man iptables"] {
        let search = ContentSearch::new(q).expect("valid");
        assert_eq!(search.q(), q);
        let back = ContentSearch::from_query_string(&search.to_query_string()).expect("reads");
        assert_eq!(back, search);
        search.query().expect("parses as a content query");
    }
    assert_eq!(
        ContentSearch::new("exam*")
            .expect("valid")
            .to_query_string(),
        "q=exam%2A"
    );
    assert_eq!(
        ContentSearch::new("example?")
            .expect("valid")
            .to_query_string(),
        "q=example%3F"
    );
    assert_eq!(
        ContentSearch::new("man iptables")
            .expect("valid")
            .to_query_string(),
        "q=man%20iptables"
    );
    assert_eq!(
        message(ContentSearch::new("*ample")),
        "invalid `q`: a content search must not begin with the `*` wildcard"
    );
    assert_eq!(
        message(ContentSearch::new("  ")),
        "invalid `q`: a content search needs an expression (an empty `q` returns no items)"
    );
    assert!(ContentSearch::from_query_string("limit=5").is_err());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn parameters_are_checked() {
    let s = SessionSearch::new;
    assert_eq!(
        message(s().with_content("*admin")),
        "invalid `content`: a content search must not begin with the `*` wildcard"
    );
    assert_eq!(
        message(s().with_offset(10_001)),
        "invalid `offset`: 10001 is past SPS's maximum of 10000; results beyond it are reachable only through a snapshot"
    );
    assert!(s().with_offset(10_000).is_ok());
    assert_eq!(
        message(s().with_fields(["protocl"])),
        "invalid `fields`: unknown field `protocl`, did you mean `protocol`?"
    );
    assert_eq!(
        message(s().with_sort("-duraton")),
        "invalid `sort`: unknown field `duraton`, did you mean `duration`?"
    );
    assert_eq!(
        message(s().with_sort("analytics.tags")),
        "invalid `sort`: field `analytics.tags` cannot be sorted"
    );
    assert_eq!(
        message(s().with_limit(0)),
        "invalid `limit`: must be at least 1"
    );
    assert_eq!(
        message(SessionSearch::from_query_string("limit=ten")),
        "invalid `limit`: `ten` is not a whole number"
    );
    assert_eq!(
        message(SessionSearch::from_query_string("format=xml")),
        "invalid `format`: `xml` is not `json` or `csv`"
    );
    assert!(message(s().with_start("yesterday")).starts_with("invalid `start`: invalid timestamp"));
    assert_eq!(
        message(SessionSearch::from_query_string("q=protocl%3Assh")),
        "unknown field `protocl` at 1, did you mean `protocol`?"
    );
    assert_eq!(
        message(SessionSearch::from_query_string("q=(protocol%3Assh")),
        "unclosed parenthesis at 1"
    );
    let Err(e) = s().with_offset(20_000) else {
        panic!()
    };
    assert!(
        matches!(e.kind(), ErrorKind::SearchParameter { parameter, .. } if parameter == "offset")
    );

    // Limit over 500 is clamped with a warning.
    let read = SessionSearch::from_query_string("limit=1000&bogus=1").expect("reads");
    assert_eq!(read.limit, Some(500));
    assert_eq!(
        read.warnings,
        vec![
            "limit 1000 is more than SPS's maximum of 500; using 500".to_string(),
            "ignored unknown parameter `bogus`".to_string()
        ]
    );
    assert_eq!(read.to_query_string(), "limit=500");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn full_round_trip() {
    let search = SessionSearch::new()
        .with_q(
            Query::field("protocol")
                .any_of(["ssh", "rdp"])
                .and(Query::field("name").eq("C:\\temp (x) & y+z"))
                .and_not(Query::field("port").range(21, 23)),
        )
        .and_then(|s| s.with_content("sudo rm"))
        .and_then(|s| s.with_fields(["start_time", "user.gateway_username", "analytics.tags"]))
        .and_then(|s| s.with_sort("-duration,start_time"))
        .and_then(|s| s.with_start("2017-01-20"))
        .and_then(|s| s.with_end("2017-01-25T11:41:52.000+01:00"))
        .and_then(|s| s.with_limit(50))
        .and_then(|s| s.with_offset(100))
        .map(|s| s.with_format(Format::Json).with_snapshot("snap/1 2"))
        .expect("valid");
    assert_eq!(
        search.sort,
        vec![
            SortKey {
                field: "duration".into(),
                descending: true
            },
            SortKey {
                field: "start_time".into(),
                descending: false
            }
        ]
    );
    let text = search.to_query_string();
    assert!(
        text.contains("&start=2017-01-20&end=2017-01-25T11%3A41%3A52.000%2B01%3A00"),
        "{text}"
    );
    assert!(text.contains("&sort=-duration,start_time&"), "{text}");
    assert!(
        text.ends_with("&format=json&snapshot=snap%2F1%202"),
        "{text}"
    );
    round_trip(&search);
    let with_question = format!("?{text}");
    assert_eq!(
        SessionSearch::from_query_string(&with_question).expect("reads"),
        search
    );
    assert_eq!(
        SessionSearch::from_query_string("").expect("empty"),
        SessionSearch::new()
    );
    assert_eq!(
        SessionSearch::from_query_string("q=").expect("empty q").q,
        None
    );
    // `+` reads as a space (form encoding).
    let read = SessionSearch::from_query_string("content=man+iptables").expect("reads");
    assert_eq!(read.content.as_deref(), Some("man iptables"));
    assert_eq!(
        read.content_query()
            .expect("parses")
            .map(|q| q.to_string())
            .as_deref(),
        Some("man iptables")
    );
    assert!(Catalogue::content().default_field().is_some());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn percent_encoding() {
    assert_eq!(encode_component("a b:c,d*é"), "a%20b%3Ac,d%2A%C3%A9");
    assert_eq!(decode_component("a%20b%3Ac,d%2A%C3%A9"), "a b:c,d*é");
    assert_eq!(decode_component("100%"), "100%");
    assert_eq!(decode_component("%zz%4"), "%zz%4");
    // A sign is not a hex digit: `%+1` stays as written (found reading the fuzz results).
    assert_eq!(decode_component("%+1%-f"), "% 1%-f");
    assert_eq!(decode_component("a+b%2B"), "a b+");
}

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn components_round_trip(s in "\\PC{0,20}") {
            prop_assert_eq!(decode_component(&encode_component(&s)), s);
        }

        #[test]
        fn searches_round_trip(
            name in "\\PC{0,10}",
            content in "[a-z ]{0,10}",
            limit in 1u32..2000,
            offset in 0u32..=10_000,
        ) {
            let search = SessionSearch::new()
                .with_q(Query::field("name").eq(&name))
                .and_then(|s| s.with_content(&content))
                .and_then(|s| s.with_offset(offset))
                .and_then(|s| s.with_limit(limit.min(500)));
            prop_assert!(search.is_ok());
            let search = search.expect("checked");
            let back = SessionSearch::from_query_string(&search.to_query_string());
            prop_assert_eq!(back.ok(), Some(search));
        }
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn compiled_searches_apply_q_start_and_end() {
    let session = |start: &str, end: Option<&str>, protocol: &str| -> sps_core::model::SparseBody {
        serde_json::from_value(serde_json::json!({
            "start_time": start, "end_time": end, "protocol": protocol
        }))
        .expect("body")
    };
    let items = [
        session("2017-01-19T23:00:00Z", Some("2017-01-20T01:00:00Z"), "ssh"),
        session("2017-01-20T11:00:00Z", Some("2017-01-20T12:00:00Z"), "ssh"),
        session("2017-01-20T12:00:00Z", Some("2017-01-21T09:30:00Z"), "rdp"),
        session("2017-01-21T08:00:00Z", None, "ssh"),
    ];
    let hits = |query: &str| -> Vec<usize> {
        let search = SessionSearch::from_query_string(query).expect("reads");
        let compiled = search.compile().expect("compiles");
        (0..items.len())
            .filter(|i| compiled.matches(&items[*i]))
            .collect()
    };
    assert_eq!(hits(""), vec![0, 1, 2, 3]);
    assert_eq!(hits("start=2017-01-20"), vec![1, 2, 3]);
    assert_eq!(hits("start=2017-01-20T11:00"), vec![1, 2, 3]);
    assert_eq!(hits("start=2017-01-20T11:01"), vec![2, 3]);
    assert_eq!(hits("end=2017-01-20"), vec![0, 1]);
    assert_eq!(hits("start=2017-01-20&end=2017-01-20"), vec![1]);
    assert_eq!(hits("start=2017-01-20T11:00&end=2017-01-21T09:00"), vec![1]);
    assert_eq!(hits("end=2017-01-21T09:30:00Z"), vec![0, 1, 2]);
    assert_eq!(hits("q=protocol:ssh&start=2017-01-20"), vec![1, 3]);
    let events = EventSearch::from_query_string("q=content:sudo").expect("reads");
    let event: sps_core::model::SparseBody =
        serde_json::from_value(serde_json::json!({"content": "$ sudo ls"})).expect("body");
    assert!(events.compile().expect("compiles").matches(&event));
    let content = ContentSearch::new("sud*")
        .expect("valid")
        .compile()
        .expect("compiles");
    assert!(content.matches(&event));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn first_link_without_fields_and_sorting() {
    let search = SessionSearch::new()
        .with_limit(500)
        .and_then(|s| s.with_offset(0))
        .map(|s| SessionSearch {
            fields: Some(vec![]),
            ..s
        })
        .expect("valid");
    assert_eq!(search.to_query_string(), "limit=500&offset=0&fields=");

    let row = |duration: Option<i64>, start: &str, name: &str| -> sps_core::model::SparseBody {
        serde_json::from_value(serde_json::json!({
            "duration": duration, "start_time": start, "user": {"gateway_username": name}
        }))
        .expect("body")
    };
    let rows = [
        row(Some(34), "2017-01-25T11:11:11.000+01:00", "b"),
        row(Some(0), "2017-01-25T11:11:52.000+01:00", "a"),
        row(None, "2017-01-25T10:00:00.000+01:00", "c"),
        row(Some(34), "2017-01-25T09:11:11.000+00:00", "a"),
    ];
    let order = |sort: &str| -> Vec<usize> {
        let keys = sps_core::request::parse_sort(sort, Catalogue::sessions()).expect("sort");
        let mut idx: Vec<usize> = (0..rows.len()).collect();
        idx.sort_by(|a, b| {
            sps_core::request::compare_by_sort(&keys, Catalogue::sessions(), &rows[*a], &rows[*b])
        });
        idx
    };
    assert_eq!(order("duration"), vec![1, 0, 3, 2]);
    assert_eq!(order("-duration"), vec![0, 3, 1, 2]);
    // Row 3 started at 09:11Z, row 0 at 10:11Z.
    assert_eq!(order("duration,start_time"), vec![1, 3, 0, 2]);
    assert_eq!(order("duration,-start_time"), vec![1, 0, 3, 2]);
    assert_eq!(order("name,-duration"), vec![3, 1, 0, 2]);
}
