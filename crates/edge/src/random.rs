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
    domain::platform::ids::uuid_v4(bytes())
}

/// A new random id of any aggregate.
pub fn id<T>(from_random: fn([u8; 16]) -> T) -> T {
    from_random(bytes())
}
