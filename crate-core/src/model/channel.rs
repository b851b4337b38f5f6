//! Channels of a session (`/api/audit/sessions/<key>/channels`).

use serde::{Deserialize, Serialize};

use crate::model::envelope::Single;
use crate::model::timestamp::Timestamp;
use crate::model::values::{text_enum, Nullable, StrOrInt};

text_enum! {
    /// The type of a channel. SSH and RDP types as in the reference; ICA and
    /// other protocols' types decode as `Other`, keeping their text.
    ChannelType, ChannelTypeKind {
        /// SSH: interactive shell.
        SessionShell = "session shell",
        /// SSH: remote command (`command`).
        SessionExec = "session exec",
        /// SSH: secure copy (`scp_path`).
        SessionExecScp = "session exec scp",
        /// SSH: SFTP subsystem (`subsystem_name`).
        SessionSubsystemSftp = "session subsystem sftp",
        /// SSH: local port forwarding (`originator.*`, `connected.*`).
        LocalForward = "local forward",
        /// SSH: remote port forwarding (`originator.*`, `connected.*`).
        RemoteForward = "remote forward",
        /// SSH: X11 forwarding.
        X11Forward = "x11 forward",
        /// RDP: the desktop drawing channel.
        Drawing = "drawing",
        /// RDP: sound.
        Sound = "sound",
        /// RDP: clipboard.
        Clipboard = "clipboard",
        /// RDP: seamless (remote applications).
        Seamless = "seamless",
        /// RDP: dynamic virtual channel (`dynamic_channel`).
        DynamicVirtual = "dynamic virtual",
        /// RDP: custom channel.
        Custom = "custom",
        /// RDP: serial port redirection (`device_name`).
        SerialRedirect = "serial redirect",
        /// RDP: parallel port redirection (`device_name`).
        ParallelRedirect = "parallel redirect",
        /// RDP: printer redirection (`device_name`).
        PrinterRedirect = "printer redirect",
        /// RDP: disk redirection (`device_name`).
        DiskRedirect = "disk redirect",
        /// RDP: smart card redirection (`device_name`).
        ScardRedirect = "scard redirect",
    }
}

text_enum! {
    /// The verdict of a channel.
    ChannelVerdict, ChannelVerdictKind {
        /// Allowed.
        Accept = "accept" | "accepted",
        /// Denied.
        Deny = "deny" | "denied",
        /// Four-eyes authorization waits for a remote username.
        FourEyesDeferred = "four-eyes-deferred",
        /// Internal error during four-eyes authorization.
        FourEyesError = "four-eyes-error",
        /// Rejected by a four-eyes authorizer.
        FourEyesReject = "four-eyes-reject",
        /// Four-eyes authorization timed out.
        FourEyesTimeout = "four-eyes-timeout",
    }
}

/// An item of the channel list: `{"key", "meta", "body": Channel}`.
pub type ChannelItem = Single<Channel>;

/// A channel of a session. Port-forwarding peers come as flat dotted keys
/// (`"originator.address": "::1"`), kept as such.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct Channel {
    /// True while the channel is open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// ICA: the application of a seamless connection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application: Option<String>,
    /// The channel's audit stream id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_stream_id: Option<String>,
    /// The channel's unique id (documented as a number; text accepted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_id: Option<StrOrInt>,
    /// Telnet/VNC: the client's certificate subject.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_x509_subject: Option<String>,
    /// SSH `session exec`: the command.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
    /// Port forwarding: target address (as in the reference's examples).
    #[serde(
        rename = "connected.address",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub connected_address: Option<String>,
    /// Port forwarding: target IP.
    #[serde(
        rename = "connected.ip",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub connected_ip: Option<String>,
    /// Port forwarding: target host name.
    #[serde(
        rename = "connected.name",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub connected_name: Option<String>,
    /// Port forwarding: target port.
    #[serde(
        rename = "connected.port",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub connected_port: Option<u16>,
    /// RDP redirections: the device name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_name: Option<String>,
    /// Duration in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<i64>,
    /// RDP `dynamic virtual`: the channel's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dynamic_channel: Option<String>,
    /// End (UNIX seconds in the examples, ISO in the table); `null` while open.
    #[cfg_attr(feature = "ts", ts(as = "Option<Timestamp>", optional = nullable))]
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub end_time: Nullable<Timestamp>,
    /// Four-eyes: who authorized.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub four_eyes_authorizer: Option<String>,
    /// Four-eyes: the authorizer's description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub four_eyes_description: Option<String>,
    /// Port forwarding: source address (as in the reference's examples).
    #[serde(
        rename = "originator.address",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub originator_address: Option<String>,
    /// Port forwarding: source IP.
    #[serde(
        rename = "originator.ip",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub originator_ip: Option<String>,
    /// Port forwarding: source host name.
    #[serde(
        rename = "originator.name",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub originator_name: Option<String>,
    /// Port forwarding: source port.
    #[serde(
        rename = "originator.port",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub originator_port: Option<u16>,
    /// The line of the channel policy that applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_num: Option<StrOrInt>,
    /// SSH `session exec scp`: the folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scp_path: Option<String>,
    /// Start (UNIX seconds in the examples, ISO in the table).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<Timestamp>,
    /// SSH `session subsystem sftp`: the subsystem's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subsystem_name: Option<String>,
    /// The channel type.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub channel_type: Option<ChannelType>,
    /// The channel verdict.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<ChannelVerdict>,
}

impl Channel {
    /// The end time, if the channel has closed and SPS sent it.
    pub fn end_time(&self) -> Option<&Timestamp> {
        self.end_time.get()
    }

    /// Source address of forwarded traffic (`originator.ip`, else `.address`).
    pub fn originator(&self) -> Option<&str> {
        self.originator_ip
            .as_deref()
            .or(self.originator_address.as_deref())
    }

    /// Target address of forwarded traffic (`connected.ip`, else `.address`).
    pub fn connected(&self) -> Option<&str> {
        self.connected_ip
            .as_deref()
            .or(self.connected_address.as_deref())
    }
}
