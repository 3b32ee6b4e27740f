// The result of analysing one file or buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "samplemind/audio_info.hpp"
#include "samplemind/metadata.hpp"

namespace samplemind {

/// The dB value reported for silence (and the floor of every dB level).
inline constexpr double kSilenceDb = -160.0;
/// Magnitude at or above which a sample counts as clipped (one 16-bit step below full scale).
inline constexpr double kClipLevel = 32767.0 / 32768.0;

/// Statistics of one per-frame descriptor over all frames. Population standard
/// deviation (ddof = 0). All zero when there are no frames.
struct SummaryStats {
    double mean = 0.0;
    double std = 0.0;
    double min = 0.0;
    double max = 0.0;
};

/// Sample-level measures, taken on the source samples at the source rate, before
/// resampling. Levels in dBFS are floored at kSilenceDb so silence stays finite.
struct LevelStats {
    /// Largest absolute sample over all channels, dBFS (0 dBFS = 1.0).
    double peak_dbfs = 0.0;
    /// Root mean square over all samples of all channels, dBFS.
    double rms_dbfs = 0.0;
    /// Mean of the mono mix (the DC offset), linear in [-1, 1].
    double dc_offset = 0.0;
    /// Samples (counted per channel) whose magnitude is at or above kClipLevel.
    std::int64_t clipped_samples = 0;
    /// Time before the first sample louder than the silence threshold, seconds.
    /// Equals the duration when the whole file is silent.
    double leading_silence_s = 0.0;
    /// Time after the last sample louder than the silence threshold, seconds.
    /// Equals the duration when the whole file is silent.
    double trailing_silence_s = 0.0;
    /// NaN or infinite input samples; each was replaced by 0 before analysis.
    std::int64_t non_finite_samples = 0;
};

/// Statistics of the frame-wise spectral and time-domain descriptors. Definitions
/// match librosa's functions of the same name (see features/spectral_frame.hpp).
struct SpectralStats {
    SummaryStats centroid_hz;   ///< spectral centroid of the magnitude spectrum, Hz
    SummaryStats bandwidth_hz;  ///< 2nd-order spectral bandwidth around the centroid, Hz
    SummaryStats rolloff_hz;    ///< frequency below which rolloff_percent of the magnitude lies, Hz
    SummaryStats flatness;      ///< Wiener entropy of the power spectrum, in [0, 1]
    SummaryStats flux;          ///< positive change of the L1-normalised magnitude spectrum, in [0, 1]
    SummaryStats zcr;           ///< zero-crossing rate, crossings per sample, in [0, 1]
    SummaryStats rms;           ///< frame RMS of the analysis-rate mono signal, linear
    /// Spectral contrast per octave band (contrast_bands + 1 entries), dB.
    std::vector<SummaryStats> contrast_db;
};

/// Loudness after ITU-R BS.1770-4 / EBU R128.
struct LoudnessStats {
    /// Gated integrated loudness, LUFS. Audio shorter than one 400 ms gating block is
    /// measured as a single block over all its samples. kSilenceDb when everything is
    /// below the -70 LUFS gate.
    double integrated_lufs = kSilenceDb;
    /// Peak of the 4x oversampled signal, dBTP (BS.1770-4 Annex 2).
    double true_peak_dbtp = kSilenceDb;
    /// EBU Tech 3342 loudness range, LU; empty for audio shorter than 3 s.
    std::optional<double> loudness_range_lu;
};

/// How the sound starts, dies and repeats.
struct EnvelopeStats {
    double attack_time_s = 0.0;       ///< 20 % to 90 % of the peak amplitude envelope (1.45 ms resolution)
    double log_attack_time = 0.0;     ///< log10(attack_time_s)
    double decay_time_s = 0.0;        ///< from the RMS peak until it first falls 20 dB below it
    double temporal_centroid_s = 0.0;  ///< RMS-weighted mean time
    double effective_duration_s = 0.0;  ///< time the RMS spends above 40 % of its maximum
    std::vector<double> onset_times_s;  ///< librosa onset_detect-style peak picking of the onset envelope
    bool is_loop = false;             ///< a loop (a repeating pattern) rather than a one-shot
    double is_loop_confidence = 0.0;     ///< confidence in the is_loop verdict, [0.5, 1]
};

/// The sound's fundamental frequency, when it has one.
struct PitchStats {
    bool pitched = false;   ///< false for noise and most drums: the rest is then zero/empty
    double f0_hz = 0.0;     ///< median YIN f0 of the confidently voiced loud frames
    std::string note;       ///< nearest equal-tempered note, A4 = 440 Hz: "C#3"
    double cents = 0.0;     ///< deviation of f0_hz from `note`, [-50, 50)
    double confidence = 0.0;  ///< median voicing confidence x voiced share, [0, 1]
};

/// Pitch classes and key.
struct TonalityStats {
    /// Mean chroma (librosa chroma_stft with tuning 0, each frame max-normalised), C first.
    std::vector<float> chroma_mean;
    /// Mean pitch-class profile of the notes detected in each frame (harmonic-sum
    /// multi-pitch estimation, tuning removed, each frame max-normalised), C first; the
    /// key is read from it. 12 values, all zero when nothing tonal was found.
    std::vector<float> pitch_class_profile;
    /// Tuning against A4 = 440 Hz, cents in [-50, 50): the voicing-weighted circular mean
    /// of the YIN frames' deviations from the nearest note; 0 when nothing is voiced.
    double tuning_cents = 0.0;
    /// "A minor", "F# major"; empty when no key applies (drums, noise, a single note).
    std::string key;
    double key_strength = 0.0;    ///< correlation of the pitch-class profile with the key's, [-1, 1]
    double key_confidence = 0.0;  ///< [0, 1], from the margin over the runner-up; 0 without a key
    std::string runner_up_key;    ///< the second-ranked key; empty without a key
    double runner_up_strength = 0.0;
};

/// Tempo and beats.
struct RhythmStats {
    double tempo_bpm = 0.0;         ///< 0 for a one-shot or when there is no pulse
    double tempo_confidence = 0.0;  ///< strength of the pulse at the beat, [0, 1]
    double runner_up_bpm = 0.0;     ///< the best tempo at another metrical level (half, double, 2/3, ...)
    double beats_in_length = 0.0;   ///< duration x tempo / 60
    bool loop_fits_tempo = false;   ///< the length is a whole number of beats (within 5 % of one)
    std::vector<double> beat_times_s;  ///< for material at least two beats long
};

/// Coarse statistics of the sound that the category model and the embedding read:
/// 16 bands (groups of adjacent mel bands, low to high), in dB relative to the
/// loudest band's mean, so that they do not depend on the level, and floored at -80 dB
/// (quieter is silence, whatever the noise floor).
struct SoundProfile {
    static constexpr std::size_t kBands = 16;
    static constexpr std::size_t kAttackSegments = 4;  ///< frames [0, 2), [2, 6), [6, 16), [16, 48) after the sound starts
    std::vector<float> band_mean_db;   ///< kBands: mean over frames of each band's dB
    std::vector<float> band_std_db;    ///< kBands: standard deviation over frames
    std::vector<float> band_rise_db;   ///< kBands: mean positive frame-to-frame change, dB
    std::vector<float> attack_db;      ///< kAttackSegments x kBands: each segment's band energy, dB (the attack)
    double harmonicity = 0.0;          ///< median share of spectral peaks on the notes' harmonic series, [0, 1]
    double second_pitch_class = 0.0;   ///< median second strongest pitch class of a frame, relative to its strongest
    double third_pitch_class = 0.0;    ///< median third strongest
    std::size_t re_attacks = 0;        ///< energy rises after the first hit
    std::size_t harmony_changes = 0;   ///< pitch-class blocks unlike the one before
};

/// What the sound is (see samplemind/category.hpp for the vocabulary).
struct CategoryStats {
    std::string category = "unknown";  ///< "kick", "pad", "drum_loop", ... or "unknown"
    std::string family;                ///< "drums", "tonal", "fx", "loops"; empty when unknown
    double confidence = 0.0;           ///< the model's probability of `category`'s class, [0, 1]
    /// The three most probable classes, best first, with their probabilities.
    std::vector<std::pair<std::string, double>> top;
};

/// Per-frame tracks, kept only when AnalysisConfig::keep_frames is set. Matrices are
/// row-major with one row per frame.
struct FrameTracks {
    std::vector<float> centroid_hz, bandwidth_hz, rolloff_hz, flatness, flux, zcr, rms;
    std::vector<float> contrast_db;  ///< n_frames x (contrast_bands + 1)
    std::vector<float> mel_db;       ///< n_frames x n_mels, power_to_db with top_db
    std::vector<float> mfcc;         ///< n_frames x n_mfcc
    std::vector<float> pitch_classes;  ///< n_frames x 12, the notes' salience by pitch class (0 between estimates)
    std::vector<float> harmonicity;    ///< share of the frame's spectral peaks that are the notes' harmonics (0 between estimates)
    /// Onset strength: the mean over mel bands of each band's rise in dB since the
    /// previous frame (0 for the first), bands 50 dB under the loudest so far held at
    /// that floor. The onset times and the tempo are read from it.
    std::vector<float> onset_strength;
    /// Every tempo candidate weighed (none when no tempo was sought): its BPM, and its
    /// evidence, tempo_candidate_bpm.size() x tempo_terms.size() row-major, the terms
    /// named in tempo_terms. bench/train_tempo.py fits the tempo weights on these.
    std::vector<double> tempo_candidate_bpm;
    std::vector<double> tempo_candidate_evidence;
    std::vector<std::string> tempo_terms;
};

/// Everything the core computes for one input.
struct Analysis {
    /// The analysed file's path; empty for a buffer.
    std::string path;
    /// Source metadata.
    AudioInfo info;
    /// What the file says about itself (tempo, root note, loops, tags); empty for a
    /// buffer. The analysis never reads it: tempo and key below are measured.
    Metadata metadata;
    /// Rate the frame descriptors were computed at, Hz.
    double analysis_sample_rate = 0.0;
    /// Number of STFT frames: 1 + resampled_length / hop_length (centred frames).
    std::int64_t n_frames = 0;
    LevelStats level;
    SpectralStats spectral;
    /// Mean over frames of each mel band in dB (power_to_db, ref 1, top_db). n_mels values.
    std::vector<float> mel_mean_db;
    /// Mean and standard deviation over frames of each MFCC. n_mfcc values each.
    std::vector<float> mfcc_mean;
    std::vector<float> mfcc_std;
    /// Present when AnalysisConfig::keep_frames was set.
    std::optional<FrameTracks> frames;

    LoudnessStats loudness;
    EnvelopeStats envelope;
    PitchStats pitch;
    TonalityStats tonality;
    RhythmStats rhythm;
    SoundProfile profile;
    CategoryStats category;
    /// The similarity embedding (see samplemind/embedding.hpp): L2-normalised.
    std::vector<float> embedding;
};


}  // namespace samplemind
