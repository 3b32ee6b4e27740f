// Native reader for RIFF WAVE, WAVE_FORMAT_EXTENSIBLE and RF64/BW64.
#pragma once

#include <memory>

#include "io/byte_source.hpp"
#include "samplemind/decoder.hpp"

namespace samplemind::decode {

/// Parses the header of a WAV/RF64 file (already sniffed as such) and returns a
/// streaming decoder. Chunk sizes are never trusted: the data chunk is clamped to the
/// bytes present. Throws samplemind::Error for an impossible header, NotNativeCodec
/// for a valid file in an encoding other than PCM 8/16/24/32 or float 32/64.
std::unique_ptr<AudioDecoder> open_wav(std::unique_ptr<io::ByteSource> source);

}  // namespace samplemind::decode
