// A small process-wide cache of immutable, expensive-to-build objects (FFT plans,
// filterbanks), shared between analysers.
#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <utility>

namespace samplemind::dsp {

/// Mutex-guarded LRU of shared_ptr<const Value> by Key, as pocketfft's get_plan:
/// the value is built outside the lock, and the cache is checked again before
/// inserting, so two threads asking at once may both build but share one.
template <typename Key, typename Value, std::size_t Capacity = 16>
class PlanCache {
public:
    template <typename Build>
    std::shared_ptr<const Value> get(const Key& key, Build build) {
        {
            std::lock_guard lock(mutex_);
            if (auto found = find(key)) return found;
        }
        std::shared_ptr<const Value> made = build();
        std::lock_guard lock(mutex_);
        if (auto found = find(key)) return found;
        entries_.emplace_front(key, made);
        if (entries_.size() > Capacity) entries_.pop_back();
        return made;
    }

private:
    // Moves a hit to the front. The caller holds the mutex.
    std::shared_ptr<const Value> find(const Key& key) {
        for (auto it = entries_.begin(); it != entries_.end(); ++it) {
            if (it->first == key) {
                entries_.splice(entries_.begin(), entries_, it);
                return entries_.front().second;
            }
        }
        return nullptr;
    }

    std::mutex mutex_;
    std::list<std::pair<Key, std::shared_ptr<const Value>>> entries_;  // most recent first
};

}  // namespace samplemind::dsp
