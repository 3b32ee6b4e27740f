#include <cmath>

#include "decode/header_reader.hpp"
#include "number_text.hpp"

namespace samplemind::decode {

void check_channels_and_rate(const std::string& name, long long channels, double sample_rate) {
    if (channels < 1 || channels > kMaxChannels) {
        throw Error(ErrorCode::corrupt_data, name,
                    "channel count " + std::to_string(channels) + " is outside [1, " +
                        std::to_string(kMaxChannels) + "]");
    }
    if (!std::isfinite(sample_rate) || sample_rate < kMinSampleRate || sample_rate > kMaxSampleRate) {
        throw Error(ErrorCode::corrupt_data, name,
                    "sample rate " + number_text(sample_rate) + " Hz is outside [" + number_text(kMinSampleRate) +
                        ", " + number_text(kMaxSampleRate) + "]");
    }
}

}  // namespace samplemind::decode
