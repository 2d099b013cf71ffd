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

    /// `Σ clamp(v, 0, 255)²·w` over the 64 lanes of `v0`, `v1`, added to `s0` (`v0`'s lanes)
    /// and `s1` (`v1`'s): two running sums, so the additions do not wait on each other.
    @inline(__always) static func screlu64(
      _ s0: inout Lanes, _ s1: inout Lanes, _ v0: Lanes, _ v1: Lanes, _ w: UnsafePointer<Int16>, _ i: Int
    ) {
      let zero = _mm512_setzero_si512()
      let packed = _mm512_packus_epi16(v0, v1)
      let c0 = _mm512_unpacklo_epi8(packed, zero), c1 = _mm512_unpackhi_epi8(packed, zero)
      s0 = _mm512_add_epi32(s0, _mm512_madd_epi16(_mm512_mullo_epi16(c0, load(w, i)), c0))
      s1 = _mm512_add_epi32(s1, _mm512_madd_epi16(_mm512_mullo_epi16(c1, load(w, i &+ 32)), c1))
    }

    /// The four running sums added up.
    @inline(__always) static func total(_ a: Lanes, _ b: Lanes, _ c: Lanes, _ d: Lanes) -> Int32 {
      _mm512_reduce_add_epi32(_mm512_add_epi32(_mm512_add_epi32(a, b), _mm512_add_epi32(c, d)))
    }

    /// Both perspectives of a quiet move: `d[0..<n] = s + aw − rw` with output weights `lw`,
    /// `d[n..<2n] = s[n...] + ab − rb` with `lb`; returns the sum of both SCReLU dots. `n` is a
    /// multiple of 64.
    @inline(__always) static func fusedQuiet512(
      _ d: UnsafeMutablePointer<Int16>, _ s: UnsafePointer<Int16>, _ aw: UnsafePointer<Int16>,
      _ rw: UnsafePointer<Int16>, _ ab: UnsafePointer<Int16>, _ rb: UnsafePointer<Int16>,
      _ lw: UnsafePointer<Int16>, _ lb: UnsafePointer<Int16>, _ n: Int
    ) -> Int32 {
      var w0 = _mm512_setzero_si512(), w1 = w0, b0 = w0, b1 = w0
      var i = 0
      while i < n {
        let j = i &+ 32, k = n &+ i, l = n &+ j
        let x0 = _mm512_sub_epi16(_mm512_add_epi16(load(s, i), load(aw, i)), load(rw, i))
        let x1 = _mm512_sub_epi16(_mm512_add_epi16(load(s, j), load(aw, j)), load(rw, j))
        let y0 = _mm512_sub_epi16(_mm512_add_epi16(load(s, k), load(ab, i)), load(rb, i))
        let y1 = _mm512_sub_epi16(_mm512_add_epi16(load(s, l), load(ab, j)), load(rb, j))
        store(x0, d, i)
        store(x1, d, j)
        store(y0, d, k)
        store(y1, d, l)
        screlu64(&w0, &w1, x0, x1, lw, i)
        screlu64(&b0, &b1, y0, y1, lb, i)
        i &+= 64
      }
      return total(w0, w1, b0, b1)
    }

    /// `fusedQuiet512` for a capture: each perspective also removes `rw2` / `rb2`.
    @inline(__always) static func fusedCapture512(
      _ d: UnsafeMutablePointer<Int16>, _ s: UnsafePointer<Int16>, _ aw: UnsafePointer<Int16>,
      _ rw: UnsafePointer<Int16>, _ rw2: UnsafePointer<Int16>, _ ab: UnsafePointer<Int16>,
      _ rb: UnsafePointer<Int16>, _ rb2: UnsafePointer<Int16>, _ lw: UnsafePointer<Int16>,
      _ lb: UnsafePointer<Int16>, _ n: Int
    ) -> Int32 {
      var w0 = _mm512_setzero_si512(), w1 = w0, b0 = w0, b1 = w0
      var i = 0
      while i < n {
        let j = i &+ 32, k = n &+ i, l = n &+ j
        let x0 = _mm512_sub_epi16(
          _mm512_sub_epi16(_mm512_add_epi16(load(s, i), load(aw, i)), load(rw, i)), load(rw2, i))
        let x1 = _mm512_sub_epi16(
          _mm512_sub_epi16(_mm512_add_epi16(load(s, j), load(aw, j)), load(rw, j)), load(rw2, j))
        let y0 = _mm512_sub_epi16(
          _mm512_sub_epi16(_mm512_add_epi16(load(s, k), load(ab, i)), load(rb, i)), load(rb2, i))
        let y1 = _mm512_sub_epi16(
          _mm512_sub_epi16(_mm512_add_epi16(load(s, l), load(ab, j)), load(rb, j)), load(rb2, j))
        store(x0, d, i)
        store(x1, d, j)
        store(y0, d, k)
        store(y1, d, l)
        screlu64(&w0, &w1, x0, x1, lw, i)
        screlu64(&b0, &b1, y0, y1, lb, i)
        i &+= 64
      }
      return total(w0, w1, b0, b1)
    }
  }
#endif
