//! The timeline's data: one [`Lane`] per channel (its label, verdict colour
//! and time span) and the [`Mark`]s (events, alerts, content hits) drawn on
//! the lanes, built from the API's items without touching the page.

use sps_core::model::{Channel, ChannelVerdictKind, StrOrInt};
use sps_core::{ChannelItem, Timestamp};

use super::super::util::{ZoneChoice, DASH};
use super::LABEL_W;
use crate::format;

/// How many characters of a lane's details fit after its number and type in
/// the label column (approximate glyph widths; the label is also clipped, and
/// its full text is in its title).
pub(super) fn extras_budget(key: &str, kind: &str) -> usize {
    let used =
        10.0 + 7.0 * (key.chars().count() + 2) as f64 + 7.6 * kind.chars().count() as f64 + 6.0;
    ((LABEL_W - 12.0 - used) / 6.7).max(0.0) as usize
}

/// One lane: a channel of the session.
#[derive(Clone, Debug, PartialEq)]
pub struct Lane {
    /// The channel list item's key.
    pub key: String,
    /// The channel's `channel_id`, when SPS sent it.
    pub channel_id: Option<String>,
    /// The channel type as sent ("session exec").
    pub kind: String,
    /// Type-specific details: command, scp path, forwarded peers, device, ...
    pub extras: String,
    /// The verdict as sent.
    pub verdict: String,
    /// A fixed CSS class for the verdict's colour.
    pub verdict_class: &'static str,
    /// Start and end, seconds since the session start.
    pub t0: f64,
    /// End; "now" for an open channel.
    pub t1: f64,
    /// True while the channel is open.
    pub live: bool,
    /// The hover text.
    pub title: String,
}

impl Lane {
    /// True if `id` (an event's `channels_id`, an alert's `channel_id`, a hit's
    /// `channel.id`) names this channel: its item key or its `channel_id`.
    pub fn is(&self, id: &StrOrInt) -> bool {
        let id = id.to_string();
        self.key == id || self.channel_id.as_deref() == Some(id.as_str())
    }
}

/// Seconds from `origin_ms` (UNIX milliseconds) to `t`.
pub fn secs_since(origin_ms: f64, t: &Timestamp) -> f64 {
    (t.instant().timestamp_millis() as f64 - origin_ms) / 1000.0
}

/// A forwarded peer: `name (ip):port`, `ip:port`.
fn peer(name: Option<&str>, ip: Option<&str>, port: Option<u16>) -> Option<String> {
    let host = match (name, ip) {
        (Some(n), Some(i)) if n != i => format!("{n} ({i})"),
        (_, Some(i)) => i.to_owned(),
        (Some(n), None) => n.to_owned(),
        (None, None) => return port.map(|p| format!("port {p}")),
    };
    Some(match port {
        Some(p) => format!("{host}:{p}"),
        None => host,
    })
}

/// The details a channel type carries, in one line: the command of an exec
/// channel, the scp path, the subsystem, forwarded originator → connected,
/// RDP device or dynamic channel names, the ICA application, four-eyes.
pub fn channel_extras(ch: &Channel) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut push = |label: &str, value: Option<&str>| {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            parts.push(if label.is_empty() {
                v.to_owned()
            } else {
                format!("{label} {v}")
            });
        }
    };
    push("", ch.command.as_deref());
    push("", ch.scp_path.as_deref());
    push("", ch.subsystem_name.as_deref());
    push("", ch.device_name.as_deref());
    push("", ch.dynamic_channel.as_deref());
    push("app", ch.application.as_deref());
    let from = peer(
        ch.originator_name.as_deref(),
        ch.originator(),
        ch.originator_port,
    );
    let to = peer(
        ch.connected_name.as_deref(),
        ch.connected(),
        ch.connected_port,
    );
    match (from, to) {
        (Some(f), Some(t)) => parts.push(format!("{f} → {t}")),
        (Some(f), None) => parts.push(format!("from {f}")),
        (None, Some(t)) => parts.push(format!("to {t}")),
        (None, None) => {}
    }
    if let Some(who) = ch.four_eyes_authorizer.as_deref() {
        parts.push(format!("authorized by {who}"));
    }
    parts.join(" · ")
}

/// A fixed class for a channel verdict.
pub fn channel_verdict_class(kind: Option<ChannelVerdictKind>) -> &'static str {
    match kind {
        Some(ChannelVerdictKind::Accept) => "v-accept",
        Some(ChannelVerdictKind::Deny) | Some(ChannelVerdictKind::FourEyesReject) => "v-deny",
        Some(ChannelVerdictKind::FourEyesDeferred)
        | Some(ChannelVerdictKind::FourEyesError)
        | Some(ChannelVerdictKind::FourEyesTimeout) => "v-warn",
        _ => "v-other",
    }
}

