// Whole-file and whole-buffer analysis on top of StreamingAnalyzer.
#include <cmath>
#include <stdexcept>
#include <vector>

#include "cancel_point.hpp"
#include "decode/read_ahead.hpp"
#include "stage_timer.hpp"
#include "number_text.hpp"
#include "samplemind/analyzer.hpp"
#include "samplemind/error.hpp"

namespace samplemind {
namespace {
constexpr std::size_t kReadFrames = 16384;

// The file's own metadata; a file that vanished since it was decoded has none.
Metadata file_metadata(const std::string& path) {
    detail::StageTimer timer(Stage::decode);
    try {
        return read_metadata(path);
    } catch (const Error&) {
        return {};
    }
}
}  // namespace

Analysis analyze_file(const std::string& path, const AnalysisConfig& config, const DecodeOptions& options) {
    config.validate();
    auto decoder = [&] {
        detail::StageTimer timer(Stage::decode);
        return open_audio_file(path, options);
    }();
    const AudioInfo header = decoder->info();
    // One extra thread at most (two would contend on a two-core machine): decoding
    // ahead where decoding is the costly part (compressed formats), else the frames.
    const bool parallel = options.parallel_stages && header.duration_s >= kParallelMinSeconds;
    const bool decode_ahead = parallel && header.decoder == "libsndfile";
    if (decode_ahead) decoder = decode::read_ahead(std::move(decoder));
    const auto max_frames = static_cast<std::int64_t>(std::ceil(config.max_duration_s * header.sample_rate));
    if (header.frames > max_frames) {
        throw Error(ErrorCode::too_large, path,
                    "audio is " + number_text(header.duration_s) + " s long, the limit (max_duration_s) is " +
                        number_text(config.max_duration_s) + " s");
    }
    StreamingAnalyzer analyzer(config, header.sample_rate, header.channels, parallel && !decode_ahead);
    std::vector<float> block(kReadFrames * static_cast<std::size_t>(header.channels));
    std::int64_t frames = 0;
    const auto read = [&] {
        detail::StageTimer timer(Stage::decode);
        return decoder->read(block);
    };
    while (const std::size_t got = read()) {
        if (options.cancel && options.cancel->load(std::memory_order_relaxed)) {
            throw Error(ErrorCode::cancelled, path, "cancelled");
        }
        frames += static_cast<std::int64_t>(got);
        if (frames > max_frames) {
            throw Error(ErrorCode::too_large, path,
                        "audio is longer than the limit (max_duration_s) of " + number_text(config.max_duration_s) + " s");
        }
        analyzer.push(std::span<const float>(block.data(), got * static_cast<std::size_t>(header.channels)));
    }
    if (frames == 0) throw Error(ErrorCode::corrupt_data, path, "no audio frames could be decoded");
    Analysis analysis = [&] {
        const detail::CancelScope scope(options.cancel, path);  // the summaries check it too
        return analyzer.finish();
    }();
    analysis.path = path;
    analysis.info.container = header.container;
    analysis.info.sample_format = header.sample_format;
    analysis.info.bit_depth = header.bit_depth;
    analysis.info.decoder = header.decoder;
    // A decoder that delivered fewer frames than the header promised (a FLAC cut short)
    // tells the caller so, as the native readers do for an overstated data size.
    // (MP3 headers only estimate the length, so they are not held to it.)
    analysis.info.truncated =
        header.truncated || (header.container != "mp3" && header.frames > 0 && frames < header.frames);
    analysis.metadata = file_metadata(path);
    return analysis;
}

Analysis analyze_buffer(std::span<const float> interleaved, double sample_rate, int channels,
                        const AnalysisConfig& config) {
    config.validate();
    if (channels < 1) throw std::invalid_argument("channels must be in [1, 256], got " + std::to_string(channels));
    if (interleaved.empty()) throw std::invalid_argument("source has no samples; pass at least one frame");
    StreamingAnalyzer analyzer(config, sample_rate, channels);
    const double duration = static_cast<double>(interleaved.size() / channels) / sample_rate;
    if (duration > config.max_duration_s) {
        throw std::invalid_argument("source is " + number_text(duration) +
                                    " s long, above max_duration_s=" + number_text(config.max_duration_s));
    }
    analyzer.push(interleaved);
    return analyzer.finish();
}

}  // namespace samplemind
