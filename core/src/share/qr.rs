//! QR codes as SVG (for links and the offline crisis card). SVG keeps the
//! dependency small (no image crate) and prints sharply at any size.

use qrcode::{render::svg, EcLevel, QrCode};

use super::ShareError;

/// An SVG QR code of `data` (error correction M: survives a smudge or a
/// fold). `TooLarge` when it does not fit in the largest QR code.
pub fn svg(data: &[u8]) -> Result<String, ShareError> {
    let code =
        QrCode::with_error_correction_level(data, EcLevel::M).map_err(|_| ShareError::TooLarge)?;
    Ok(code
        .render::<svg::Color<'_>>()
        .min_dimensions(256, 256)
        .quiet_zone(true)
        .build())
}
