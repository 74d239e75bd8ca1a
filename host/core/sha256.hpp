// SHA-256 of a byte string, as 64 lowercase hex digits (OpenSSL's EVP): the configuration digest
// of a sweep file and the digest over a file's variable-length text (io/hdf5_verify.hpp).
#pragma once
#include <string>

namespace leosem {

std::string sha256_hex(const std::string& data);

}  // namespace leosem
