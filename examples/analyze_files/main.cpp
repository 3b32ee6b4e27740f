// analyze_files [--sndfile LIBRARY] FILE... : analyses each file on a BatchScheduler
// and prints one JSON object per line: the descriptors, or {"path", "error": {"code",
// "message"}}. FLAC, Ogg, MP3 and the other formats SampleMind's own readers do not
// handle go through libsndfile, loaded at run time: --sndfile names the library's
// file when the dynamic loader cannot find it. Exit status 0 when every file was
// analysed, 1 otherwise.
#include <samplemind/samplemind.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

namespace {

std::string quoted(const std::string& text) {
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\') out += '\\';
        if (static_cast<unsigned char>(c) < 0x20) {
            char escape[8];
            std::snprintf(escape, sizeof escape, "\\u%04x", c);
            out += escape;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

std::string number(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.9g", value);
    return text;
}

std::string stats(const samplemind::SummaryStats& s) {
    return "{\"mean\": " + number(s.mean) + ", \"std\": " + number(s.std) + ", \"min\": " + number(s.min) +
           ", \"max\": " + number(s.max) + "}";
}

std::string array(const std::vector<float>& values) {
    std::string out = "[";
    for (std::size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + number(values[i]);
    return out + "]";
}

std::string to_json(const samplemind::Analysis& a) {
    const auto& s = a.spectral;
    return "{\"path\": " + quoted(a.path) + ", \"duration_s\": " + number(a.info.duration_s) +
           ", \"sample_rate\": " + number(a.info.sample_rate) + ", \"channels\": " + std::to_string(a.info.channels) +
           ", \"container\": " + quoted(a.info.container) + ", \"n_frames\": " + std::to_string(a.n_frames) +
           ", \"peak_dbfs\": " + number(a.level.peak_dbfs) + ", \"rms_dbfs\": " + number(a.level.rms_dbfs) +
           ", \"centroid_hz\": " + stats(s.centroid_hz) + ", \"bandwidth_hz\": " + stats(s.bandwidth_hz) +
           ", \"rolloff_hz\": " + stats(s.rolloff_hz) + ", \"flatness\": " + stats(s.flatness) +
           ", \"zcr\": " + stats(s.zcr) + ", \"rms\": " + stats(s.rms) + ", \"mfcc_mean\": " + array(a.mfcc_mean) +
           ", \"mfcc_std\": " + array(a.mfcc_std) + "}";
}

}  // namespace

int main(int argc, char** argv) {
    samplemind::DecodeOptions options;
    int first = 1;
    if (argc > 2 && std::string(argv[1]) == "--sndfile") {
        options.sndfile_path = argv[2];
        first = 3;
    }
    if (argc <= first) {
        std::fprintf(stderr, "usage: %s [--sndfile LIBRARY] FILE...\n", argv[0]);
        return 2;
    }
    const std::vector<std::string> paths(argv + first, argv + argc);
    samplemind::BatchScheduler scheduler;  // one worker per hardware thread, kept alive
    auto job = scheduler.submit(paths, samplemind::AnalysisConfig{}, options);
    std::vector<samplemind::FileResult> results(paths.size());
    auto collect = [&](std::chrono::milliseconds wait) {
        for (auto& result : job->take_completed(wait)) results[result.index] = std::move(result);
    };
    for (auto progress = job->progress(); !progress.finished; progress = job->progress()) {
        collect(std::chrono::milliseconds(100));  // results arrive as workers finish them
        std::fprintf(stderr, "\r%lld/%lld files", static_cast<long long>(progress.done),
                     static_cast<long long>(progress.total));
    }
    collect(std::chrono::milliseconds(0));
    std::fprintf(stderr, "\n");
    int failed = 0;
    for (const auto& result : results) {
        if (result.ok) {
            std::printf("%s\n", to_json(result.analysis).c_str());
        } else {
            ++failed;
            std::printf("{\"path\": %s, \"error\": {\"code\": \"%s\", \"message\": %s}}\n", quoted(result.path).c_str(),
                        samplemind::error_code_name(result.code), quoted(result.reason).c_str());
        }
    }
    return failed ? 1 : 0;
}
