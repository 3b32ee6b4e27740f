// Numbers as text without iostreams: std::to_chars ignores locales, so a host (or
// another Python extension) that changes the global C++ locale cannot garble error
// messages or configuration fingerprints.
#pragma once

#include <charconv>
#include <string>

namespace samplemind {

/// The shortest text that reads back as the same double ("22050", "0.85", "nan").
inline std::string number_text(double value) {
    char buffer[32];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, result.ptr);
}

}  // namespace samplemind
