// Decoding through libsndfile, loaded at run time with dlopen so the core has no
// link-time dependency on it.
#pragma once

#include <memory>
#include <string>

#include "samplemind/decoder.hpp"

namespace samplemind::decode {

/// The functions of one loaded libsndfile. Loaded once per path and kept for the
/// life of the process; thread-safe (libsndfile handles are independent).
class SndfileLibrary;

/// Loads libsndfile from `path` (empty: "libsndfile.so.1", then "libsndfile.so",
/// from the loader's search path). Returns nullptr and sets `why` when it cannot.
std::shared_ptr<const SndfileLibrary> load_sndfile(const std::string& path, std::string& why);

/// Opens `path` with libsndfile and checks its answers (sample rate, channels).
/// `format_hint` names what the first bytes looked like ("FLAC", "Ogg", ...) or is
/// empty; it only shapes error messages. Throws samplemind::Error.
std::unique_ptr<AudioDecoder> open_with_sndfile(std::shared_ptr<const SndfileLibrary> library,
                                                const std::string& path, const std::string& format_hint);

}  // namespace samplemind::decode
