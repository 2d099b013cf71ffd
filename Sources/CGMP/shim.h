// A tiny shim over GMP (Debian: libgmp-dev).
//
// gmp.h names its functions through macros (`#define mpz_add __gmpz_add`), and Swift's
// importer does not see macro aliases of functions. Each function ZeroLab uses is
// re-declared here as a `static inline` function under its documented name, so Swift
// code calls `mpz_add(r, a, b)` exactly as the GMP manual writes it.
#ifndef ZEROLAB_CGMP_SHIM_H
#define ZEROLAB_CGMP_SHIM_H
#include <gmp.h>
#include <stdlib.h>

#undef mpz_init
#undef mpz_clear
#undef mpz_set
#undef mpz_set_ui
#undef mpz_set_str
#undef mpz_add
#undef mpz_mul
#undef mpz_mul_ui
#undef mpz_cmp
#undef mpz_cmp_ui
#undef mpz_get_str
#undef mpz_sizeinbase
#undef mpz_get_d
#undef mpz_fits_ulong_p
#undef mpz_get_ui
#undef mpz_tdiv_q
#undef mpz_ui_pow_ui
#undef mpz_tdiv_qr
#undef mpq_init
#undef mpq_clear
#undef mpq_set
#undef mpq_set_ui
#undef mpq_set_z
#undef mpq_add
#undef mpq_mul
#undef mpq_div
#undef mpq_canonicalize
#undef mpq_get_str
#undef mpq_get_d
#undef mpq_cmp
#undef mpq_equal
#undef mpq_get_num
#undef mpq_get_den

static inline void mpz_init(mpz_ptr x) { __gmpz_init(x); }
static inline void mpz_clear(mpz_ptr x) { __gmpz_clear(x); }
static inline void mpz_set(mpz_ptr r, mpz_srcptr a) { __gmpz_set(r, a); }
static inline void mpz_set_ui(mpz_ptr r, unsigned long a) { __gmpz_set_ui(r, a); }
static inline int mpz_set_str(mpz_ptr r, const char *s, int base) { return __gmpz_set_str(r, s, base); }
static inline void mpz_add(mpz_ptr r, mpz_srcptr a, mpz_srcptr b) { __gmpz_add(r, a, b); }
static inline void mpz_mul(mpz_ptr r, mpz_srcptr a, mpz_srcptr b) { __gmpz_mul(r, a, b); }
static inline void mpz_mul_ui(mpz_ptr r, mpz_srcptr a, unsigned long b) { __gmpz_mul_ui(r, a, b); }
static inline int mpz_cmp(mpz_srcptr a, mpz_srcptr b) { return __gmpz_cmp(a, b); }
static inline int mpz_cmp_ui(mpz_srcptr a, unsigned long b) { return __gmpz_cmp_ui(a, b); }
static inline char *mpz_get_str(char *s, int base, mpz_srcptr a) { return __gmpz_get_str(s, base, a); }
static inline size_t mpz_sizeinbase(mpz_srcptr a, int base) { return __gmpz_sizeinbase(a, base); }
static inline double mpz_get_d(mpz_srcptr a) { return __gmpz_get_d(a); }
static inline int mpz_fits_ulong_p(mpz_srcptr a) { return __gmpz_fits_ulong_p(a); }
static inline unsigned long mpz_get_ui(mpz_srcptr a) { return __gmpz_get_ui(a); }
static inline void mpz_tdiv_q(mpz_ptr q, mpz_srcptr n, mpz_srcptr d) { __gmpz_tdiv_q(q, n, d); }
static inline void mpz_tdiv_qr(mpz_ptr q, mpz_ptr r, mpz_srcptr n, mpz_srcptr d) { __gmpz_tdiv_qr(q, r, n, d); }
static inline void mpz_ui_pow_ui(mpz_ptr r, unsigned long b, unsigned long e) { __gmpz_ui_pow_ui(r, b, e); }

static inline void mpq_init(mpq_ptr x) { __gmpq_init(x); }
static inline void mpq_clear(mpq_ptr x) { __gmpq_clear(x); }
static inline void mpq_set(mpq_ptr r, mpq_srcptr a) { __gmpq_set(r, a); }
static inline void mpq_set_ui(mpq_ptr r, unsigned long n, unsigned long d) { __gmpq_set_ui(r, n, d); }
static inline void mpq_set_z(mpq_ptr r, mpz_srcptr a) { __gmpq_set_z(r, a); }
static inline void mpq_add(mpq_ptr r, mpq_srcptr a, mpq_srcptr b) { __gmpq_add(r, a, b); }
static inline void mpq_mul(mpq_ptr r, mpq_srcptr a, mpq_srcptr b) { __gmpq_mul(r, a, b); }
static inline void mpq_div(mpq_ptr r, mpq_srcptr a, mpq_srcptr b) { __gmpq_div(r, a, b); }
static inline void mpq_canonicalize(mpq_ptr x) { __gmpq_canonicalize(x); }
static inline char *mpq_get_str(char *s, int base, mpq_srcptr a) { return __gmpq_get_str(s, base, a); }
static inline double mpq_get_d(mpq_srcptr a) { return __gmpq_get_d(a); }
static inline int mpq_cmp(mpq_srcptr a, mpq_srcptr b) { return __gmpq_cmp(a, b); }
static inline int mpq_equal(mpq_srcptr a, mpq_srcptr b) { return __gmpq_equal(a, b); }
static inline void mpq_get_num(mpz_ptr r, mpq_srcptr a) { __gmpq_get_num(r, a); }
static inline void mpq_get_den(mpz_ptr r, mpq_srcptr a) { __gmpq_get_den(r, a); }

/// Frees a string returned by mpz_get_str / mpq_get_str with a NULL buffer (GMP's default
/// allocator is malloc, which ZeroLab never replaces).
static inline void zerolab_gmp_free_str(char *s) { free(s); }

#endif
