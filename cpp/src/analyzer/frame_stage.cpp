#include "analyzer/frame_stage.hpp"

#include "cancel_point.hpp"

#include <algorithm>
#include <functional>
#include <iterator>
#include <cmath>
#include <limits>
#include <numbers>

#include "dsp/mel.hpp"
#include "features/rhythm.hpp"
#include "features/tempo.hpp"
#include "features/tonality.hpp"
#include "stage_timer.hpp"

namespace samplemind::analyzer {
namespace {
constexpr std::size_t kFineStep = 32;   // samples per fine-envelope value (1.45 ms at 22,050 Hz)
constexpr double kFineSeconds = 20.0;   // the attack is at the start: keep only this much
constexpr std::int64_t kChromaBlock = 8;  // frames per pitch-class block
constexpr std::int64_t kPitchEvery = 2;   // frames per pitch estimate (46 ms at the defaults)
constexpr std::size_t kPulseAttacks = 4;  // re-attacks that give a non-loop a tempo
constexpr double kRefineCents = 20.0;    // YIN and the spectral peak agree: refine
}  // namespace

FrameStage::FrameStage(const AnalysisConfig& config, std::size_t max_block)
    : config_(config),
      kernels_(features::get_spectral_kernels(config)),
      scratch_(kernels_->make_scratch()),
      tracks_(config.keep_frames ? std::optional<FrameTracks>(FrameTracks{}) : std::nullopt),
      mel_(config.n_mels, config.n_mfcc, config.top_db, kernels_->mfcc_dct(), tracks_ ? &*tracks_ : nullptr),
      contrast_stats_(static_cast<std::size_t>(kernels_->contrast_bands())),
      contrast_(static_cast<std::size_t>(kernels_->contrast_bands())),
      mel_power_(static_cast<std::size_t>(kernels_->n_mels())),
      real_length_(std::numeric_limits<std::int64_t>::max() / 4),
      pitch_(config.n_fft, config.sample_rate),
      onsets_(config.sample_rate / config.hop_length, config.n_fft / config.hop_length),
      rhythm_bands_(kernels_->mel_centres_hz()),
      sound_profile_(kernels_->n_mels()),
      note_salience_(config.sample_rate, config.n_fft) {
    const auto n_fft = static_cast<std::size_t>(config.n_fft);
    buffer_.reserve(n_fft + std::max(max_block, n_fft));
    buffer_.assign(n_fft / 2, 0.0f);  // centring: n_fft/2 zeros before the signal
}

void FrameStage::reserve(double seconds) {
    const auto frames = static_cast<std::size_t>(seconds * config_.sample_rate / config_.hop_length) + 2;
    mel_.reserve(frames);
    for (auto* track : {&f0_, &voicing_, &pitch_rms_}) track->reserve(frames / kPitchEvery + 1);
    rms_track_.reserve(frames);
    pitch_class_blocks_.reserve(frames / kChromaBlock + 1);
    rhythm_bands_.reserve(frames);
    for (auto* track : {&second_pitch_class_, &third_pitch_class_, &harmonicity_}) track->reserve(frames / kPitchEvery + 1);
    fine_envelope_.reserve(static_cast<std::size_t>(kFineSeconds * config_.sample_rate) / kFineStep + 2);
}

double FrameStage::last_pitch_hz() const noexcept {
    if (f0_.empty() || voicing_.back() < features::kMinConfidence) return 0.0;
    return f0_.back();
}

void FrameStage::feed(const float* samples, std::size_t count) {
    track_fine_envelope(samples, count);
    const auto n_fft = static_cast<std::size_t>(config_.n_fft);
    const auto hop = static_cast<std::size_t>(config_.hop_length);
    const std::size_t room = buffer_.capacity() - n_fft;  // never reallocates
    while (count > 0) {
        const std::size_t take = std::min(count, room);
        buffer_.insert(buffer_.end(), samples, samples + take);
        samples += take;
        count -= take;
        std::size_t offset = 0;
        while (buffer_.size() - offset >= n_fft) {
            compute_frame(buffer_.data() + offset, buffer_start_ + static_cast<std::int64_t>(offset));
            offset += hop;
        }
        buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(offset));
        buffer_start_ += static_cast<std::int64_t>(offset);
    }
}

