//! Where a `.wasm` spends its code bytes: function body sizes from the code
//! section, named through the `name` section (wasm-bindgen keeps it; wasm-opt
//! drops it, so this reads the file before wasm-opt) and grouped by the crate
//! that defined the function.
//!
//! Generic code is counted where it was defined, not where it was used: a
//! serde visitor derived in sps-core but inlined into a Leptos view counts for
//! whichever function LLVM kept. The shares are a guide to what is big, not an
//! exact bill.

use std::collections::BTreeMap;
use std::path::Path;

use wasmparser::{KnownCustom, Name, Parser, Payload};

/// The groups the bundle tables report, in that order; anything else is "other".
const GROUPS: &[(&str, &[&str])] = &[
    ("spsview viewer (sps_web)", &["sps_web"]),
    ("spsview core (sps_core)", &["sps_core"]),
    (
        "Leptos (tachys, reactive_graph, router, …)",
        &[
            "tachys",
            "reactive_graph",
            "leptos",
            "leptos_router",
            "leptos_dom",
            "leptos_macro",
            "either_of",
            "any_spawner",
            "throw_error",
            "or_poisoned",
            "send_wrapper",
            "next_tuple",
            "oco_ref",
            "guardian",
        ],
    ),
    (
        "serde, serde_json",
        &["serde", "serde_core", "serde_json", "zmij", "itoa", "ryu"],
    ),
    ("chrono", &["chrono"]),
    ("csv", &["csv", "csv_core"]),
    (
        "wasm-bindgen, js-sys, web-sys, gloo",
        &[
            "wasm_bindgen",
            "wasm_bindgen_futures",
            "js_sys",
            "web_sys",
            "gloo_net",
            "gloo_timers",
            "gloo_utils",
            "serde_wasm_bindgen",
        ],
    ),
    (
        "Rust std (core, alloc, std, dlmalloc)",
        &["core", "alloc", "std", "dlmalloc", "hashbrown"],
    ),
    (
        "futures",
        &[
            "futures_util",
            "futures_channel",
            "futures_core",
            "futures_executor",
        ],
    ),
];

/// Code bytes of one `.wasm`, by group.
#[derive(Debug, Clone, PartialEq)]
pub struct CodeShares {
    /// Sum of all function bodies.
    pub total: u64,
    /// (group, bytes) in the order of [`GROUPS`], then "other".
    pub groups: Vec<(String, u64)>,
}

/// Reads `wasm` and adds up its function bodies by defining crate.
pub fn code_shares(wasm: &Path) -> Result<CodeShares, String> {
    let bytes =
        std::fs::read(wasm).map_err(|err| format!("cannot read {}: {err}", wasm.display()))?;
    let bad = |err: wasmparser::BinaryReaderError| format!("{}: {err}", wasm.display());
    let mut imported_functions = 0u32;
    let mut body_sizes: Vec<u64> = Vec::new();
    let mut names: BTreeMap<u32, String> = BTreeMap::new();
    for payload in Parser::new(0).parse_all(&bytes) {
        match payload.map_err(bad)? {
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    if matches!(import.map_err(bad)?.ty, wasmparser::TypeRef::Func(_)) {
                        imported_functions += 1;
                    }
                }
            }
            Payload::CodeSectionEntry(body) => body_sizes.push(body.range().len() as u64),
            Payload::CustomSection(section) => {
                if let KnownCustom::Name(reader) = section.as_known() {
                    for subsection in reader {
                        // A malformed name section only costs the names.
                        let Ok(Name::Function(map)) = subsection else {
                            continue;
                        };
                        for naming in map.into_iter().flatten() {
                            names.insert(naming.index, naming.name.to_owned());
                        }
                    }
                }
            }
            _ => {}
        }
    }
    if names.is_empty() {
        return Err(format!(
            "{} has no function names (was it run through wasm-opt?)",
            wasm.display()
        ));
    }
    let mut by_group: BTreeMap<&str, u64> = BTreeMap::new();
    for (i, size) in body_sizes.iter().enumerate() {
        let index = imported_functions + i as u32;
        let crate_name = names.get(&index).map_or("", |name| defining_crate(name));
        *by_group.entry(group_of(crate_name)).or_default() += size;
    }
    let mut groups: Vec<(String, u64)> = GROUPS
        .iter()
        .map(|(group, _)| {
            (
                (*group).to_owned(),
                by_group.get(group).copied().unwrap_or(0),
            )
        })
        .collect();
    groups.push((
        "other".to_owned(),
        by_group.get("other").copied().unwrap_or(0),
    ));
    Ok(CodeShares {
        total: body_sizes.iter().sum(),
        groups,
    })
}

