// make bench-backends: the hot operations of ZeroLab's neural core in each candidate library.
//
// A 3x3 "same" convolution on 8x8 boards with C input and C output channels, NHWC, batch B, is
// im2col + one GEMM in ZeroLab: M = B*64 patch rows, K = 9*C, N = C. Training adds two GEMMs:
// the weight gradient (Pt * dY: K x N over M) and the patch gradient (dY * Wt: M x K over N).
// This program times, for C in {64, 128} and B in {1, 64, 256}, at the thread count given:
//   gemm-fwd, gemm-bwd-w, gemm-bwd-d  the three GEMMs alone;
//   conv-fwd                          the whole forward convolution with bias and ReLU: im2col,
//                                     GEMM and a bias+ReLU pass (GEMM backends), or one
//                                     convolution primitive with the bias and ReLU fused (dnnl).
//   conv-bwd-d, conv-bwd-w            (dnnl only) the convolution's backward primitives;
//   dense<P>-fwd, -bwd-w, -bwd-d      the policy head's dense layer, 128 inputs to P = 4672 or
//                                     1858 logits, at batch B (GEMM backends but libxsmm).
// One backend per build (they export the same BLAS symbols): -DUSE_OPENBLAS, -DUSE_BLIS,
// -DUSE_DNNL (dnnl_sgemm and the convolution primitives) or -DUSE_XSMM (JIT kernels of one
// board each, 64 rows, spread over OpenMP threads; forward and patch gradient only).
// Output: one line per figure, "<backend>[<kernels>] t<threads> <op> C=<c> B=<b> <ms> ms <GFLOP/s>
// GFLOP/s" (the kernels: OpenBLAS's core, BLIS's configuration, libxsmm's target, oneDNN's
// implementation of each primitive),
// the median of repeated calls (at least 5, and at least 0.2 s of calls).
// Usage: backends THREADS
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#if defined(USE_OPENBLAS)
#include <cblas.h>
#define BACKEND "openblas"
#elif defined(USE_BLIS)
#include <blis.h>
#define BACKEND "blis"
#elif defined(USE_DNNL)
#include <oneapi/dnnl/dnnl.h>
#define BACKEND "dnnl"
#elif defined(USE_XSMM)
#include <libxsmm.h>
#define BACKEND "libxsmm"
#else
#error "define one of USE_OPENBLAS, USE_BLIS, USE_DNNL, USE_XSMM"
#endif

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static int threads = 1;
static const char *label = BACKEND;

// Times fn(ctx): warm-up, then at least 5 calls and 0.2 s; prints the median.
static void timeit(const char *op, int c, int b, double flops, void (*fn)(void *), void *ctx) {
  double t[4096];
  int n = 0;
  fn(ctx);
  double start = now();
  while (n < 4096 && (n < 5 || now() - start < 0.2)) {
    double t0 = now();
    fn(ctx);
    t[n++] = now() - t0;
  }
  qsort(t, n, sizeof(double), cmp);
  double med = t[n / 2];
  printf("%s t%d %s C=%d B=%d %.4f ms %.1f GFLOP/s\n", label, threads, op, c, b, med * 1e3, flops / med * 1e-9);
  fflush(stdout);
}

typedef struct {
  int m, n, k;  // row-major C[m x n] = op(A) * op(B)
  int ta, tb;
  const float *a, *b;
  float *c;
} Gemm;

#if defined(USE_XSMM)
// Column-major kernels on one board (64 rows) at a time: row-major Y = P * W is column-major
// Yt = Wt * Pt, so m = N, n = 64, k = K with W, P and Y as they are in memory (and the patch
// gradient dPt = W * dYt the same way, W transposed).
static libxsmm_smmfunction kernel_for(const Gemm *g) {
  libxsmm_blasint mm = g->n, nn = 64, kk = g->k;
  libxsmm_blasint lda = g->tb ? g->k : g->n, ldb = g->k, ldc = g->n;
  float alpha = 1, beta = 0;
  int flags = g->tb ? LIBXSMM_GEMM_FLAG_TRANS_A : LIBXSMM_GEMM_FLAG_NONE;
  return libxsmm_smmdispatch(mm, nn, kk, &lda, &ldb, &ldc, &alpha, &beta, &flags, NULL);
}