void FrameStage::track_fine_envelope(const float* samples, std::size_t count) {
    const auto limit = static_cast<std::int64_t>(kFineSeconds * config_.sample_rate);
    for (std::size_t i = 0; i < count && fed_real_ < limit && fed_real_ < real_length_; ++i, ++fed_real_) {
        fine_peak_ = std::max(fine_peak_, std::abs(samples[i]));
        if (++fine_count_ == kFineStep) {
            fine_envelope_.push_back(fine_peak_);
            fine_peak_ = 0.0f;
            fine_count_ = 0;
        }
    }
}

void FrameStage::finish(std::int64_t real_length) {
    if (fine_count_ > 0) fine_envelope_.push_back(fine_peak_);
    fine_count_ = 0;
    real_length_ = real_length;  // from now on ZCR knows where the edge padding starts
    const std::vector<float> padding(static_cast<std::size_t>(config_.n_fft / 2), 0.0f);
    feed(padding.data(), padding.size());
    detail::StageTimer timer(Stage::descriptors);
    mel_.flush();
}

void FrameStage::compute_frame(const float* frame, std::int64_t frame_start) {
    const std::int64_t half = config_.n_fft / 2;
    const features::FrameSpan span{half - frame_start, half + real_length_ - frame_start};
    features::FrameDescriptors d;
    kernels_->compute(frame, span, scratch_, d, contrast_.data(), mel_power_.data());
    accumulate(d);
    track_musical(frame, d);
    last_ = d;
    ++stft_frames_;
    if (tracks_) keep_tracks(d);
}

void FrameStage::accumulate(const features::FrameDescriptors& d) {
    detail::StageTimer timer(Stage::descriptors);
    centroid_.add(d.centroid_hz);
    bandwidth_.add(d.bandwidth_hz);
    rolloff_.add(d.rolloff_hz);
    flatness_.add(d.flatness);
    flux_.add(d.flux);
    zcr_.add(d.zcr);
    rms_.add(d.rms);
    for (std::size_t b = 0; b < contrast_.size(); ++b) contrast_stats_[b].add(contrast_[b]);
    mel_.add(mel_power_.data());
    rhythm_bands_.add(mel_power_.data());
    sound_profile_.add(mel_power_.data(), d.rms);
    rms_track_.push_back(d.rms);
    onsets_.add(d.rms);
    loudest_rms_ = std::max(loudest_rms_, d.rms);
}

void FrameStage::track_musical(const float* frame, const features::FrameDescriptors& d) {
    detail::StageTimer timer(Stage::musical);
    if (stft_frames_ % kChromaBlock == 0) pitch_class_blocks_.push_back({});
    if (stft_frames_ % kPitchEvery == 0) {  // YIN costs two FFTs of 2 n_fft: every other frame
        double f0 = 0.0, voicing = 0.0;
        // Frames 30 dB under the loudest so far can only be under the final loudest too,
        // and the pitch summary ignores those: skip them (a one-shot's tail, silence).
        frame_pitch_classes_.fill(0.0f);
        frame_harmonicity_ = 0.0f;
        if (d.rms >= features::kPitchFloor * loudest_rms_) {
            pitch_.track(frame, f0, voicing);
            f0 = features::correct_octave(scratch_.magnitude.data(), kernels_->bins(), config_.sample_rate / config_.n_fft, f0);
            track_notes();
        }
        f0_.push_back(static_cast<float>(refine_with_spectrum(f0)));
        voicing_.push_back(static_cast<float>(voicing));
        pitch_rms_.push_back(d.rms);
    }
    kernels_->chroma(scratch_.power.data(), chroma_frame_.data());
    for (int c = 0; c < 12; ++c) chroma_sum_[c] += chroma_frame_[c];
    if (tracks_) {
        tracks_->pitch_classes.insert(tracks_->pitch_classes.end(), frame_pitch_classes_.begin(), frame_pitch_classes_.end());
        tracks_->harmonicity.push_back(frame_harmonicity_);
    }
}

