// stream_callback FILE [BLOCK_FRAMES] : decodes FILE up front (as a host's transport
// would have the audio), then hands it to a StreamingAnalyzer BLOCK_FRAMES at a time
// (default 256) from a loop standing in for an audio callback, printing running
// descriptors once a second of audio and a JSON summary at the end. After prepare(),
// push() allocates nothing, takes no lock and does no I/O, so it is safe to call on an
// audio thread.
#include <samplemind/samplemind.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s FILE [BLOCK_FRAMES]\n", argv[0]);
        return 2;
    }
    const std::size_t block = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 256;
    try {
        const samplemind::DecodedAudio audio = samplemind::decode_file(argv[1]);
        const auto channels = static_cast<std::size_t>(audio.info.channels);
        samplemind::StreamingAnalyzer analyzer({}, audio.info.sample_rate, audio.info.channels);
        analyzer.prepare(block);  // every allocation happens here, before the "audio thread" starts

        const std::size_t frames = audio.samples.size() / channels;
        std::int64_t next_report = static_cast<std::int64_t>(audio.info.sample_rate);
        for (std::size_t at = 0; at < frames; at += block) {  // the audio callback
            const std::size_t count = std::min(block, frames - at);
            analyzer.push({audio.samples.data() + at * channels, count * channels});
            const samplemind::RunningDescriptors now = analyzer.running();
            if (now.frames_pushed >= next_report) {
                std::fprintf(stderr, "%6.2f s  peak %6.1f dBFS  rms %6.1f dBFS  centroid %7.1f Hz\n",
                             now.seconds_pushed, now.peak_dbfs, now.rms_dbfs, now.last_centroid_hz);
                next_report += static_cast<std::int64_t>(audio.info.sample_rate);
            }
        }
        const samplemind::Analysis result = analyzer.finish();
        std::printf("{\"duration_s\": %.9g, \"n_frames\": %lld, \"peak_dbfs\": %.9g, "
                    "\"rms_dbfs\": %.9g, \"centroid_hz_mean\": %.9g, \"mfcc_mean_0\": %.9g}\n",
                    result.info.duration_s, static_cast<long long>(result.n_frames), result.level.peak_dbfs,
                    result.level.rms_dbfs, result.spectral.centroid_hz.mean, result.mfcc_mean.at(0));
    } catch (const samplemind::Error& error) {
        std::fprintf(stderr, "error: %s (%s)\n", error.what(), samplemind::error_code_name(error.code()));
        return 1;
    }
    return 0;
}
