#include "samplemind/stage_timing.hpp"

#include "stage_timer.hpp"

namespace samplemind {
namespace detail {

std::atomic<bool> g_stage_timing{false};

namespace {
// One cache line per counter: threads timing different stages do not share a line.
struct alignas(64) Counter {
    std::atomic<std::int64_t> nanoseconds{0};
};
std::array<Counter, kStageCount> g_counters;
}  // namespace

void add_stage_time(Stage stage, std::int64_t nanoseconds) {
    g_counters[static_cast<std::size_t>(stage)].nanoseconds.fetch_add(nanoseconds, std::memory_order_relaxed);
}

}  // namespace detail

std::string_view stage_name(Stage stage) {
    constexpr std::array<std::string_view, kStageCount> names{"decode", "resample", "stft",
                                                              "descriptors", "musical", "embedding"};
    return names[static_cast<std::size_t>(stage)];
}

void set_stage_timing(bool enabled) { detail::g_stage_timing.store(enabled, std::memory_order_relaxed); }

bool stage_timing_enabled() { return detail::g_stage_timing.load(std::memory_order_relaxed); }

std::array<double, kStageCount> stage_seconds() {
    std::array<double, kStageCount> seconds{};
    for (std::size_t i = 0; i < seconds.size(); ++i) {
        seconds[i] = static_cast<double>(detail::g_counters[i].nanoseconds.load(std::memory_order_relaxed)) * 1e-9;
    }
    return seconds;
}

void reset_stage_timing() {
    for (auto& counter : detail::g_counters) counter.nanoseconds.store(0, std::memory_order_relaxed);
}

}  // namespace samplemind
