/// The affine map shared by `Dense` and `Conv2D` (whose im2col rows are the "inputs"):
///
///     forward:  Y = X · W + b            X: [rows, inputs], W: [inputs, outputs], Y: [rows, outputs]
///     backward: dW += Xᵀ · dY,  db += Σ_rows dY,  dX = dY · Wᵀ
enum Affine {
  /// `y = x·W + b` (bias optional).
  static func forward(
    _ x: UnsafePointer<Float>, weight: Tensor, bias: Tensor?, rows: Int, inputs: Int, outputs: Int,
    into y: UnsafeMutablePointer<Float>
  ) {
    weight.data.withUnsafeBufferPointer { wp in
      BLAS.gemm(x, transposeA: false, wp.baseAddress!, transposeB: false, y, m: rows, n: outputs, k: inputs)
    }
    if let bias {
      bias.data.withUnsafeBufferPointer { bp in
        for r in 0..<rows {
          let row = y + r * outputs
          for j in 0..<outputs { row[j] += bp[j] }
        }
      }
    }
  }

  /// Adds `xᵀ·dy` into `weightGrad` and `Σ dy` into `biasGrad` (if given); writes `dy·Wᵀ` into
  /// `inputGrad` (if given).
  static func backward(
    _ dy: UnsafePointer<Float>, input x: UnsafePointer<Float>, weight: Tensor, weightGrad: inout Tensor,
    biasGrad: inout Tensor, useBias: Bool, rows: Int, inputs: Int, outputs: Int,
    inputGrad: UnsafeMutablePointer<Float>?
  ) {
    weightGrad.data.withUnsafeMutableBufferPointer { dwp in
      BLAS.gemm(x, transposeA: true, dy, transposeB: false, dwp.baseAddress!, m: inputs, n: outputs, k: rows, beta: 1)
    }
    if useBias {
      biasGrad.data.withUnsafeMutableBufferPointer { dbp in
        for r in 0..<rows {
          let row = dy + r * outputs
          for j in 0..<outputs { dbp[j] += row[j] }
        }
      }
    }
    if let dx = inputGrad {
      weight.data.withUnsafeBufferPointer { wp in
        BLAS.gemm(dy, transposeA: false, wp.baseAddress!, transposeB: true, dx, m: rows, n: inputs, k: outputs)
      }
    }
  }
}
