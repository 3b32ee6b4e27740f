// Errors reported by the SampleMind core.
//
// Invalid parameters throw std::invalid_argument (bindings map it to ValueError).
// Everything that goes wrong with one audio file throws samplemind::Error, which
// carries a category, the file's path and a human-readable reason.
#pragma once

#include <stdexcept>
#include <string>

namespace samplemind {

/// What kind of failure an Error reports. Stable: values are part of the API.
enum class ErrorCode {
    not_found = 1,           ///< the file does not exist or cannot be opened
    unsupported_format = 2,  ///< not audio, or an encoding nothing here can decode
    corrupt_data = 3,        ///< audio whose header or data is impossible or damaged
    too_large = 4,           ///< longer than AnalysisConfig::max_duration_s
    cancelled = 5,           ///< the work was cancelled before it finished
    io_error = 6,            ///< the operating system failed to read the file
};

/// A short, stable name for a code: "not_found", "corrupt_data", ...
const char* error_code_name(ErrorCode code) noexcept;

/// One file's failure. what() is "<path>: <reason>".
class Error : public std::runtime_error {
public:
    Error(ErrorCode code, std::string path, std::string reason);

    ErrorCode code() const noexcept { return code_; }
    const std::string& path() const noexcept { return path_; }
    const std::string& reason() const noexcept { return reason_; }

private:
    ErrorCode code_;
    std::string path_;
    std::string reason_;
};

}  // namespace samplemind
