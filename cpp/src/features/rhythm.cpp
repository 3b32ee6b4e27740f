#include "features/rhythm.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace samplemind::features {

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

LoopVerdict decide_loop(const std::vector<float>& frame_rms, const std::vector<std::array<float, 12>>& pitch_class_blocks,
                        double frames_per_block, double frame_rate, double duration_s) {
    LoopVerdict verdict;
    if (frame_rms.empty()) return verdict;
    // Energy rises.
    std::vector<double> db(frame_rms.size());
    for (std::size_t i = 0; i < db.size(); ++i) db[i] = 20.0 * std::log10(std::max(frame_rms[i], 1e-8f));
    const double loudest = *std::max_element(db.begin(), db.end());
    const auto refractory = static_cast<std::ptrdiff_t>(std::ceil(kRefractoryS * frame_rate));
    std::ptrdiff_t last = -refractory - 1, first_rise = -1, last_rise = -1;
    for (std::size_t t = 0; t < db.size(); ++t) {  // before the first frame is silence
        const double quietest =
            t == 0 ? -160.0 : *std::min_element(db.begin() + static_cast<std::ptrdiff_t>(t >= 4 ? t - 4 : 0), db.begin() + static_cast<std::ptrdiff_t>(t));
        const auto frame = static_cast<std::ptrdiff_t>(t);
        if (db[t] > loudest - kRiseRangeDb && db[t] - quietest >= kRiseDb && frame - last >= refractory) {
            last = frame;
            if (first_rise < 0) first_rise = frame;
            last_rise = frame;
            verdict.re_attacks += static_cast<double>(t) / frame_rate > kFirstHitS;
        }
    }
    const double rise_span = first_rise >= 0 ? static_cast<double>(last_rise - first_rise) / frame_rate : 0.0;
    // Harmony changes, counted only while the sound holds.
    double tail_power = 0.0, peak = 0.0;
    for (std::size_t t = 0; t < frame_rms.size(); ++t) {
        peak = std::max(peak, static_cast<double>(frame_rms[t]));
        if (2 * t >= frame_rms.size()) tail_power += static_cast<double>(frame_rms[t]) * frame_rms[t];
    }
    const double tail_rms = std::sqrt(tail_power / static_cast<double>(frame_rms.size() - frame_rms.size() / 2));
    std::ptrdiff_t first_change = -1, last_change = -1;
    if (tail_rms >= kSustainShare * peak) {
        for (std::size_t b = 1; b < pitch_class_blocks.size(); ++b) {
            double dot = 0.0, aa = 0.0, bb = 0.0;
            for (int c = 0; c < 12; ++c) {
                const double x = pitch_class_blocks[b - 1][c], y = pitch_class_blocks[b][c];
                dot += x * y, aa += x * x, bb += y * y;
            }
            if (aa <= 0 || bb <= 0 || dot / std::sqrt(aa * bb) >= kChangeSimilarity) continue;
            ++verdict.harmony_changes;
            if (first_change < 0) first_change = static_cast<std::ptrdiff_t>(b);
            last_change = static_cast<std::ptrdiff_t>(b);
        }
    }
    const double change_span = first_change >= 0 ? static_cast<double>(last_change - first_change) * frames_per_block / frame_rate : 0.0;

    const bool long_enough = duration_s >= kMinLoopS && duration_s <= kMaxLoopS;
    const bool re_attacked = verdict.re_attacks >= 2 && rise_span >= kMinSpread * duration_s;
    const bool harmony_moves = verdict.harmony_changes >= 2 && change_span >= 0.5 * kMinSpread * duration_s;
    verdict.is_loop = long_enough && (re_attacked || harmony_moves);
    // Confidence grows with the evidence either way: many re-attacks for a loop, none
    // at all (or a very short sound) for a one-shot.
    const double evidence = static_cast<double>(std::max(verdict.re_attacks, verdict.harmony_changes));
    verdict.confidence = verdict.is_loop ? std::min(1.0, 0.6 + 0.05 * evidence)
                                         : (evidence == 0 || duration_s < kMinLoopS ? 0.95 : 0.7);
    return verdict;
}

}  // namespace samplemind::features
