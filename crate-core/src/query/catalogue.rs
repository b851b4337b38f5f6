//! Field catalogues: which fields each endpoint knows, under which names, of
//! which type, what may be filtered (`q`), shown (`fields=`) and sorted
//! (`sort=`), and the CSV column title SPS writes for each.
//!
//! Canonical names are the dotted paths in a session body (`user.gateway_username`,
//! `recording.verdict`). Aliases are the older names the 6.0 reference pages
//! document (`name`, `server_username`, `client.address`, `psm.connection_policy`, …).
//! CSV titles come from the reference's CSV examples where it has one
//! (`"Protocol"`, `"End time"`, `"Gateway username"`, `"Server IP"`,
//! `"Client IP"`, `"Client port"`, `"Recording Session ID"`,
//! `"Analytics Interesting events"`, `"Similar Sessions"`,
//! `"Audit trail download link"`); the rest follow the same style.

/// The type of a field's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldType {
    /// A keyword: the whole value is compared (case-insensitively).
    String,
    /// Full text (event `content`): words in the value are compared.
    Text,
    /// A whole number (ports, durations, ids).
    Integer,
    /// `true` or `false`.
    Boolean,
    /// A point in time (ISO 8601 or UNIX seconds).
    Date,
    /// An IP address, compared as text.
    Ip,
}

impl FieldType {
    /// Whether ranges (`[a TO b]`) work on this type.
    pub fn supports_range(self) -> bool {
        matches!(self, FieldType::Integer | FieldType::Date)
    }

    /// Whether `*`/`?` wildcards work on this type.
    pub fn supports_wildcard(self) -> bool {
        matches!(self, FieldType::String | FieldType::Text | FieldType::Ip)
    }

    /// A name for messages: "string", "integer", …
    pub fn name(self) -> &'static str {
        match self {
            FieldType::String => "string",
            FieldType::Text => "text",
            FieldType::Integer => "integer",
            FieldType::Boolean => "boolean",
            FieldType::Date => "date",
            FieldType::Ip => "IP address",
        }
    }
}

/// One field of an endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FieldSpec {
    /// Canonical dotted name (the path in the JSON body).
    pub name: &'static str,
    /// Other accepted names (older or documented spellings).
    pub aliases: &'static [&'static str],
    /// The type of its values.
    pub kind: FieldType,
    /// Usable in `q`.
    pub filterable: bool,
    /// Usable in `fields=`.
    pub showable: bool,
    /// Usable in `sort=`.
    pub sortable: bool,
    /// Holds a list of values (a JSON array).
    pub multi: bool,
    /// CSV column title.
    pub title: &'static str,
}

/// The fields of one endpoint.
#[derive(Debug, PartialEq, Eq)]
pub struct Catalogue {
    name: &'static str,
    fields: &'static [FieldSpec],
    default_field: Option<&'static str>,
}

const fn f(
    name: &'static str,
    aliases: &'static [&'static str],
    kind: FieldType,
    title: &'static str,
) -> FieldSpec {
    FieldSpec {
        name,
        aliases,
        kind,
        filterable: true,
        showable: true,
        sortable: true,
        multi: false,
        title,
    }
}

const fn multi(name: &'static str, title: &'static str) -> FieldSpec {
    FieldSpec {
        name,
        aliases: &[],
        kind: FieldType::String,
        filterable: true,
        showable: true,
        sortable: false,
        multi: true,
        title,
    }
}

use FieldType::{Boolean, Date, Integer, Ip, String as Str, Text};

/// A number SPA computes per algorithm (`analytics.score.details.<a>.score`).
const fn algorithm_score(name: &'static str, title: &'static str) -> FieldSpec {
    f(name, &[], Integer, title)
}

