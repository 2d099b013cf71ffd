#include "CFloatControl.h"

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>

enum { ZL_FTZ = 0x8000, ZL_DAZ = 0x0040 };

void zl_flush_subnormals(void) {
  unsigned int csr = _mm_getcsr();
  if ((csr & (ZL_FTZ | ZL_DAZ)) != (ZL_FTZ | ZL_DAZ)) _mm_setcsr(csr | ZL_FTZ | ZL_DAZ);
}

int zl_flushes_subnormals(void) { return (_mm_getcsr() & (ZL_FTZ | ZL_DAZ)) == (ZL_FTZ | ZL_DAZ); }

#elif defined(__aarch64__)
#include <stdint.h>

void zl_flush_subnormals(void) {
  uint64_t fpcr;
  __asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
  if (!(fpcr & (1ull << 24))) __asm__ volatile("msr fpcr, %0" : : "r"(fpcr | (1ull << 24)));
}

int zl_flushes_subnormals(void) {
  uint64_t fpcr;
  __asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
  return (fpcr & (1ull << 24)) != 0;
}

#else
void zl_flush_subnormals(void) {}
int zl_flushes_subnormals(void) { return 0; }
#endif
