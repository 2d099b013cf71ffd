#ifndef ZEROLAB_CFLOATCONTROL_H
#define ZEROLAB_CFLOATCONTROL_H

/// Sets the calling thread's floating-point unit to flush subnormal results to zero and to read
/// subnormal operands as zero (x86-64: MXCSR's FTZ and DAZ bits; AArch64: FPCR's FZ bit).
///
/// Trained networks hold many weights that weight decay has shrunk below 2^-126 (a channel whose
/// gradient is zero decays geometrically). Arithmetic on such numbers takes a microcode assist on
/// many x86 cores, about a hundred times the cost of a normal multiply-add, so a search on such a
/// network can run ten times slower than on a fresh one. Values this small change no output.
/// The setting is per thread and stays until changed; setting it again costs a few cycles.
void zl_flush_subnormals(void);

/// Whether the calling thread flushes subnormals (both bits set on x86-64).
int zl_flushes_subnormals(void);

#endif
