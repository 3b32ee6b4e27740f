// The single source of SampleMind's version: read by CMake, by the Python
// package metadata (scikit-build-core's regex provider) and by C++ hosts.
#pragma once

#define SAMPLEMIND_VERSION_MAJOR 0
#define SAMPLEMIND_VERSION_MINOR 3
#define SAMPLEMIND_VERSION_PATCH 2
#define SAMPLEMIND_VERSION "0.3.2"

namespace samplemind {

/// The engine version as "MAJOR.MINOR.PATCH".
inline constexpr const char* version = SAMPLEMIND_VERSION;

}  // namespace samplemind
