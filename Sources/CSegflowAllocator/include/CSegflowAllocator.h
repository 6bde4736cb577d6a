#ifndef CSEGFLOW_ALLOCATOR_H
#define CSEGFLOW_ALLOCATOR_H

/// glibc's allocator tuning, which Swift's Glibc module does not import (malloc.h).
/// Elsewhere both are no-ops that return 0.

/// mallopt(M_MMAP_THRESHOLD, bytes): blocks of at least `bytes` come straight from mmap.
/// Returns 1 on success, 0 on failure or where there is no glibc.
int segflow_set_mmap_threshold(int bytes);

/// malloc_trim(0): hands free heap pages back to the operating system.
/// Returns 1 if memory was released, 0 otherwise.
int segflow_release_free_memory(void);

#endif
