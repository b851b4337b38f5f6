//! Snapshot search (SPS 7.5+): `GET /api/audit/sessions/_snapshot` opens a
//! point-in-time view; pages are then fetched with `?snapshot=<id>` and the
//! same search parameters, following `meta.next`.
//!
//! As the notes say: a snapshot expires `ttl` after its last use (renewed by
//! each page), is tied to the caller's address and User-Agent, too many open
//! at once gives 429, an expired or unknown one 404. The page position travels
//! in `meta.next` as `search_after=<n>` (clients treat `next` as opaque).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::RngCore;

/// Why a snapshot cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnapshotError {
    /// Too many open (429).
    TooMany,
    /// Expired, unknown, or opened by another client (404).
    NotFound,
}

/// A snapshot's cached result: the search it was computed for and the order.
#[derive(Debug, Clone)]
pub struct Cached {
    /// The search parameters (q, content, start, end, sort) it answers.
    pub signature: String,
    /// Store positions in result order.
    pub order: Arc<Vec<u32>>,
}

#[derive(Debug)]
struct Snapshot {
    owner: String,
    last_used: Instant,
    cached: Option<Cached>,
}

/// Open snapshots.
#[derive(Debug)]
pub struct Snapshots {
    ttl: Duration,
    max_open: usize,
    open: Mutex<HashMap<String, Snapshot>>,
}

impl Snapshots {
    /// A registry with this lifetime and quota.
    pub fn new(ttl: Duration, max_open: usize) -> Self {
        Snapshots {
            ttl,
            max_open,
            open: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Snapshot>> {
        // Every update is a single map operation: a poisoned lock is still consistent.
        self.open.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn purge(&self, open: &mut HashMap<String, Snapshot>) {
        let ttl = self.ttl;
        open.retain(|_, s| s.last_used.elapsed() <= ttl);
    }

    /// Opens a snapshot for `owner` (address and User-Agent).
    pub fn create(&self, owner: String) -> Result<String, SnapshotError> {
        let mut open = self.lock();
        self.purge(&mut open);
        if open.len() >= self.max_open {
            return Err(SnapshotError::TooMany);
        }
        let mut bytes = [0u8; 16];
        rand::thread_rng().fill_bytes(&mut bytes);
        let id: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        open.insert(
            id.clone(),
            Snapshot {
                owner,
                last_used: Instant::now(),
                cached: None,
            },
        );
        Ok(id)
    }

    /// Uses a snapshot (renewing it); returns its cached result if it was
    /// computed for `signature`.
    pub fn touch(
        &self,
        id: &str,
        owner: &str,
        signature: &str,
    ) -> Result<Option<Cached>, SnapshotError> {
        let mut open = self.lock();
        self.purge(&mut open);
        let snap = open
            .get_mut(id)
            .filter(|s| s.owner == owner)
            .ok_or(SnapshotError::NotFound)?;
        snap.last_used = Instant::now();
        Ok(snap.cached.clone().filter(|c| c.signature == signature))
    }

    /// Stores the result computed for a snapshot.
    pub fn store(&self, id: &str, cached: Cached) {
        if let Some(s) = self.lock().get_mut(id) {
            s.cached = Some(cached);
        }
    }

    /// How many are open now.
    pub fn open_count(&self) -> usize {
        let mut open = self.lock();
        self.purge(&mut open);
        open.len()
    }
}
