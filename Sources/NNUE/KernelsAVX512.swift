#if ZEROLAB_AVX512
  import _Builtin_intrinsics.intel

  /// The fused update-and-evaluate step written for AVX-512BW (the manifest defines
  /// `ZEROLAB_AVX512` when it builds for a host that has it). Both perspectives go through one
  /// loop into four independent running sums (with one, each multiply-add waited for the one
  /// before it: 11 % slower in `zerolab nnue bench`) and one horizontal sum at the end, and the
  /// SCReLU clamp is a saturating pack instead of a max and a min:
  ///
  ///     v = s + a − r (− r₂)                     the new accumulator, stored
  ///     p = packus(v₀, v₁)                       clamp(v, 0, 255) of 64 lanes as bytes
  ///     c₀ = unpacklo(p, 0), c₁ = unpackhi(p, 0) back to 16 bits, in the lanes of v₀, v₁
  ///     Σ += madd(c·w, c)                        (c·w in int16, as `NNUEKernels.screluDot`)
  ///
  /// `packus` saturates each 16-bit lane to an unsigned byte, which is exactly `clamp(v, 0,
  /// QA)` for QA = 255, and interleaves its two operands per 128-bit lane; unpacking against
  /// zero undoes the interleave, so `c₀` holds the clamped `v₀` in its own lane order. Per 32
  /// units that is 5½ vector operations (add, sub, ½ pack, unpack, mullo, madd; the add into
  /// the sum folds into `vpdpwssd` where the CPU has VNNI) against the plain loop's 7 (add,
  /// sub, max, min, mullo, madd, add). The result equals `NNUEKernels.fusedQuiet` of both
  /// halves (the sums wrap the same way); `lazyChainsEqualRefresh` checks it against a full
  /// refresh and the plain output layer.
  extension NNUEKernels {
    typealias Lanes = __m512i

    @inline(__always) static func load(_ p: UnsafePointer<Int16>, _ i: Int) -> Lanes {
      UnsafeRawPointer(p + i).loadUnaligned(as: Lanes.self)
    }

    @inline(__always) static func store(_ v: Lanes, _ p: UnsafeMutablePointer<Int16>, _ i: Int) {
      UnsafeMutableRawPointer(p + i).storeBytes(of: v, as: Lanes.self)
    }

    /// The fused step's four running sums: the lanes of White's two vectors and of Black's
    /// two, kept apart so that no multiply-add waits for the one before it.
    struct Sums {
      var w0 = _mm512_setzero_si512(), w1 = _mm512_setzero_si512()
      var b0 = _mm512_setzero_si512(), b1 = _mm512_setzero_si512()

      /// Stores the new accumulator's 64 units at `i` for White (`x0`, `x1`) and at `n + i`
      /// for Black (`y0`, `y1`) into `d`, and adds their SCReLU dots with the output weights
      /// `lw`, `lb`.
      @inline(__always) mutating func store(
        _ x0: Lanes, _ x1: Lanes, _ y0: Lanes, _ y1: Lanes, _ d: UnsafeMutablePointer<Int16>, _ i: Int, _ n: Int,
        _ lw: UnsafePointer<Int16>, _ lb: UnsafePointer<Int16>
      ) {
        NNUEKernels.store(x0, d, i)
        NNUEKernels.store(x1, d, i &+ 32)
        NNUEKernels.store(y0, d, n &+ i)
        NNUEKernels.store(y1, d, n &+ i &+ 32)
        NNUEKernels.screlu64(&w0, &w1, x0, x1, lw, i)
        NNUEKernels.screlu64(&b0, &b1, y0, y1, lb, i)
      }

      /// The four sums added up.
      var total: Int32 {
        _mm512_reduce_add_epi32(_mm512_add_epi32(_mm512_add_epi32(w0, w1), _mm512_add_epi32(b0, b1)))
      }
    }

    /// `Σ clamp(v, 0, 255)²·w` over the 64 lanes of `v0`, `v1`, added to `s0` (`v0`'s lanes)
    /// and `s1` (`v1`'s).
    @inline(__always) static func screlu64(
      _ s0: inout Lanes, _ s1: inout Lanes, _ v0: Lanes, _ v1: Lanes, _ w: UnsafePointer<Int16>, _ i: Int
    ) {
      let zero = _mm512_setzero_si512()
      let packed = _mm512_packus_epi16(v0, v1)
      let c0 = _mm512_unpacklo_epi8(packed, zero), c1 = _mm512_unpackhi_epi8(packed, zero)
      s0 = _mm512_add_epi32(s0, _mm512_madd_epi16(_mm512_mullo_epi16(c0, load(w, i)), c0))
      s1 = _mm512_add_epi32(s1, _mm512_madd_epi16(_mm512_mullo_epi16(c1, load(w, i &+ 32)), c1))
    }

    /// Both perspectives of a quiet move: `d[0..<n] = s + aw − rw` with output weights `lw`,
    /// `d[n..<2n] = s[n...] + ab − rb` with `lb`; returns the sum of both SCReLU dots. `n` is a
    /// multiple of 64.
    @inline(__always) static func fusedQuiet512(
      _ d: UnsafeMutablePointer<Int16>, _ s: UnsafePointer<Int16>, _ aw: UnsafePointer<Int16>,
      _ rw: UnsafePointer<Int16>, _ ab: UnsafePointer<Int16>, _ rb: UnsafePointer<Int16>,
      _ lw: UnsafePointer<Int16>, _ lb: UnsafePointer<Int16>, _ n: Int
    ) -> Int32 {
      var sums = Sums()
      var i = 0
      while i < n {
        let j = i &+ 32, k = n &+ i, l = n &+ j
        sums.store(
          _mm512_sub_epi16(_mm512_add_epi16(load(s, i), load(aw, i)), load(rw, i)),
          _mm512_sub_epi16(_mm512_add_epi16(load(s, j), load(aw, j)), load(rw, j)),
          _mm512_sub_epi16(_mm512_add_epi16(load(s, k), load(ab, i)), load(rb, i)),
          _mm512_sub_epi16(_mm512_add_epi16(load(s, l), load(ab, j)), load(rb, j)), d, i, n, lw, lb)
        i &+= 64
      }
      return sums.total
    }

    /// `fusedQuiet512` for a capture: each perspective also removes `rw2` / `rb2`.
    @inline(__always) static func fusedCapture512(
      _ d: UnsafeMutablePointer<Int16>, _ s: UnsafePointer<Int16>, _ aw: UnsafePointer<Int16>,
      _ rw: UnsafePointer<Int16>, _ rw2: UnsafePointer<Int16>, _ ab: UnsafePointer<Int16>,
      _ rb: UnsafePointer<Int16>, _ rb2: UnsafePointer<Int16>, _ lw: UnsafePointer<Int16>,
      _ lb: UnsafePointer<Int16>, _ n: Int
    ) -> Int32 {
      @inline(__always) func sub2(_ v: Lanes, _ p: UnsafePointer<Int16>, _ q: UnsafePointer<Int16>, _ i: Int) -> Lanes {
        _mm512_sub_epi16(_mm512_sub_epi16(v, load(p, i)), load(q, i))
      }
      var sums = Sums()
      var i = 0
      while i < n {
        let j = i &+ 32, k = n &+ i, l = n &+ j
        sums.store(
          sub2(_mm512_add_epi16(load(s, i), load(aw, i)), rw, rw2, i),
          sub2(_mm512_add_epi16(load(s, j), load(aw, j)), rw, rw2, j),
          sub2(_mm512_add_epi16(load(s, k), load(ab, i)), rb, rb2, i),
          sub2(_mm512_add_epi16(load(s, l), load(ab, j)), rb, rb2, j), d, i, n, lw, lb)
        i &+= 64
      }
      return sums.total
    }
  }
#endif