// The frame's notes, as pitch classes relative to the tuning found so far (a stream
// cannot wait for the end); each frame's strongest note counts 1.
void FrameStage::track_notes() {
    const std::size_t count = note_salience_.analyse(scratch_.magnitude.data(), notes_);
    frame_harmonicity_ = static_cast<float>(note_salience_.harmonicity());
    if (count == 0) return;
    const double tuning = (note_sin_ != 0.0 || note_cos_ != 0.0) ? std::atan2(note_sin_, note_cos_) / (2.0 * std::numbers::pi) : 0.0;
    const double strongest = notes_[0].salience;
    for (std::size_t i = 0; i < count; ++i) {
        const double midi = notes_[i].midi;
        const double weight = notes_[i].salience / strongest;
        const double angle = 2.0 * std::numbers::pi * (midi - std::round(midi));
        note_sin_ += weight * std::sin(angle);
        note_cos_ += weight * std::cos(angle);
        const auto pitch_class = static_cast<int>(((std::lround(midi - tuning) % 12) + 12) % 12);
        frame_pitch_classes_[pitch_class] = std::max(frame_pitch_classes_[pitch_class], static_cast<float>(weight));
    }
    for (int c = 0; c < 12; ++c) pitch_class_blocks_.back()[c] += frame_pitch_classes_[c];
    std::array<float, 12> sorted = frame_pitch_classes_;
    std::partial_sort(sorted.begin(), sorted.begin() + 3, sorted.end(), std::greater<>());
    second_pitch_class_.push_back(sorted[1]);
    third_pitch_class_.push_back(sorted[2]);
    harmonicity_.push_back(frame_harmonicity_);
}

void FrameStage::keep_tracks(const features::FrameDescriptors& d) {
    tracks_->centroid_hz.push_back(d.centroid_hz);
    tracks_->bandwidth_hz.push_back(d.bandwidth_hz);
    tracks_->rolloff_hz.push_back(d.rolloff_hz);
    tracks_->flatness.push_back(d.flatness);
    tracks_->flux.push_back(d.flux);
    tracks_->zcr.push_back(d.zcr);
    tracks_->rms.push_back(d.rms);
    tracks_->contrast_db.insert(tracks_->contrast_db.end(), contrast_.begin(), contrast_.end());
}

void FrameStage::fill(Analysis& analysis) {
    fill_frame_statistics(analysis);
    detail::StageTimer timer(Stage::musical);
    fill_musical(analysis);
}

void FrameStage::fill_frame_statistics(Analysis& analysis) {
    detail::StageTimer timer(Stage::descriptors);
    analysis.n_frames = stft_frames_;
    SpectralStats& s = analysis.spectral;
    s.centroid_hz = centroid_.summary();
    s.bandwidth_hz = bandwidth_.summary();
    s.rolloff_hz = rolloff_.summary();
    s.flatness = flatness_.summary();
    s.flux = flux_.summary();
    s.zcr = zcr_.summary();
    s.rms = rms_.summary();
    for (const auto& stats : contrast_stats_) s.contrast_db.push_back(stats.summary());
    analysis.mel_mean_db = mel_.mel_mean_db();
    analysis.mfcc_mean = mel_.mfcc_mean();
    analysis.mfcc_std = mel_.mfcc_std();
    if (tracks_) {
        analysis.frames = std::move(*tracks_);
        analysis.frames->onset_strength = mel_.onset_envelope();
    }
}

// YIN's lag resolution falls with the period (13 samples at 1.7 kHz and 22,050 Hz, where
// one interpolation error of 0.08 samples is 10 cents); above ~20 bins the Hann
// spectrum resolves the fundamental better: its peak near f0, refined by a parabola on
// log magnitude (accurate to a few hundredths of a bin). Only while the two agree
// within kRefineCents: further apart, the peak is another partial, or the note stops
// or bends inside the frame (a muted guitar's 0.3 s note reads 30-40 cents flat
// there), and YIN's lag, exact on any periodic stretch, is kept.
double FrameStage::refine_with_spectrum(double f0) const {
    const double bin_hz = config_.sample_rate / config_.n_fft;
    const double k0 = f0 / bin_hz;
    if (f0 <= 0.0 || k0 < 20.0 || k0 + 3 >= static_cast<double>(kernels_->bins())) return f0;
    const float* magnitude = scratch_.magnitude.data();
    auto k = static_cast<std::size_t>(std::lround(k0));
    for (std::size_t i = k - 2; i <= k + 2; ++i) {
        if (magnitude[i] > magnitude[k]) k = i;
    }
    const double a = std::log(magnitude[k - 1] + 1e-20), b = std::log(magnitude[k] + 1e-20),
                 c = std::log(magnitude[k + 1] + 1e-20);
    const double denominator = a - 2 * b + c;
    const double shift = denominator < 0 ? std::clamp(0.5 * (a - c) / denominator, -0.5, 0.5) : 0.0;
    const double refined = (static_cast<double>(k) + shift) * bin_hz;
    return std::abs(1200.0 * std::log2(refined / f0)) < kRefineCents ? refined : f0;
}

