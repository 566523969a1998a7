//! Reads the format, pixel size and EXIF orientation from the first bytes of
//! an image file, without decoding it.
//!
//! The browser decodes straight to the analysis size, so the photo's own size
//! (needed for the resolution check and the downscale decision) comes from
//! the header instead of a second, full-size decode. JPEG, PNG and WebP are
//! parsed; other formats are only recognised by their magic bytes.

/// An image (or not-an-image) format recognised by its magic bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageFormat {
    /// JPEG (`FF D8 FF`).
    Jpeg,
    /// PNG.
    Png,
    /// WebP (`RIFF….WEBP`).
    Webp,
    /// GIF.
    Gif,
    /// Windows bitmap.
    Bmp,
    /// TIFF (decoded by Safari only).
    Tiff,
    /// HEIF/HEIC, the iPhone default (decoded by Safari only).
    Heif,
    /// AVIF.
    Avif,
    /// PDF (a document, not a photo).
    Pdf,
    /// Anything else.
    Unknown,
}

impl ImageFormat {
    /// Recognises the format from the first bytes of a file.
    pub fn sniff(bytes: &[u8]) -> ImageFormat {
        let starts = |magic: &[u8]| bytes.starts_with(magic);
        if starts(&[0xFF, 0xD8, 0xFF]) {
            ImageFormat::Jpeg
        } else if starts(b"\x89PNG\r\n\x1a\n") {
            ImageFormat::Png
        } else if starts(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
            ImageFormat::Webp
        } else if starts(b"GIF87a") || starts(b"GIF89a") {
            ImageFormat::Gif
        } else if starts(b"BM") {
            ImageFormat::Bmp
        } else if starts(b"II*\0") || starts(b"MM\0*") {
            ImageFormat::Tiff
        } else if starts(b"%PDF") {
            ImageFormat::Pdf
        } else if bytes.get(4..8) == Some(b"ftyp") {
            iso_brand(bytes)
        } else {
            ImageFormat::Unknown
        }
    }

    /// Short name for messages and logs (`"jpeg"`, `"heif"`, …).
    pub fn name(self) -> &'static str {
        match self {
            ImageFormat::Jpeg => "jpeg",
            ImageFormat::Png => "png",
            ImageFormat::Webp => "webp",
            ImageFormat::Gif => "gif",
            ImageFormat::Bmp => "bmp",
            ImageFormat::Tiff => "tiff",
            ImageFormat::Heif => "heif",
            ImageFormat::Avif => "avif",
            ImageFormat::Pdf => "pdf",
            ImageFormat::Unknown => "unknown",
        }
    }

    /// Whether every current browser decodes this format. When one of these
    /// fails to decode, the file is damaged (`unreadable`); when another
    /// format fails, the browser lacks support (`unsupported_format`).
    pub fn decodes_everywhere(self) -> bool {
        matches!(
            self,
            ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::Webp | ImageFormat::Gif | ImageFormat::Bmp
        )
    }
}

/// Format, stored size and EXIF orientation of an image file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImageHeader {
    /// The container format.
    pub format: ImageFormat,
    /// Stored width in pixels, before orientation.
    pub width: u32,
    /// Stored height in pixels, before orientation.
    pub height: u32,
    /// EXIF orientation, 1–8 (1 when absent or invalid).
    pub orientation: u8,
}

impl ImageHeader {
    /// Width and height as displayed: orientations 5–8 swap them.
    pub fn oriented_size(&self) -> (u32, u32) {
        if (5..=8).contains(&self.orientation) {
            (self.height, self.width)
        } else {
            (self.width, self.height)
        }
    }
}

/// Why the header gave no size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeaderError {
    /// The file has no bytes.
    Empty,
    /// The bytes end before the size: read more of the file and try again.
    NeedMore,
    /// A recognised format whose header is not parsed here (HEIF, GIF, …):
    /// only a decode tells the size.
    NotParsed(ImageFormat),
    /// The header is broken: the file is damaged.
    Malformed(ImageFormat),
}

/// Reads the format, stored size and orientation from the start of a file.
///
/// `bytes` may be a prefix of the file; [`HeaderError::NeedMore`] says the
/// prefix was too short (a JPEG with large metadata segments before the frame
/// header, for example).
pub fn parse_header(bytes: &[u8]) -> Result<ImageHeader, HeaderError> {
    if bytes.is_empty() {
        return Err(HeaderError::Empty);
    }
    match ImageFormat::sniff(bytes) {
        ImageFormat::Jpeg => jpeg(bytes),
        ImageFormat::Png => png(bytes),
        ImageFormat::Webp => webp(bytes),
        other if bytes.len() < 12 && other == ImageFormat::Unknown => Err(HeaderError::NeedMore),
        other => Err(HeaderError::NotParsed(other)),
    }
}

