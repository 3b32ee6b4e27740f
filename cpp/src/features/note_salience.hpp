// The notes sounding in one STFT frame: a multi-pitch front end for key, chord and
// polyphony decisions.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace samplemind::features {

/// One detected note: fractional MIDI pitch (A4 = 69 at 440 Hz) and its salience.
struct Note {
    double midi = 0.0;
    double salience = 0.0;
};

/// Iterative harmonic-sum estimation of the notes in a frame (after Klapuri, "Multiple
/// fundamental frequency estimation by summing harmonic amplitudes", ISMIR 2006):
///  1. spectral peaks of the magnitude spectrum between kMinHz and kMaxPeakHz within
///     kPeakRangeDb of the frame's largest, refined by a parabola on log magnitude,
///     at most kMaxPeaks of the largest; amplitudes compressed to sqrt(magnitude) so
///     that a loud low string does not swamp the rest;
///  2. candidates f0 = peak / h (h = 1, 2, 3) in [kMinHz, kMaxF0Hz]; salience
///     s(f0) = sum_h g(h) a(h f0) over the harmonics that meet a peak within 3 %, with
///     g(h) = (f0 + 27 Hz) / (h f0 + 320 Hz); a candidate needs a peak at its
///     fundamental or octave (no purely virtual pitches: the common subharmonic of a
///     minor triad is no note of it);
///  3. the best candidate is a note; its fundamental's peak is removed and its other
///     partials halved (they may be shared with other notes); repeat while the best
///     reaches kRelativeSalience of the first, up to kMaxNotes.
/// One per analysing thread (it owns its scratch); allocates nothing after construction.
class NoteSalience {
public:
    static constexpr double kMinHz = 30.0;
    static constexpr double kMaxF0Hz = 2100.0;
    static constexpr double kMaxPeakHz = 6000.0;
    static constexpr double kPeakRangeDb = 50.0;
    static constexpr std::size_t kMaxPeaks = 60;
    static constexpr std::size_t kMaxNotes = 6;
    static constexpr double kRelativeSalience = 0.2;

    NoteSalience(double sample_rate, int n_fft);

    /// magnitude: n_fft/2 + 1 bins. Writes up to kMaxNotes notes, strongest first;
    /// returns how many.
    std::size_t analyse(const float* magnitude, std::array<Note, kMaxNotes>& notes);
    /// Of the last frame analysed: the share of its peaks' (compressed) amplitude that
    /// the notes' harmonics account for, in [0, 1]. High for instruments, low for
    /// cymbals, snares and noise, whose partials fit no harmonic series.
    double harmonicity() const noexcept { return harmonicity_; }

private:
    struct Peak {
        double hz, amplitude, remaining;
        bool claimed;  // a harmonic of a note found so far
    };
    // A candidate f0 keeps its salience and the peaks its harmonics met (a bit each:
    // kMaxPeaks <= 64): after a note is taken only candidates sharing its peaks change.
    // Its harmonics' peaks are found once (peaks do not move); rescoring only reads
    // their remaining amplitudes.
    struct Candidate {
        double f0, salience;
        std::uint64_t matched;
        std::size_t generator;  // the peak it is a harmonic of
        std::uint8_t partials;  // how many of harmonic[] and peak[] hold a match
        std::array<std::uint8_t, 40> harmonic, peak;
    };
    static_assert(kMaxPeaks <= 64);
    void find_peaks(const float* magnitude);
    double salience(double f0, bool remove, Candidate* found = nullptr);
    double rescore(const Candidate& candidate) const;
    void index_peaks();
    Peak* nearest(double hz);

    double bin_hz_;
    std::size_t first_bin_, last_bin_;
    std::vector<Peak> peaks_;  // sorted by frequency
    std::vector<Candidate> candidates_;
    std::vector<std::size_t> first_peak_from_bin_;  // per FFT bin: the first peak at or above it
    double harmonicity_ = 0.0;
};

}  // namespace samplemind::features