static void gemm(void *p) {
  Gemm *g = p;
  int blocks = g->m / 64;
  libxsmm_smmfunction kernel = kernel_for(g);
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int i = 0; i < blocks; i++) kernel(g->b, g->a + (size_t)i * 64 * g->k, g->c + (size_t)i * 64 * g->n);
}
#else
static void gemm(void *p) {
  Gemm *g = p;
  int lda = g->ta ? g->m : g->k, ldb = g->tb ? g->k : g->n;
#if defined(USE_DNNL)
  dnnl_sgemm(g->ta ? 'T' : 'N', g->tb ? 'T' : 'N', g->m, g->n, g->k, 1, g->a, lda, g->b, ldb, 0, g->c, g->n);
#else
  cblas_sgemm(CblasRowMajor, g->ta ? CblasTrans : CblasNoTrans, g->tb ? CblasTrans : CblasNoTrans, g->m, g->n, g->k,
              1, g->a, lda, g->b, ldb, 0, g->c, g->n);
#endif
}
#endif

typedef struct {
  int b, c;
  const float *x, *w, *bias;
  float *patches, *y;
} Conv;

// The whole forward convolution as ZeroLab does it: im2col, one GEMM, bias and ReLU.
static void conv_im2col(void *p) {
  Conv *v = p;
  int c = v->c, cols = 9 * c, row = 0;
  for (int n = 0; n < v->b; n++)
    for (int y = 0; y < 8; y++)
      for (int x = 0; x < 8; x++, row++) {
        float *dst = v->patches + (size_t)row * cols;
        for (int dy = -1; dy <= 1; dy++)
          for (int dx = -1; dx <= 1; dx++, dst += c) {
            int iy = y + dy, ix = x + dx;
            if (iy < 0 || iy > 7 || ix < 0 || ix > 7)
              memset(dst, 0, c * sizeof(float));
            else
              memcpy(dst, v->x + (((size_t)n * 8 + iy) * 8 + ix) * c, c * sizeof(float));
          }
      }
  Gemm g = {v->b * 64, c, cols, 0, 0, v->patches, v->w, v->y};
  gemm(&g);
  size_t rows = (size_t)v->b * 64;
  for (size_t r = 0; r < rows; r++) {
    float *o = v->y + r * c;
    for (int j = 0; j < c; j++) {
      float s = o[j] + v->bias[j];
      o[j] = s > 0 ? s : 0;
    }
  }
}

#if defined(USE_DNNL)
#define CHECK(call)                                                   \
  do {                                                                \
    dnnl_status_t s_ = (call);                                        \
    if (s_ != dnnl_success) {                                         \
      fprintf(stderr, "dnnl: %s failed (%d)\n", #call, (int)s_);      \
      exit(1);                                                        \
    }                                                                 \
  } while (0)

static dnnl_engine_t engine;
static dnnl_stream_t stream;

typedef struct {
  dnnl_primitive_t prim;
  int nargs;
  dnnl_exec_arg_t args[5];
} Exec;

static void run(void *p) {
  Exec *e = p;
  CHECK(dnnl_primitive_execute(e->prim, stream, e->nargs, e->args));
  CHECK(dnnl_stream_wait(stream));
}

static dnnl_memory_t memory(const dnnl_memory_desc_t *md) {
  dnnl_memory_t m;
  CHECK(dnnl_memory_create(&m, md, engine, DNNL_MEMORY_ALLOCATE));
  void *h;
  CHECK(dnnl_memory_get_data_handle(m, &h));
  size_t n = dnnl_memory_desc_get_size(md) / sizeof(float);
  for (size_t i = 0; i < n; i++) ((float *)h)[i] = (float)((i * 2654435761u) % 1000) / 1000.0f - 0.5f;
  return m;
}

static const char *impl(const_dnnl_primitive_desc_t pd) {
  const char *s = "?";
  dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &s);
  return s;
}

