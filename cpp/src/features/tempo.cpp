#include "features/tempo.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <utility>
#include <vector>

#include "cancel_point.hpp"

namespace samplemind::features {
namespace {

constexpr int kCombTerms = 4;
constexpr std::size_t kFoldFrames = std::size_t{1} << 14;

// Normalised autocorrelation r[lag] / r[0] of the mean-removed series for lags
// 0..max_lag: circular for a loop (it repeats), else unbiased (divided by the
// overlap).
std::vector<double> autocorrelation(const std::vector<float>& x, std::size_t max_lag, bool circular) {
    const std::size_t n = x.size();
    const double mean = std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(n);
    std::vector<double> centred(n);
    for (std::size_t i = 0; i < n; ++i) centred[i] = x[i] - mean;
    std::vector<double> r(max_lag + 1, 0.0);
    for (std::size_t lag = 0; lag <= max_lag; ++lag) {
        double sum = 0.0;
        const std::size_t count = circular ? n : n - std::min(lag, n - 1);
        for (std::size_t i = 0; i < count; ++i) sum += centred[i] * centred[circular ? (i + lag) % n : i + lag];
        r[lag] = sum / static_cast<double>(count);
    }
    if (r[0] > 0) {
        const double r0 = r[0];
        for (double& v : r) v /= r0;
    }
    return r;
}

// One register's normalised autocorrelation, read at fractional lags (linear
// interpolation). A loop's is circular: lags wrap around its length.
class Lags {
public:
    Lags(const std::vector<float>& x, std::size_t max_lag, bool circular)
        : r_(autocorrelation(x, max_lag, circular)), circular_(circular) {}

    // 0 beyond the table.
    double at(double lag) const {
        const auto size = static_cast<double>(r_.size());
        if (circular_) lag = std::fmod(lag, size);
        if (lag < 0 || lag >= (circular_ ? size : size - 1)) return 0.0;
        const auto i = static_cast<std::size_t>(lag);
        const double f = lag - static_cast<double>(i);
        return r_[i] * (1 - f) + r_[(i + 1) % r_.size()] * f;
    }

