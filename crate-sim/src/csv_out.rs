//! `format=csv` of the sessions list, written by sps-core's exporter in its
//! SPS-compatible mode ([`CsvOptions::sps_compatible`]): every cell quoted,
//! `\r\n`, header `Key` then the catalogue's titles, one row per value of a
//! multi-valued field, values as sent. Each session is given to the exporter as
//! sps-core's `Session` model, so timestamps keep the text the JSON shows.

use sps_core::export::session_columns;
use sps_core::{CsvExporter, CsvOptions, SessionExporter as _};

use crate::store::SessionRef;

/// Renders `sessions` (in order) for the `fields=` selection (`*` = every
/// showable field; none = the `Key` column only).
pub fn render<'a>(
    public_base: &str,
    fields: &[String],
    sessions: impl Iterator<Item = SessionRef<'a>>,
) -> Result<Vec<u8>, sps_core::Error> {
    let mut options = CsvOptions::sps_compatible(session_columns(fields)?);
    options.public_base = public_base.to_owned();
    let mut exporter = CsvExporter::new(Vec::new(), options)?;
    for s in sessions {
        exporter.write_record(s.key(), s.model().as_ref())?;
    }
    exporter.finish()
}
