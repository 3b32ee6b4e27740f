#include "features/loudness_meter.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "samplemind/analysis.hpp"

namespace samplemind::features {
namespace {

constexpr double kSubBlockS = 0.1;          // 100 ms: the step of gating blocks and short-term windows
constexpr std::size_t kBlockSubBlocks = 4;  // 400 ms gating block
constexpr std::size_t kShortTermSubBlocks = 30;  // 3 s short-term window
constexpr double kAbsoluteGate = -70.0;     // LUFS
constexpr double kRelativeGate = -10.0;     // LU, integrated loudness
constexpr double kRangeRelativeGate = -20.0;  // LU, loudness range

double energy_to_lufs(double energy) {
    return energy > 0.0 ? -0.691 + 10.0 * std::log10(energy) : -std::numeric_limits<double>::infinity();
}

// Linear-interpolated percentile (numpy's default) of sorted values.
double percentile(const std::vector<double>& sorted, double q) {
    const double position = q / 100.0 * static_cast<double>(sorted.size() - 1);
    const auto below = static_cast<std::size_t>(position);
    const std::size_t above = std::min(below + 1, sorted.size() - 1);
    return sorted[below] + (position - static_cast<double>(below)) * (sorted[above] - sorted[below]);
}

// Mean energy of the blocks above both the absolute gate and `relative` LU below the
// mean of those above the absolute gate; returns the gated values' loudness list too.
std::vector<double> gate(const std::vector<double>& energies, double relative) {
    std::vector<double> above;
    for (const double e : energies) {
        if (energy_to_lufs(e) >= kAbsoluteGate) above.push_back(e);
    }
    if (above.empty()) return {};
    double mean = 0.0;
    for (const double e : above) mean += e;
    const double threshold = energy_to_lufs(mean / static_cast<double>(above.size())) + relative;
    std::vector<double> kept;
    for (const double e : above) {
        if (energy_to_lufs(e) > threshold) kept.push_back(e);
    }
    return kept;
}

}  // namespace

std::array<Biquad, 2> k_weighting(double sample_rate) {
    // Analog prototype parameters fitted to the standard's 48 kHz filters (De Man, 2014).
    const double shelf_gain_db = 3.99984385397, shelf_q = 0.7071752369554193, shelf_fc = 1681.9744509555319;
    const double pass_q = 0.5003270373253953, pass_fc = 38.13547087613982;
    Biquad shelf;
    {
        const double k = std::tan(std::numbers::pi * shelf_fc / sample_rate);
        const double vh = std::pow(10.0, shelf_gain_db / 20.0);
        const double vb = std::pow(vh, 0.4996667741545416);
        const double a0 = 1.0 + k / shelf_q + k * k;
        shelf = {(vh + vb * k / shelf_q + k * k) / a0, 2.0 * (k * k - vh) / a0, (vh - vb * k / shelf_q + k * k) / a0,
                 2.0 * (k * k - 1.0) / a0, (1.0 - k / shelf_q + k * k) / a0};
    }
    Biquad high_pass;
    {
        const double k = std::tan(std::numbers::pi * pass_fc / sample_rate);
        const double a0 = 1.0 + k / pass_q + k * k;
        high_pass = {1.0, -2.0, 1.0, 2.0 * (k * k - 1.0) / a0, (1.0 - k / pass_q + k * k) / a0};
    }
    return {shelf, high_pass};
}

LoudnessMeter::LoudnessMeter(int channels, double sample_rate)
    : channels_(channels),
      sample_rate_(sample_rate),
      filters_(k_weighting(sample_rate)),
      state_(static_cast<std::size_t>(channels) * 4, 0.0),
      weights_(static_cast<std::size_t>(channels), 1.0),
      next_boundary_(static_cast<std::int64_t>(kSubBlockS * sample_rate)) {
    if (channels == 6) {  // 5.1 as L R C LFE Ls Rs
        weights_[3] = 0.0;
        weights_[4] = weights_[5] = 1.41;
    }
}

namespace {

// Two channels filtered at once, one per lane of a 2 x double vector: the biquads'
// recursion, not arithmetic, bounds the speed, and two independent chains share it.
using Double2 = double __attribute__((vector_size(16)));

// The two K-weighting sections over `frames` inputs, for one channel (Value = double)
// or a pair (Value = Double2). state: s0..s3 of both sections. Returns the sum of the
// squared outputs.
template <typename Value, typename Load>
Value k_weight(const std::array<Biquad, 2>& sections, Value (&state)[4], std::int64_t frames, Load load) {
    auto coefficient = [](double c) { return Value{} + c; };  // broadcast to every lane
    const Value pb0 = coefficient(sections[0].b0), pb1 = coefficient(sections[0].b1), pb2 = coefficient(sections[0].b2);
    const Value pa1 = coefficient(sections[0].a1), pa2 = coefficient(sections[0].a2);
    const Value qb0 = coefficient(sections[1].b0), qb1 = coefficient(sections[1].b1), qb2 = coefficient(sections[1].b2);
    const Value qa1 = coefficient(sections[1].a1), qa2 = coefficient(sections[1].a2);
    Value s0 = state[0], s1 = state[1], s2 = state[2], s3 = state[3], energy{};
    for (std::int64_t f = 0; f < frames; ++f) {  // two transposed direct form II sections
        const Value in = load(f);
        const Value y = pb0 * in + s0;
        s0 = pb1 * in - pa1 * y + s1;
        s1 = pb2 * in - pa2 * y;
        const Value z = qb0 * y + s2;
        s2 = qb1 * y - qa1 * z + s3;
        s3 = qb2 * y - qa2 * z;
        energy += z * z;
    }
    state[0] = s0, state[1] = s1, state[2] = s2, state[3] = s3;
    return energy;
}

}  // namespace

void LoudnessMeter::filter_pair(const float* x, std::int64_t frames, int first) {
    double* left = state_.data() + 4 * first;
    double* right = left + 4;
    Double2 state[4] = {{left[0], right[0]}, {left[1], right[1]}, {left[2], right[2]}, {left[3], right[3]}};
    const Double2 energy = k_weight(filters_, state, frames, [&](std::int64_t f) {
        return Double2{x[f * channels_ + first], x[f * channels_ + first + 1]};
    });
    for (int i = 0; i < 4; ++i) left[i] = state[i][0], right[i] = state[i][1];
    current_energy_ += weights_[first] * energy[0] + weights_[first + 1] * energy[1];
}

void LoudnessMeter::filter_one(const float* x, std::int64_t frames, int channel) {
    double* own = state_.data() + 4 * channel;
    double state[4] = {own[0], own[1], own[2], own[3]};
    const double energy =
        k_weight(filters_, state, frames, [&](std::int64_t f) { return static_cast<double>(x[f * channels_ + channel]); });
    std::copy_n(state, 4, own);
    current_energy_ += weights_[channel] * energy;
}

void LoudnessMeter::add(const float* interleaved, std::int64_t frames) {
    // Sub-block boundaries split the block; within a piece each channel (pair) is filtered
    // in one tight loop with its state in registers.
    std::int64_t done = 0;
    while (done < frames) {
        const std::int64_t piece = std::min(frames - done, next_boundary_ - total_samples_);
        const float* x = interleaved + done * channels_;
        int c = 0;
        for (; c + 1 < channels_; c += 2) filter_pair(x, piece, c);
        if (c < channels_) filter_one(x, piece, c);
        current_samples_ += piece;
        total_samples_ += piece;
        done += piece;
        if (total_samples_ == next_boundary_) close_sub_block();
    }
}

void LoudnessMeter::close_sub_block() {
    sub_blocks_.push_back(current_energy_);
    sub_block_samples_.push_back(current_samples_);
    current_energy_ = 0.0;
    current_samples_ = 0;
    next_boundary_ = static_cast<std::int64_t>(static_cast<double>(sub_blocks_.size() + 1) * kSubBlockS * sample_rate_);
}

double LoudnessMeter::block_loudness(std::size_t first, std::size_t count) const {
    double energy = 0.0;
    for (std::size_t i = first; i < first + count && i < sub_blocks_.size(); ++i) energy += sub_blocks_[i];
    return energy;
}

double LoudnessMeter::momentary_lufs() const {
    const std::size_t count = std::min<std::size_t>(kBlockSubBlocks, sub_blocks_.size());
    std::int64_t samples = 0;
    for (std::size_t i = sub_blocks_.size() - count; i < sub_blocks_.size(); ++i) samples += sub_block_samples_[i];
    if (samples == 0) return kSilenceDb;
    const double energy = block_loudness(sub_blocks_.size() - count, count) / static_cast<double>(samples);
    return std::max(kSilenceDb, energy_to_lufs(energy));
}

double LoudnessMeter::integrated_lufs() const {
    std::vector<double> sub = sub_blocks_;
    if (current_samples_ > 0) sub.push_back(current_energy_);
    const double seconds = static_cast<double>(total_samples_) / sample_rate_;
    const double block_samples = kBlockSubBlocks * kSubBlockS * sample_rate_;
    std::vector<double> energies;
    if (seconds < kBlockSubBlocks * kSubBlockS) {
        // Shorter than one gating block: one block over the samples there are.
        double total = 0.0;
        for (const double e : sub) total += e;
        if (total_samples_ > 0) energies.push_back(total / static_cast<double>(total_samples_));
    } else {
        // As BS.1770-4 eq. 3 and pyloudnorm: round((T - 0.4) / 0.1) + 1 blocks, each
        // normalised by the nominal block length.
        const auto blocks = static_cast<std::size_t>(std::nearbyint((seconds - 0.4) / kSubBlockS)) + 1;
        for (std::size_t j = 0; j < blocks; ++j) {
            double energy = 0.0;
            for (std::size_t i = j; i < j + kBlockSubBlocks && i < sub.size(); ++i) energy += sub[i];
            energies.push_back(energy / block_samples);
        }
    }
    const std::vector<double> kept = gate(energies, kRelativeGate);
    if (kept.empty()) return kSilenceDb;
    double mean = 0.0;
    for (const double e : kept) mean += e;
    return std::max(kSilenceDb, energy_to_lufs(mean / static_cast<double>(kept.size())));
}

std::optional<double> LoudnessMeter::loudness_range_lu() const {
    if (sub_blocks_.size() < kShortTermSubBlocks) return std::nullopt;
    const double window_samples = kShortTermSubBlocks * kSubBlockS * sample_rate_;
    std::vector<double> energies;
    for (std::size_t j = 0; j + kShortTermSubBlocks <= sub_blocks_.size(); ++j) {
        energies.push_back(block_loudness(j, kShortTermSubBlocks) / window_samples);
    }
    std::vector<double> kept = gate(energies, kRangeRelativeGate);
    if (kept.empty()) return 0.0;
    std::vector<double> lufs;
    for (const double e : kept) lufs.push_back(energy_to_lufs(e));
    std::sort(lufs.begin(), lufs.end());
    return percentile(lufs, 95.0) - percentile(lufs, 10.0);
}

// --- true peak ---------------------------------------------------------------

namespace {

constexpr int kTaps = 12;    // per phase; the interpolated point sits between taps 5 and 6
constexpr int kPhases = 4;   // 4x oversampling
constexpr int kBefore = kTaps / 2 - 1;  // 5 earlier samples
constexpr int kAfter = kTaps / 2;       // 6 later samples

// coefficients[p][k] weighs x[n - 5 + k] for the point n + p / 4.
const std::array<std::array<float, kTaps>, kPhases>& interpolator() {
    static const auto table = [] {
        std::array<std::array<float, kTaps>, kPhases> t{};
        const double beta = 8.0, half = kTaps / 2.0;
        auto i0 = [](double x) {
            double term = 1.0, total = 1.0;
            for (int k = 1; k < 50; ++k) {
                term *= (x / 2) * (x / 2) / (k * k);
                total += term;
            }
            return total;
        };
        for (int p = 0; p < kPhases; ++p) {
            for (int k = 0; k < kTaps; ++k) {
                const double u = static_cast<double>(p) / kPhases - (k - kBefore);  // distance in samples
                const double sinc = std::abs(u) < 1e-12 ? 1.0 : std::sin(std::numbers::pi * u) / (std::numbers::pi * u);
                const double r = u / half;
                const double window = std::abs(r) >= 1.0 ? 0.0 : i0(beta * std::sqrt(1.0 - r * r)) / i0(beta);
                t[p][k] = static_cast<float>(sinc * window);
            }
        }
        return t;
    }();
    return table;
}

}  // namespace

TruePeakMeter::TruePeakMeter(int channels, std::size_t max_block)
    : channels_(channels), history_(static_cast<std::size_t>(channels) * (kTaps - 1), 0.0f) {
    scratch_.reserve(kTaps - 1 + std::max<std::size_t>(max_block, kAfter));
}

void TruePeakMeter::add(const float* interleaved, std::int64_t frames, float sample_peak) {
    sample_peak_ = std::max(sample_peak_, sample_peak);
    const std::size_t keep = kTaps - 1;
    scratch_.resize(keep + static_cast<std::size_t>(frames));
    for (int c = 0; c < channels_; ++c) {
        float* own = history_.data() + static_cast<std::size_t>(c) * keep;
        std::copy_n(own, keep, scratch_.data());
        float* to = scratch_.data() + keep;
        for (std::int64_t f = 0; f < frames; ++f) to[f] = interleaved[f * channels_ + c];
        scan();
        std::copy_n(scratch_.end() - static_cast<std::ptrdiff_t>(keep), keep, own);
    }
}

void TruePeakMeter::finish() {
    const std::vector<float> zeros(static_cast<std::size_t>(channels_) * kAfter, 0.0f);
    add(zeros.data(), kAfter, 0.0f);
}

// Interpolates between scratch_[n] and scratch_[n + 1] for every n whose 12-sample
// neighbourhood lies in scratch_ and was not scanned in an earlier call.
void TruePeakMeter::scan() {
    const auto& table = interpolator();
    const float gate = 0.7f * sample_peak_;
    peak_ = std::max(peak_, static_cast<double>(sample_peak_));
    if (gate == 0.0f) return;
    const std::size_t end = scratch_.size() - kAfter;
    constexpr std::size_t kBlock = 64;
    for (std::size_t block = kBefore; block < end; block += kBlock) {
        const std::size_t stop = std::min(end, block + kBlock);
        // Most blocks hold no sample near the peak: one vectorisable pass skips them.
        float loudest = 0.0f;
        for (std::size_t n = block; n <= stop && n < scratch_.size(); ++n) loudest = std::max(loudest, std::abs(scratch_[n]));
        if (loudest < gate) continue;
        for (std::size_t n = block; n < stop; ++n) {
            if (std::max(std::abs(scratch_[n]), std::abs(scratch_[n + 1])) < gate) continue;
            const float* x = scratch_.data() + n - kBefore;
            for (int p = 1; p < kPhases; ++p) {
                float value = 0.0f;
                for (int k = 0; k < kTaps; ++k) value += table[p][k] * x[k];
                peak_ = std::max(peak_, static_cast<double>(std::abs(value)));
            }
        }
    }
}

}  // namespace samplemind::features
