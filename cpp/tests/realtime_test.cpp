// Proves StreamingAnalyzer::push() allocates nothing after prepare(): every global
// operator new in this binary is counted while the "audio thread" loop runs.
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <vector>

#include "samplemind/samplemind.hpp"

namespace {
std::atomic<bool> counting{false};
std::atomic<long> allocations{0};
}  // namespace

void* operator new(std::size_t size) {
    if (counting.load(std::memory_order_relaxed)) allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(size ? size : 1)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return ::operator new(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
    if (counting.load(std::memory_order_relaxed)) allocations.fetch_add(1, std::memory_order_relaxed);
    return std::malloc(size ? size : 1);
}
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept { return ::operator new(size, tag); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

int main() {
    int failed = 0;
    for (const double rate : {44100.0, 48000.0, 22050.0}) {
        const int channels = 2;
        const std::size_t block = 256;
        std::vector<float> audio(static_cast<std::size_t>(rate) * 60 * channels);  // 60 s: fills the mel block
        for (std::size_t i = 0; i < audio.size(); ++i) audio[i] = 0.3f * std::sin(0.01f * static_cast<float>(i % 100000));
        samplemind::StreamingAnalyzer analyzer({}, rate, channels);
        analyzer.prepare(block);
        counting = true;
        for (std::size_t at = 0; at < audio.size(); at += block * channels) {
            analyzer.push({audio.data() + at, std::min(block * channels, audio.size() - at)});
            (void)analyzer.running();
        }
        counting = false;
        const long seen = allocations.exchange(0);
        const auto result = analyzer.finish();
        const bool ok = seen == 0 && result.n_frames > 0;
        std::printf("%s push() at %.0f Hz: %ld allocations in 60 s of 256-frame blocks\n", ok ? "PASS" : "FAIL", rate, seen);
        failed += ok ? 0 : 1;
    }
    std::printf("%d passed, %d failed\n", 3 - failed, failed);
    return failed ? 1 : 0;
}
