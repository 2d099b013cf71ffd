#ifndef ZEROLAB_CPROCESSCONTROL_H
#define ZEROLAB_CPROCESSCONTROL_H

/// Makes the kernel send SIGKILL to the calling process when the thread that started it ends
/// (Linux: prctl PR_SET_PDEATHSIG), then checks that its parent is still `parent`: a parent
/// that died before the call left the process to another and would never signal it.
/// Returns 1 when the parent is `parent` (and, on Linux, its death now kills the process),
/// 0 when the process already lost that parent. Elsewhere than Linux only the check is made.
int zl_die_with_parent(int parent);

#endif
