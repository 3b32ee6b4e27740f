// The scoped clock behind samplemind/stage_timing.hpp.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "samplemind/stage_timing.hpp"

namespace samplemind::detail {

extern std::atomic<bool> g_stage_timing;
void add_stage_time(Stage stage, std::int64_t nanoseconds);

/// Adds the time from construction to destruction to `stage`, when timing is on.
class StageTimer {
public:
    explicit StageTimer(Stage stage) : stage_(stage), on_(g_stage_timing.load(std::memory_order_relaxed)) {
        if (on_) start_ = std::chrono::steady_clock::now();
    }
    ~StageTimer() {
        if (on_) add_stage_time(stage_, (std::chrono::steady_clock::now() - start_).count());
    }
    StageTimer(const StageTimer&) = delete;
    StageTimer& operator=(const StageTimer&) = delete;

private:
    Stage stage_;
    bool on_;
    std::chrono::steady_clock::time_point start_{};
};

}  // namespace samplemind::detail
