#include "samplemind/error.hpp"

namespace samplemind {

const char* error_code_name(ErrorCode code) noexcept {
    switch (code) {
        case ErrorCode::not_found: return "not_found";
        case ErrorCode::unsupported_format: return "unsupported_format";
        case ErrorCode::corrupt_data: return "corrupt_data";
        case ErrorCode::too_large: return "too_large";
        case ErrorCode::cancelled: return "cancelled";
        case ErrorCode::io_error: return "io_error";
    }
    return "unknown";
}

Error::Error(ErrorCode code, std::string path, std::string reason)
    : std::runtime_error(path + ": " + reason),
      code_(code),
      path_(std::move(path)),
      reason_(std::move(reason)) {}

}  // namespace samplemind
