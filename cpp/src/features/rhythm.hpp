// Onsets, tempo, beats and the shape of the amplitude envelope.
#pragma once

#include <vector>

namespace samplemind::features {

/// Onset times picked from an onset-strength envelope like librosa.onset.onset_detect,
/// with its 30 ms windows widened to 50 ms (a kick's pitch sweep otherwise counts as a
/// second hit): the envelope normalised to [0, 1]; a peak is the maximum of the 50 ms
/// before it, at least delta 0.07 above the mean of the 100 ms around it, and 50 ms
/// after the previous onset.
std::vector<double> pick_onsets(const std::vector<float>& envelope, double frame_rate);

/// A tempo and its evidence.
struct TempoEstimate {
    double bpm = 0.0;
    double confidence = 0.0;        ///< autocorrelation at the beat period over that at lag 0, [0, 1]
    double runner_up_bpm = 0.0;     ///< the better of half and double tempo
    double beats_in_length = 0.0;   ///< duration x bpm / 60
    bool length_fits = false;       ///< beats_in_length is within 5 % of a beat of a whole number
    std::vector<double> beat_times_s;
};

/// Tempo from the autocorrelation of an onset envelope (frames at frame_rate Hz). The
/// envelope should leave out the hi-hat range (it is built from mel bands under 4 kHz),
/// so the strongest periodicity is the beat, not the eighth notes. The beat period is
/// the shortest autocorrelation peak, within 40-240 BPM, reaching 80 % of the highest;
/// when that beat would hold 2.5 or more of the file's `onset_count` onsets and the
/// autocorrelation at half of it is at least 35 % of the highest, the half is the beat
/// (drum loops: kick-kick outweighs kick-snare, and hats subdivide the beat). The
/// period is refined on its largest multiple that fits the envelope. With `loop_prior`, a tempo
/// within 4 % of one that makes the duration a whole number of beats is snapped to it:
/// loops are cut on beat boundaries, which no onset detector knows.
TempoEstimate estimate_tempo(const std::vector<float>& envelope, double frame_rate, double duration_s,
                             std::size_t onset_count, bool loop_prior);

/// Attack, decay and duration measures of a sound.
struct EnvelopeShape {
    double attack_time_s = 0.0;      ///< from 20 % to 90 % of the peak of the fine envelope
    double log_attack_time = 0.0;    ///< log10(attack_time_s)
    double decay_time_s = 0.0;       ///< from the peak until the frame RMS first falls 20 dB below it
    double temporal_centroid_s = 0.0;  ///< RMS-weighted mean time
    double effective_duration_s = 0.0;  ///< time the frame RMS spends above 40 % of its maximum
};

/// fine: peak magnitudes over blocks of fine_step_s seconds (the start of the signal);
/// frame_rms: the STFT frames' RMS at frame_rate Hz.
EnvelopeShape envelope_shape(const std::vector<float>& fine, double fine_step_s, const std::vector<float>& frame_rms,
                             double frame_rate);

/// Onsets whose strength is at least a quarter of the strongest in the envelope:
/// the hits, not the flutter of a decaying or lossy-coded tone.
std::size_t count_strong_onsets(const std::vector<double>& onset_times_s, const std::vector<float>& envelope,
                                double frame_rate);

/// How much a sound looks like a loop rather than a one-shot, in [0, 1]: long enough
/// (>= 1.5 s), several strong onsets, a regular pulse, and a length of a whole number
/// of beats (at least four). At most 0.2 with fewer than three strong onsets or under
/// a second.
double loop_probability(double duration_s, std::size_t strong_onsets, const TempoEstimate& tempo);

}  // namespace samplemind::features
