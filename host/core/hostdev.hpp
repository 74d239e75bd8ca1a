// The host-device marker for per-instance maths (as Kokkos' KOKKOS_INLINE_FUNCTION):
// every function marked LEOSEM_HD is compiled for the CPU backends and, under nvcc, for CUDA.
#pragma once

#if defined(__CUDACC__)
#define LEOSEM_HD __host__ __device__ inline
#else
#define LEOSEM_HD inline
#endif
