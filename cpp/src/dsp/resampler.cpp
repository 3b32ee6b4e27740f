#include "dsp/resampler.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>
#include <stdexcept>

#include "dsp/plan_cache.hpp"
#include "dsp/vector_ops.hpp"

namespace samplemind::dsp {
namespace {

constexpr double kCutoff = 0.94;         // passband edge as a fraction of the lower Nyquist
constexpr double kZeroCrossings = 32.0;  // sinc lobes kept each side, at the filter's scale
constexpr double kKaiserBeta = 9.0;
constexpr std::uint64_t kMaxPhases = 1024;

// Zeroth-order modified Bessel function of the first kind (power series).
double bessel_i0(double x) {
    double term = 1.0, total = 1.0;
    const double quarter_x2 = 0.25 * x * x;
    for (int k = 1; k < 64 && term > 1e-17 * total; ++k) {
        term *= quarter_x2 / (static_cast<double>(k) * k);
        total += term;
    }
    return total;
}

double sinc(double x) {
    if (std::abs(x) < 1e-12) return 1.0;
    return std::sin(std::numbers::pi * x) / (std::numbers::pi * x);
}

// (phases + 1) rows of 2 * half taps: row p is the filter at fractional phase p / phases.
std::shared_ptr<const std::vector<float>> build_table(double fc, std::size_t half, std::size_t phases) {
    const std::size_t taps = 2 * half;
    auto table = std::make_shared<std::vector<float>>((phases + 1) * taps);
    const double i0_beta = bessel_i0(kKaiserBeta);
    for (std::size_t p = 0; p <= phases; ++p) {
        const double phase = static_cast<double>(p) / static_cast<double>(phases);
        for (std::size_t j = 0; j < taps; ++j) {
            // Tap j multiplies input k = floor(t) - H + 1 + j, at distance u = t - k.
            const double u = phase + static_cast<double>(half) - 1.0 - static_cast<double>(j);
            const double r = u / static_cast<double>(half);
            const double window = std::abs(r) >= 1.0
                                      ? 0.0
                                      : bessel_i0(kKaiserBeta * std::sqrt(1.0 - r * r)) / i0_beta;
            (*table)[p * taps + j] = static_cast<float>(fc * sinc(fc * u) * window);
        }
    }
    return table;
}

}  // namespace

Resampler::Resampler(double in_rate, double out_rate) {
    if (!(in_rate > 0.0) || !(out_rate > 0.0) || !std::isfinite(in_rate) || !std::isfinite(out_rate)) {
        throw std::invalid_argument("resampler rates must be positive and finite");
    }
    const auto in_milli = static_cast<std::uint64_t>(std::llround(in_rate * 1000.0));
    const auto out_milli = static_cast<std::uint64_t>(std::llround(out_rate * 1000.0));
    if (in_milli == out_milli) {
        identity_ = true;
        return;
    }
    const std::uint64_t g = std::gcd(in_milli, out_milli);
    up_ = out_milli / g;
    down_ = in_milli / g;
    step_whole_ = static_cast<std::int64_t>(down_ / up_);
    step_fraction_ = down_ % up_;

    const double fc = kCutoff * std::min(1.0, static_cast<double>(up_) / static_cast<double>(down_));
    half_ = static_cast<std::size_t>(std::ceil(kZeroCrossings / fc));
    phases_ = static_cast<std::size_t>(std::min(up_, kMaxPhases));
    // The table depends on the rate pair only; a library holds few pairs and a table
    // costs milliseconds (one Bessel series per tap), more than resampling a short file.
    static PlanCache<std::pair<std::uint64_t, std::uint64_t>, std::vector<float>> tables;
    table_ = tables.get({up_, down_}, [&] { return build_table(fc, half_, phases_); });
    history_.assign(half_, 0.0f);  // indices -H .. -1 are silence
    history_start_ = -static_cast<std::int64_t>(half_);
}

std::size_t Resampler::max_output(std::size_t inputs) const noexcept {
    if (identity_) return inputs;
    const double per_input = static_cast<double>(up_) / static_cast<double>(down_);
    return static_cast<std::size_t>(std::ceil((inputs + 2 * half_ + 2) * per_input)) + 2;
}

std::size_t Resampler::max_tail() const noexcept { return max_output(2 * half_ + 2); }

void Resampler::reserve(std::size_t inputs) {
    history_.reserve(history_.size() + inputs + 4 * half_ + 4);
}

float Resampler::filter_at(std::size_t start, std::uint64_t phase_num) const {
    const std::size_t taps = 2 * half_;
    const float* x = history_.data() + start;
    if (phases_ == up_) return dot(x, table_->data() + phase_num * taps, taps);
    const double position = static_cast<double>(phase_num) * static_cast<double>(phases_) /
                            static_cast<double>(up_);
    const auto row = static_cast<std::size_t>(position);
    const auto frac = static_cast<float>(position - static_cast<double>(row));
    const float lower = dot(x, table_->data() + row * taps, taps);
    const float upper = dot(x, table_->data() + (row + 1) * taps, taps);
    return lower + frac * (upper - lower);
}

std::size_t Resampler::produce(float* out, std::int64_t available_end) {
    const auto half = static_cast<std::int64_t>(half_);
    std::size_t written = 0;
    while (next_index_ + half < available_end) {
        const auto start = static_cast<std::size_t>(next_index_ - half + 1 - history_start_);
        out[written++] = filter_at(start, next_phase_);
        // t += M / L, as whole input samples plus a fraction in units of 1/L (no
        // division per output: a 64-bit divide costs as much as a third of the taps).
        next_index_ += step_whole_;
        next_phase_ += step_fraction_;
        if (next_phase_ >= up_) {
            next_phase_ -= up_;
            ++next_index_;
        }
    }
    outputs_ += static_cast<std::int64_t>(written);
    // Drop inputs no future output needs.
    const std::int64_t keep_from = std::min(next_index_ - half + 1, available_end);
    if (keep_from > history_start_) {
        const auto drop = static_cast<std::size_t>(keep_from - history_start_);
        history_.erase(history_.begin(), history_.begin() + static_cast<std::ptrdiff_t>(drop));
        history_start_ = keep_from;
    }
    return written;
}

std::size_t Resampler::process(const float* input, std::size_t count, float* out) {
    if (identity_) {
        std::copy(input, input + count, out);
        return count;
    }
    history_.insert(history_.end(), input, input + count);
    inputs_ += static_cast<std::int64_t>(count);
    return produce(out, inputs_);
}

std::size_t Resampler::finish(float* out) {
    if (identity_) return 0;
    const auto target = static_cast<std::int64_t>(
        (static_cast<unsigned __int128>(inputs_) * up_ + down_ - 1) / down_);
    history_.insert(history_.end(), 2 * half_ + 2, 0.0f);
    const std::int64_t padded_end = inputs_ + static_cast<std::int64_t>(2 * half_ + 2);
    std::size_t written = 0;
    // Produce outputs up to the target count, then discard any beyond it.
    const std::int64_t before = outputs_;
    written = produce(out, padded_end);
    const std::int64_t allowed = std::max<std::int64_t>(0, target - before);
    written = std::min<std::size_t>(written, static_cast<std::size_t>(allowed));
    outputs_ = before + static_cast<std::int64_t>(written);
    return written;
}

}  // namespace samplemind::dsp
