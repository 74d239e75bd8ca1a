// Linked into every executable of a LEOSEM_SANITIZE build (CMakeLists.txt), so that the tests,
// `leosem` and the fuzzer behave the same under ctest, tools/fuzz.sh or by hand, with no
// environment to set. (ASAN_OPTIONS / UBSAN_OPTIONS / LSAN_OPTIONS still add to these.)

// UBSan already halts (-fno-sanitize-recover=all); the stack says where.
extern "C" const char* __ubsan_default_options() { return "print_stacktrace=1"; }

// HDF5 1.10 leaks an object header (424 bytes, allocated in H5O__cache_deserialize's free list)
// each time it meets a corrupt one: a plain C program doing H5Fopen, H5Ovisit2 and H5Fclose on a
// file with a flipped bit in an object header reports it too (docs/testing.md). The checksum
// tests do exactly that, on purpose. Leaks whose memory HDF5 itself allocated are ignored; HDF5
// frees what ids are left open at exit anyway, so this hides no leak of leosem's own.
extern "C" const char* __lsan_default_suppressions() { return "leak:libhdf5\n"; }
