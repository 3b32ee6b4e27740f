#include "decode/sndfile_decoder.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "decode/header_reader.hpp"
#include "samplemind/error.hpp"

namespace samplemind::decode {
namespace {

// The subset of <sndfile.h> used here (ABI-stable since libsndfile 1.0).
struct SfInfo {
    std::int64_t frames;
    int samplerate;
    int channels;
    int format;
    int sections;
    int seekable;
};
constexpr int kSfmRead = 0x10;
constexpr int kSfFormatTypeMask = 0x0FFF0000;
constexpr int kSfFormatSubMask = 0x0000FFFF;

using SfOpen = void* (*)(const char*, int, SfInfo*);
using SfReadfFloat = std::int64_t (*)(void*, float*, std::int64_t);
using SfClose = int (*)(void*);
using SfStrerror = const char* (*)(void*);
using SfError = int (*)(void*);
using SfSeek = std::int64_t (*)(void*, std::int64_t, int);

const char* container_name(int format) {
    switch (format & kSfFormatTypeMask) {
        case 0x010000: return "wav";
        case 0x020000: return "aiff";
        case 0x030000: return "au";
        case 0x0B0000: return "w64";
        case 0x130000: return "wavex";
        case 0x160000: return "sd2";
        case 0x170000: return "flac";
        case 0x180000: return "caf";
        case 0x200000: return "ogg";
        case 0x220000: return "rf64";
        case 0x230000: return "mp3";
        default: return "other";
    }
}

// Sample format name and bit depth (0 for compressed codecs).
std::pair<const char*, int> sample_format(int format) {
    switch (format & kSfFormatSubMask) {
        case 0x0001: return {"pcm_s8", 8};
        case 0x0002: return {"pcm_16", 16};
        case 0x0003: return {"pcm_24", 24};
        case 0x0004: return {"pcm_32", 32};
        case 0x0005: return {"pcm_u8", 8};
        case 0x0006: return {"float_32", 32};
        case 0x0007: return {"float_64", 64};
        case 0x0010: return {"ulaw", 0};
        case 0x0011: return {"alaw", 0};
        case 0x0012: return {"ima_adpcm", 0};
        case 0x0013: return {"ms_adpcm", 0};
        case 0x0060: return {"vorbis", 0};
        case 0x0064: return {"opus", 0};
        case 0x0080: return {"mp1", 0};
        case 0x0081: return {"mp2", 0};
        case 0x0082: return {"mp3", 0};
        default: return {"other", 0};
    }
}

}  // namespace

class SndfileLibrary {
public:
    SfOpen open = nullptr;
    SfReadfFloat readf_float = nullptr;
    SfClose close = nullptr;
    SfStrerror strerror = nullptr;
    SfError error = nullptr;
    SfSeek seek = nullptr;
};

std::shared_ptr<const SndfileLibrary> load_sndfile(const std::string& path, std::string& why) {
    static std::mutex mutex;
    static std::map<std::string, std::shared_ptr<const SndfileLibrary>> loaded;
    std::lock_guard lock(mutex);
    if (auto it = loaded.find(path); it != loaded.end()) return it->second;

    // Without a path, the names the dynamic loader may know it by, on Linux and macOS.
    const std::vector<std::string> names =
        path.empty() ? std::vector<std::string>{"libsndfile.so.1", "libsndfile.so", "libsndfile.1.dylib", "libsndfile.dylib"}
                     : std::vector<std::string>{path};
    void* handle = nullptr;
    std::string failures;  // each name tried, with the loader's reason
    for (const auto& name : names) {
        handle = ::dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (handle) break;
        const char* message = ::dlerror();
        failures += (failures.empty() ? "" : "; ") + std::string(message ? message : name + ": not found");
    }
    if (!handle) {
        why = "libsndfile could not be loaded (" + failures + ")";
        if (path.empty()) why += "; give its path in DecodeOptions::sndfile_path";
        return nullptr;  // not cached: a later call may name a library that exists
    }
    auto library = std::make_shared<SndfileLibrary>();
    library->open = reinterpret_cast<SfOpen>(::dlsym(handle, "sf_open"));
    library->readf_float = reinterpret_cast<SfReadfFloat>(::dlsym(handle, "sf_readf_float"));
    library->close = reinterpret_cast<SfClose>(::dlsym(handle, "sf_close"));
    library->strerror = reinterpret_cast<SfStrerror>(::dlsym(handle, "sf_strerror"));
    library->error = reinterpret_cast<SfError>(::dlsym(handle, "sf_error"));
    library->seek = reinterpret_cast<SfSeek>(::dlsym(handle, "sf_seek"));
    if (!library->open || !library->readf_float || !library->close || !library->strerror || !library->error ||
        !library->seek) {
        why = "the library at '" + path + "' is not libsndfile (missing sf_* symbols)";
        return nullptr;  // the handle stays loaded; unloading foreign code is riskier
    }
    loaded[path] = library;
    return library;
}

namespace {

class SndfileDecoder final : public AudioDecoder {
public:
    SndfileDecoder(std::shared_ptr<const SndfileLibrary> library, void* handle, AudioInfo info, std::string path)
        : library_(std::move(library)), handle_(handle), info_(std::move(info)), path_(std::move(path)) {}
    ~SndfileDecoder() override { library_->close(handle_); }
    SndfileDecoder(const SndfileDecoder&) = delete;
    SndfileDecoder& operator=(const SndfileDecoder&) = delete;

