//! A zip archive of stored (uncompressed) entries, written field by field. Every byte comes
//! from the entries themselves and the constants below (no clock, no file system, no host
//! attributes, no extra fields), so the same entries always give the same bytes. Storing
//! instead of deflating keeps compression code out of the worker and costs no CPU; a course's
//! pages are a few hundred kilobytes at most, which every LMS uploads without trouble. (The
//! `zip` crate with deflate would add about 110 KB to the worker; this whole module, pages and
//! script included, adds under 30 KB.)

/// One file of the archive, at its root or under a relative path.
pub(super) struct Entry {
    pub name: String,
    pub bytes: Vec<u8>,
}

const LOCAL_HEADER_SIGNATURE: u32 = 0x0403_4b50;
const CENTRAL_HEADER_SIGNATURE: u32 = 0x0201_4b50;
const END_OF_CENTRAL_DIRECTORY_SIGNATURE: u32 = 0x0605_4b50;
/// 1.0: stored entries need no newer reader.
const VERSION_NEEDED: u16 = 10;
/// 2.0 made on MS-DOS (high byte 0): the external attributes are then DOS attributes, left at
/// 0, so an extractor applies its own default permissions instead of ours.
const VERSION_MADE_BY: u16 = 20;
/// No flags: names are ASCII (no UTF-8 flag needed) and sizes are known up front (no data
/// descriptor).
const FLAGS: u16 = 0;
const METHOD_STORED: u16 = 0;
/// 00:00:00 on 1980-01-01 in MS-DOS form, the earliest time a zip can hold: no build time
/// leaks into the bytes.
const DOS_TIME: u16 = 0;
const DOS_DATE: u16 = (1 << 5) | 1;
/// Past these a zip needs the zip64 extension (the maximum values themselves are its markers),
/// which this writer does not emit.
const MAX_ENTRIES: u16 = u16::MAX - 1;
const MAX_SIZE: u32 = u32::MAX - 1;

/// The fields a local header and its central-directory twin share.
struct Header<'a> {
    name: &'a str,
    name_length: u16,
    crc: u32,
    size: u32,
}

/// The archive of `entries` in the order given. An error names what does not fit a plain
/// (non-zip64) archive or a name this writer does not accept.
pub(super) fn stored_zip(entries: &[Entry]) -> Result<Vec<u8>, String> {
    let count = u16::try_from(entries.len()).ok().filter(|&count| count <= MAX_ENTRIES);
    let Some(count) = count else {
        return Err(format!("a package holds at most {MAX_ENTRIES} files, not {}", entries.len()));
    };
    let mut out = Vec::new();
    let mut central = Vec::new();
    for entry in entries {
        let offset = fits_u32(out.len(), "the package")?;
        let header = Header { name: &entry.name, name_length: checked_name(&entry.name)?, crc: crc32(&entry.bytes), size: fits_u32(entry.bytes.len(), &entry.name)? };
        write_local_header(&mut out, &header);
        out.extend_from_slice(&entry.bytes);
        write_central_header(&mut central, &header, offset);
    }
    let central_offset = fits_u32(out.len(), "the package")?;
    let central_size = fits_u32(central.len(), "the package's directory")?;
    out.extend_from_slice(&central);
    write_end_of_central_directory(&mut out, count, central_size, central_offset);
    Ok(out)
}

/// The name's length, for relative ASCII paths only: an absolute path, `..`, a backslash or a
/// control character could land a file outside the folder it is extracted to, or read
/// differently on another system.
fn checked_name(name: &str) -> Result<u16, String> {
    let plain = !name.is_empty()
        && name.bytes().all(|b| b.is_ascii_graphic() && b != b'\\')
        && !name.starts_with('/')
        && name.split('/').all(|part| !part.is_empty() && part != "." && part != "..");
    let length = u16::try_from(name.len()).ok().filter(|_| plain);
    length.ok_or_else(|| format!("{name:?} is not a relative ASCII path"))
}

fn fits_u32(length: usize, what: &str) -> Result<u32, String> {
    u32::try_from(length).ok().filter(|&n| n <= MAX_SIZE).ok_or_else(|| format!("{what} is too large for a zip file"))
}

fn write_local_header(out: &mut Vec<u8>, header: &Header) {
    put_u32(out, LOCAL_HEADER_SIGNATURE);
    put_u16(out, VERSION_NEEDED);
    write_common_fields(out, header);
    put_u16(out, 0); // extra field length
    out.extend_from_slice(header.name.as_bytes());
}

