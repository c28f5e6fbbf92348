//! What a device reports when the relay (or a device) misbehaves. Each
//! variant is one row of ADR 0015's detection table; the simulation test
//! checks each is raised where the ADR says.

use super::blob::BlobId;
use super::ids::DeviceId;

/// Evidence of misbehaviour, found while syncing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Alarm {
    /// The relay handed back bytes that are not the blob it named, or a
    /// blob that does not open under the space key.
    Tampered {
        /// The id the relay named.
        blob: BlobId,
    },
    /// A blob that opens (so written with the space key) holding an entry
    /// whose signature is not its device's.
    Forged {
        /// The device it claims.
        device: DeviceId,
        /// The position it claims.
        seq: u64,
    },
    /// An entry from a device that is not (or no longer) in the space.
    UnknownDevice {
        /// The device.
        device: DeviceId,
    },
    /// Two different signed histories of one device: its key was used
    /// twice for one position (a copied or rolled-back device, or a stolen
    /// key). Its later entries are refused until it is removed and paired
    /// again.
    Fork {
        /// The device.
        device: DeviceId,
        /// The first position where the histories differ.
        seq: u64,
    },
    /// The relay no longer lists a blob it acknowledged to this device or
    /// listed to it before (lost, or rolled back). The device uploads it
    /// again from its own copy.
    RelayLost {
        /// The blob.
        blob: BlobId,
    },
}
