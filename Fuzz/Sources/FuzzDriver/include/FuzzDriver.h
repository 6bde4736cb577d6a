// libFuzzer's driver, for the fuzz targets' own `main`: SwiftPM renames an executable's
// entry point to `<module>_main`, so libFuzzer's `main` is never linked in.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
