//! JSON and NDJSON: [`JsonExporter`] (one array) and [`NdjsonExporter`] (one
//! object per line), both streaming.

use std::io::{self, Write};

use serde::Serialize;

use super::*;

use crate::error::Result;

/// How a JSON export is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum JsonFormat {
    /// One JSON array, one element per line.
    #[default]
    Array,
    /// NDJSON: one object per line, no enclosing array.
    Lines,
}

#[derive(Debug)]
pub(super) struct JsonStream<W: Write> {
    out: io::BufWriter<W>,
    format: JsonFormat,
    count: u64,
}

impl<W: Write> JsonStream<W> {
    pub(super) fn new(out: W, format: JsonFormat) -> Result<Self> {
        let mut out = io::BufWriter::with_capacity(64 * 1024, out);
        if format == JsonFormat::Array {
            out.write_all(b"[").map_err(io_error)?;
        }
        Ok(JsonStream {
            out,
            format,
            count: 0,
        })
    }

    pub(super) fn write<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        if self.format == JsonFormat::Array {
            let sep: &[u8] = if self.count == 0 { b"\n" } else { b",\n" };
            self.out.write_all(sep).map_err(io_error)?;
        }
        serde_json::to_writer(&mut self.out, value).map_err(json_error)?;
        if self.format == JsonFormat::Lines {
            self.out.write_all(b"\n").map_err(io_error)?;
        }
        self.count += 1;
        Ok(())
    }

    pub(super) fn flush(&mut self) -> Result<()> {
        self.out.flush().map_err(io_error)
    }

    pub(super) fn finish(mut self) -> Result<W> {
        if self.format == JsonFormat::Array {
            let end: &[u8] = if self.count == 0 { b"]\n" } else { b"\n]\n" };
            self.out.write_all(end).map_err(io_error)?;
        }
        self.out.into_inner().map_err(|e| io_error(e.into_error()))
    }
}

macro_rules! json_exporter {
    ($(#[$doc:meta])* $name:ident, $format:expr) => {
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $name<W: Write> {
            stream: JsonStream<W>,
        }

        impl<W: Write> $name<W> {
            /// Starts an export to `out` (buffered internally).
            pub fn new(out: W) -> Result<Self> {
                Ok($name {
                    stream: JsonStream::new(out, $format)?,
                })
            }
        }

        impl<W: Write> SessionExporter<W> for $name<W> {
            fn write_session<R: SessionRecord + ?Sized>(&mut self, session: &R) -> Result<()> {
                self.stream.write(&session.json_object())
            }

            fn sessions_written(&self) -> u64 {
                self.stream.count
            }

            fn flush(&mut self) -> Result<()> {
                self.stream.flush()
            }

            fn finish(self) -> Result<W> {
                self.stream.finish()
            }
        }
    };
}

json_exporter!(
    /// Writes sessions as one JSON array of `{key, body, meta}` objects (as SPS
    /// returns them), one per line, page by page. Call
    /// [`JsonExporter::finish`] to close the array.
    JsonExporter,
    JsonFormat::Array
);

json_exporter!(
    /// Writes sessions as NDJSON: one `{key, body, meta}` object per line,
    /// page by page. Suits large exports: each line parses on its own.
    NdjsonExporter,
    JsonFormat::Lines
);
