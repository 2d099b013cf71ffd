#if NNUE_AVX512
  import _Builtin_intrinsics.intel

  /// The fused update-and-evaluate step written with AVX-512BW intrinsics (compiled only when
  /// the package is built for a host that has them, see `Package.swift`). Same arithmetic as
  /// the portable loops (`fusedQuiet`, `fusedCapture`), but both perspectives go through one
  /// loop with two vector accumulators and a single horizontal sum at the end, where the loops
  /// reduce each perspective on its own; and the stores of the new accumulator are issued as
  /// the values are made. 32 `int16` lanes a register, so `n` must be a multiple of 32.
  extension NNUEKernels {
    /// White's half `d[0..<n] = s + aw − rw` and Black's `d[n..<2n] = s[n...] + ab − rb`
    /// stored, and `Σ (c·l)·c` over both halves returned, `c = clamp(d, 0, 255)`, `l` = `lw`
    /// for White's half and `lb` for Black's.
    @inline(__always) public static func fusedQuiet512(
      _ d: UnsafeMutablePointer<Int16>, _ s: UnsafePointer<Int16>, _ aw: UnsafePointer<Int16>,
      _ rw: UnsafePointer<Int16>, _ ab: UnsafePointer<Int16>, _ rb: UnsafePointer<Int16>,
      _ lw: UnsafePointer<Int16>, _ lb: UnsafePointer<Int16>, _ n: Int
    ) -> Int32 {
      let zero = _mm512_setzero_si512(), top = _mm512_set1_epi16(255)
      var accW = zero, accB = zero
      var i = 0
      while i < n {
        let w = _mm512_sub_epi16(
          _mm512_add_epi16(_mm512_loadu_si512(s + i), _mm512_loadu_si512(aw + i)), _mm512_loadu_si512(rw + i))
        let b = _mm512_sub_epi16(
          _mm512_add_epi16(_mm512_loadu_si512(s + (n &+ i)), _mm512_loadu_si512(ab + i)), _mm512_loadu_si512(rb + i))
        _mm512_storeu_si512(d + i, w)
        _mm512_storeu_si512(d + (n &+ i), b)
        let cw = _mm512_min_epi16(_mm512_max_epi16(w, zero), top)
        let cb = _mm512_min_epi16(_mm512_max_epi16(b, zero), top)
        accW = _mm512_add_epi32(accW, _mm512_madd_epi16(_mm512_mullo_epi16(cw, _mm512_loadu_si512(lw + i)), cw))
        accB = _mm512_add_epi32(accB, _mm512_madd_epi16(_mm512_mullo_epi16(cb, _mm512_loadu_si512(lb + i)), cb))
        i &+= 32
      }
      return _mm512_reduce_add_epi32(_mm512_add_epi32(accW, accB))
    }

    /// `fusedQuiet512` for a capture: a second removed row per half (`rw2`, `rb2`).
    @inline(__always) public static func fusedCapture512(
      _ d: UnsafeMutablePointer<Int16>, _ s: UnsafePointer<Int16>, _ aw: UnsafePointer<Int16>,
      _ rw: UnsafePointer<Int16>, _ rw2: UnsafePointer<Int16>, _ ab: UnsafePointer<Int16>,
      _ rb: UnsafePointer<Int16>, _ rb2: UnsafePointer<Int16>, _ lw: UnsafePointer<Int16>,
      _ lb: UnsafePointer<Int16>, _ n: Int
    ) -> Int32 {
      let zero = _mm512_setzero_si512(), top = _mm512_set1_epi16(255)
      var accW = zero, accB = zero
      var i = 0
      while i < n {
        let w = _mm512_sub_epi16(
          _mm512_sub_epi16(
            _mm512_add_epi16(_mm512_loadu_si512(s + i), _mm512_loadu_si512(aw + i)), _mm512_loadu_si512(rw + i)),
          _mm512_loadu_si512(rw2 + i))
        let b = _mm512_sub_epi16(
          _mm512_sub_epi16(
            _mm512_add_epi16(_mm512_loadu_si512(s + (n &+ i)), _mm512_loadu_si512(ab + i)),
            _mm512_loadu_si512(rb + i)),
          _mm512_loadu_si512(rb2 + i))
        _mm512_storeu_si512(d + i, w)
        _mm512_storeu_si512(d + (n &+ i), b)
        let cw = _mm512_min_epi16(_mm512_max_epi16(w, zero), top)
        let cb = _mm512_min_epi16(_mm512_max_epi16(b, zero), top)
        accW = _mm512_add_epi32(accW, _mm512_madd_epi16(_mm512_mullo_epi16(cw, _mm512_loadu_si512(lw + i)), cw))
        accB = _mm512_add_epi32(accB, _mm512_madd_epi16(_mm512_mullo_epi16(cb, _mm512_loadu_si512(lb + i)), cb))
        i &+= 32
      }
      return _mm512_reduce_add_epi32(_mm512_add_epi32(accW, accB))
    }
  }
#endif