fn write_central_header(out: &mut Vec<u8>, header: &Header, local_header_offset: u32) {
    put_u32(out, CENTRAL_HEADER_SIGNATURE);
    put_u16(out, VERSION_MADE_BY);
    put_u16(out, VERSION_NEEDED);
    write_common_fields(out, header);
    put_u16(out, 0); // extra field length
    put_u16(out, 0); // comment length
    put_u16(out, 0); // disk number
    put_u16(out, 0); // internal attributes
    put_u32(out, 0); // external attributes
    put_u32(out, local_header_offset);
    out.extend_from_slice(header.name.as_bytes());
}

/// Flags to name length: the same fields, in the same order, in both headers.
fn write_common_fields(out: &mut Vec<u8>, header: &Header) {
    put_u16(out, FLAGS);
    put_u16(out, METHOD_STORED);
    put_u16(out, DOS_TIME);
    put_u16(out, DOS_DATE);
    put_u32(out, header.crc);
    put_u32(out, header.size); // compressed: stored, so the same
    put_u32(out, header.size);
    put_u16(out, header.name_length);
}

fn write_end_of_central_directory(out: &mut Vec<u8>, count: u16, central_size: u32, central_offset: u32) {
    put_u32(out, END_OF_CENTRAL_DIRECTORY_SIGNATURE);
    put_u16(out, 0); // this disk
    put_u16(out, 0); // the disk the directory starts on
    put_u16(out, count); // entries on this disk
    put_u16(out, count); // entries in all
    put_u32(out, central_size);
    put_u32(out, central_offset);
    put_u16(out, 0); // comment length
}

/// CRC-32 as zip uses it (IEEE 802.3, reflected), a byte at a time from a 1 KiB table built at
/// compile time. Written here rather than taken from `crc32fast`, whose slice-by-16 tables add
/// about 16 KiB to the worker for speed a few hundred kilobytes of pages do not need.
fn crc32(bytes: &[u8]) -> u32 {
    !bytes.iter().fold(!0u32, |crc, &byte| CRC_TABLE[((crc ^ u32::from(byte)) & 0xFF) as usize] ^ (crc >> 8))
}

const CRC_TABLE: [u32; 256] = crc_table();

const fn crc_table() -> [u32; 256] {
    let mut table = [0u32; 256];
    let mut index = 0;
    while index < 256 {
        // The index is below 256: the cast keeps every bit.
        let mut crc = index as u32;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
            bit += 1;
        }
        table[index] = crc;
        index += 1;
    }
    table
}

fn put_u16(out: &mut Vec<u8>, value: u16) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn put_u32(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(&value.to_le_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn entry(name: &str, bytes: &[u8]) -> Entry {
        Entry { name: name.to_string(), bytes: bytes.to_vec() }
    }

    #[test]
    fn an_empty_archive_is_only_its_end_record() {
        let bytes = stored_zip(&[]).unwrap();
        assert_eq!(bytes, [0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn a_local_header_has_the_fixed_time_and_the_crc() {
        let bytes = stored_zip(&[entry("a.txt", b"hello")]).unwrap();
        let expected_header: Vec<u8> = [
            &[0x50, 0x4b, 0x03, 0x04][..],
            &[10, 0, 0, 0, 0, 0], // version needed, flags, stored
            &[0, 0, 0x21, 0],     // 00:00:00, 1980-01-01
            &0x3610_a686u32.to_le_bytes(), // CRC-32 of "hello"
            &[5, 0, 0, 0, 5, 0, 0, 0, 5, 0, 0, 0],
            b"a.txt",
            b"hello",
        ]
        .concat();
        assert_eq!(&bytes[..expected_header.len()], &expected_header[..]);
        assert_eq!(bytes.len(), 30 + 5 + 5 + 46 + 5 + 22);
    }

    #[test]
    fn crc32_matches_the_standard_check_values() {
        assert_eq!(crc32(b""), 0);
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b"The quick brown fox jumps over the lazy dog"), 0x414F_A339);
    }

    proptest! {
        #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn crc32_agrees_with_crc32fast(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            prop_assert_eq!(crc32(&bytes), crc32fast::hash(&bytes));
        }
    }

    #[test]
    fn names_must_stay_inside_the_folder() {
        for name in ["", "/etc/passwd", "../up.html", "a/../../b", "a\\b", "a//b", "é.html", "a b.html", "dir/"] {
            assert!(stored_zip(&[entry(name, b"")]).is_err(), "{name:?}");
        }
        assert!(stored_zip(&[entry("dir/page-01.html", b"")]).is_ok());
    }

    #[test]
    fn too_many_entries_are_refused() {
        let many: Vec<Entry> = (0..=usize::from(MAX_ENTRIES)).map(|i| entry(&format!("{i}"), b"")).collect();
        assert!(stored_zip(&many).unwrap_err().contains("at most"));
    }
}
