#include "features/note_salience.hpp"

#include <algorithm>
#include <cmath>

namespace samplemind::features {
namespace {
constexpr double kTolerance = 0.03;  // relative: half a semitone is 2.9 %
constexpr int kHarmonics = 40;  // as many as fit under kMaxPeakHz, up to this (Candidate holds 40)
constexpr double kAlpha = 27.0, kBeta = 320.0;  // Klapuri's harmonic weights, Hz
constexpr double kSharedPartial = 0.5;  // what a claimed partial keeps for another note
}  // namespace

NoteSalience::NoteSalience(double sample_rate, int n_fft)
    : bin_hz_(sample_rate / n_fft),
      first_bin_(std::max<std::size_t>(1, static_cast<std::size_t>(kMinHz / bin_hz_))),
      last_bin_(std::min(static_cast<std::size_t>(n_fft) / 2 - 1,
                         static_cast<std::size_t>(std::min(kMaxPeakHz, sample_rate / 2) / bin_hz_))) {
    peaks_.reserve(last_bin_);
    candidates_.reserve(3 * kMaxPeaks);
    first_peak_from_bin_.resize(last_bin_ + 2);
}

void NoteSalience::find_peaks(const float* magnitude) {
    peaks_.clear();
    float loudest = 0.0f;
    for (std::size_t k = first_bin_; k <= last_bin_; ++k) loudest = std::max(loudest, magnitude[k]);
    if (!(loudest > 1e-9f)) return;
    const double floor = loudest * std::pow(10.0, -kPeakRangeDb / 20.0);
    for (std::size_t k = first_bin_; k <= last_bin_; ++k) {
        const float m = magnitude[k];
        if (m < floor || m <= magnitude[k - 1] || m < magnitude[k + 1]) continue;
        const double a = std::log(magnitude[k - 1] + 1e-20), b = std::log(m + 1e-20), c = std::log(magnitude[k + 1] + 1e-20);
        const double denominator = a - 2 * b + c;
        const double shift = denominator < 0 ? std::clamp(0.5 * (a - c) / denominator, -0.5, 0.5) : 0.0;
        const double amplitude = std::exp(0.5 * (b - 0.25 * (a - c) * shift));  // sqrt of the magnitude
        peaks_.push_back({(static_cast<double>(k) + shift) * bin_hz_, amplitude, amplitude, false});
    }
    if (peaks_.size() > kMaxPeaks) {  // keep the largest, in frequency order
        std::nth_element(peaks_.begin(), peaks_.begin() + kMaxPeaks, peaks_.end(),
                         [](const Peak& x, const Peak& y) { return x.amplitude > y.amplitude; });
        peaks_.resize(kMaxPeaks);
        std::sort(peaks_.begin(), peaks_.end(), [](const Peak& x, const Peak& y) { return x.hz < y.hz; });
    }
}

NoteSalience::Peak* NoteSalience::nearest(double hz) {
    // lower_bound by table: every peak before first_peak_from_bin_[k] lies under bin k,
    // and peaks are local maxima, so at most a step or two remain.
    const auto bin = static_cast<std::size_t>(hz / bin_hz_);
    auto above = bin < first_peak_from_bin_.size() ? peaks_.begin() + static_cast<std::ptrdiff_t>(first_peak_from_bin_[bin])
                                                   : peaks_.end();
    while (above != peaks_.end() && above->hz < hz) ++above;
    Peak* best = nullptr;
    if (above != peaks_.end()) best = &*above;
    if (above != peaks_.begin() && (!best || hz - std::prev(above)->hz < best->hz - hz)) best = &*std::prev(above);
    return best && std::abs(best->hz - hz) <= kTolerance * hz ? best : nullptr;
}

void NoteSalience::index_peaks() {
    std::size_t next = 0;
    for (std::size_t k = 0; k < first_peak_from_bin_.size(); ++k) {
        while (next < peaks_.size() && peaks_[next].hz < static_cast<double>(k) * bin_hz_) ++next;
        first_peak_from_bin_[k] = next;
    }
}

double NoteSalience::salience(double f0, bool remove, Candidate* found) {
    double sum = 0.0, base = 0.0, strongest = 0.0;
    if (peaks_.empty()) return 0.0;
    const double last_hz = peaks_.back().hz / (1.0 - kTolerance);  // above it, no peak is within tolerance
    bool rooted = false;  // a peak at the fundamental or the octave
    for (int h = 1; h <= kHarmonics && h * f0 <= kMaxPeakHz && h * f0 <= last_hz; ++h) {
        // Without one the answer is 0 whatever the other partials hold (base stays 0),
        // and it stays 0, as peaks do not move: skip them.
        if (h == 3 && !rooted && !remove) return 0.0;
        Peak* peak = nearest(h * f0);
        if (!peak) continue;
        rooted = rooted || h <= 2;
        if (found) {
            const auto index = static_cast<std::size_t>(peak - peaks_.data());
            found->matched |= std::uint64_t{1} << index;
            found->harmonic[found->partials] = static_cast<std::uint8_t>(h);
            found->peak[found->partials++] = static_cast<std::uint8_t>(index);
        }
        sum += (f0 + kAlpha) / (h * f0 + kBeta) * peak->remaining;
        strongest = std::max(strongest, peak->remaining);
        if (h <= 2) base = std::max(base, peak->remaining);
        if (remove) {
            peak->remaining *= h == 1 ? 0.0 : kSharedPartial;
            peak->claimed = true;
        }
    }
    return base >= 0.1 * strongest ? sum : 0.0;
}

// salience() over the partials found before, summed in the same order: the same number.
double NoteSalience::rescore(const Candidate& c) const {
    double sum = 0.0, base = 0.0, strongest = 0.0;
    for (std::size_t i = 0; i < c.partials; ++i) {
        const int h = c.harmonic[i];
        const double remaining = peaks_[c.peak[i]].remaining;
        sum += (c.f0 + kAlpha) / (h * c.f0 + kBeta) * remaining;
        strongest = std::max(strongest, remaining);
        if (h <= 2) base = std::max(base, remaining);
    }
    return base >= 0.1 * strongest ? sum : 0.0;
}

std::size_t NoteSalience::analyse(const float* magnitude, std::array<Note, kMaxNotes>& notes) {
    find_peaks(magnitude);
    index_peaks();
    candidates_.clear();
    for (std::size_t p = 0; p < peaks_.size(); ++p) {
        for (int h = 1; h <= 3; ++h) {
            const double f0 = peaks_[p].hz / h;
            if (f0 < kMinHz || f0 > kMaxF0Hz) continue;
            Candidate& c = candidates_.emplace_back();
            c.f0 = f0, c.salience = 0.0, c.matched = 0, c.generator = p, c.partials = 0;
            c.salience = salience(f0, false, &c);
        }
    }
    std::size_t count = 0;
    double first = 0.0;
    while (count < kMaxNotes) {
        const Candidate* best = nullptr;  // the first of the largest, in peak order
        for (const Candidate& c : candidates_) {
            if (peaks_[c.generator].remaining > 0.0 && c.salience > (best ? best->salience : 0.0)) best = &c;
        }
        if (!best || (count > 0 && best->salience < kRelativeSalience * first)) break;
        if (count == 0) first = best->salience;
        const double f0 = best->f0;
        const std::uint64_t changed = best->matched;  // taking the note touches exactly these peaks
        notes[count++] = {69.0 + 12.0 * std::log2(f0 / 440.0), best->salience};
        salience(f0, true);
        for (Candidate& c : candidates_) {
            if (c.matched & changed) c.salience = rescore(c);
        }
    }
    double claimed = 0.0, total = 0.0;
    for (const Peak& peak : peaks_) {
        total += peak.amplitude;
        claimed += peak.claimed ? peak.amplitude : 0.0;
    }
    harmonicity_ = total > 0.0 ? claimed / total : 0.0;
    return count;
}

}  // namespace samplemind::features
