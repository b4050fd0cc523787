//! Randomness from the runtime's CSPRNG (`crypto.getRandomValues`).

/// Fills an array with random bytes. The runtime's CSPRNG does not fail; if it ever did,
/// continuing with predictable bytes would be worse than stopping this request.
pub fn bytes<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    if let Err(error) = getrandom::getrandom(&mut out) {
        panic!("the runtime's random source failed: {error}");
    }
    out
}

/// A random (version 4) UUID in its canonical text form.
pub fn uuid_v4() -> String {
    let mut b = bytes::<16>();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|byte| format!("{byte:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}
