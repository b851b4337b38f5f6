//! Chunked output: [`ChunkSink`] hands an export on in chunks (the parts of a
//! browser `Blob`).

use std::io::{self, Write};

/// An [`io::Write`] that hands its bytes on in chunks of at least `chunk_size`
/// bytes (the last may be smaller), for outputs that want large pieces: the
/// parts of a browser `Blob`, a channel, a file.
///
/// [`Write::flush`] hands on whatever is buffered; the exporters' `finish`
/// flushes. Bytes still buffered when the sink is dropped are lost.
pub struct ChunkSink<F: FnMut(&[u8]) -> io::Result<()>> {
    buf: Vec<u8>,
    chunk_size: usize,
    sink: F,
}

impl<F: FnMut(&[u8]) -> io::Result<()>> ChunkSink<F> {
    /// Chunks of at least `chunk_size` bytes (at least 1) go to `sink`.
    pub fn new(chunk_size: usize, sink: F) -> Self {
        let chunk_size = chunk_size.max(1);
        ChunkSink {
            buf: Vec::with_capacity(chunk_size),
            chunk_size,
            sink,
        }
    }

    fn hand_on(&mut self) -> io::Result<()> {
        if !self.buf.is_empty() {
            (self.sink)(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }
}

impl<F: FnMut(&[u8]) -> io::Result<()>> std::fmt::Debug for ChunkSink<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChunkSink")
            .field("buffered", &self.buf.len())
            .field("chunk_size", &self.chunk_size)
            .finish_non_exhaustive()
    }
}

impl<F: FnMut(&[u8]) -> io::Result<()>> Write for ChunkSink<F> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= self.chunk_size {
            self.hand_on()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.hand_on()
    }
}
