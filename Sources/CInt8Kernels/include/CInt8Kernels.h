#ifndef ZEROLAB_CINT8KERNELS_H
#define ZEROLAB_CINT8KERNELS_H

#include <stddef.h>
#include <stdint.h>

/// The products of one Winograd point for the quantized inference path, int8 weights times
/// int16 inputs:
///
///     m[t][j] = scale[j] · Σ_c v[t][c] · w[c][j]
///
/// for `tiles` rows `t` and `cout` columns `j`. `v` holds int16 inputs with |v| ≤ 32767,
/// `cin2` of them per row (the input channels rounded up to even; the weights past the real
/// channels are 0), rows `ldv` elements apart. `w` is packed in panels of 16 columns:
/// `[⌈cout/16⌉][cin2/2][16][2]` signed bytes in [−127, 127]. The int32 sums cannot overflow
/// for `cin2 ≤ 512` (512 · 32767 · 127 < 2³¹). `scale` has one entry per column; `m` is float,
/// rows `ldm` floats apart.
///
/// `zl_int8_product` picks the AVX2 kernel (`vpmaddwd` on the weights widened to int16) when the
/// CPU has AVX2 (checked at run time, whatever the build targets) and the portable loop
/// otherwise; both give the same integers.
void zl_int8_product(const int16_t *v, size_t ldv, const int8_t *w, const float *scale, float *m, size_t ldm,
                     int tiles, int cin2, int cout);

/// The portable loop (for tests: it must equal the AVX2 kernel).
void zl_int8_product_portable(const int16_t *v, size_t ldv, const int8_t *w, const float *scale, float *m,
                              size_t ldm, int tiles, int cin2, int cout);

/// The AVX2 kernel; only on a CPU with AVX2 (`zl_int8_has_avx2`).
void zl_int8_product_avx2(const int16_t *v, size_t ldv, const int8_t *w, const float *scale, float *m,
                          size_t ldm, int tiles, int cin2, int cout);

/// Whether this CPU has AVX2 (1) or not (0).
int zl_int8_has_avx2(void);

#endif