fn group_of(crate_name: &str) -> &'static str {
    GROUPS
        .iter()
        .find(|(_, crates)| crates.contains(&crate_name))
        .map_or("other", |(group, _)| *group)
}

/// The crate a (mangled or plain) function name belongs to: for
/// `<T as Trait>::f`, the crate of `T` when it is a path, else of `Trait`.
fn defining_crate(name: &str) -> &str {
    let demangled = format!("{:#}", rustc_demangle::demangle(name));
    let text = demangled.trim_start_matches(['<', '&', '*', '(', '[']);
    let text = text.strip_prefix("mut ").unwrap_or(text);
    let text = text.strip_prefix("dyn ").unwrap_or(text);
    let first = text
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .next()
        .unwrap_or("");
    // Generic parameters (`T`, `F`) and primitives say nothing: use the trait.
    let crate_name = if first.len() <= 1 || is_primitive(first) {
        demangled
            .split(" as ")
            .nth(1)
            .and_then(|rest| {
                rest.trim_start_matches(['<', '&'])
                    .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .next()
            })
            .unwrap_or(first)
    } else {
        first
    };
    // Borrowed from `demangled`, so hand back an interned group key instead.
    GROUPS
        .iter()
        .flat_map(|(_, crates)| crates.iter())
        .find(|known| **known == crate_name)
        .copied()
        .unwrap_or("")
}

fn is_primitive(word: &str) -> bool {
    matches!(
        word,
        "str"
            | "bool"
            | "char"
            | "u8"
            | "u16"
            | "u32"
            | "u64"
            | "u128"
            | "usize"
            | "i8"
            | "i16"
            | "i32"
            | "i64"
            | "i128"
            | "isize"
            | "f32"
            | "f64"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_grouped_by_their_crate() {
        // wasm-bindgen's name section holds legacy names demangled, v0 names mangled.
        assert_eq!(
            defining_crate("_ZN8sps_core6decode11decode_json17h0123456789abcdefE"),
            "sps_core"
        );
        assert_eq!(
            defining_crate("sps_core::session::_::<impl serde_core::de::Deserialize for sps_core::session::Session>::deserialize::hd9a9626d9cb5161a"),
            "sps_core"
        );
        assert_eq!(
            defining_crate("<tachys::html::element::HtmlElement<E,At,Ch> as tachys::view::Render>::build::h0123456789abcdef"),
            "tachys"
        );
        assert_eq!(
            defining_crate("_RNvMs0_NtCsjqx8TIyZbP9_8dlmalloc8dlmallocINtB5_8DlmallocNtNtB7_3sys6SystemE6mallocCsebHcaeoSrxy_3std"),
            "dlmalloc"
        );
        // `<T as serde::Deserialize>` counts for serde, `<&str as core::fmt::Display>` for core.
        assert_eq!(
            defining_crate("<T as serde_core::de::Deserialize>::deserialize"),
            "serde_core"
        );
        assert_eq!(defining_crate("<&str as core::fmt::Display>::fmt"), "core");
        assert_eq!(defining_crate("rowsToCsv"), "");
        assert_eq!(
            group_of("reactive_graph"),
            "Leptos (tachys, reactive_graph, router, …)"
        );
        assert_eq!(group_of(""), "other");
    }
}
