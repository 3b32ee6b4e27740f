// Fuzz target for the native WAV/RF64 and AIFF/AIFC parsers and the analysis that
// follows them: any byte string must give either an analysis or a samplemind::Error,
// never a crash, a hang or an unbounded allocation. The metadata readers (every
// container) must not even throw.
//
// libFuzzer: configure with clang, -DSAMPLEMIND_BUILD_TESTS=ON -DSAMPLEMIND_LIBFUZZER=ON
// and run ./fuzz_decoders CORPUS_DIR. Without libFuzzer the same target is built with
// a main() that replays files and folders, so CI runs the corpus under the sanitizers.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "samplemind/samplemind.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const samplemind::Metadata metadata = samplemind::read_metadata({data, size});
    if (metadata.tags.size() > samplemind::Metadata::kMaxTags || metadata.loops.size() > samplemind::Metadata::kMaxLoops) {
        std::abort();
    }
    try {
        auto decoder = samplemind::open_audio_memory({data, size}, "fuzz-input");
        const samplemind::AudioInfo& info = decoder->info();
        samplemind::AnalysisConfig config;
        config.n_fft = 256;  // small frames keep each input fast
        config.hop_length = 128;
        config.n_mels = 32;
        samplemind::StreamingAnalyzer analyzer(config, info.sample_rate, info.channels);
        std::vector<float> block(1024 * static_cast<std::size_t>(info.channels));
        std::int64_t frames = 0;
        while (const std::size_t got = decoder->read(block)) {
            analyzer.push({block.data(), got * static_cast<std::size_t>(info.channels)});
            frames += static_cast<std::int64_t>(got);
            if (frames > 1 << 20) break;  // bound the work per input
        }
        analyzer.finish();
    } catch (const samplemind::Error&) {
        // The expected outcome for malformed input.
    }
    return 0;
}

#ifdef SAMPLEMIND_FUZZ_REPLAY_MAIN
namespace {
void replay(const std::filesystem::path& path, int& count) {
    std::ifstream in(path, std::ios::binary);
    const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
    ++count;
}
}  // namespace

int main(int argc, char** argv) {
    int count = 0;
    for (int i = 1; i < argc; ++i) {
        const std::filesystem::path root(argv[i]);
        if (std::filesystem::is_directory(root)) {
            for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
                if (entry.is_regular_file()) replay(entry.path(), count);
            }
        } else {
            replay(root, count);
        }
    }
    std::printf("replayed %d inputs without a crash\n", count);
    return 0;
}
#endif
