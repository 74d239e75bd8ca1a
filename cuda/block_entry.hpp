// Host side of the block solvers' test and benchmark entries (jcrra_block_solve,
// lower_bound_block_solve): a batch of instances packed into flat arrays, instance after
// instance, and the device buffers and events they copy through; BlockInstanceInputs, what the
// block kernels read of them (its two __device__ accessors). For .cu files only.
#pragma once
#include <cuda_runtime.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "model/channel.hpp"
#include "model/instance.hpp"
#include "solvers/solve.hpp"

namespace leosem {

namespace block_entry {

inline void check(cudaError_t status, const char* what) {
  if (status != cudaSuccess)
    throw std::runtime_error(std::string("CUDA error in ") + what + ": " + cudaGetErrorString(status));
}

// Device buffer freed on scope exit.
template <class T>
struct DeviceArray {
  T* data = nullptr;
  explicit DeviceArray(size_t count) {
    if (count > 0) check(cudaMalloc(&data, count * sizeof(T)), "cudaMalloc");
  }
  DeviceArray(const std::vector<T>& host) : DeviceArray(host.size()) {
    if (!host.empty()) check(cudaMemcpy(data, host.data(), host.size() * sizeof(T), cudaMemcpyHostToDevice), "copy in");
  }
  ~DeviceArray() { (void)cudaFree(data); }  // never throws: after a device fault the free fails too
  DeviceArray(const DeviceArray&) = delete;
  DeviceArray& operator=(const DeviceArray&) = delete;
  std::vector<T> to_host(size_t count) const {
    std::vector<T> host(count);
    if (count > 0) check(cudaMemcpy(host.data(), data, count * sizeof(T), cudaMemcpyDeviceToHost), "copy out");
    return host;
  }
};

// A CUDA event destroyed on scope exit (an error on the way out is not thrown).
struct Event {
  cudaEvent_t event = nullptr;
  Event() { check(cudaEventCreate(&event), "cudaEventCreate"); }
  ~Event() { (void)cudaEventDestroy(event); }
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;
};

}  // namespace block_entry

struct PackedInstances {
  int K = 0, N = 0, T = 0, L = 0;
  std::vector<double> gains, images, ssim, snr;  // [B][K][N][T], [B][K], [B][K], [B][K*L]
  std::vector<int> deadlines, required;          // [B][K], [B][K*L]
};

// Every instance must have the first one's K, N, T, L; `caller` names the entry in the error.
inline PackedInstances pack_instances(const std::vector<Instance>& instances, const QualityModel& quality,
                                      const char* caller) {
  PackedInstances p;
  if (instances.empty()) return p;
  const Instance& first = instances.front();
  p.K = first.users, p.N = first.subchannels, p.T = first.slots, p.L = first.options;
  for (const Instance& inst : instances) {
    if (inst.users != p.K || inst.subchannels != p.N || inst.slots != p.T || inst.options != p.L)
      throw std::invalid_argument(std::string(caller) + ": every instance of a batch must have the same K, N, T, L");
    p.gains.insert(p.gains.end(), inst.gain_per_watt.begin(), inst.gain_per_watt.end());
    p.deadlines.insert(p.deadlines.end(), inst.deadline_slots.begin(), inst.deadline_slots.end());
    p.required.insert(p.required.end(), inst.required_resources.begin(), inst.required_resources.end());
    p.images.insert(p.images.end(), inst.images.begin(), inst.images.end());
    p.ssim.insert(p.ssim.end(), inst.ssim_requirement.begin(), inst.ssim_requirement.end());
    const std::vector<double> table = required_snr_table(inst, quality);
    p.snr.insert(p.snr.end(), table.begin(), table.end());
  }
  return p;
}

// What every block kernel's Source reads of its instances: dense and instance-major on the device
// (gains [B][K*N*T], deadlines [B][K], required resources [B][K*L], images and SSIM targets
// [B][K], required SNR [B][K*L]); each Source adds its outputs and scratch.
struct BlockInstanceInputs {
  int users, subchannels, slots, options;
  double compression_ratios[kMaxOptions];
  double max_power_w, symbols_per_resource;
  const double* gain_per_watt;
  const int* deadline_slots;
  const int* required_resources;
  const double* images;
  const double* ssim_requirement;
  const double* snr_lin;

  // Instance i's view into the dense arrays, and its required-SNR table [K*L].
  __device__ InstanceView instance_view(unsigned i) const {
    const size_t K = static_cast<size_t>(users), KL = K * options;
    InstanceView v;
    v.users = users;
    v.subchannels = subchannels;
    v.slots = slots;
    v.options = options;
    v.gain_per_watt = gain_per_watt + i * (K * subchannels * slots);
    v.deadline_slots = deadline_slots + i * K;
    v.required_resources = required_resources + i * KL;
    v.images = images + i * K;
    v.ssim_requirement = ssim_requirement + i * K;
    v.compression_ratios = compression_ratios;
    v.max_power_w = max_power_w;
    v.symbols_per_resource = symbols_per_resource;
    return v;
  }
  __device__ const double* instance_snr(unsigned i) const {
    return snr_lin + i * (static_cast<size_t>(users) * options);
  }
};

// The packed instances on the device, and the inputs a block kernel's Source reads from them.
struct DeviceInstances {
  block_entry::DeviceArray<double> gains, images, ssim, snr;
  block_entry::DeviceArray<int> deadlines, required;
  explicit DeviceInstances(const PackedInstances& p)
      : gains(p.gains), images(p.images), ssim(p.ssim), snr(p.snr), deadlines(p.deadlines), required(p.required) {}
  // `first` is the batch's first instance, whose parameters all share.
  void fill(BlockInstanceInputs& source, const PackedInstances& p, const Instance& first) const {
    source.users = p.K;
    source.subchannels = p.N;
    source.slots = p.T;
    source.options = p.L;
    for (int l = 0; l < p.L; ++l) source.compression_ratios[l] = first.params.compression_ratios[l];
    source.max_power_w = first.params.max_power_w;
    source.symbols_per_resource = symbols_per_resource(first.params);
    source.gain_per_watt = gains.data;
    source.deadline_slots = deadlines.data;
    source.required_resources = required.data;
    source.images = images.data;
    source.ssim_requirement = ssim.data;
    source.snr_lin = snr.data;
  }
};

}  // namespace leosem
