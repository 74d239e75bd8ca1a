// The host-device marker for per-instance maths (as Kokkos' KOKKOS_INLINE_FUNCTION):
// every function marked LEOSEM_HD is compiled for the CPU backends and, under nvcc, for CUDA.
#pragma once

#if defined(__CUDACC__)
#define LEOSEM_HD __host__ __device__ inline
// The same, kept out of line: rarely-run serial code (JCRRA's leader sections) called from a
// kernel whose hot loops should not pay for its registers and spills.
#define LEOSEM_HD_NOINLINE __host__ __device__ inline __noinline__
#else
#define LEOSEM_HD inline
#define LEOSEM_HD_NOINLINE inline
#endif
