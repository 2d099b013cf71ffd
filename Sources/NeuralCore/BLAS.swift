import CBLAS
import Synchronization

/// The one place that turns tensor storage into pointers for OpenBLAS.
public enum BLAS {
  /// GEMMs with fewer multiply-adds than this run on one thread, larger ones on `threads`.
  ///
  /// Splitting a small GEMM (a 3x3 convolution of one 8x8 position: 64·576·64 ≈ 2.4 M) over two
  /// cores makes its time that of the slower half plus the hand-off. On a VM whose second core
  /// is now and then shared with another tenant, that made batch-1 inference of the reference
  /// net swing between about 800 and 460 positions/s from run to run, while one thread held at
  /// 625 throughout (`make bench-nn`); above about 4 M multiply-adds the second thread pays.
  public static let parallelWork = 4_000_000
  /// The thread limit (0: not set yet, OpenBLAS's own default applies) and the count in force.
  static let limit = Atomic<Int>(0)
  static let active = Atomic<Int>(0)

  /// Sets the number of OpenBLAS threads that large GEMMs use (1 makes results bit-identical
  /// run to run and matches single-threaded peers in benchmarks).
  public static func setThreads(_ n: Int) {
    let n = max(1, n)
    limit.store(n, ordering: .relaxed)
    openblas_set_num_threads(Int32(n))
    active.store(n, ordering: .relaxed)
  }
  /// The OpenBLAS kernel family chosen for this CPU (e.g. `SkylakeX`, `Haswell`, `Prescott`).
  public static var coreName: String { openblas_get_corename().map { String(cString: $0) } ?? "unknown" }
  /// The number of threads large GEMMs use.
  public static var threads: Int {
    let n = limit.load(ordering: .relaxed)
    return n > 0 ? n : Int(openblas_get_num_threads())
  }

  /// Sets OpenBLAS's thread count for a GEMM of `work` multiply-adds (a call only on a change).
  static func useThreads(forWork work: Int) {
    var n = limit.load(ordering: .relaxed)
    if n == 0 {
      n = Int(openblas_get_num_threads())
      limit.store(n, ordering: .relaxed)
      active.store(n, ordering: .relaxed)
    }
    let want = work < parallelWork ? 1 : n
    if active.exchange(want, ordering: .relaxed) != want { openblas_set_num_threads(Int32(want)) }
  }

  /// `C = alpha · op(A) · op(B) + beta · C` for row-major matrices, where `op(A)` is
  /// `m x k`, `op(B)` is `k x n` and `C` is `m x n`. The row strides `lda`, `ldb`, `ldc`
  /// default to packed rows (`A` stored `m x k`, or `k x m` when transposed; likewise `B`).
  public static func gemm(
    _ a: UnsafePointer<Float>, transposeA: Bool, _ b: UnsafePointer<Float>, transposeB: Bool,
    _ c: UnsafeMutablePointer<Float>, m: Int, n: Int, k: Int, alpha: Float = 1, beta: Float = 0,
    lda: Int? = nil, ldb: Int? = nil, ldc: Int? = nil
  ) {
    useThreads(forWork: m * n * k)
    let lda = lda ?? (transposeA ? m : k)
    let ldb = ldb ?? (transposeB ? k : n)
    if m == 1 {
      // A matrix-vector product: sgemm would pack all of B first (most of the time at batch 1).
      // `c = op(B)ᵀ · a`, with `a`'s elements `lda` apart when it is a transposed column.
      cblas_sgemv(
        CblasRowMajor, transposeB ? CblasNoTrans : CblasTrans, Int32(transposeB ? n : k), Int32(transposeB ? k : n),
        alpha, b, Int32(ldb), a, Int32(transposeA ? lda : 1), beta, c, 1)
      return
    }
    cblas_sgemm(
      CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
      Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc ?? n))
  }

  /// `y = alpha · op(A) · x + beta · y` in double precision, `A` row-major `rows x cols`.
  public static func dgemv(
    _ a: UnsafePointer<Double>, rows: Int, cols: Int, transpose: Bool, _ x: UnsafePointer<Double>,
    _ y: UnsafeMutablePointer<Double>, alpha: Double, beta: Double
  ) {
    cblas_dgemv(
      CblasRowMajor, transpose ? CblasTrans : CblasNoTrans, Int32(rows), Int32(cols), alpha, a, Int32(cols), x, 1,
      beta, y, 1)
  }
}
