// Cancellation inside StreamingAnalyzer::finish(): analyze_file() names the caller's
// flag for this thread while it runs, and the long loops of the final summaries
// (tempo candidates, pitch, key) check it, so a cancel reaches a two-hour file's
// last second as quickly as its decoding.
#pragma once

#include <atomic>
#include <string>
#include <utility>

#include "samplemind/error.hpp"

namespace samplemind::detail {

struct ActiveCancel {
    const std::atomic<bool>* flag = nullptr;
    const std::string* path = nullptr;
};

inline thread_local ActiveCancel active_cancel;

/// Sets the flag (and the file it cancels) for this thread until destroyed.
class CancelScope {
public:
    CancelScope(const std::atomic<bool>* flag, std::string path) : path_(std::move(path)), saved_(active_cancel) {
        active_cancel = {flag, &path_};
    }
    ~CancelScope() { active_cancel = saved_; }
    CancelScope(const CancelScope&) = delete;
    CancelScope& operator=(const CancelScope&) = delete;

private:
    std::string path_;  // owned: the caller's may be a temporary
    ActiveCancel saved_;
};

/// Throws Error(cancelled) when this thread's analysis was cancelled.
inline void cancel_point() {
    const ActiveCancel& active = active_cancel;
    if (active.flag != nullptr && active.flag->load(std::memory_order_relaxed)) {
        throw Error(ErrorCode::cancelled, *active.path, "cancelled");
    }
}

}  // namespace samplemind::detail
