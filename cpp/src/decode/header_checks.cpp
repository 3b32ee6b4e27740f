#include <cmath>
#include <sstream>

#include "decode/header_reader.hpp"

namespace samplemind::decode {

void check_channels_and_rate(const std::string& name, long long channels, double sample_rate) {
    if (channels < 1 || channels > kMaxChannels) {
        throw Error(ErrorCode::corrupt_data, name,
                    "channel count " + std::to_string(channels) + " is outside [1, " +
                        std::to_string(kMaxChannels) + "]");
    }
    if (!std::isfinite(sample_rate) || sample_rate < kMinSampleRate || sample_rate > kMaxSampleRate) {
        std::ostringstream reason;
        reason << "sample rate " << sample_rate << " Hz is outside [" << kMinSampleRate << ", "
               << kMaxSampleRate << "]";
        throw Error(ErrorCode::corrupt_data, name, reason.str());
    }
}

}  // namespace samplemind::decode