    const AudioInfo& info() const noexcept override { return info_; }

    std::size_t read(std::span<float> out) override {
        const auto frames = static_cast<std::int64_t>(out.size() / static_cast<std::size_t>(info_.channels));
        if (frames == 0 || finished_) return 0;
        const std::int64_t got = library_->readf_float(handle_, out.data(), frames);
        const bool failed = library_->error(handle_) != 0;
        if (got <= 0) {
            finished_ = true;
            // A stream that decoded nothing at all and reports an error is corrupt; a
            // truncated tail after good audio is kept, as players do, unless the file's
            // end is there: then the audio between was damaged, not cut off.
            if (failed && (decoded_ == 0 || (checks_frames() && ending_decodes()))) {
                throw corrupt(decoded_ == 0 ? "" : " after " + seconds(decoded_) + ", yet the audio at its end decodes");
            }
            return 0;
        }
        if (failed && checks_frames()) throw corrupt(" near " + seconds(decoded_) + " (the decoder skipped damaged audio)");
        decoded_ += got;
        return static_cast<std::size_t>(got);
    }

private:
    // FLAC states its exact length and libFLAC checks every frame's CRC, so an error
    // there is damaged audio; other codecs' decoders report recoverable glitches too.
    bool checks_frames() const noexcept { return info_.container == std::string("flac"); }

    // Whether the last frames the header declares decode, read through a second handle
    // (the first stops at the error): true for damage in the middle, false for a file
    // cut short.
    bool ending_decodes() const {
        constexpr std::int64_t kProbeFrames = 1024;
        if (info_.frames <= decoded_) return false;
        SfInfo sf_info{};
        void* probe = library_->open(path_.c_str(), kSfmRead, &sf_info);
        if (!probe) return false;
        std::vector<float> tail(static_cast<std::size_t>(kProbeFrames * std::max(1, sf_info.channels)));
        const bool decodes = library_->seek(probe, std::max(decoded_, info_.frames - kProbeFrames), 0) >= 0 &&
                             library_->readf_float(probe, tail.data(), kProbeFrames) > 0 && library_->error(probe) == 0;
        library_->close(probe);
        return decodes;
    }

    Error corrupt(const std::string& where) const {
        return Error(ErrorCode::corrupt_data, path_,
                     "libsndfile could not decode the audio" + where + ": " + library_->strerror(handle_));
    }

    std::string seconds(std::int64_t frames) const {
        char text[32];
        std::snprintf(text, sizeof text, "%.2f s", static_cast<double>(frames) / info_.sample_rate);
        return text;
    }

    std::shared_ptr<const SndfileLibrary> library_;
    void* handle_;
    AudioInfo info_;
    std::string path_;
    std::int64_t decoded_ = 0;
    bool finished_ = false;
};

}  // namespace

std::unique_ptr<AudioDecoder> open_with_sndfile(std::shared_ptr<const SndfileLibrary> library,
                                                const std::string& path, const std::string& format_hint) {
    SfInfo sf_info{};
    void* handle = library->open(path.c_str(), kSfmRead, &sf_info);
    if (!handle) {
        const std::string message = library->strerror(nullptr);
        if (format_hint.empty()) {
            throw Error(ErrorCode::unsupported_format, path,
                        "not a recognised audio format (libsndfile: " + message + ")");
        }
        throw Error(ErrorCode::corrupt_data, path,
                    "looks like " + format_hint + " but could not be decoded (libsndfile: " + message + ")");
    }
    try {
        // libsndfile accepts headers it should not (an AIFF whose rate is NaN arrives
        // here as 0 or garbage), so its answers get the same checks as ours.
        check_channels_and_rate(path, sf_info.channels, static_cast<double>(sf_info.samplerate));
    } catch (...) {
        library->close(handle);
        throw;
    }
    AudioInfo info;
    info.sample_rate = sf_info.samplerate;
    info.channels = sf_info.channels;
    info.frames = std::max<std::int64_t>(0, sf_info.frames);
    info.duration_s = static_cast<double>(info.frames) / info.sample_rate;
    info.container = container_name(sf_info.format);
    const auto [format_name, bits] = sample_format(sf_info.format);
    info.sample_format = format_name;
    info.bit_depth = bits;
    info.decoder = "libsndfile";
    return std::make_unique<SndfileDecoder>(std::move(library), handle, std::move(info), path);
}

}  // namespace samplemind::decode
