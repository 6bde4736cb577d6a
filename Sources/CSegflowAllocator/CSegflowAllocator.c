#include "CSegflowAllocator.h"

// __GLIBC__ is defined by the C library's own headers, so test it after including one.
#if defined(__linux__)
#include <malloc.h>
#endif

int segflow_set_mmap_threshold(int bytes) {
#if defined(__GLIBC__)
    return mallopt(M_MMAP_THRESHOLD, bytes);
#else
    (void)bytes;
    return 0;
#endif
}

int segflow_release_free_memory(void) {
#if defined(__GLIBC__)
    return malloc_trim(0);
#else
    return 0;
#endif
}
