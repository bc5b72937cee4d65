//! Four 32-bit lanes of a Salsa20 state, the unit the mixing works on: SSE2 registers on
//! x86-64, plain arrays elsewhere (where the compiler vectorises what it can).

/// Lane-wise operations on four `u32`s.
pub(crate) trait Row: Copy {
    fn from_words(words: [u32; 4]) -> Self;
    fn to_words(self) -> [u32; 4];
    /// The first lane (Salsa20 word 0 in the layout used here).
    fn first(self) -> u32;
    fn add(self, other: Self) -> Self;
    fn xor(self, other: Self) -> Self;
    /// `self ^ t.rotate_left(L)`, with `R = 32 - L` (stable Rust cannot compute it).
    fn xor_rotl<const L: i32, const R: i32>(self, t: Self) -> Self;
    /// The lanes moved `S` places towards lane 0, wrapping: lane `i` = old lane `i + S`.
    fn lanes_1(self) -> Self;
    fn lanes_2(self) -> Self;
    fn lanes_3(self) -> Self;
}

impl Row for [u32; 4] {
    #[inline(always)]
    fn from_words(words: [u32; 4]) -> Self {
        words
    }
    #[inline(always)]
    fn to_words(self) -> [u32; 4] {
        self
    }
    #[inline(always)]
    fn first(self) -> u32 {
        self[0]
    }
    #[inline(always)]
    fn add(self, other: Self) -> Self {
        [0, 1, 2, 3].map(|i| self[i].wrapping_add(other[i]))
    }
    #[inline(always)]
    fn xor(self, other: Self) -> Self {
        [0, 1, 2, 3].map(|i| self[i] ^ other[i])
    }
    #[inline(always)]
    fn xor_rotl<const L: i32, const R: i32>(self, t: Self) -> Self {
        [0, 1, 2, 3].map(|i| self[i] ^ t[i].rotate_left(L as u32))
    }
    #[inline(always)]
    fn lanes_1(self) -> Self {
        [self[1], self[2], self[3], self[0]]
    }
    #[inline(always)]
    fn lanes_2(self) -> Self {
        [self[2], self[3], self[0], self[1]]
    }
    #[inline(always)]
    fn lanes_3(self) -> Self {
        [self[3], self[0], self[1], self[2]]
    }
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
mod sse2 {
    use safe_arch::{
        add_i32_m128i, bitxor_m128i, get_i32_from_m128i_s, m128i, shl_imm_u32_m128i,
        shr_imm_u32_m128i, shuffle_ai_f32_all_m128i,
    };

    impl super::Row for m128i {
        #[inline(always)]
        fn from_words(words: [u32; 4]) -> Self {
            m128i::from(words)
        }
        #[inline(always)]
        fn to_words(self) -> [u32; 4] {
            self.into()
        }
        #[inline(always)]
        fn first(self) -> u32 {
            get_i32_from_m128i_s(self) as u32
        }
        #[inline(always)]
        fn add(self, other: Self) -> Self {
            add_i32_m128i(self, other)
        }
        #[inline(always)]
        fn xor(self, other: Self) -> Self {
            bitxor_m128i(self, other)
        }
        #[inline(always)]
        fn xor_rotl<const L: i32, const R: i32>(self, t: Self) -> Self {
            // SSE2 has no rotate: two shifts, each folded in by its own xor.
            bitxor_m128i(
                bitxor_m128i(self, shl_imm_u32_m128i::<L>(t)),
                shr_imm_u32_m128i::<R>(t),
            )
        }
        #[inline(always)]
        fn lanes_1(self) -> Self {
            shuffle_ai_f32_all_m128i::<0x39>(self)
        }
        #[inline(always)]
        fn lanes_2(self) -> Self {
            shuffle_ai_f32_all_m128i::<0x4E>(self)
        }
        #[inline(always)]
        fn lanes_3(self) -> Self {
            shuffle_ai_f32_all_m128i::<0x93>(self)
        }
    }
}

/// The fastest [`Row`] this build has.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
pub(crate) type NativeRow = safe_arch::m128i;
#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
pub(crate) type NativeRow = [u32; 4];
