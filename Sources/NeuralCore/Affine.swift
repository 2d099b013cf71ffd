/// The affine map shared by `Dense` and `Conv2D` (whose im2col rows are the "inputs"):
///
///     forward:  Y = X · W + b            X: [rows, inputs], W: [inputs, outputs], Y: [rows, outputs]
///     backward: dW += Xᵀ · dY,  db += Σ_rows dY,  dX = dY · Wᵀ
enum Affine {
  /// `y = x·W + b` (bias optional).
  static func forward(
    _ x: Tensor, weight: Tensor, bias: Tensor?, rows: Int, inputs: Int, outputs: Int, into y: inout Tensor
  ) {
    x.data.withUnsafeBufferPointer { xp in
      weight.data.withUnsafeBufferPointer { wp in
        y.data.withUnsafeMutableBufferPointer { yp in
          BLAS.gemm(
            xp.baseAddress!, transposeA: false, wp.baseAddress!, transposeB: false, yp.baseAddress!,
            m: rows, n: outputs, k: inputs)
          if let bias {
            bias.data.withUnsafeBufferPointer { bp in
              for r in 0..<rows {
                let row = r * outputs
                for j in 0..<outputs { yp[row + j] += bp[j] }
              }
            }
          }
        }
      }
    }
  }

  /// Adds `xᵀ·dy` into `weightGrad` and `Σ dy` into `biasGrad` (if given); writes `dy·Wᵀ` into
  /// `inputGrad` (if given).
  static func backward(
    _ dy: Tensor, input x: Tensor, weight: Tensor, weightGrad: inout Tensor,
    biasGrad: UnsafeMutableBufferPointer<Float>?,
    rows: Int, inputs: Int, outputs: Int, inputGrad: UnsafeMutableBufferPointer<Float>?
  ) {
    dy.data.withUnsafeBufferPointer { gp in
      x.data.withUnsafeBufferPointer { xp in
        weightGrad.data.withUnsafeMutableBufferPointer { dwp in
          BLAS.gemm(
            xp.baseAddress!, transposeA: true, gp.baseAddress!, transposeB: false, dwp.baseAddress!,
            m: inputs, n: outputs, k: rows, beta: 1)
        }
      }
      if let dbp = biasGrad {
        for r in 0..<rows {
          let row = r * outputs
          for j in 0..<outputs { dbp[j] += gp[row + j] }
        }
      }
      if let dxp = inputGrad {
        weight.data.withUnsafeBufferPointer { wp in
          BLAS.gemm(
            gp.baseAddress!, transposeA: false, wp.baseAddress!, transposeB: true, dxp.baseAddress!,
            m: rows, n: inputs, k: outputs)
        }
      }
    }
  }
}
