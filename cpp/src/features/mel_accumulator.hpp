// Mel power frames to dB, MFCC and their statistics.
#pragma once

#include <cstdint>
#include <vector>

#include "dsp/mel.hpp"
#include "features/running_stats.hpp"
#include "samplemind/analysis.hpp"

namespace samplemind::features {

/// librosa's power_to_db(S, ref=1, amin=1e-10, top_db) clamps every value to the
/// spectrogram's global maximum minus top_db, which a stream cannot know until its
/// end. Frames are therefore held in a fixed block (kBlockFrames, about 3 minutes at
/// the default rate) and converted when it fills, against the maximum seen so far.
/// Any input that fits in one block, which is nearly every sample, gets librosa's
/// exact values; a longer one differs only where its loudest moment comes after the
/// first block and a band is more than top_db below it. Memory: kBlockFrames x n_mels
/// floats, whatever the length.
class MelAccumulator {
public:
    static constexpr std::size_t kBlockFrames = 8192;

    /// dct: mel dB to MFCC (n_mels in, n_mfcc out), outliving this object. tracks: where
    /// per-frame mel dB and MFCC rows go, or nullptr.
    MelAccumulator(int n_mels, int n_mfcc, double top_db, const dsp::OrthoDct& dct, FrameTracks* tracks);

    /// Allocates the whole block now (kBlockFrames x n_mels floats) and room for `frames`
    /// frames of onset envelope, so add() does not allocate.
    void reserve(std::size_t frames) {
        block_.reserve(kBlockFrames * static_cast<std::size_t>(n_mels_));
        onset_.reserve(frames);
        previous_db_.reserve(static_cast<std::size_t>(n_mels_));
    }
    /// Copies one frame of n_mels mel powers.
    void add(const float* mel_power);
    /// Converts what is buffered; call once at the end.
    void flush();

    /// Onset strength per frame (librosa onset_strength: the mean over mel bands of the
    /// rise in dB since the previous frame; 0 for the first frame), with bands 50 dB
    /// under the loudest value so far held at that floor (for onset times). A small
    /// track: one value per frame.
    const std::vector<float>& onset_envelope() const noexcept { return onset_; }

    std::vector<float> mel_mean_db() const;
    std::vector<float> mfcc_mean() const;
    std::vector<float> mfcc_std() const;

private:
    void add_onset_strength(const float* row);

    int n_mels_;
    int n_mfcc_;
    double top_db_;
    FrameTracks* tracks_;
    const dsp::OrthoDct& dct_;
    std::vector<float> block_;  // kBlockFrames x n_mels mel powers
    std::size_t buffered_ = 0;
    double max_db_ = -1e300;
    std::vector<double> mel_db_sum_;
    std::int64_t frames_ = 0;
    std::vector<RunningStats> mfcc_stats_;
    std::vector<float> frame_mfcc_;
    std::vector<float> previous_db_, onset_;
};

}  // namespace samplemind::features
