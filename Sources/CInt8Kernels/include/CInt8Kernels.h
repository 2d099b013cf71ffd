#ifndef ZEROLAB_CINT8KERNELS_H
#define ZEROLAB_CINT8KERNELS_H

#include <stddef.h>
#include <stdint.h>

/// The int8 products of one Winograd point, for the quantized inference path:
///
///     m[t][j] = scale[j] · (Σ_c v[t][c] · w[c][j] − zero[j])
///
/// for `tiles` rows `t` and `cout` columns `j`. `v` holds unsigned bytes (the quantized input
/// plus 128), `cin4` of them per row (the input channels rounded up to a multiple of 4; the
/// weights past the real channels are 0), rows `ldv` bytes apart. `w` is packed in panels of
/// 16 columns: `[⌈cout/16⌉][cin4/4][16][4]` signed bytes in [−63, 63], so that two products
/// of a byte pair never leave int16 (2 · 255 · 63 < 2¹⁵). `scale` and `zero` have one entry per
/// column (`zero[j] = 128 · Σ_c w[c][j]` removes the offset of `v`). `m` is float, rows `ldm`
/// floats apart.
///
/// `zl_int8_product` picks the AVX2 kernel (`vpmaddubsw`, `vpmaddwd`) when the CPU has AVX2
/// (checked at run time, whatever the build targets) and the portable loop otherwise; both
/// give the same integers.
void zl_int8_product(const uint8_t *v, size_t ldv, const int8_t *w, const float *scale, const int32_t *zero,
                     float *m, size_t ldm, int tiles, int cin4, int cout);

/// The portable loop (for tests: it must equal the AVX2 kernel).
void zl_int8_product_portable(const uint8_t *v, size_t ldv, const int8_t *w, const float *scale,
                              const int32_t *zero, float *m, size_t ldm, int tiles, int cin4, int cout);

/// The AVX2 kernel; only on a CPU with AVX2 (`zl_int8_has_avx2`).
void zl_int8_product_avx2(const uint8_t *v, size_t ldv, const int8_t *w, const float *scale, const int32_t *zero,
                          float *m, size_t ldm, int tiles, int cin4, int cout);

/// Whether this CPU has AVX2 (1) or not (0).
int zl_int8_has_avx2(void);

#endif
