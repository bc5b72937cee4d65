use super::*;

fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

/// Small deterministic pseudo-random bytes (xorshift), enough to vary inputs.
fn bytes<const N: usize>(seed: u64) -> [u8; N] {
    let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    std::array::from_fn(|_| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state as u8
    })
}

/// The general scrypt library, as the reference.
fn reference(header: &[u8; 80]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let params = ::scrypt::Params::new(10, 1, 1).unwrap();
    ::scrypt::scrypt(header, header, &params, &mut out).unwrap();
    out
}

/// RFC 7914 § 11, the first vector (P = "", S = "", N = 16, r = 1, p = 1, 64 bytes):
/// the only one with r = 1 and p = 1. Checked with both row implementations, so the
/// portable one is proven on machines that run the SIMD one.
#[test]
fn rfc_7914_vector_with_r_1_p_1() {
    let expected = unhex(concat!(
        "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442",
        "fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906"
    ));
    let mut out = [0u8; 64];
    scrypt_r1p1::<[u32; 4], 1>([&b""[..]], [&b""[..]], 4, [&mut out[..]], &mut Vec::new());
    assert_eq!(out.to_vec(), expected);
    let mut out = [0u8; 64];
    scrypt_r1p1::<NativeRow, 1>([&b""[..]], [&b""[..]], 4, [&mut out[..]], &mut Vec::new());
    assert_eq!(out.to_vec(), expected);
}

/// RFC 7914 § 11 quotes PBKDF2-HMAC-SHA256("passwd", "salt", c = 1, 64 bytes).
#[test]
fn pbkdf2_rfc_7914_vector() {
    let mut out = [0u8; 64];
    pbkdf2_hmac_sha256(b"passwd", b"salt", &mut out);
    assert_eq!(
        out.to_vec(),
        unhex(concat!(
            "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc",
            "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783"
        ))
    );
}

/// Litecoin's genesis header: its scrypt hash as OpenSSL's scrypt computes it.
#[test]
fn litecoin_genesis_scrypt_hash() {
    let header: [u8; 80] = unhex(concat!(
        "01000000",
        "0000000000000000000000000000000000000000000000000000000000000000",
        "d9ced4ed1130f7b7faad9be25323ffafa33232a17c3edf6cfd97bee6bafbdd97",
        "b9aa8e4ef0ff0f1ecd513f7c"
    ))
    .try_into()
    .unwrap();
    let mut hash = scrypt_1024_1_1(&header);
    hash.reverse();
    assert_eq!(
        hex::encode(hash),
        "0000050c34a64b415b6b15b37f2216634b5b1669cb9a2e38d76f7213b0671e00"
    );
}

/// Single, paired and portable paths agree with the general scrypt library on varied
/// headers, including a pair of equal headers.
#[test]
fn agrees_with_the_scrypt_library() {
    for seed in 0..24u64 {
        let a: [u8; 80] = bytes(seed);
        let b: [u8; 80] = if seed % 8 == 0 { a } else { bytes(seed + 1000) };
        let (ra, rb) = (reference(&a), reference(&b));
        assert_eq!(scrypt_1024_1_1(&a), ra, "seed {seed}");
        assert_eq!(scrypt_pair(&a, &b), [ra, rb], "seed {seed}");
        let mut out = [[0u8; 32]; 2];
        let [oa, ob] = &mut out;
        scrypt_r1p1::<[u32; 4], 2>(
            [&a[..], &b[..]],
            [&a[..], &b[..]],
            LOG_N,
            [&mut oa[..], &mut ob[..]],
            &mut Vec::new(),
        );
        assert_eq!(out, [ra, rb], "portable, seed {seed}");
    }
}

/// Other parameters than Litecoin's, longer inputs and outputs (several PBKDF2 blocks).
#[test]
fn other_lengths_and_n_agree_with_the_scrypt_library() {
    let password: [u8; 100] = bytes(7);
    let salt: [u8; 33] = bytes(8);
    for log_n in [1u8, 4, 8, 11] {
        let mut expected = [0u8; 72];
        let params = ::scrypt::Params::new(log_n, 1, 1).unwrap();
        ::scrypt::scrypt(&password, &salt, &params, &mut expected).unwrap();
        let mut out = [0u8; 72];
        scrypt_r1p1::<NativeRow, 1>(
            [&password[..]],
            [&salt[..]],
            log_n,
            [&mut out[..]],
            &mut Vec::new(),
        );
        assert_eq!(out, expected, "log_n {log_n}");
    }
}