// The convolution primitives: forward with bias and a fused ReLU (NHWC activations, the weights
// in the layout the primitive asks for, reordered once), backward data and backward weights.
static void dnnl_conv(int c, int b) {
  dnnl_dims_t src = {b, c, 8, 8}, wei = {c, c, 3, 3}, bia = {c}, str = {1, 1}, pad = {1, 1};
  dnnl_memory_desc_t src_md, dst_md, wany_md, bias_md, wuser_md;
  CHECK(dnnl_memory_desc_init_by_tag(&src_md, 4, src, dnnl_f32, dnnl_nhwc));
  CHECK(dnnl_memory_desc_init_by_tag(&dst_md, 4, src, dnnl_f32, dnnl_nhwc));
  CHECK(dnnl_memory_desc_init_by_tag(&wany_md, 4, wei, dnnl_f32, dnnl_format_tag_any));
  CHECK(dnnl_memory_desc_init_by_tag(&wuser_md, 4, wei, dnnl_f32, dnnl_hwio));
  CHECK(dnnl_memory_desc_init_by_tag(&bias_md, 1, bia, dnnl_f32, dnnl_x));
  double flops = 2.0 * b * 64 * 9 * c * c;

  dnnl_convolution_desc_t fd;
  CHECK(dnnl_convolution_forward_desc_init(&fd, dnnl_forward_training, dnnl_convolution_direct, &src_md, &wany_md,
                                           &bias_md, &dst_md, str, pad, pad));
  dnnl_post_ops_t ops;
  CHECK(dnnl_post_ops_create(&ops));
  CHECK(dnnl_post_ops_append_eltwise(ops, 1.0f, dnnl_eltwise_relu, 0, 0));
  dnnl_primitive_attr_t attr;
  CHECK(dnnl_primitive_attr_create(&attr));
  CHECK(dnnl_primitive_attr_set_post_ops(attr, ops));
  dnnl_primitive_desc_t fpd;
  CHECK(dnnl_primitive_desc_create(&fpd, &fd, attr, engine, NULL));
  const dnnl_memory_desc_t *w_md = dnnl_primitive_desc_query_md(fpd, dnnl_query_weights_md, 0);
  dnnl_memory_t xs = memory(&src_md), ys = memory(&dst_md), ws = memory(w_md), bs = memory(&bias_md);
  dnnl_memory_t wu = memory(&wuser_md);
  dnnl_primitive_desc_t rpd;
  CHECK(dnnl_reorder_primitive_desc_create(&rpd, &wuser_md, engine, w_md, engine, NULL));
  dnnl_primitive_t reorder;
  CHECK(dnnl_primitive_create(&reorder, rpd));
  Exec r = {reorder, 2, {{DNNL_ARG_FROM, wu}, {DNNL_ARG_TO, ws}}};
  run(&r);
  Exec f = {NULL, 4, {{DNNL_ARG_SRC, xs}, {DNNL_ARG_WEIGHTS, ws}, {DNNL_ARG_BIAS, bs}, {DNNL_ARG_DST, ys}}};
  CHECK(dnnl_primitive_create(&f.prim, fpd));
  char name[128];
  snprintf(name, sizeof name, "dnnl[%s]", impl(fpd));
  label = name;
  timeit("conv-fwd", c, b, flops, run, &f);

  dnnl_convolution_desc_t bd;
  CHECK(dnnl_convolution_backward_data_desc_init(&bd, dnnl_convolution_direct, &src_md, &wany_md, &dst_md, str, pad,
                                                 pad));
  dnnl_primitive_desc_t bpd;
  CHECK(dnnl_primitive_desc_create(&bpd, &bd, NULL, engine, fpd));
  const dnnl_memory_desc_t *bw_md = dnnl_primitive_desc_query_md(bpd, dnnl_query_weights_md, 0);
  dnnl_memory_t bws = memory(bw_md), dx = memory(&src_md);
  Exec bdata = {NULL, 3, {{DNNL_ARG_DIFF_DST, ys}, {DNNL_ARG_WEIGHTS, bws}, {DNNL_ARG_DIFF_SRC, dx}}};
  CHECK(dnnl_primitive_create(&bdata.prim, bpd));
  snprintf(name, sizeof name, "dnnl[%s]", impl(bpd));
  timeit("conv-bwd-d", c, b, flops, run, &bdata);

  dnnl_convolution_desc_t wd;
  CHECK(dnnl_convolution_backward_weights_desc_init(&wd, dnnl_convolution_direct, &src_md, &wany_md, &bias_md,
                                                    &dst_md, str, pad, pad));
  dnnl_primitive_desc_t wpd;
  CHECK(dnnl_primitive_desc_create(&wpd, &wd, NULL, engine, fpd));
  const dnnl_memory_desc_t *dw_md = dnnl_primitive_desc_query_md(wpd, dnnl_query_diff_weights_md, 0);
  dnnl_memory_t dw = memory(dw_md), db = memory(&bias_md);
  Exec bw = {NULL, 4, {{DNNL_ARG_SRC, xs}, {DNNL_ARG_DIFF_DST, ys}, {DNNL_ARG_DIFF_WEIGHTS, dw}, {DNNL_ARG_DIFF_BIAS, db}}};
  CHECK(dnnl_primitive_create(&bw.prim, wpd));
  snprintf(name, sizeof name, "dnnl[%s]", impl(wpd));
  timeit("conv-bwd-w", c, b, flops, run, &bw);
  label = BACKEND;
}
#endif

