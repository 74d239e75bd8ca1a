// CUDA backend for batched channel gains: one thread per (instance, UE, slot), calling the
// same per-instance function as the CPU backends (model/channel.hpp).
#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

#include "backends/channel_batch.hpp"
#include "model/channel.hpp"

namespace leosem {
namespace {

void check(cudaError_t status, const char* what) {
  if (status != cudaSuccess)
    throw std::runtime_error(std::string("CUDA error in ") + what + ": " + cudaGetErrorString(status));
}

__global__ void channel_gains_kernel(ScenarioParams params, InstanceRange range, double* gains) {
  const long K = params.users, N = params.subchannels, T = params.slots;
  const long work = static_cast<long>(range.count) * K * T;
  for (long item = blockIdx.x * static_cast<long>(blockDim.x) + threadIdx.x; item < work;
       item += static_cast<long>(gridDim.x) * blockDim.x) {
    const long b = item / (K * T), k = (item / T) % K, t = item % T;  // t fastest: coalesced
    const InstanceKey key{range.seed, range.point, range.first_instance + static_cast<uint32_t>(b)};
    gains_for_ue_slot(params, key, static_cast<int>(k), static_cast<int>(t),
                      gains + ((b * K + k) * N) * T + t);
  }
}

}  // namespace

bool cuda_compiled() { return true; }

std::vector<std::string> cuda_device_names() {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) return {};
  std::vector<std::string> names;
  for (int d = 0; d < count; ++d) {
    cudaDeviceProp prop{};
    if (cudaGetDeviceProperties(&prop, d) == cudaSuccess)
      names.push_back(std::string(prop.name) + " (sm_" + std::to_string(prop.major) +
                      std::to_string(prop.minor) + ")");
  }
  return names;
}

std::vector<double> channel_gains_cuda(const ScenarioParams& params, const InstanceRange& range) {
  const size_t size = static_cast<size_t>(range.count) * params.users * params.subchannels * params.slots;
  std::vector<double> gains(size);
  if (size == 0) return gains;
  double* device_gains = nullptr;
  check(cudaMalloc(&device_gains, size * sizeof(double)), "cudaMalloc");
  const long work = static_cast<long>(range.count) * params.users * params.slots;
  const int block = 128;
  const int grid = static_cast<int>((work + block - 1) / block < 65535 ? (work + block - 1) / block : 65535);
  channel_gains_kernel<<<grid, block>>>(params, range, device_gains);
  cudaError_t status = cudaGetLastError();
  if (status == cudaSuccess) status = cudaDeviceSynchronize();
  if (status == cudaSuccess)
    status = cudaMemcpy(gains.data(), device_gains, size * sizeof(double), cudaMemcpyDeviceToHost);
  cudaFree(device_gains);
  check(status, "channel_gains_kernel");
  return gains;
}

}  // namespace leosem