double FrameStage::lowest_strong_hz(const std::vector<float>& mel_mean_db) const {
    if (mel_mean_db.empty()) return 0.0;
    const float loudest = *std::max_element(mel_mean_db.begin(), mel_mean_db.end());
    const auto band = std::find_if(mel_mean_db.begin(), mel_mean_db.end(), [&](float db) { return db >= loudest - 30.0f; });
    const double lo = dsp::hz_to_mel_slaney(config_.fmin), hi = dsp::hz_to_mel_slaney(config_.effective_fmax());
    const auto index = static_cast<double>(band - mel_mean_db.begin());
    return dsp::mel_to_hz_slaney(lo + (hi - lo) * (index + 1) / (config_.n_mels + 1));
}

namespace {
double median(std::vector<float> values) {
    if (values.empty()) return 0.0;
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2), values.end());
    return values[values.size() / 2];
}

void keep_tempo_candidates(const std::vector<std::pair<double, features::TempoEvidence>>& candidates,
                           FrameTracks& tracks) {
    tracks.tempo_terms.assign(std::begin(features::kTempoTermNames), std::end(features::kTempoTermNames));
    for (const auto& [bpm, evidence] : candidates) {
        tracks.tempo_candidate_bpm.push_back(bpm);
        tracks.tempo_candidate_evidence.insert(tracks.tempo_candidate_evidence.end(), evidence.begin(), evidence.end());
    }
}
}  // namespace

void FrameStage::fill_musical(Analysis& analysis) const {
    detail::cancel_point();
    fill_pitch(analysis);
    detail::cancel_point();
    fill_tonality(analysis);
    detail::cancel_point();
    fill_envelope_and_rhythm(analysis);
}

void FrameStage::fill_pitch(Analysis& analysis) const {
    const features::PitchSummary pitch = features::summarise_pitch(f0_, voicing_, pitch_rms_);
    analysis.pitch = {pitch.pitched, pitch.f0_hz, pitch.note, pitch.cents, pitch.confidence};
    // A chord's tones share a period far below all of them, and YIN finds that
    // "virtual" pitch; a note's f0 is at most an octave or so under its lowest strong
    // partial (a weak fundamental), so an f0 2.5x below it is no note's.
    if (pitch.pitched && pitch.f0_hz < lowest_strong_hz(analysis.mel_mean_db) / 2.5) analysis.pitch = PitchStats{};
    // A chord also shows as three pitch classes of similar strength frame after frame.
    if (median(second_pitch_class_) >= features::kChordSecond && median(third_pitch_class_) >= features::kChordThird) {
        analysis.pitch = PitchStats{};
    }
}

