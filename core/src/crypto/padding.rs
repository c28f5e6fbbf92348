//! Length hiding: plaintext is padded to a size bucket before sealing, so the
//! stored size tells only roughly how long an entry is.
//!
//! Layout: `len (u32 LE) | data | zeros`. Buckets: 256 bytes at least; up
//! to 64 KiB, four per doubling (multiples of an eighth of the next power of
//! two: 256, 320, 384, 448, 512, 640, ... 4096, 5120, ...), so padding adds
//! under 25% (about 10% on typical entries, against about 40% for plain
//! powers of two) while a stored size still tells only the length to within
//! a quarter of an octave; above 64 KiB, whole multiples of 64 KiB.
//!
//! Only the bucket chosen when writing changed (earlier builds padded to
//! powers of two); `unpad` reads the length prefix, so data padded either
//! way opens.

use crate::error::Internal;

const MIN_BUCKET: usize = 256;
const LARGE_STEP: usize = 64 * 1024;

fn bucket(n: usize) -> usize {
    if n <= MIN_BUCKET {
        MIN_BUCKET
    } else if n <= LARGE_STEP {
        let step = n.next_power_of_two() / 8;
        n.div_ceil(step) * step
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
    fn buckets_are_four_per_doubling_up_to_64_kib() {
        let expect = [
            (0, 256),
            (256, 256),
            (257, 320),
            (320, 320),
            (321, 384),
            (449, 512),
            (513, 640),
            (1000, 1024),
            (1025, 1280),
            (3000, 3072),
            (4097, 5120),
            (40_000, 40_960),
            (65_536, 65_536),
            (65_537, 131_072),
            (200_000, 262_144),
        ];
        for (n, b) in expect {
            assert_eq!(bucket(n), b, "bucket({n})");
        }
        // Every size in range: at least the input, under 25% more (or the
        // 256-byte floor), and the buckets never go down as n grows.
        let mut last = 0;
        for n in 0..=LARGE_STEP {
            let b = bucket(n);
            assert!(b >= n && b >= last, "bucket({n}) = {b}");
            assert!(b <= MIN_BUCKET || b * 4 < n * 5, "bucket({n}) = {b}");
            last = b;
        }
    }

    /// What earlier builds wrote (power-of-two buckets) still unpads.
    #[test]
    fn power_of_two_padding_from_earlier_builds_unpads() {
        for n in [0usize, 5, 300, 3000] {
            let data = vec![3u8; n];
            let mut old = (n as u32).to_le_bytes().to_vec();
            old.extend_from_slice(&data);
            old.resize((n + 4).max(MIN_BUCKET).next_power_of_two(), 0);
            assert_eq!(unpad(old).unwrap(), data);
        }
    }

    #[test]
    fn bad_length_prefix_is_an_error() {
        assert!(unpad(vec![0xff, 0xff, 0, 0, 1]).is_err());
        assert!(unpad(vec![1, 0]).is_err());
    }
}
