import CBLAS

/// The one place that turns tensor storage into pointers for OpenBLAS.
public enum BLAS {
  /// Sets the number of OpenBLAS threads (1 makes results bit-identical run to run and
  /// matches single-threaded peers in benchmarks).
  public static func setThreads(_ n: Int) { openblas_set_num_threads(Int32(max(1, n))) }
  /// The OpenBLAS kernel family chosen for this CPU (e.g. `SkylakeX`, `Haswell`, `Prescott`).
  public static var coreName: String { openblas_get_corename().map { String(cString: $0) } ?? "unknown" }
  /// The number of OpenBLAS threads in use.
  public static var threads: Int { Int(openblas_get_num_threads()) }

  /// `C = alpha · op(A) · op(B) + beta · C` for row-major matrices, where `op(A)` is
  /// `m x k`, `op(B)` is `k x n` and `C` is `m x n`.
  @inlinable
  public static func gemm(
    _ a: UnsafePointer<Float>, transposeA: Bool, _ b: UnsafePointer<Float>, transposeB: Bool,
    _ c: UnsafeMutablePointer<Float>, m: Int, n: Int, k: Int, alpha: Float = 1, beta: Float = 0
  ) {
    let lda = transposeA ? m : k
    let ldb = transposeB ? k : n
    cblas_sgemm(
      CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
      Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(n))
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