static float *randoms(size_t n) {
  float *p = aligned_alloc(64, ((n * sizeof(float) + 63) / 64) * 64);
  for (size_t i = 0; i < n; i++) p[i] = (float)((i * 2654435761u) % 1000) / 1000.0f - 0.5f;
  return p;
}

int main(int argc, char **argv) {
  threads = argc > 1 ? atoi(argv[1]) : 1;
#if defined(USE_OPENBLAS)
  openblas_set_num_threads(threads);
  static char name[64];
  snprintf(name, sizeof name, "openblas[%s]", openblas_get_corename());
  label = name;
#elif defined(USE_BLIS)
  bli_thread_set_num_threads(threads);
  static char name[64];
  snprintf(name, sizeof name, "blis[%s]", bli_arch_string(bli_arch_query_id()));
  label = name;
#elif defined(USE_DNNL)
  omp_set_num_threads(threads);
  CHECK(dnnl_engine_create(&engine, dnnl_cpu, 0));
  CHECK(dnnl_stream_create(&stream, engine, dnnl_stream_default_flags));
#elif defined(USE_XSMM)
  libxsmm_init();
  static char name[64];
  snprintf(name, sizeof name, "libxsmm[%s]", libxsmm_get_target_arch());
  label = name;
#endif
  const int channels[] = {64, 128}, batches[] = {1, 64, 256};
  for (int ci = 0; ci < 2; ci++)
    for (int bi = 0; bi < 3; bi++) {
      int c = channels[ci], b = batches[bi];
      int m = b * 64, k = 9 * c, n = c;
      double flops = 2.0 * m * k * n;
      float *p = randoms((size_t)m * k), *w = randoms((size_t)k * n), *y = randoms((size_t)m * n);
      float *dp = randoms((size_t)m * k), *dw = randoms((size_t)k * n), *x = randoms((size_t)m * c);
      float *bias = randoms(n);
      Gemm fwd = {m, n, k, 0, 0, p, w, y};
      timeit("gemm-fwd", c, b, flops, gemm, &fwd);
      Gemm bww = {k, n, m, 1, 0, p, y, dw};
      Gemm bwd = {m, k, n, 0, 1, y, w, dp};
#if defined(USE_XSMM)
      printf("%s t%d gemm-bwd-w C=%d B=%d not measured (a sum over boards)\n", label, threads, c, b);
      if (kernel_for(&bwd))
        timeit("gemm-bwd-d", c, b, flops, gemm, &bwd);
      else
        printf("%s t%d gemm-bwd-d C=%d B=%d no kernel (transposed A)\n", label, threads, c, b);
#else
      timeit("gemm-bwd-w", c, b, flops, gemm, &bww);
      timeit("gemm-bwd-d", c, b, flops, gemm, &bwd);
#endif
      Conv conv = {b, c, x, w, bias, p, y};
      timeit("conv-fwd", c, b, flops, conv_im2col, &conv);
#if defined(USE_DNNL)
      dnnl_conv(c, b);
#endif
      free(p), free(w), free(y), free(dp), free(dw), free(x), free(bias);
    }
#if !defined(USE_XSMM)
  // The policy head's dense layer: 128 inputs (2 channels x 64 squares) to 4672 or 1858 logits.
  const int policies[] = {4672, 1858};
  for (int pi = 0; pi < 2; pi++)
    for (int bi = 0; bi < 3; bi++) {
      int b = batches[bi], n = policies[pi], k = 128;
      double flops = 2.0 * b * k * n;
      float *x = randoms((size_t)b * k), *w = randoms((size_t)k * n), *y = randoms((size_t)b * n);
      float *dx = randoms((size_t)b * k), *dw = randoms((size_t)k * n);
      char op[32];
      Gemm fwd = {b, n, k, 0, 0, x, w, y}, bww = {k, n, b, 1, 0, x, y, dw}, bwd = {b, k, n, 0, 1, y, w, dx};
      snprintf(op, sizeof op, "dense%d-fwd", n);
      timeit(op, k, b, flops, gemm, &fwd);
      snprintf(op, sizeof op, "dense%d-bwd-w", n);
      timeit(op, k, b, flops, gemm, &bww);
      snprintf(op, sizeof op, "dense%d-bwd-d", n);
      timeit(op, k, b, flops, gemm, &bwd);
      free(x), free(w), free(y), free(dx), free(dw);
    }
#endif
  return 0;
}