void FrameStage::fill_tonality(Analysis& analysis) const {
    // Tuning: circular mean of the voiced frames' deviations from the nearest note.
    double sin_sum = 0.0, cos_sum = 0.0;
    for (std::size_t i = 0; i < f0_.size(); ++i) {
        if (f0_[i] <= 0.0f) continue;
        const double midi = 69.0 + 12.0 * std::log2(f0_[i] / 440.0);
        const double angle = 2.0 * std::numbers::pi * (midi - std::round(midi));
        sin_sum += voicing_[i] * std::sin(angle);
        cos_sum += voicing_[i] * std::cos(angle);
    }
    TonalityStats& tonality = analysis.tonality;
    if (sin_sum != 0.0 || cos_sum != 0.0) tonality.tuning_cents = 100.0 * std::atan2(sin_sum, cos_sum) / (2.0 * std::numbers::pi);
    if (tonality.tuning_cents >= 50.0) tonality.tuning_cents -= 100.0;
    for (int c = 0; c < 12; ++c) {
        tonality.chroma_mean.push_back(stft_frames_ ? static_cast<float>(chroma_sum_[c] / static_cast<double>(stft_frames_)) : 0.0f);
    }
    features::KeyEvidence evidence;  // from the notes' pitch classes, per block
    const std::size_t blocks = pitch_class_blocks_.size();
    const auto edge = static_cast<std::size_t>(std::max(1.0, std::floor(static_cast<double>(blocks) * features::kEdgeShare)));
    for (std::size_t b = 0; b < blocks; ++b) {
        for (int c = 0; c < 12; ++c) {
            evidence.profile[c] += pitch_class_blocks_[b][c];
            if (b < edge) evidence.opening[c] += pitch_class_blocks_[b][c];
            if (b + edge >= blocks) evidence.ending[c] += pitch_class_blocks_[b][c];
        }
    }
    const double profile_peak = *std::max_element(evidence.profile.begin(), evidence.profile.end());
    int present_classes = 0, strong_classes = 0;
    for (int c = 0; c < 12; ++c) {
        const double share = profile_peak > 0 ? evidence.profile[c] / profile_peak : 0.0;
        tonality.pitch_class_profile.push_back(static_cast<float>(share));
        present_classes += share >= features::kPresentClassShare;
        strong_classes += share >= features::kStrongClassShare;
    }
    // A key needs tonal material (partials on harmonic series) with at least three
    // pitch classes; a single note has a pitch, not a key (a held note under a
    // melody or a scale still has many pitch classes around it).
    const bool tonal = median(harmonicity_) >= features::kTonalHarmonicity && present_classes >= 3;
    const bool single_note = analysis.pitch.pitched && strong_classes <= features::kSingleNoteClasses;
    if (!tonal || single_note) return;
    const auto keys = features::rank_keys(evidence, features::kDefaultKeyProfile, features::KeyWeights{});
    tonality.key = keys[0].name();
    tonality.key_strength = keys[0].correlation;
    tonality.runner_up_key = keys[1].name();
    tonality.runner_up_strength = keys[1].correlation;
    tonality.key_confidence = features::key_confidence(keys[0].score, keys[1].score);
}

void FrameStage::fill_envelope_and_rhythm(Analysis& analysis) const {
    const double frame_rate = config_.sample_rate / config_.hop_length;
    const double duration = static_cast<double>(real_length_) / config_.sample_rate;
    EnvelopeStats& envelope = analysis.envelope;
    const features::EnvelopeShape shape =
        features::envelope_shape(fine_envelope_, kFineStep / config_.sample_rate, rms_track_, frame_rate);
    envelope.attack_time_s = shape.attack_time_s;
    envelope.log_attack_time = shape.log_attack_time;
    envelope.decay_time_s = shape.decay_time_s;
    envelope.temporal_centroid_s = shape.temporal_centroid_s;
    envelope.effective_duration_s = shape.effective_duration_s;
    envelope.onset_times_s = features::pick_onsets(mel_.onset_envelope(), frame_rate);

    const features::LoopVerdict loop =
        features::decide_loop(rms_track_, pitch_class_blocks_, static_cast<double>(kChromaBlock), frame_rate, duration);
    envelope.is_loop = loop.is_loop;
    envelope.is_loop_confidence = loop.confidence;
    SoundProfile& profile = analysis.profile;
    sound_profile_.fill(profile);
    profile.harmonicity = median(harmonicity_);
    profile.second_pitch_class = median(second_pitch_class_);
    profile.third_pitch_class = median(third_pitch_class_);
    profile.re_attacks = loop.re_attacks;
    profile.harmony_changes = loop.harmony_changes;
    // Tempo for a loop, or for a longer performance with a pulse; none for a one-shot.
    features::TempoEstimate tempo;
    if (loop.is_loop || loop.re_attacks >= kPulseAttacks) {
        std::vector<std::pair<double, features::TempoEvidence>> candidates;
        tempo = features::estimate_tempo(rhythm_bands_, frame_rate, duration, loop.is_loop,
                                         analysis.frames ? &candidates : nullptr);
        if (analysis.frames) keep_tempo_candidates(candidates, *analysis.frames);
    }
    analysis.rhythm = {tempo.bpm, tempo.confidence, tempo.runner_up_bpm, tempo.beats_in_length, tempo.length_fits,
                       tempo.beat_times_s};
}

}  // namespace samplemind::analyzer
