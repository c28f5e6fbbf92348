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

/// The padded length of `n` bytes of data (length prefix included).
pub fn padded_len(n: usize) -> usize {
    bucket(n.saturating_add(4))
}

/// Appends `data`, padded, to `out`.
pub fn pad_into(out: &mut Vec<u8>, data: &[u8]) -> Result<(), Internal> {
    let len = u32::try_from(data.len()).map_err(|_| Internal::TooLarge)?;
    let end = out.len() + padded_len(data.len());
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(data);
    out.resize(end, 0);
    Ok(())
}

/// Strips padding in place (the buffer keeps its allocation, so a wiping
/// wrapper around it stays in charge). The buffer was authenticated
/// already, so a bad length here means a bug or a forged key, reported as
/// corruption, never a panic.
pub fn unpad(padded: &mut Vec<u8>) -> Result<(), Internal> {
    let (start, len) = data_range(padded)?;
    padded.copy_within(start..start + len, 0);
    padded.truncate(len);
    Ok(())
}

/// [`unpad`] without moving anything: the data inside `padded`.
pub fn unpadded(padded: &[u8]) -> Result<&[u8], Internal> {
    let (start, len) = data_range(padded)?;
    Ok(&padded[start..start + len])
}

fn data_range(padded: &[u8]) -> Result<(usize, usize), Internal> {
    let Some((prefix, rest)) = padded.split_first_chunk::<4>() else {
        return Err(Internal::Unauthentic);
    };
    let len = u32::from_le_bytes(*prefix) as usize;
    if len > rest.len() {
        return Err(Internal::Unauthentic);
    }
    Ok((4, len))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pad(data: &[u8]) -> Result<Vec<u8>, Internal> {
        let mut out = Vec::new();
        pad_into(&mut out, data)?;
        Ok(out)
    }

    #[test]
    fn pads_to_buckets_and_round_trips() {
        for n in [0usize, 1, 200, 252, 253, 1000, 70_000, 1 << 20] {
            let data = vec![7u8; n];
            let p = pad(&data).unwrap();
            assert_eq!(p.len(), bucket(n + 4));
            assert_eq!(unpadded(&p).unwrap(), &data[..]);
            let mut p = p;
            unpad(&mut p).unwrap();
            assert_eq!(p, data);
        }
        assert_eq!(pad(b"a").unwrap().len(), pad(&[1u8; 200]).unwrap().len());
    }

    #[test]
    fn bad_length_prefix_is_an_error() {
        assert!(matches!(
            unpad(&mut vec![0xff, 0xff, 0, 0, 1]),
            Err(Internal::Unauthentic)
        ));
        assert!(matches!(unpad(&mut vec![1, 0]), Err(Internal::Unauthentic)));
        assert!(matches!(
            unpadded(&[2, 0, 0, 0, 1]),
            Err(Internal::Unauthentic)
        ));
        assert!(matches!(unpadded(&[]), Err(Internal::Unauthentic)));
    }
}
