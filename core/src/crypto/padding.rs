//! Length hiding: plaintext is padded to a size bucket before sealing, so the
//! stored size tells only roughly how long an entry is.
//!
//! Layout: `len (u32 LE) | data | zeros`. Buckets are powers of two from
//! 256 bytes to 64 KiB, then whole multiples of 64 KiB.

use crate::error::Internal;

const MIN_BUCKET: usize = 256;
const LARGE_STEP: usize = 64 * 1024;

fn bucket(n: usize) -> usize {
    if n <= LARGE_STEP {
        n.max(MIN_BUCKET).next_power_of_two()
    } else {
        n.div_ceil(LARGE_STEP) * LARGE_STEP
    }
}

/// Pads `data` into a new buffer whose length is a bucket size.
pub fn pad(data: &[u8]) -> Result<Vec<u8>, Internal> {
    let len = u32::try_from(data.len()).map_err(|_| Internal::TooLarge)?;
    let total = bucket(data.len() + 4);
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(data);
    out.resize(total, 0);
    Ok(out)
}

/// Strips padding. The buffer was authenticated already, so a bad length
/// here means a bug or a forged key, reported as corruption, never a panic.
pub fn unpad(mut padded: Vec<u8>) -> Result<Vec<u8>, Internal> {
    if padded.len() < 4 {
        return Err(Internal::Unauthentic);
    }
    let len = u32::from_le_bytes([padded[0], padded[1], padded[2], padded[3]]) as usize;
    if len > padded.len() - 4 {
        return Err(Internal::Unauthentic);
    }
    padded.copy_within(4..4 + len, 0);
    padded.truncate(len);
    Ok(padded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pads_to_buckets_and_round_trips() {
        for n in [0usize, 1, 200, 252, 253, 1000, 70_000, 1 << 20] {
            let data = vec![7u8; n];
            let p = pad(&data).unwrap();
            assert_eq!(p.len(), bucket(n + 4));
            assert_eq!(unpad(p).unwrap(), data);
        }
        assert_eq!(pad(b"a").unwrap().len(), pad(&[1u8; 200]).unwrap().len());
    }

    #[test]
    fn bad_length_prefix_is_an_error() {
        assert!(unpad(vec![0xff, 0xff, 0, 0, 1]).is_err());
        assert!(unpad(vec![1, 0]).is_err());
    }
}
