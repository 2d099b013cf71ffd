#include "CInt8Kernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define ZL_X86 1
#endif

void zl_int8_product_portable(const int16_t *v, size_t ldv, const int8_t *w, const float *scale, float *m,
                              size_t ldm, int tiles, int cin2, int cout) {
  const int panels = (cout + 15) / 16;
  for (int t = 0; t < tiles; t++) {
    const int16_t *row = v + (size_t)t * ldv;
    for (int q = 0; q < panels; q++) {
      const int8_t *panel = w + (size_t)q * cin2 * 16;
      int32_t acc[16] = {0};
      for (int c = 0; c < cin2; c += 2) {
        const int8_t *block = panel + (size_t)(c / 2) * 32;
        for (int j = 0; j < 16; j++) acc[j] += (int32_t)row[c] * block[j * 2] + (int32_t)row[c + 1] * block[j * 2 + 1];
      }
      for (int j = 0; j < 16 && q * 16 + j < cout; j++) {
        const int col = q * 16 + j;
        m[(size_t)t * ldm + col] = scale[col] * (float)acc[j];
      }
    }
  }
}

#ifdef ZL_X86
int zl_int8_has_avx2(void) { return __builtin_cpu_supports("avx2") ? 1 : 0; }

#include <string.h>

static inline int32_t zl_load2(const int16_t *p) {
  int32_t x;
  memcpy(&x, p, 4);
  return x;
}

/// The products of 2 inputs of one row with a 16-column block: two vectors of 8 int32
/// (`vpmaddwd` multiplies int16 pairs and sums each pair into int32).
#define ZL_STEP(ROW, C0, C1)                                              \
  {                                                                       \
    const __m256i x = _mm256_set1_epi32(zl_load2((ROW) + c));             \
    C0 = _mm256_add_epi32(C0, _mm256_madd_epi16(x, b0));                  \
    C1 = _mm256_add_epi32(C1, _mm256_madd_epi16(x, b1));                  \
  }

__attribute__((target("avx2"))) static inline void zl_store(__m256i acc, const float *scale, float *out, int count) {
  if (count >= 8) {
    _mm256_storeu_ps(out, _mm256_mul_ps(_mm256_loadu_ps(scale), _mm256_cvtepi32_ps(acc)));
    return;
  }
  int32_t lanes[8];
  _mm256_storeu_si256((__m256i *)lanes, acc);
  for (int j = 0; j < count; j++) out[j] = scale[j] * (float)lanes[j];
}

/// Six rows by 16 columns per block: 12 accumulators, 2 weight vectors (32 bytes widened to
/// int16 as they load) and a broadcast in AVX2's 16 registers.
__attribute__((target("avx2"))) void zl_int8_product_avx2(const int16_t *v, size_t ldv, const int8_t *w,
                                                          const float *scale, float *m, size_t ldm, int tiles,
                                                          int cin2, int cout) {
  const int panels = (cout + 15) / 16;
  for (int t = 0; t < tiles; t += 6) {
    const int rows = tiles - t < 6 ? tiles - t : 6;
    const int16_t *a0 = v + (size_t)t * ldv;
    const int16_t *a1 = rows > 1 ? a0 + ldv : a0, *a2 = rows > 2 ? a0 + 2 * ldv : a0;
    const int16_t *a3 = rows > 3 ? a0 + 3 * ldv : a0, *a4 = rows > 4 ? a0 + 4 * ldv : a0;
    const int16_t *a5 = rows > 5 ? a0 + 5 * ldv : a0;
    for (int q = 0; q < panels; q++) {
      const int8_t *p = w + (size_t)q * cin2 * 16;
      __m256i c00 = _mm256_setzero_si256(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
      __m256i c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
      for (int c = 0; c < cin2; c += 2) {
        const __m256i b0 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)p));
        const __m256i b1 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(p + 16)));
        p += 32;
        ZL_STEP(a0, c00, c01)
        ZL_STEP(a1, c10, c11)
        ZL_STEP(a2, c20, c21)
        ZL_STEP(a3, c30, c31)
        ZL_STEP(a4, c40, c41)
        ZL_STEP(a5, c50, c51)
      }
      const int col = q * 16, width = cout - col < 16 ? cout - col : 16;
      const __m256i acc[12] = {c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51};
      for (int r = 0; r < rows; r++) {
        float *out = m + (size_t)(t + r) * ldm + col;
        zl_store(acc[2 * r], scale + col, out, width);
        if (width > 8) zl_store(acc[2 * r + 1], scale + col + 8, out + 8, width - 8);
      }
    }
  }
}

void zl_int8_product(const int16_t *v, size_t ldv, const int8_t *w, const float *scale, float *m, size_t ldm,
                     int tiles, int cin2, int cout) {
  if (__builtin_cpu_supports("avx2")) {
    zl_int8_product_avx2(v, ldv, w, scale, m, ldm, tiles, cin2, cout);
  } else {
    zl_int8_product_portable(v, ldv, w, scale, m, ldm, tiles, cin2, cout);
  }
}
#else
int zl_int8_has_avx2(void) { return 0; }

void zl_int8_product_avx2(const int16_t *v, size_t ldv, const int8_t *w, const float *scale, float *m,
                          size_t ldm, int tiles, int cin2, int cout) {
  zl_int8_product_portable(v, ldv, w, scale, m, ldm, tiles, cin2, cout);
}

void zl_int8_product(const int16_t *v, size_t ldv, const int8_t *w, const float *scale, float *m, size_t ldm,
                     int tiles, int cin2, int cout) {
  zl_int8_product_portable(v, ldv, w, scale, m, ldm, tiles, cin2, cout);
}
#endif
