// Native reader for AIFF and AIFF-C.
#pragma once

#include <memory>

#include "io/byte_source.hpp"
#include "samplemind/decoder.hpp"

namespace samplemind::decode {

/// Decodes the 80-bit IEEE 754 extended float AIFF uses for its sample rate
/// (sign, 15-bit exponent biased by 16383, 64-bit mantissa with explicit integer
/// bit). NaN and infinities come back as such, for the caller to reject.
double decode_extended80(const std::uint8_t* bytes);

/// Parses an AIFF/AIFC header (already sniffed as such) and returns a streaming
/// decoder for PCM (NONE, twos, sowt) and float (fl32, fl64) data. Throws
/// samplemind::Error for an impossible header, NotNativeCodec for other codecs.
std::unique_ptr<AudioDecoder> open_aiff(std::unique_ptr<io::ByteSource> source);

}  // namespace samplemind::decode
