// The analysis-rate half of the pipeline: centred STFT frames, their descriptors and
// running statistics.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "features/mel_accumulator.hpp"
#include "features/note_salience.hpp"
#include "features/pitch_tracker.hpp"
#include "features/rhythm_bands.hpp"
#include "features/sound_profile.hpp"
#include "features/running_onsets.hpp"
#include "features/running_stats.hpp"
#include "features/spectral_frame.hpp"
#include "samplemind/analysis.hpp"
#include "samplemind/config.hpp"

namespace samplemind::analyzer {

/// Cuts the analysis-rate mono signal into centred frames (n_fft/2 zeros before the
/// first sample and after the last, as librosa's center=True) and accumulates every
/// frame descriptor. Memory is bounded by n_fft plus the largest block fed, except
/// for per-frame tracks when the config keeps them. Not thread-safe.
class FrameStage {
public:
    /// max_block: the most samples one feed() call will pass.
    FrameStage(const AnalysisConfig& config, std::size_t max_block);

    /// Appends samples and computes every frame that became complete.
    void feed(const float* samples, std::size_t count);
    /// Ends the signal: `real_length` samples were fed in all. Computes the last frames.
    void finish(std::int64_t real_length);
    /// Allocates now what the frames of `seconds` of audio would (the mel block, the
    /// per-frame tracks), so feed() does not.
    void reserve(double seconds);
    /// Writes the frame statistics (and tracks) and the musical descriptors measured on
    /// the analysis-rate signal (envelope, pitch, tonality, rhythm) into `analysis`.
    void fill(Analysis& analysis);

    std::int64_t stft_frames() const noexcept { return stft_frames_; }
    const features::FrameDescriptors& last() const noexcept { return last_; }
    /// The latest pitch estimate: f0 in Hz (0 when unvoiced or under kMinConfidence).
    double last_pitch_hz() const noexcept;
    double last_pitch_confidence() const noexcept { return voicing_.empty() ? 0.0 : voicing_.back(); }
    const features::RunningOnsets& running_onsets() const noexcept { return onsets_; }

private:
    void compute_frame(const float* frame, std::int64_t frame_start);
    void accumulate(const features::FrameDescriptors& d);  // running statistics, mel, onsets
    void track_musical(const float* frame, const features::FrameDescriptors& d);  // pitch, chroma
    void keep_tracks(const features::FrameDescriptors& d);  // keep_frames only
    void track_fine_envelope(const float* samples, std::size_t count);
    void fill_frame_statistics(Analysis& analysis);
    void fill_musical(Analysis& analysis) const;
    /// f0 refined on the current frame's magnitude spectrum (see the definition).
    double refine_with_spectrum(double f0) const;
    /// Centre frequency of the lowest mel band within 30 dB of the loudest (mean dB).
    double lowest_strong_hz(const std::vector<float>& mel_mean_db) const;
    void fill_pitch(Analysis& analysis) const;
    void fill_tonality(Analysis& analysis) const;
    void fill_envelope_and_rhythm(Analysis& analysis) const;

    AnalysisConfig config_;
    std::shared_ptr<const features::SpectralKernels> kernels_;
    features::SpectralKernels::Scratch scratch_;
    std::optional<FrameTracks> tracks_;
    features::MelAccumulator mel_;
    features::RunningStats centroid_, bandwidth_, rolloff_, flatness_, flux_, zcr_, rms_;
    std::vector<features::RunningStats> contrast_stats_;
    std::vector<float> buffer_, contrast_, mel_power_;
    std::int64_t buffer_start_ = 0;  // padded-signal index of buffer_[0]
    std::int64_t real_length_;       // known at finish(); "infinite" before
    std::int64_t stft_frames_ = 0;
    features::FrameDescriptors last_;
    // Small per-frame tracks for the musical descriptors (a few floats per frame).
    features::PitchTracker pitch_;
    std::vector<float> f0_, voicing_, pitch_rms_, rms_track_;  // pitch tracks every kPitchEvery frames
    float loudest_rms_ = 0.0f;
    features::RunningOnsets onsets_;
    features::RhythmBands rhythm_bands_;
    features::SoundProfileAccumulator sound_profile_;
    std::array<double, 12> chroma_sum_{};  // librosa chroma, summed over frames
    std::array<float, 12> chroma_frame_{};
    // The notes of every kPitchEvery-th loud frame: their pitch classes summed per
    // kChromaBlock frames (the key reads the whole, the opening and the ending, known
    // only at the end), and their deviations from equal temperament (the tuning).
    features::NoteSalience note_salience_;
    std::array<features::Note, features::NoteSalience::kMaxNotes> notes_{};
    std::vector<std::array<float, 12>> pitch_class_blocks_;
    std::array<float, 12> frame_pitch_classes_{};
    float frame_harmonicity_ = 0.0f;
    double note_sin_ = 0.0, note_cos_ = 0.0;
    // Per analysed frame with notes: the second and third strongest pitch class (0-1,
    // relative to the strongest; a chord's are high) and the harmonicity.
    std::vector<float> second_pitch_class_, third_pitch_class_, harmonicity_;
    void track_notes();
    // Peak magnitude per kFineStep samples over the first kFineSeconds: the attack.
    std::vector<float> fine_envelope_;
    float fine_peak_ = 0.0f;
    std::size_t fine_count_ = 0;
    std::int64_t fed_real_ = 0;
};

}  // namespace samplemind::analyzer