/// The fields of `/api/audit/sessions`: the 6.0 pages' fields and every field
/// the vendor's Power BI connector reads from SPS 7.3–8.2 bodies
/// (`SafeguardSessions/Src/Modules/Schema/Definitions/Sessions.pqm`). The
/// 7.x additions (`server.address`, `server.id`, `trail_download_link` in the
/// body, `analytics.score.details.*`, `analytics.bucketed_*`, `log.*`,
/// `recording.archive.*`, `recording.deny_reason`, `recording.network_id`,
/// `user.*_domain`) are typed as the connector converts them; whether SPS
/// filters and sorts on them is not documented, so they are taken to behave
/// like the other keyword and number fields (filterable, sortable unless a
/// list).
static SESSION_FIELDS: [FieldSpec; 69] = [
    f("active", &[], Boolean, "Active"),
    f(
        "analytics.bucketed_duration",
        &[],
        Str,
        "Analytics bucketed duration",
    ),
    f(
        "analytics.bucketed_starting_hour",
        &[],
        Str,
        "Analytics bucketed starting hour",
    ),
    multi(
        "analytics.interesting_events",
        "Analytics Interesting events",
    ),
    f(
        "analytics.score.aggregated",
        &[],
        Integer,
        "Analytics score",
    ),
    algorithm_score("analytics.score.details.command.score", "Command score"),
    algorithm_score("analytics.score.details.fis.score", "FIS score"),
    algorithm_score(
        "analytics.score.details.hostlogin.score",
        "Host login score",
    ),
    algorithm_score("analytics.score.details.keystroke.score", "Keystroke score"),
    algorithm_score(
        "analytics.score.details.logintime.score",
        "Login time score",
    ),
    algorithm_score("analytics.score.details.mouse.score", "Mouse score"),
    algorithm_score(
        "analytics.score.details.windowtitle.score",
        "Window title score",
    ),
    f("analytics.scripted", &[], Boolean, "Analytics scripted"),
    multi("analytics.similar_sessions", "Similar Sessions"),
    multi("analytics.tags", "Analytics tags"),
    f("client.ip", &["client.address"], Ip, "Client IP"),
    f("client.name", &[], Str, "Client name"),
    f("client.port", &[], Integer, "Client port"),
    f("creation_time", &[], Date, "Creation time"),
    f("duration", &[], Integer, "Duration"),
    f("end_time", &[], Date, "End time"),
    f("hidden", &[], Boolean, "Hidden"),
    f("log.adapter_name", &[], Str, "Log adapter name"),
    f("log.auth_method", &[], Str, "Log authentication method"),
    f("log.syslog_time", &[], Date, "Syslog time"),
    f("node_id", &[], Str, "Node ID"),
    f("origin", &[], Str, "Origin"),
    f("phantom", &[], Boolean, "Phantom"),
    f("protocol", &[], Str, "Protocol"),
    f("recording.archive.date", &[], Date, "Archive date"),
    f("recording.archive.path", &[], Str, "Archive path"),
    f("recording.archive.policy", &[], Str, "Archive policy"),
    f("recording.archive.server", &[], Str, "Archive server"),
    f("recording.archived", &["archived"], Boolean, "Archived"),
    f(
        "recording.auth_method",
        &["auth_method"],
        Str,
        "Authentication method",
    ),
    f(
        "recording.channel_policy",
        &["channel_policy"],
        Str,
        "Channel policy",
    ),
    f(
        "recording.command_extracted",
        &[],
        Boolean,
        "Command extracted",
    ),
    f(
        "recording.connection_policy",
        &["psm.connection_policy", "connection_policy"],
        Str,
        "Connection policy",
    ),
    f(
        "recording.connection_policy_id",
        &[],
        Str,
        "Connection policy ID",
    ),
    f(
        "recording.content_reference_id",
        &[],
        Integer,
        "Content reference ID",
    ),
    f("recording.deny_reason", &[], Str, "Deny reason"),
    f(
        "recording.has_accepted_channel",
        &[],
        Boolean,
        "Has accepted channel",
    ),
    f("recording.index_status", &[], Str, "Index status"),
    f("recording.network_id", &[], Str, "Network ID"),
    f(
        "recording.server_local.ip",
        &["psm.server_local.address", "server_local.address"],
        Ip,
        "Server local IP",
    ),
    f("recording.server_local.name", &[], Str, "Server local name"),
    f(
        "recording.server_local.port",
        &["psm.server_local.port", "server_local.port"],
        Integer,
        "Server local port",
    ),
    f(
        "recording.session_id",
        &["session_id"],
        Str,
        "Recording Session ID",
    ),
    f(
        "recording.target.ip",
        &["target.address", "psm.target.address"],
        Ip,
        "Target IP",
    ),
    f("recording.target.name", &[], Str, "Target name"),
    f(
        "recording.target.port",
        &["target.port", "psm.target.port"],
        Integer,
        "Target port",
    ),
    f("recording.verdict", &[], Str, "Recording verdict"),
    f(
        "recording.window_title_extracted",
        &[],
        Boolean,
        "Window title extracted",
    ),
    f("revision", &[], Integer, "Revision"),
    // Its own field since 7.x (the connector reads both); the 6.0 pages'
    // `server.address` meant the IP, which the session model falls back to.
    f("server.address", &[], Ip, "Server address"),
    f("server.id", &[], Str, "Server ID"),
    f("server.ip", &[], Ip, "Server IP"),
    f("server.name", &[], Str, "Server name"),
    f("server.port", &["port"], Integer, "Server port"),
    f("start_time", &[], Date, "Start time"),
    // In the 7.x body (null in every recorded session) and computed for CSV.
    FieldSpec {
        filterable: false,
        sortable: false,
        ..f("trail_download_link", &[], Str, "Audit trail download link")
    },
    f(
        "user.gateway_username",
        &["name", "psm.gateway_username"],
        Str,
        "Gateway username",
    ),
    f(
        "user.gateway_username_domain",
        &[],
        Str,
        "Gateway username domain",
    ),
    f("user.id", &[], Str, "User ID"),
    f("user.name", &[], Str, "User name"),
    f("user.name_domain", &[], Str, "User name domain"),
    FieldSpec {
        aliases: &["server_username"],
        ..multi("user.server_username", "Server username")
    },
    multi("user.server_username_domain", "Server username domain"),
    f("verdict", &[], Str, "Verdict"),
];