fn iso_brand(bytes: &[u8]) -> ImageFormat {
    // Major brand at 8..12, compatible brands after the minor version.
    let size = be32(bytes, 0).unwrap_or(0) as usize;
    let end = size.clamp(16, 64).min(bytes.len());
    // An AVIF brand anywhere wins over a HEIF one.
    let rank = |brand: &[u8]| match brand {
        b"avif" | b"avis" => 2,
        b"heic" | b"heix" | b"hevc" | b"hevx" | b"heim" | b"heis" | b"mif1" | b"msf1" => 1,
        _ => 0,
    };
    let mut best = rank(bytes.get(8..12).unwrap_or(&[]));
    for brand in bytes.get(16..end).unwrap_or(&[]).chunks_exact(4) {
        best = best.max(rank(brand));
    }
    [ImageFormat::Unknown, ImageFormat::Heif, ImageFormat::Avif][best]
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn le16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn le32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn jpeg(b: &[u8]) -> Result<ImageHeader, HeaderError> {
    let malformed = Err(HeaderError::Malformed(ImageFormat::Jpeg));
    let mut orientation = 1;
    let mut at = 2;
    loop {
        // Markers may be preceded by any number of 0xFF fill bytes.
        match b.get(at) {
            None => return Err(HeaderError::NeedMore),
            Some(0xFF) => {}
            Some(_) => return malformed,
        }
        while b.get(at) == Some(&0xFF) {
            at += 1;
        }
        let Some(&marker) = b.get(at) else {
            return Err(HeaderError::NeedMore);
        };
        at += 1;
        if marker == 0x01 || (0xD0..=0xD7).contains(&marker) {
            continue; // standalone markers
        }
        if marker == 0xD9 || marker == 0xDA {
            return malformed; // end of image or scan data before any frame header
        }
        let Some(len) = be16(b, at) else {
            return Err(HeaderError::NeedMore);
        };
        let len = usize::from(len);
        if len < 2 {
            return malformed;
        }
        let is_sof = (0xC0..=0xCF).contains(&marker) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_sof {
            let (Some(height), Some(width)) = (be16(b, at + 3), be16(b, at + 5)) else {
                return Err(HeaderError::NeedMore);
            };
            if width == 0 || height == 0 {
                return malformed;
            }
            return Ok(ImageHeader {
                format: ImageFormat::Jpeg,
                width: u32::from(width),
                height: u32::from(height),
                orientation,
            });
        }
        if marker == 0xE1 {
            let Some(segment) = b.get(at + 2..at + len) else {
                return Err(HeaderError::NeedMore);
            };
            if let Some(tiff) = segment.strip_prefix(b"Exif\0\0") {
                orientation = exif_orientation(tiff).unwrap_or(orientation);
            }
        }
        at += len;
    }
}

/// Orientation tag (0x0112) of IFD0 in a TIFF structure, if valid.
fn exif_orientation(tiff: &[u8]) -> Option<u8> {
    let little = match tiff.get(0..4)? {
        b"II*\0" => true,
        b"MM\0*" => false,
        _ => return None,
    };
    let u16_at = |at: usize| if little { le16(tiff, at) } else { be16(tiff, at) };
    let u32_at = |at: usize| if little { le32(tiff, at) } else { be32(tiff, at) };
    let ifd = u32_at(4)? as usize;
    let count = usize::from(u16_at(ifd)?);
    (0..count).find_map(|i| {
        let entry = ifd + 2 + 12 * i;
        if u16_at(entry)? != 0x0112 || u16_at(entry + 2)? != 3 {
            return None;
        }
        let value = u16_at(entry + 8)?;
        (1..=8).contains(&value).then_some(value as u8)
    })
}

fn png(b: &[u8]) -> Result<ImageHeader, HeaderError> {
    if b.len() < 24 {
        return Err(HeaderError::NeedMore);
    }
    if &b[12..16] != b"IHDR" {
        return Err(HeaderError::Malformed(ImageFormat::Png));
    }
    let (width, height) = (be32(b, 16).unwrap_or(0), be32(b, 20).unwrap_or(0));
    if width == 0 || height == 0 {
        return Err(HeaderError::Malformed(ImageFormat::Png));
    }
    Ok(ImageHeader { format: ImageFormat::Png, width, height, orientation: 1 })
}

fn webp(b: &[u8]) -> Result<ImageHeader, HeaderError> {
    let malformed = Err(HeaderError::Malformed(ImageFormat::Webp));
    let Some(data) = b.get(20..30) else {
        return Err(HeaderError::NeedMore);
    };
    let (width, height) = match &b[12..16] {
        b"VP8 " => {
            if data[3..6] != [0x9D, 0x01, 0x2A] {
                return malformed;
            }
            (u32::from(le16(data, 6).unwrap_or(0) & 0x3FFF), u32::from(le16(data, 8).unwrap_or(0) & 0x3FFF))
        }
        b"VP8L" => {
            if data[0] != 0x2F {
                return malformed;
            }
            let bits = le32(data, 1).unwrap_or(0);
            ((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
        }
        b"VP8X" => {
            let u24 = |at: usize| u32::from_le_bytes([data[at], data[at + 1], data[at + 2], 0]);
            (u24(4) + 1, u24(7) + 1)
        }
        _ => return malformed,
    };
    if width == 0 || height == 0 {
        return malformed;
    }
    Ok(ImageHeader { format: ImageFormat::Webp, width, height, orientation: 1 })
}
