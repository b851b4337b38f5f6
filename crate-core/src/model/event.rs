//! Events extracted from a session (`/api/audit/sessions/<key>/events`).

use serde::{Deserialize, Serialize};

use crate::model::timestamp::Timestamp;
use crate::model::values::{text_enum, StrOrInt};

text_enum! {
    /// The type of an event.
    EventType, EventTypeKind {
        /// A command entered in SSH or Telnet.
        Command = "command",
        /// A file transfer.
        FileTransfer = "file_transfer",
        /// An HTTP request.
        HttpRequest = "http_request",
        /// A window title (graphical protocols).
        WindowTitle = "window_title",
        /// Screen content.
        ScreenContent = "screen.content",
        /// Credit card numbers detected (shown only as an alert).
        ScreenCreditcard = "screen.creditcard",
        /// A window title (graphical protocols, older name).
        ScreenWindowtitle = "screen.windowtitle",
    }
}

/// An event of a session.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct Event {
    /// The command line without the prompt (commands).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// The channel the event occurred in: `"0"` in the reference's example,
    /// documented as an integer; both are accepted and kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channels_id: Option<StrOrInt>,
    /// The event with its context (for commands, the whole line with prompt).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// Id of the event within the session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_id: Option<i64>,
    /// When it occurred (ISO without offset in the reference).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<Timestamp>,
    /// The event type.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub event_type: Option<EventType>,
}
