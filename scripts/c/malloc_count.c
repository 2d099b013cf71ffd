/* Counts malloc calls in a process (LD_PRELOAD) and prints the total at exit: used by
   scripts/alloc_check.sh to show that a training step allocates nothing after the first. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdatomic.h>
static atomic_long count;
static void *(*real_malloc)(size_t);
void *malloc(size_t n) {
  if (!real_malloc) real_malloc = dlsym(RTLD_NEXT, "malloc");
  atomic_fetch_add(&count, 1);
  return real_malloc(n);
}
__attribute__((destructor)) static void report(void) { fprintf(stderr, "MALLOC_COUNT %ld\n", atomic_load(&count)); }