    // Mean of r at P, 2P, 3P, 4P. Past the table's end a lag does not count. In a
    // loop a lag that wraps to a whole number of loop lengths counts as 0: r is 1 there
    // whatever the loop holds, so a candidate with fewer than kCombTerms beats in the
    // loop has less evidence of its pulse (a short loop at half its tempo still has
    // its own half to compare).
    double comb(double period) const {
        const auto size = static_cast<double>(r_.size());
        double sum = 0.0;
        int terms = 0;
        for (int k = 1; k <= kCombTerms; ++k) {
            const double lag = k * period;
            if (circular_) {
                const double wrapped = std::fmod(lag, size);
                if (std::min(wrapped, size - wrapped) >= 1.0) sum += at(lag);
                ++terms;
            } else if (lag < size - 1) {
                sum += at(lag), ++terms;
            }
        }
        return terms ? sum / terms : 0.0;
    }

private:
    std::vector<double> r_;
    bool circular_;
};

// Mean of x per sixteenth-note slot of a 4-beat bar of period `bar` frames,
// normalised to a mean of 1. A frame goes to its nearest slot: an onset's frame
// sits a little before the hit (centred frames). Only the first kFoldFrames frames
// count (six minutes at the default hop): a groove shows in its first bars, and each
// of the ~160 candidates folds the envelope twice, so a two-hour file would otherwise
// spend seconds here.
std::array<double, 16> fold(const std::vector<float>& x, double bar) {
    std::array<double, 16> sum{}, count{};
    const std::size_t frames = std::min(x.size(), kFoldFrames);
    for (std::size_t t = 0; t < frames; ++t) {
        const double turns = static_cast<double>(t) / bar;
        const double position = (turns - std::floor(turns)) * 16.0;
        const auto slot = static_cast<std::size_t>(position + 0.5) % 16;
        sum[slot] += x[t];
        count[slot] += 1;
    }
    double mean = 0.0;
    for (std::size_t s = 0; s < 16; ++s) mean += sum[s] = count[s] > 0 ? sum[s] / count[s] : 0.0;
    mean /= 16.0;
    for (double& v : sum) v = mean > 0 ? v / mean : 0.0;
    return sum;
}

double backbeat(const std::vector<float>& low, const std::vector<float>& mid, double period) {
    const std::array<double, 16> kick = fold(low, 4 * period), snare = fold(mid, 4 * period);
    // Kick and snare must be different hits: when the registers move together (a
    // click, a synth stab) the pattern says nothing about where the beat is.
    double ks = 0, kk = 0, ss = 0;
    for (std::size_t i = 0; i < 16; ++i) ks += (kick[i] - 1) * (snare[i] - 1), kk += (kick[i] - 1) * (kick[i] - 1), ss += (snare[i] - 1) * (snare[i] - 1);
    // Saturating: a kit whose kick leaks into the snare's register (or the reverse)
    // still plays a clear pattern once the folds differ at all.
    const double distinct = kk > 0 && ss > 0 ? std::min(1.0, std::max(0.0, 1.0 - ks / std::sqrt(kk * ss)) / kDistinctFolds) : 0.0;
    double best = -1e300;
    for (std::size_t phase = 0; phase < 16; ++phase) {
        auto k = [&](std::size_t slot) { return kick[(slot + phase) % 16]; };
        auto s = [&](std::size_t slot) { return snare[(slot + phase) % 16]; };
        best = std::max(best, std::min(s(4), s(12)) - std::max(s(0), s(8)) + 0.5 * (k(0) - std::max(k(4), k(12))));
    }
    return distinct * best;
}

struct Registers {
    Lags high, all, mid, low;
};

TempoEvidence evidence(const Registers& r, const RhythmBands& bands, double bpm, double frame_rate,
                       double duration_s, bool loop) {
    const double period = 60.0 * frame_rate / bpm;
    const double octave = std::log2(bpm / kPreferredBpm);
    const double beats = duration_s * bpm / 60.0;
    TempoEvidence e{};
    e[kCombHigh] = r.high.comb(period);
    e[kCombAll] = r.all.comb(period);
    e[kCombMid] = r.mid.comb(period);
    e[kCombLow] = r.low.comb(period);
    e[kBackbeat] = backbeat(bands.low(), bands.mid(), period);
    e[kThirtySeconds] = std::max(0.0, r.high.at(period / 8));
    e[kSixteenths] = std::max(0.0, r.high.at(period / 4));
    e[kEighths] = r.all.at(period / 2);
    e[kTriplets] = r.all.at(period / 3);
    e[kOctave] = octave;
    e[kOctaveSquared] = octave * octave;
    e[kWholeBars] = loop && std::lround(beats) % 4 == 0 ? 1.0 : 0.0;
    return e;
}

std::vector<double> candidates(double duration_s, bool loop) {
    std::vector<double> tempos;
    if (loop) {
        for (int beats = 1; 60.0 * beats / duration_s <= kMaxBpm; ++beats) {
            const double bpm = 60.0 * beats / duration_s;
            if (bpm >= kMinBpm) tempos.push_back(bpm);
        }
    } else {
        for (double bpm = kMinBpm; bpm <= kMaxBpm; bpm *= 1.01) tempos.push_back(bpm);
    }
    return tempos;
}

}  // namespace

TempoEstimate estimate_tempo(const RhythmBands& bands, double frame_rate, double duration_s, bool loop,
                             std::vector<std::pair<double, TempoEvidence>>* candidates_out) {
    TempoEstimate tempo;
    const std::size_t n = bands.all().size();
    const double longest_period = 60.0 * frame_rate / kMinBpm;
    // Two beats at the slowest tempo at least, or the loop's length for a loop.
    if (n < 8 || (!loop && static_cast<double>(n) < 2 * longest_period)) return tempo;
    const std::size_t max_lag = loop ? n - 1 : std::min(n - 2, static_cast<std::size_t>(kCombTerms * longest_period) + 2);
    const Registers registers{Lags(bands.high(), max_lag, loop), Lags(bands.all(), max_lag, loop),
                              Lags(bands.mid(), max_lag, loop), Lags(bands.low(), max_lag, loop)};

    struct Scored {
        double bpm, score;
    };
    std::vector<Scored> scored;
    for (const double bpm : candidates(duration_s, loop)) {
        detail::cancel_point();
        const TempoEvidence e = evidence(registers, bands, bpm, frame_rate, duration_s, loop);
        scored.push_back({bpm, std::inner_product(e.begin(), e.end(), kTempoWeights.begin(), 0.0)});
        if (candidates_out) candidates_out->emplace_back(bpm, e);
    }
    if (scored.empty()) return tempo;
    const auto best = std::max_element(scored.begin(), scored.end(), [](const Scored& a, const Scored& b) { return a.score < b.score; });
    tempo.bpm = best->bpm;
    const Scored* other = nullptr;  // the best at another metrical level
    for (const Scored& s : scored) {
        if (std::abs(std::log2(s.bpm / tempo.bpm)) > 0.1 && (!other || s.score > other->score)) other = &s;
    }
    tempo.runner_up_bpm = other ? other->bpm : 0.0;
    const double period = 60.0 * frame_rate / tempo.bpm;
    tempo.confidence = std::clamp(registers.all.comb(period), 0.0, 1.0);
    tempo.beats_in_length = duration_s * tempo.bpm / 60.0;
    const double whole = std::round(tempo.beats_in_length);
    tempo.length_fits = whole >= 1.0 && std::abs(tempo.beats_in_length - whole) < 0.05;

    // Beats: the phase whose comb of beat positions collects the most onset strength.
    const std::vector<float>& envelope = bands.all();
    if (tempo.beats_in_length >= 2.0) {
        double best_phase = 0.0, best_sum = -1.0;
        for (double phase = 0.0; phase < period; phase += 0.25) {
            double sum = 0.0;
            for (double t = phase; t < static_cast<double>(n); t += period) {
                sum += envelope[static_cast<std::size_t>(std::lround(std::min(t, static_cast<double>(n) - 1.0)))];
            }
            if (sum > best_sum) best_sum = sum, best_phase = phase;
        }
        for (double t = best_phase; t < static_cast<double>(n); t += period) tempo.beat_times_s.push_back(t / frame_rate);
    }
    return tempo;
}

}  // namespace samplemind::features
