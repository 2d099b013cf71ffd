#include "CInt8Kernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define ZL_X86 1
#endif

void zl_int8_product_portable(const uint8_t *v, size_t ldv, const int8_t *w, const float *scale,
                              const int32_t *zero, float *m, size_t ldm, int tiles, int cin4, int cout) {
  const int panels = (cout + 15) / 16;
  for (int t = 0; t < tiles; t++) {
    const uint8_t *row = v + (size_t)t * ldv;
    for (int q = 0; q < panels; q++) {
      const int8_t *panel = w + (size_t)q * cin4 * 16;
      int32_t acc[16] = {0};
      for (int c = 0; c < cin4; c += 4) {
        const int8_t *block = panel + (size_t)(c / 4) * 64;
        for (int j = 0; j < 16; j++) {
          for (int i = 0; i < 4; i++) acc[j] += (int32_t)row[c + i] * (int32_t)block[j * 4 + i];
        }
      }
      for (int j = 0; j < 16 && q * 16 + j < cout; j++) {
        const int col = q * 16 + j;
        m[(size_t)t * ldm + col] = scale[col] * (float)(acc[j] - zero[col]);
      }
    }
  }
}

#ifdef ZL_X86
int zl_int8_has_avx2(void) { return __builtin_cpu_supports("avx2") ? 1 : 0; }

#include <string.h>

static inline int32_t zl_load4(const uint8_t *p) {
  int32_t x;
  memcpy(&x, p, 4);
  return x;
}

/// The products of 4 bytes of one row with a 16-column block: two vectors of 8 int32.
#define ZL_STEP(ROW, C0, C1)                                                                   \
  {                                                                                            \
    const __m256i x = _mm256_set1_epi32(zl_load4((ROW) + c));                       \
    C0 = _mm256_add_epi32(C0, _mm256_madd_epi16(_mm256_maddubs_epi16(x, b0), ones));          \
    C1 = _mm256_add_epi32(C1, _mm256_madd_epi16(_mm256_maddubs_epi16(x, b1), ones));          \
  }

__attribute__((target("avx2"))) static inline void zl_store(__m256i acc, const float *scale, const int32_t *zero,
                                                             float *out, int count) {
  if (count >= 8) {
    const __m256i z = _mm256_loadu_si256((const __m256i *)zero);
    const __m256 s = _mm256_loadu_ps(scale);
    _mm256_storeu_ps(out, _mm256_mul_ps(s, _mm256_cvtepi32_ps(_mm256_sub_epi32(acc, z))));
    return;
  }
  int32_t lanes[8];
  _mm256_storeu_si256((__m256i *)lanes, acc);
  for (int j = 0; j < count; j++) out[j] = scale[j] * (float)(lanes[j] - zero[j]);
}

/// Four rows by 16 columns per block: 8 accumulators, 2 weight vectors and a broadcast in
/// AVX2's 16 registers. Each step multiplies 4 input bytes by 4 weight bytes per column
/// (`vpmaddubsw` pairs them into int16, `vpmaddwd` with ones sums the pairs into int32).
__attribute__((target("avx2"))) void zl_int8_product_avx2(const uint8_t *v, size_t ldv, const int8_t *w,
                                                          const float *scale, const int32_t *zero, float *m,
                                                          size_t ldm, int tiles, int cin4, int cout) {
  const __m256i ones = _mm256_set1_epi16(1);
  const int panels = (cout + 15) / 16;
  for (int t = 0; t < tiles; t += 4) {
    const int rows = tiles - t < 4 ? tiles - t : 4;
    const uint8_t *a0 = v + (size_t)t * ldv;
    const uint8_t *a1 = rows > 1 ? a0 + ldv : a0, *a2 = rows > 2 ? a0 + 2 * ldv : a0;
    const uint8_t *a3 = rows > 3 ? a0 + 3 * ldv : a0;
    for (int q = 0; q < panels; q++) {
      const int8_t *p = w + (size_t)q * cin4 * 16;
      __m256i c00 = _mm256_setzero_si256(), c01 = c00, c10 = c00, c11 = c00;
      __m256i c20 = c00, c21 = c00, c30 = c00, c31 = c00;
      for (int c = 0; c < cin4; c += 4) {
        const __m256i b0 = _mm256_loadu_si256((const __m256i *)p), b1 = _mm256_loadu_si256((const __m256i *)(p + 32));
        p += 64;
        ZL_STEP(a0, c00, c01)
        ZL_STEP(a1, c10, c11)
        ZL_STEP(a2, c20, c21)
        ZL_STEP(a3, c30, c31)
      }
      const int col = q * 16, width = cout - col < 16 ? cout - col : 16;
      const __m256i acc[8] = {c00, c01, c10, c11, c20, c21, c30, c31};
      for (int r = 0; r < rows; r++) {
        float *out = m + (size_t)(t + r) * ldm + col;
        zl_store(acc[2 * r], scale + col, zero + col, out, width);
        if (width > 8) zl_store(acc[2 * r + 1], scale + col + 8, zero + col + 8, out + 8, width - 8);
      }
    }
  }
}

void zl_int8_product(const uint8_t *v, size_t ldv, const int8_t *w, const float *scale, const int32_t *zero,
                     float *m, size_t ldm, int tiles, int cin4, int cout) {
  if (__builtin_cpu_supports("avx2")) {
    zl_int8_product_avx2(v, ldv, w, scale, zero, m, ldm, tiles, cin4, cout);
  } else {
    zl_int8_product_portable(v, ldv, w, scale, zero, m, ldm, tiles, cin4, cout);
  }
}
#else
int zl_int8_has_avx2(void) { return 0; }

void zl_int8_product_avx2(const uint8_t *v, size_t ldv, const int8_t *w, const float *scale, const int32_t *zero,
                          float *m, size_t ldm, int tiles, int cin4, int cout) {
  zl_int8_product_portable(v, ldv, w, scale, zero, m, ldm, tiles, cin4, cout);
}

void zl_int8_product(const uint8_t *v, size_t ldv, const int8_t *w, const float *scale, const int32_t *zero,
                     float *m, size_t ldm, int tiles, int cin4, int cout) {
  zl_int8_product_portable(v, ldv, w, scale, zero, m, ldm, tiles, cin4, cout);
}
#endif
