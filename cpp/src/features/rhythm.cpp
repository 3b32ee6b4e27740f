#include "features/rhythm.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace samplemind::features {
namespace {

constexpr double kMinBpm = 40.0, kMaxBpm = 240.0;

// Value of `series` at a fractional index, linearly interpolated (0 outside).
double at(const std::vector<double>& series, double index) {
    if (index < 0 || index > static_cast<double>(series.size() - 1)) return 0.0;
    const auto below = static_cast<std::size_t>(index);
    const std::size_t above = std::min(below + 1, series.size() - 1);
    const double frac = index - static_cast<double>(below);
    return series[below] + frac * (series[above] - series[below]);
}

// Unbiased autocorrelation of the mean-removed envelope, lags 0..max_lag. The envelope
// is first smoothed with a binomial kernel (1 4 6 4 1)/16: a beat period that falls
// between two frame lags would otherwise split its peak in two and lose to a multiple
// of itself that happens to land on a whole lag.
std::vector<double> autocorrelation(const std::vector<float>& envelope, std::size_t max_lag) {
    constexpr double kKernel[5] = {1.0 / 16, 4.0 / 16, 6.0 / 16, 4.0 / 16, 1.0 / 16};
    const auto n = static_cast<std::ptrdiff_t>(envelope.size());
    std::vector<double> centred(envelope.size(), 0.0);
    for (std::ptrdiff_t i = 0; i < n; ++i) {
        for (std::ptrdiff_t k = -2; k <= 2; ++k) {
            if (i + k >= 0 && i + k < n) centred[static_cast<std::size_t>(i)] += kKernel[k + 2] * envelope[static_cast<std::size_t>(i + k)];
        }
    }
    const double mean = std::accumulate(centred.begin(), centred.end(), 0.0) / static_cast<double>(centred.size());
    for (double& v : centred) v -= mean;
    std::vector<double> ac(max_lag + 1, 0.0);
    for (std::size_t lag = 0; lag <= max_lag && lag < centred.size(); ++lag) {
        double sum = 0.0;
        for (std::size_t i = 0; i + lag < centred.size(); ++i) sum += centred[i] * centred[i + lag];
        ac[lag] = sum / static_cast<double>(centred.size() - lag);
    }
    return ac;
}

// Local maximum of `ac` nearest to `guess` (within +-radius), refined by a parabola.
double refine_peak(const std::vector<double>& ac, double guess, double radius) {
    const auto lo = static_cast<std::size_t>(std::max(1.0, std::floor(guess - radius)));
    const auto hi = static_cast<std::size_t>(std::min(static_cast<double>(ac.size() - 2), std::ceil(guess + radius)));
    std::size_t best = lo;
    for (std::size_t i = lo; i <= hi; ++i) {
        if (ac[i] > ac[best]) best = i;
    }
    const double a = ac[best - 1], b = ac[best], c = ac[best + 1];
    const double denominator = a - 2 * b + c;
    const double shift = denominator < 0 ? std::clamp(0.5 * (a - c) / denominator, -0.5, 0.5) : 0.0;
    return static_cast<double>(best) + shift;
}

}  // namespace

std::vector<double> pick_onsets(const std::vector<float>& envelope, double frame_rate) {
    std::vector<double> onsets;
    if (envelope.size() < 3) return onsets;
    const auto [lo, hi] = std::minmax_element(envelope.begin(), envelope.end());
    const double range = *hi - *lo;
    if (!(range > 1e-9)) return onsets;
    const auto frames = [&](double seconds) { return static_cast<std::ptrdiff_t>(seconds * frame_rate); };
    const std::ptrdiff_t pre_max = frames(0.05), pre_avg = frames(0.10), post_avg = frames(0.10) + 1, wait = frames(0.05);
    const auto n = static_cast<std::ptrdiff_t>(envelope.size());
    auto value = [&](std::ptrdiff_t i) { return (envelope[static_cast<std::size_t>(i)] - *lo) / range; };
    std::ptrdiff_t last = -wait - 1;
    for (std::ptrdiff_t i = 0; i < n; ++i) {
        double local_max = 0.0, mean = 0.0;
        for (std::ptrdiff_t j = std::max<std::ptrdiff_t>(0, i - pre_max); j <= i; ++j) local_max = std::max(local_max, value(j));
        const std::ptrdiff_t a = std::max<std::ptrdiff_t>(0, i - pre_avg), b = std::min(n, i + post_avg);
        for (std::ptrdiff_t j = a; j < b; ++j) mean += value(j);
        mean /= static_cast<double>(b - a);
        if (value(i) >= local_max && value(i) >= mean + 0.07 && i > last + wait) {
            onsets.push_back(static_cast<double>(i) / frame_rate);
            last = i;
        }
    }
    return onsets;
}

