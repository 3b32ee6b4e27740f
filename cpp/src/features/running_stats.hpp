// Mean, standard deviation, minimum and maximum of a stream of values.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "samplemind/analysis.hpp"

namespace samplemind::features {

/// Welford's online algorithm in double precision (Knuth, TAOCP vol. 2, 4.2.2):
/// numerically stable over millions of frames, O(1) memory.
class RunningStats {
public:
    void add(double value) noexcept {
        ++count_;
        const double delta = value - mean_;
        mean_ += delta / static_cast<double>(count_);
        m2_ += delta * (value - mean_);
        min_ = std::min(min_, value);
        max_ = std::max(max_, value);
    }
    std::int64_t count() const noexcept { return count_; }
    double mean() const noexcept { return count_ ? mean_ : 0.0; }
    /// Population standard deviation (ddof = 0), as numpy.std computes by default.
    double std() const noexcept {
        return count_ ? std::sqrt(std::max(0.0, m2_ / static_cast<double>(count_))) : 0.0;
    }
    SummaryStats summary() const noexcept {
        if (count_ == 0) return {};
        return {mean(), std(), min_, max_};
    }

private:
    std::int64_t count_ = 0;
    double mean_ = 0.0;
    double m2_ = 0.0;
    double min_ = std::numeric_limits<double>::infinity();
    double max_ = -std::numeric_limits<double>::infinity();
};

}  // namespace samplemind::features