/// Builds the lanes from the channel list. `now_s` is "now" in seconds since
/// the session start, for open channels; `fallback_end` for channels without times.
pub fn lanes_of(
    items: &[ChannelItem],
    origin_ms: f64,
    now_s: f64,
    fallback_end: f64,
    zone: ZoneChoice,
) -> Vec<Lane> {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let ch = &item.body;
            let key = item
                .key
                .clone()
                .or_else(|| ch.channel_id.as_ref().map(|c| c.to_string()))
                .unwrap_or_else(|| (i + 1).to_string());
            let t0 = ch
                .start_time
                .as_ref()
                .map(|t| secs_since(origin_ms, t))
                .unwrap_or(0.0);
            let live = ch.end_time.is_null() || ch.active == Some(true);
            let t1 = match ch.end_time() {
                Some(t) => secs_since(origin_ms, t),
                None if live => now_s,
                None => ch.duration.map(|d| t0 + d as f64).unwrap_or(fallback_end),
            };
            let kind = ch
                .channel_type
                .as_ref()
                .map(|t| t.as_str().to_owned())
                .unwrap_or_else(|| "channel".to_owned());
            let verdict = ch
                .verdict
                .as_ref()
                .map(|v| v.as_str().to_owned())
                .unwrap_or_default();
            let extras = channel_extras(ch);
            let when = |t: Option<&Timestamp>| {
                t.map(|t| t.format_in(zone.zone()))
                    .unwrap_or_else(|| DASH.to_owned())
            };
            let mut title = format!("Channel {key}: {kind}");
            if !extras.is_empty() {
                title.push_str(&format!("\n{extras}"));
            }
            title.push_str(&format!(
                "\nVerdict: {}\nStart: {}\nEnd: {}",
                if verdict.is_empty() { DASH } else { &verdict },
                when(ch.start_time.as_ref()),
                if live {
                    "open (live)".to_owned()
                } else {
                    when(ch.end_time())
                },
            ));
            if let Some(d) = ch.duration {
                title.push_str(&format!("\nDuration: {}", format::duration(d)));
            }
            if let Some(rule) = &ch.rule_num {
                title.push_str(&format!("\nChannel policy rule: {rule}"));
            }
            Lane {
                key,
                channel_id: ch.channel_id.as_ref().map(|c| c.to_string()),
                kind,
                extras,
                verdict_class: channel_verdict_class(ch.verdict.as_ref().map(|v| v.kind())),
                verdict,
                t0,
                t1: t1.max(t0),
                live,
                title,
            }
        })
        .collect()
}

/// What a mark points at.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// An event row (its DOM id).
    Event(String),
    /// An alert (index in the alert list).
    Alert(usize),
    /// A content hit (index in the ranked hits).
    Hit(usize),
}

/// A mark on a lane.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    /// What it points at.
    pub target: Target,
    /// The lane index; `None` for a channel the lane list does not have.
    pub lane: Option<usize>,
    /// Time, seconds since the session start.
    pub t0: f64,
    /// End time (content hits); equal to `t0` for points.
    pub t1: f64,
    /// Hover text.
    pub title: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn marks_find_their_lane_by_key_or_channel_id() {
        let items: Vec<ChannelItem> = serde_json::from_str(
            r#"[{"key": "a", "body": {"channel_id": 7, "type": "session shell", "verdict": "accept",
                 "start_time": 1451901988, "end_time": 1451902145}},
                {"key": "2", "body": {"type": "x11 forward", "verdict": "deny"}}]"#,
        )
        .unwrap_or_default();
        let origin = 1_451_901_988_000.0;
        let lanes = lanes_of(
            &items,
            origin,
            500.0,
            400.0,
            ZoneChoice {
                display: Default::default(),
                appliance: sps_core::Zone::Utc,
            },
        );
        assert_eq!(lanes.len(), 2);
        assert!(lanes[0].is(&StrOrInt::Int(7)));
        assert!(lanes[0].is(&StrOrInt::Str("a".into())));
        assert!(lanes[1].is(&StrOrInt::Str("2".into())));
        assert_eq!((lanes[0].t0, lanes[0].t1), (0.0, 157.0));
        assert_eq!(lanes[0].verdict_class, "v-accept");
        assert_eq!(lanes[1].verdict_class, "v-deny");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn extras_name_the_channel() {
        let ch = Channel {
            originator_ip: Some("::1".into()),
            originator_name: Some("localhost".into()),
            originator_port: Some(40382),
            connected_ip: Some("10.1.2.3".into()),
            connected_port: Some(5432),
            ..Channel::default()
        };
        assert_eq!(channel_extras(&ch), "localhost (::1):40382 → 10.1.2.3:5432");
        let exec = Channel {
            command: Some("uname -a".into()),
            ..Channel::default()
        };
        assert_eq!(channel_extras(&exec), "uname -a");
    }
}