TempoEstimate estimate_tempo(const std::vector<float>& envelope, double frame_rate, double duration_s,
                             std::size_t onset_count, bool loop_prior) {
    TempoEstimate tempo;
    const double min_lag = 60.0 * frame_rate / kMaxBpm, max_lag = 60.0 * frame_rate / kMinBpm;
    if (envelope.size() < static_cast<std::size_t>(2 * min_lag) + 2) return tempo;
    const auto lag_limit = std::min(envelope.size() - 2, static_cast<std::size_t>(envelope.size() * 3 / 4));
    const std::vector<double> ac = autocorrelation(envelope, lag_limit);
    if (!(ac[0] > 0)) return tempo;
    // Peaks within the tempo range, the highest first found.
    const auto first = static_cast<std::size_t>(std::ceil(min_lag));
    const auto last = std::min(static_cast<std::size_t>(max_lag), lag_limit - 1);
    double highest = 0.0;
    std::vector<std::size_t> peaks;
    for (std::size_t lag = std::max<std::size_t>(first, 1); lag <= last; ++lag) {
        if (ac[lag] > ac[lag - 1] && ac[lag] >= ac[lag + 1] && ac[lag] > 0) {
            peaks.push_back(lag);
            highest = std::max(highest, ac[lag]);
        }
    }
    if (peaks.empty()) return tempo;
    std::size_t chosen = peaks.front();
    for (const std::size_t lag : peaks) {  // the shortest period that is nearly as strong
        if (ac[lag] >= 0.8 * highest) {
            chosen = lag;
            break;
        }
    }
    double period = refine_peak(ac, static_cast<double>(chosen), 1.0);
    // Octave check: when the beat chosen holds 2.5 or more onsets, its half is the
    // beat if the autocorrelation there is substantial too (a kick-snare alternation
    // peaks less at one beat than at two, and subdivisions sit at a half or quarter).
    const double onsets_per_beat = static_cast<double>(onset_count) * period / (duration_s * frame_rate);
    if (onsets_per_beat >= 2.5 && period / 2 >= min_lag && at(ac, period / 2) >= 0.35 * highest) {
        period = refine_peak(ac, period / 2, 1.0);
    }
    // Refine on the largest multiple of the period inside the autocorrelation.
    const auto multiple = std::max(1.0, std::floor((static_cast<double>(lag_limit) - 2) / period));
    period = refine_peak(ac, period * multiple, 1.5) / multiple;

    tempo.bpm = 60.0 * frame_rate / period;
    tempo.confidence = std::clamp(at(ac, period) / ac[0], 0.0, 1.0);
    tempo.beats_in_length = duration_s * tempo.bpm / 60.0;
    const double whole = std::round(tempo.beats_in_length);
    if (loop_prior && whole >= 1.0 && std::abs(tempo.beats_in_length - whole) / whole < 0.04) {
        tempo.bpm = 60.0 * whole / duration_s;  // the loop's length is whole beats
        period = 60.0 * frame_rate / tempo.bpm;
        tempo.beats_in_length = whole;
    }
    tempo.length_fits = whole >= 1.0 && std::abs(tempo.beats_in_length - whole) < 0.05;
    const double half = at(ac, 2 * period), twice = at(ac, period / 2);
    tempo.runner_up_bpm = (half >= twice && 2 * period <= static_cast<double>(lag_limit)) ? tempo.bpm / 2 : tempo.bpm * 2;

    // Beats: the phase whose comb of beat positions collects the most onset strength.
    if (duration_s * tempo.bpm / 60.0 >= 2.0) {
        double best_phase = 0.0, best_sum = -1.0;
        for (double phase = 0.0; phase < period; phase += 0.25) {
            double sum = 0.0;
            for (double t = phase; t < static_cast<double>(envelope.size()); t += period) {
                sum += envelope[static_cast<std::size_t>(std::lround(std::min(t, envelope.size() - 1.0)))];
            }
            if (sum > best_sum) best_sum = sum, best_phase = phase;
        }
        for (double t = best_phase; t < static_cast<double>(envelope.size()); t += period) {
            tempo.beat_times_s.push_back(t / frame_rate);
        }
    }
    return tempo;
}

