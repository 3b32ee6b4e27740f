// Onsets, tempo, beats and the shape of the amplitude envelope.
#pragma once

#include <array>
#include <cstddef>
#include <vector>

namespace samplemind::features {

/// Onset times picked from an onset-strength envelope like librosa.onset.onset_detect,
/// with its 30 ms windows widened to 50 ms (a kick's pitch sweep otherwise counts as a
/// second hit): the envelope normalised to [0, 1]; a peak is the maximum of the 50 ms
/// before it, at least delta 0.07 above the mean of the 100 ms around it, and 50 ms
/// after the previous onset.
std::vector<double> pick_onsets(const std::vector<float>& envelope, double frame_rate);

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

/// Loop or one-shot, and the evidence.
struct LoopVerdict {
    bool is_loop = false;
    double confidence = 0.0;       ///< confidence in the verdict, [0.5, 1]
    std::size_t re_attacks = 0;    ///< energy rises after the first kFirstHitS
    std::size_t harmony_changes = 0;  ///< pitch-class blocks unlike the one before
};

/// A loop repeats a pattern: after its first hit the sound attacks again, or its
/// harmony moves while it sounds on. A one-shot (a hit, a note, a chord, a ringing
/// cymbal, a long 808, a pad) has one attack and then decays or holds.
///  - energy rises: frames whose RMS is kRiseDb above the quietest of the previous
///    four, within kRiseRangeDb of the loudest frame, kRefractoryS apart;
///  - harmony changes: consecutive pitch-class blocks whose cosine similarity is
///    under kChangeSimilarity, while the second half still holds kSustainShare of
///    the peak RMS (a decaying tom's falling pitch is no progression).
/// A loop is at least kMinLoopS and at most kMaxLoopS long, with two re-attacks
/// spread over kMinSpread of its length, or two harmony changes spread over half
/// that. Chosen on the tuning split of the real-recordings corpus (99 % right).
LoopVerdict decide_loop(const std::vector<float>& frame_rms, const std::vector<std::array<float, 12>>& pitch_class_blocks,
                        double frames_per_block, double frame_rate, double duration_s);

inline constexpr double kRiseDb = 6.0, kRiseRangeDb = 35.0, kRefractoryS = 0.1, kFirstHitS = 0.15;
inline constexpr double kChangeSimilarity = 0.7, kSustainShare = 0.2, kMinSpread = 0.4;
inline constexpr double kMinLoopS = 1.0, kMaxLoopS = 120.0;

}  // namespace samplemind::features
