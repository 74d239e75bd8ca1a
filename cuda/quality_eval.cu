// CUDA backend for batched quality-model evaluation: one thread per item, calling the same
// per-item function as the CPU backend (backends/quality_batch.hpp). The grid model's arrays
// are copied to the device for the call and the view repointed at the copies.
#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

#include "backends/quality_batch.hpp"

namespace leosem {
namespace {

void check(cudaError_t status, const char* what) {
  if (status != cudaSuccess)
    throw std::runtime_error(std::string("CUDA error in ") + what + ": " + cudaGetErrorString(status));
}

__global__ void quality_eval_kernel(QualityModel model, QualityBatchPointers batch, size_t count) {
  for (size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; i < count;
       i += static_cast<size_t>(gridDim.x) * blockDim.x)
    quality_eval_item(model, batch, i);
}

// Device allocations freed on every path (also when a later step throws).
struct DeviceBuffers {
  std::vector<void*> pointers;
  ~DeviceBuffers() {
    for (void* p : pointers) cudaFree(p);
  }
  template <typename T>
  T* allocate(size_t count) {
    void* p = nullptr;
    check(cudaMalloc(&p, (count > 0 ? count : 1) * sizeof(T)), "cudaMalloc");
    pointers.push_back(p);
    return static_cast<T*>(p);
  }
  template <typename T>
  T* upload(const T* host, size_t count) {
    T* device = allocate<T>(count);
    if (count > 0) check(cudaMemcpy(device, host, count * sizeof(T), cudaMemcpyHostToDevice), "cudaMemcpy to device");
    return device;
  }
};

}  // namespace

QualityBatchOutput quality_eval_cuda(const QualityModel& model, const QualityBatchInput& input) {
  const size_t count = input.rho.size();
  if (input.snr_db.size() != count || input.ssim_target.size() != count)
    throw std::invalid_argument("quality_eval_cuda: rho, snr_db and ssim_target differ in length");
  QualityBatchOutput out = make_quality_batch_output(count);
  if (count == 0) return out;

  DeviceBuffers buffers;
  QualityModel device_model = model;
  if (model.kind == QualityKind::Grid) {
    const GridQualityView& g = model.grid;
    device_model.grid.rho = buffers.upload(g.rho, static_cast<size_t>(g.rho_count));
    device_model.grid.snr_db = buffers.upload(g.snr_db, static_cast<size_t>(g.snr_count));
    device_model.grid.ssim = buffers.upload(g.ssim, static_cast<size_t>(g.rho_count) * g.snr_count);
  }
  QualityBatchPointers batch{};
  batch.rho = buffers.upload(input.rho.data(), count);
  batch.snr_db = buffers.upload(input.snr_db.data(), count);
  batch.ssim_target = buffers.upload(input.ssim_target.data(), count);
  batch.ssim = buffers.allocate<double>(count);
  batch.d_rho = buffers.allocate<double>(count);
  batch.d_snr_db = buffers.allocate<double>(count);
  batch.required_snr_db = buffers.allocate<double>(count);
  batch.reachable = buffers.allocate<uint8_t>(count);

  const int block = 128;
  const size_t blocks = (count + block - 1) / block;
  const int grid = static_cast<int>(blocks < 65535 ? blocks : 65535);
  quality_eval_kernel<<<grid, block>>>(device_model, batch, count);
  check(cudaGetLastError(), "quality_eval_kernel launch");
  check(cudaDeviceSynchronize(), "quality_eval_kernel");

  auto download = [&](auto* host, const auto* device) {
    check(cudaMemcpy(host, device, count * sizeof(*host), cudaMemcpyDeviceToHost), "cudaMemcpy to host");
  };
  download(out.ssim.data(), batch.ssim);
  download(out.d_rho.data(), batch.d_rho);
  download(out.d_snr_db.data(), batch.d_snr_db);
  download(out.required_snr_db.data(), batch.required_snr_db);
  download(out.reachable.data(), batch.reachable);
  return out;
}

}  // namespace leosem
