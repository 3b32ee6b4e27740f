// samplemind_bench [--quick]: median time per call of the core's kernels (real FFT,
// STFT frame descriptors, mel filterbank, resampling) and of whole-buffer and batch
// analysis, printed as one table. --quick runs a few repetitions (a smoke test).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <complex>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "dsp/mel.hpp"
#include "features/spectral_frame.hpp"
#include "samplemind/samplemind.hpp"

namespace {

// Median wall time of `repeats` calls, in microseconds.
double median_us(int repeats, const std::function<void()>& call) {
    std::vector<double> times;
    for (int i = 0; i < repeats; ++i) {
        const auto start = std::chrono::steady_clock::now();
        call();
        times.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
    }
    std::nth_element(times.begin(), times.begin() + static_cast<std::ptrdiff_t>(times.size() / 2), times.end());
    return times[times.size() / 2];
}

void row(const char* name, double microseconds, const char* per) {
    std::printf("%-44s %12.2f us  per %s\n", name, microseconds, per);
}

std::vector<float> noise(std::size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> dist(0.0f, 0.1f);
    std::vector<float> y(n);
    for (float& v : y) v = dist(rng);
    return y;
}

}  // namespace

int main(int argc, char** argv) {
    const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
    const int repeats = quick ? 3 : 200;
    std::printf("samplemind %s native benchmark (%s)\n", samplemind::version, quick ? "quick" : "full");

    const auto frame = noise(2048, 1);
    std::vector<std::complex<float>> spectrum(1025);
    row("rfft n=2048", median_us(repeats * 10, [&] { samplemind::rfft(frame.data(), spectrum.data(), 2048); }), "frame");

    const samplemind::AnalysisConfig config;
    const auto kernels = samplemind::features::get_spectral_kernels(config);
    auto scratch = kernels->make_scratch();
    samplemind::features::FrameDescriptors descriptors;
    std::vector<float> contrast(7), mel(128);
    row("STFT frame: FFT + all frame descriptors", median_us(repeats * 10, [&] {
            kernels->compute(frame.data(), {0, 2048}, scratch, descriptors, contrast.data(), mel.data());
        }), "frame");

    const samplemind::dsp::MelFilterbank filterbank(22050, 2048, 128, 0, 11025);
    const auto power = noise(1025, 2);
    row("mel filterbank (128 Slaney bands)", median_us(repeats * 10, [&] { filterbank.apply(power.data(), mel.data()); }),
        "frame");

    const auto second = noise(44100, 3);
    row("resample 44.1 -> 22.05 kHz", median_us(repeats, [&] {
            samplemind::resample(second.data(), second.size(), 44100, 22050);
        }), "second of audio");
    row("resample 48 -> 22.05 kHz", median_us(repeats, [&] {
            samplemind::resample(second.data(), second.size(), 48000, 22050);
        }), "second of audio");

    const auto stereo = noise(44100 * 2 * 3, 4);
    row("analyze_buffer, 3 s 44.1 kHz stereo", median_us(quick ? 2 : 30, [&] {
            samplemind::analyze_buffer(stereo, 44100, 2);
        }), "file");

    // Batch: the same buffer written as 16-bit WAV files, analysed on the worker pool.
    const auto folder = std::filesystem::temp_directory_path() / "samplemind-native-bench";
    std::filesystem::create_directories(folder);
    std::vector<std::string> paths;
    for (int i = 0; i < (quick ? 4 : 64); ++i) {
        const auto path = (folder / ("f" + std::to_string(i) + ".wav")).string();
        std::FILE* file = std::fopen(path.c_str(), "wb");
        const std::uint32_t frames = 44100 * 3, data_bytes = frames * 4;
        auto u32 = [&](std::uint32_t v) { std::fwrite(&v, 4, 1, file); };  // the file is little-endian, as x86
        auto u16 = [&](std::uint16_t v) { std::fwrite(&v, 2, 1, file); };
        std::fwrite("RIFF", 1, 4, file), u32(36 + data_bytes), std::fwrite("WAVEfmt ", 1, 8, file);
        u32(16), u16(1), u16(2), u32(44100), u32(44100 * 4), u16(4), u16(16);
        std::fwrite("data", 1, 4, file), u32(data_bytes);
        for (const float v : stereo) u16(static_cast<std::uint16_t>(static_cast<std::int16_t>(v * 32767)));
        std::fclose(file);
        paths.push_back(path);
    }
    for (const int workers : {1, 2}) {
        const double us = median_us(quick ? 1 : 3, [&] { samplemind::analyze_batch(paths, {}, {}, workers); });
        char name[64];
        std::snprintf(name, sizeof name, "analyze_batch, %d worker%s, 3 s WAVs", workers, workers > 1 ? "s" : "");
        row(name, us / static_cast<double>(paths.size()), "file");
    }
    std::filesystem::remove_all(folder);
    return 0;
}