static EVENT_FIELDS: [FieldSpec; 6] = [
    FieldSpec {
        filterable: false,
        ..f("action", &[], Str, "Action")
    },
    f("channels_id", &[], Integer, "Channel ID"),
    f("content", &[], Text, "Content"),
    f("record_id", &[], Integer, "Record ID"),
    f("time", &[], Date, "Time"),
    f("type", &[], Str, "Type"),
];

static CONTENT_FIELDS: [FieldSpec; 1] = [f("content", &[], Text, "Content")];

static SESSIONS: Catalogue = Catalogue {
    name: "sessions",
    fields: &SESSION_FIELDS,
    default_field: None,
};

static EVENTS: Catalogue = Catalogue {
    name: "events",
    fields: &EVENT_FIELDS,
    default_field: Some("content"),
};

static CONTENT: Catalogue = Catalogue {
    name: "content",
    fields: &CONTENT_FIELDS,
    default_field: Some("content"),
};

impl Catalogue {
    /// `/api/audit/sessions`: `q`, `fields`, `sort` and CSV columns.
    pub fn sessions() -> &'static Catalogue {
        &SESSIONS
    }

    /// `/api/audit/sessions/<key>/events`: `channels_id`, `content`,
    /// `record_id`, `time`, `type` (bare terms search `content`).
    pub fn events() -> &'static Catalogue {
        &EVENTS
    }

    /// Content search (`?content=` and `/content?q=`): bare terms only,
    /// searching the recorded text.
    pub fn content() -> &'static Catalogue {
        &CONTENT
    }

    /// The endpoint this catalogue describes ("sessions", "events", "content").
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// All fields, in alphabetical order of canonical name.
    pub fn fields(&self) -> &'static [FieldSpec] {
        self.fields
    }

    /// The field bare terms (without `field:`) search, if any.
    pub fn default_field(&self) -> Option<&'static FieldSpec> {
        self.default_field.and_then(|n| self.resolve(n))
    }

    /// Looks a field up by canonical name or alias (exact, case-sensitive).
    pub fn resolve(&self, name: &str) -> Option<&'static FieldSpec> {
        let fields: &'static [FieldSpec] = self.fields;
        fields
            .iter()
            .find(|f| f.name == name)
            .or_else(|| fields.iter().find(|f| f.aliases.contains(&name)))
    }

    /// Every accepted name (canonical names, then aliases), for autocompletion.
    pub fn all_names(&self) -> Vec<&'static str> {
        let mut names: Vec<&'static str> = self.fields.iter().map(|f| f.name).collect();
        names.extend(self.fields.iter().flat_map(|f| f.aliases.iter().copied()));
        names
    }

    /// Accepted names starting with `prefix`, for autocompletion.
    pub fn complete(&self, prefix: &str) -> Vec<&'static str> {
        self.all_names()
            .into_iter()
            .filter(|n| n.starts_with(prefix))
            .collect()
    }

    /// The known name closest to `name` by edit distance, if close enough
    /// (at most 2 edits, or a third of the name's length for long names).
    pub fn suggest(&self, name: &str) -> Option<&'static str> {
        let lowered = name.to_lowercase();
        let limit = 2.max(name.chars().count() / 3);
        self.all_names()
            .into_iter()
            .map(|n| (strsim::levenshtein(&lowered, n), n))
            .filter(|(d, _)| *d <= limit)
            .min_by_key(|(d, _)| *d)
            .map(|(_, n)| n)
    }
}