EnvelopeShape envelope_shape(const std::vector<float>& fine, double fine_step_s, const std::vector<float>& frame_rms,
                             double frame_rate) {
    EnvelopeShape shape;
    if (!fine.empty()) {
        const float peak = *std::max_element(fine.begin(), fine.end());
        if (peak > 0.0f) {
            const auto start = std::find_if(fine.begin(), fine.end(), [&](float v) { return v >= 0.2f * peak; });
            const auto stop = std::find_if(start, fine.end(), [&](float v) { return v >= 0.9f * peak; });
            shape.attack_time_s = std::max(fine_step_s, static_cast<double>(stop - start) * fine_step_s);
        }
    }
    shape.attack_time_s = std::max(shape.attack_time_s, fine_step_s);
    shape.log_attack_time = std::log10(shape.attack_time_s);
    if (frame_rms.empty()) return shape;
    const auto peak_at = std::max_element(frame_rms.begin(), frame_rms.end());
    const float peak = *peak_at;
    if (!(peak > 0.0f)) return shape;
    const auto fall = std::find_if(peak_at, frame_rms.end(), [&](float v) { return v < 0.1f * peak; });
    shape.decay_time_s = static_cast<double>(fall - peak_at) / frame_rate;
    double weighted = 0.0, total = 0.0;
    std::size_t above = 0;
    for (std::size_t i = 0; i < frame_rms.size(); ++i) {
        weighted += static_cast<double>(i) / frame_rate * frame_rms[i];
        total += frame_rms[i];
        above += frame_rms[i] >= 0.4f * peak;
    }
    shape.temporal_centroid_s = weighted / total;
    shape.effective_duration_s = static_cast<double>(above) / frame_rate;
    return shape;
}

std::size_t count_strong_onsets(const std::vector<double>& onset_times_s, const std::vector<float>& envelope,
                                double frame_rate) {
    if (envelope.empty()) return 0;
    const float strongest = *std::max_element(envelope.begin(), envelope.end());
    std::size_t strong = 0;
    for (const double t : onset_times_s) {
        const auto frame = std::min(envelope.size() - 1, static_cast<std::size_t>(std::lround(t * frame_rate)));
        strong += envelope[frame] >= 0.25f * strongest;
    }
    return strong;
}

double loop_probability(double duration_s, std::size_t strong_onsets, const TempoEstimate& tempo) {
    double p = 0.0;
    p += duration_s >= 1.5 ? 0.3 : 0.0;
    p += 0.25 * std::min(1.0, static_cast<double>(strong_onsets) / 6.0);
    p += 0.25 * std::min(1.0, tempo.confidence / 0.5);
    p += tempo.length_fits && tempo.beats_in_length >= 4 ? 0.2 : 0.0;
    // A loop repeats a pattern of hits: a sound with fewer than three strong onsets, or
    // shorter than a second, is a one-shot whatever else it has.
    if (strong_onsets < 3 || duration_s < 1.0) p = std::min(p, 0.2);
    return std::clamp(p, 0.0, 1.0);
}

}  // namespace samplemind::features
