// Unit tests of the C++ core, runnable without Python (ctest).
#include <atomic>
#include <cmath>
#include <complex>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <unistd.h>
#include <functional>
#include <numbers>
#include <stdexcept>
#include <string>
#include <vector>

#include "cancel_point.hpp"
#include "model/category_model.hpp"
#include "samplemind/category.hpp"
#include "samplemind/samplemind.hpp"

namespace {

int failures = 0;

#define CHECK(condition)                                                           \
    do {                                                                           \
        if (!(condition)) {                                                        \
            std::printf("  FAILED %s:%d: %s\n", __FILE__, __LINE__, #condition); \
            ++failures;                                                            \
        }                                                                          \
    } while (0)

template <typename E>
bool throws(const std::function<void()>& body, const char* needle = "") {
    try {
        body();
    } catch (const E& error) {
        return std::strstr(error.what(), needle) != nullptr;
    }
    return false;
}

std::vector<float> sine(double freq, double rate, std::size_t n, double amplitude = 0.5) {
    std::vector<float> y(n);
    for (std::size_t i = 0; i < n; ++i) y[i] = static_cast<float>(amplitude * std::sin(2 * std::numbers::pi * freq * i / rate));
    return y;
}

void test_rfft_matches_naive_dft() {
    for (std::size_t n : {16u, 32u, 64u, 512u, 2048u}) {
        std::vector<float> x(n);
        for (std::size_t i = 0; i < n; ++i) x[i] = static_cast<float>(std::sin(0.37 * i) + 0.25 * std::cos(1.9 * i * i));
        std::vector<std::complex<float>> out(n / 2 + 1);
        samplemind::rfft(x.data(), out.data(), n);
        double worst = 0.0;
        for (std::size_t k = 0; k <= n / 2; ++k) {
            std::complex<double> sum = 0.0;
            for (std::size_t i = 0; i < n; ++i) sum += double(x[i]) * std::polar(1.0, -2 * std::numbers::pi * k * i / n);
            worst = std::max(worst, std::abs(sum - std::complex<double>(out[k])));
        }
        CHECK(worst < 1e-4 * std::sqrt(double(n)));
    }
    CHECK(throws<std::invalid_argument>([] { std::complex<float> o[3]; float x[4] = {}; samplemind::rfft(x, o, 4); }, "n_fft"));
}

void test_resampler_length_and_gain() {
    const std::vector<float> ones(44100, 1.0f);
    const auto half = samplemind::resample(ones.data(), ones.size(), 44100, 22050);
    CHECK(half.size() == 22050);
    CHECK(std::abs(half[11025] - 1.0f) < 1e-3f);  // unity gain at DC
    const auto odd = samplemind::resample(ones.data(), 1001, 48000, 22050);
    CHECK(odd.size() == static_cast<std::size_t>(std::ceil(1001 * 22050.0 / 48000.0)));
}

void test_config_validation() {
    samplemind::AnalysisConfig config;
    config.validate();
    config.n_fft = 1000;
    CHECK(throws<std::invalid_argument>([&] { config.validate(); }, "n_fft must be a power of two in [16, 65536], got 1000"));
    config = {};
    config.hop_length = 0;
    CHECK(throws<std::invalid_argument>([&] { config.validate(); }, "hop_length"));
}

// A 16-bit mono WAV built byte by byte.
std::vector<std::uint8_t> tiny_wav(const std::vector<std::int16_t>& samples, std::uint32_t rate = 8000) {
    std::vector<std::uint8_t> b;
    auto u32 = [&](std::uint32_t v) { for (int i = 0; i < 4; ++i) b.push_back(std::uint8_t(v >> (8 * i))); };
    auto u16 = [&](std::uint16_t v) { b.push_back(std::uint8_t(v)); b.push_back(std::uint8_t(v >> 8)); };
    auto tag = [&](const char* t) { for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(t[i])); };
    const auto data_bytes = static_cast<std::uint32_t>(samples.size() * 2);
    tag("RIFF"); u32(36 + data_bytes); tag("WAVE");
    tag("fmt "); u32(16); u16(1); u16(1); u32(rate); u32(rate * 2); u16(2); u16(16);
    tag("data"); u32(data_bytes);
    for (std::int16_t s : samples) u16(static_cast<std::uint16_t>(s));
    return b;
}

void test_decode_from_memory() {
    const auto bytes = tiny_wav({0, 16384, -32768, 32767});
    auto decoder = samplemind::open_audio_memory(bytes, "tiny");
    CHECK(decoder->info().sample_rate == 8000 && decoder->info().channels == 1 && decoder->info().frames == 4);
    std::vector<float> out(16);
    CHECK(decoder->read(out) == 4);
    CHECK(out[0] == 0.0f && out[1] == 0.5f && out[2] == -1.0f && out[3] == 32767.0f / 32768.0f);
    CHECK(decoder->read(out) == 0);

    auto broken = bytes;
    broken[22] = 0;  // channel count 0
    const bool corrupt = [&] {
        try {
            samplemind::open_audio_memory(broken, "broken");
        } catch (const samplemind::Error& error) {
            return error.code() == samplemind::ErrorCode::corrupt_data && error.path() == "broken";
        }
        return false;
    }();
    CHECK(corrupt);
}

// A WAV with an 'acid' chunk (loop, root A3, 8 beats, 126 BPM) and a RIFF INFO title
// appended after its audio, as sample editors write them.
void test_metadata_from_memory() {
    auto bytes = tiny_wav({0, 100, -100, 0});
    auto u32 = [&](std::uint32_t v) { for (int i = 0; i < 4; ++i) bytes.push_back(std::uint8_t(v >> (8 * i))); };
    auto text = [&](const char* t, std::size_t n) { bytes.insert(bytes.end(), t, t + n); };
    const float tempo = 126.0f;
    std::uint32_t tempo_bits;
    std::memcpy(&tempo_bits, &tempo, 4);
    text("acid", 4); u32(24); u32(0x02); u32(57); u32(0); u32(8); u32(0x00040004); u32(tempo_bits);
    text("LIST", 4); u32(16); text("INFOINAM", 8); u32(4); text("Dub", 4);
    const samplemind::Metadata metadata = samplemind::read_metadata(bytes);
    CHECK(metadata.tempo_bpm && *metadata.tempo_bpm == 126.0);
    CHECK(metadata.root_note && *metadata.root_note == 57);
    CHECK(metadata.is_loop && *metadata.is_loop);
    CHECK(metadata.beats && *metadata.beats == 8.0);
    CHECK(metadata.tag("title") && *metadata.tag("title") == "Dub");
    CHECK(samplemind::read_metadata(tiny_wav({1, 2})).sources.empty());
    bytes[bytes.size() - 13] = 0xFF;  // the LIST's INAM size: far past the end
    CHECK(samplemind::read_metadata(bytes).tempo_bpm.has_value());
}

// A cancel that arrives once the audio is read still stops the final summaries
// (tempo, pitch, key), which take a second on a two-hour file.
void test_cancel_reaches_finish() {
    const auto tone = sine(220.0, 22050.0, 22050 * 4);
    samplemind::StreamingAnalyzer analyzer(samplemind::AnalysisConfig{}, 22050.0, 1);
    analyzer.push(tone);
    std::atomic<bool> cancel{true};
    const samplemind::detail::CancelScope scope(&cancel, "long.wav");
    const bool cancelled = [&] {
        try {
            analyzer.finish();
        } catch (const samplemind::Error& error) {
            return error.code() == samplemind::ErrorCode::cancelled && error.path() == "long.wav";
        }
        return false;
    }();
    CHECK(cancelled);
}

void test_streaming_equals_one_shot() {
    // Pushing in ragged blocks must give exactly what one push gives.
    std::vector<float> stereo;
    const auto left = sine(440, 44100, 30000), right = sine(2500, 44100, 30000);
    for (std::size_t i = 0; i < left.size(); ++i) { stereo.push_back(left[i]); stereo.push_back(right[i]); }
    const auto whole = samplemind::analyze_buffer(stereo, 44100, 2);
    samplemind::StreamingAnalyzer streaming({}, 44100, 2);
    std::size_t at = 0, step = 1;
    while (at < stereo.size()) {
        const std::size_t frames = std::min(step, (stereo.size() - at) / 2);
        streaming.push({stereo.data() + at, frames * 2});
        at += frames * 2;
        step = step * 3 % 9973 + 1;
    }
    const auto running = streaming.running();
    CHECK(running.frames_pushed == 30000 && running.stft_frames > 0);
    const auto pieces = streaming.finish();
    CHECK(pieces.n_frames == whole.n_frames);
    CHECK(pieces.spectral.centroid_hz.mean == whole.spectral.centroid_hz.mean);
    CHECK(pieces.mfcc_mean == whole.mfcc_mean && pieces.mfcc_std == whole.mfcc_std);
    // Levels are summed per internal chunk in float, so block sizes move the last digits.
    CHECK(std::abs(pieces.level.rms_dbfs - whole.level.rms_dbfs) < 1e-5);
    CHECK(pieces.level.peak_dbfs == whole.level.peak_dbfs);
    CHECK(throws<std::logic_error>([&] { streaming.push(stereo); }, "after finish"));

    // Frames on a second thread: the same numbers.
    samplemind::StreamingAnalyzer threaded({}, 44100, 2, /*frame_thread=*/true);
    for (std::size_t at2 = 0; at2 < stereo.size(); at2 += 2 * 1000) {
        threaded.push({stereo.data() + at2, std::min<std::size_t>(2 * 1000, stereo.size() - at2)});
    }
    const auto parallel = threaded.finish();
    CHECK(parallel.n_frames == whole.n_frames);
    CHECK(parallel.spectral.centroid_hz.mean == whole.spectral.centroid_hz.mean);
    CHECK(parallel.mfcc_mean == whole.mfcc_mean && parallel.mfcc_std == whole.mfcc_std);
}

void test_sine_centroid() {
    const auto y = sine(1000, 22050, 22050);
    const auto analysis = samplemind::analyze_buffer(y, 22050, 1);
    CHECK(std::abs(analysis.spectral.centroid_hz.mean - 1000) < 30);
    CHECK(std::abs(analysis.level.peak_dbfs - 20 * std::log10(0.5)) < 0.01);
    CHECK(analysis.n_frames == 1 + 22050 / 512);
}

void write_file(const std::string& path, const std::vector<std::uint8_t>& bytes) {
    std::FILE* file = std::fopen(path.c_str(), "wb");
    std::fwrite(bytes.data(), 1, bytes.size(), file);
    std::fclose(file);
}

void test_batch_order_errors_and_cancel() {
    const auto dir = std::filesystem::temp_directory_path() / ("samplemind-batch-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::vector<std::int16_t> samples(8000 * 2);
    for (std::size_t i = 0; i < samples.size(); ++i) samples[i] = static_cast<std::int16_t>(8000 * std::sin(0.05 * i));
    const std::string good = (dir / "good.wav").string(), bad = (dir / "bad.wav").string();
    write_file(good, tiny_wav(samples));
    write_file(bad, {'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'A', 'V', 'E'});
    const std::vector<std::string> paths = {good, (dir / "missing.wav").string(), bad, good};
    const auto results = samplemind::analyze_batch(paths, {}, {}, 2);
    CHECK(results.size() == 4);
    CHECK(results[0].ok && results[3].ok && results[0].index == 0 && results[3].path == good);
    CHECK(!results[1].ok && results[1].code == samplemind::ErrorCode::not_found);
    CHECK(!results[2].ok && results[2].code == samplemind::ErrorCode::corrupt_data);

    samplemind::BatchScheduler scheduler(1);
    auto job = scheduler.submit(std::vector<std::string>(500, good), {});
    job->cancel();
    job->wait();
    const auto progress = job->progress();
    CHECK(progress.finished && progress.cancelled && progress.done == 500 && progress.failed > 400);
    std::filesystem::remove_all(dir);
}

void test_stage_timing() {
    using samplemind::Stage;
    const auto y = sine(440, 44100, 44100);  // resampled to 22,050 Hz: every stage but decode runs
    samplemind::reset_stage_timing();
    samplemind::analyze_buffer(y, 44100, 1);
    for (const double seconds : samplemind::stage_seconds()) CHECK(seconds == 0.0);  // off by default
    samplemind::set_stage_timing(true);
    samplemind::analyze_buffer(y, 44100, 1);
    samplemind::set_stage_timing(false);
    const auto seconds = samplemind::stage_seconds();
    for (const Stage stage : {Stage::resample, Stage::stft, Stage::descriptors, Stage::musical, Stage::embedding}) {
        CHECK(seconds[static_cast<std::size_t>(stage)] > 0.0);
    }
    CHECK(seconds[static_cast<std::size_t>(Stage::decode)] == 0.0);  // a buffer is not decoded
    CHECK(samplemind::stage_name(Stage::musical) == "musical");
    samplemind::reset_stage_timing();
    CHECK(samplemind::stage_seconds()[static_cast<std::size_t>(Stage::stft)] == 0.0);
}

// A category model in the trainer's format (see model/category_model.hpp), all weights
// `weight`, so that tests can break one field at a time.
std::vector<std::uint8_t> category_model_bytes(std::uint32_t hidden, float weight = 0.0f) {
    std::vector<std::uint8_t> out = {'S', 'M', 'C', 'M'};
    auto u32 = [&](std::uint32_t v) { for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i))); };
    auto floats = [&](std::size_t n, float v) {
        for (std::size_t i = 0; i < n; ++i) {
            std::uint8_t b[4];
            std::memcpy(b, &v, 4);
            out.insert(out.end(), b, b + 4);
        }
    };
    const std::size_t features = samplemind::kModelFeatureCount, classes = samplemind::category_vocabulary().size();
    for (const std::uint32_t v : {1u, std::uint32_t(samplemind::kCategoryModelVersion), std::uint32_t(features), hidden,
                                  std::uint32_t(classes), std::uint32_t(samplemind::kLearnedTimbreSize)}) u32(v);
    for (const auto& c : samplemind::category_vocabulary()) {
        u32(static_cast<std::uint32_t>(c.name.size()));
        out.insert(out.end(), c.name.begin(), c.name.end());
    }
    floats(features, 0.0f);  // mean
    floats(features, 1.0f);  // scale
    floats(hidden * features + hidden + classes * hidden + classes, weight);
    floats(samplemind::kLearnedTimbreSize * (hidden + 1), weight);
    return out;
}

void test_category_model_loader() {
    using samplemind::model::CategoryModel;
    const auto good = category_model_bytes(4);
    const CategoryModel model{std::span<const std::uint8_t>(good)};
    CHECK(!model.empty() && model.embed_size() == samplemind::kLearnedTimbreSize);
    const auto stats = model.classify(std::vector<float>(samplemind::kModelFeatureCount, 0.5f), false);
    CHECK(stats.top.size() == 3 && stats.category == "unknown");  // uniform over the one-shot classes: below 0.4
    auto load = [](std::vector<std::uint8_t> bytes) { CategoryModel m{std::span<const std::uint8_t>(bytes)}; };
    CHECK(throws<std::invalid_argument>([&] { load(std::vector<std::uint8_t>(good.begin(), good.end() - 1)); }, "truncated"));
    CHECK(throws<std::invalid_argument>([&] { auto b = good; b.push_back(0); load(b); }, "trailing"));
    CHECK(throws<std::invalid_argument>([&] { auto b = good; b[0] = 'X'; load(b); }, "magic"));
    CHECK(throws<std::invalid_argument>([&] { auto b = good; b[12] ^= 1; load(b); }, "sizes"));  // feature count
    CHECK(throws<std::invalid_argument>([&] { load(category_model_bytes(4, std::nanf(""))); }, "not finite"));
    CHECK(throws<std::invalid_argument>([&] { auto b = good; b[32] = 'x'; load(b); }, "out of order"));  // first name
    const auto& shipped = samplemind::model::shipped_category_model();
    CHECK(!shipped.empty() && shipped.embed_size() == samplemind::kLearnedTimbreSize);
}

}  // namespace

int main() {
    const std::pair<const char*, void (*)()> tests[] = {
        {"rfft matches a naive DFT", test_rfft_matches_naive_dft},
        {"resampler length and gain", test_resampler_length_and_gain},
        {"config validation", test_config_validation},
        {"decode from memory", test_decode_from_memory},
        {"metadata from memory", test_metadata_from_memory},
        {"cancel reaches finish", test_cancel_reaches_finish},
        {"streaming equals one shot", test_streaming_equals_one_shot},
        {"sine centroid", test_sine_centroid},
        {"batch order, errors and cancel", test_batch_order_errors_and_cancel},
        {"stage timing", test_stage_timing},
        {"category model loader", test_category_model_loader},
    };
    int passed = 0, failed = 0;
    for (const auto& [name, test] : tests) {
        const int before = failures;
        test();
        const bool ok = failures == before;
        std::printf("%s %s\n", ok ? "PASS" : "FAIL", name);
        (ok ? passed : failed) += 1;
    }
    std::printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
