//! Where a JSON string's plain text stops: at the first `"`, `\` or control byte (which JSON
//! forbids inside a string) of a slice, sixteen bytes at a time.
//!
//! Why by hand and not `memchr2`: most strings of an audit event are a few dozen bytes, and
//! memchr's set-up before its vector loop cost more than the search, a visible share of the
//! native ingest in a profile (figures: BENCHMARKS.md, "Ingest throughput (SPEC §8)"). One SSE2
//! or simd128 compare per sixteen bytes, inlined, has none.

/// The index of the first `"`, `\` or byte below 0x20 in `bytes`.
#[inline]
pub(super) fn string_stop(bytes: &[u8]) -> Option<usize> {
    let mut start = 0;
    while start + 16 <= bytes.len() {
        let mask = chunk_mask(&bytes[start..start + 16]);
        if mask != 0 {
            return Some(start + mask.trailing_zeros() as usize);
        }
        start += 16;
    }
    bytes[start..]
        .iter()
        .position(|&byte| is_stop(byte))
        .map(|offset| start + offset)
}

fn is_stop(byte: u8) -> bool {
    byte == b'"' || byte == b'\\' || byte < 0x20
}

/// One bit per byte of a 16-byte chunk that stops a string.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline]
fn chunk_mask(chunk: &[u8]) -> u32 {
    use core::arch::wasm32::{
        u8x16_bitmask, u8x16_eq, u8x16_lt, u8x16_splat, v128, v128_load, v128_or,
    };
    assert_eq!(chunk.len(), 16);
    // SAFETY: the chunk holds 16 readable bytes, and a wasm load needs no alignment.
    let bytes = unsafe { v128_load(chunk.as_ptr().cast::<v128>()) };
    let quotes = u8x16_eq(bytes, u8x16_splat(b'"'));
    let backslashes = u8x16_eq(bytes, u8x16_splat(b'\\'));
    let controls = u8x16_lt(bytes, u8x16_splat(0x20));
    u32::from(u8x16_bitmask(v128_or(
        v128_or(quotes, backslashes),
        controls,
    )))
}

#[cfg(target_arch = "x86_64")]
#[inline]
fn chunk_mask(chunk: &[u8]) -> u32 {
    use core::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
        _mm_setzero_si128, _mm_subs_epu8,
    };
    assert_eq!(chunk.len(), 16);
    // SAFETY: SSE2 is part of x86_64; the chunk holds 16 readable bytes and the load is the
    // unaligned one.
    unsafe {
        let bytes = _mm_loadu_si128(chunk.as_ptr().cast::<__m128i>());
        let quotes = _mm_cmpeq_epi8(bytes, _mm_set1_epi8(b'"' as i8));
        let backslashes = _mm_cmpeq_epi8(bytes, _mm_set1_epi8(b'\\' as i8));
        // SSE2 has no unsigned less-than: a byte is below 0x20 when taking 0x1F saturates it to 0.
        let controls = _mm_cmpeq_epi8(
            _mm_subs_epu8(bytes, _mm_set1_epi8(0x1F)),
            _mm_setzero_si128(),
        );
        _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quotes, backslashes), controls)) as u32
    }
}

/// Elsewhere, a byte at a time, which the compiler may vectorise.
#[cfg(not(any(
    all(target_arch = "wasm32", target_feature = "simd128"),
    target_arch = "x86_64"
)))]
#[inline]
fn chunk_mask(chunk: &[u8]) -> u32 {
    let mut mask = 0;
    for (index, &byte) in chunk.iter().enumerate() {
        mask |= u32::from(is_stop(byte)) << index;
    }
    mask
}

#[cfg(test)]
mod tests {
    use super::string_stop;

    #[test]
    fn finds_the_first_stop_at_every_offset() {
        for length in 0..70 {
            for at in 0..length {
                for special in [b'"', b'\\', 0, b'\t', 0x1F] {
                    let mut bytes = vec![b'a'; length];
                    bytes[at] = special;
                    if at + 3 < length {
                        bytes[at + 3] = b'"';
                    }
                    assert_eq!(string_stop(&bytes), Some(at), "{length} {at}");
                }
            }
            assert_eq!(string_stop(&vec![b' '; length]), None);
        }
        // Bytes with the high bit set, and 0x20 and 0x7F, are plain text.
        assert_eq!(string_stop("ééééééééé\"".as_bytes()), Some(18));
        assert_eq!(
            string_stop(b" \x7F\x80\xFF ~ \x7F\x80\xFF ~ \x7F\x80\xFF\x1F"),
            Some(16)
        );
    }
}
