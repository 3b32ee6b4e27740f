// The streaming pipeline: sanitise + level meter -> mono mix -> resample -> centred
// STFT frames -> frame descriptors -> running statistics.
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "dsp/resampler.hpp"
#include "features/level_meter.hpp"
#include "features/mel_accumulator.hpp"
#include "features/running_stats.hpp"
#include "features/spectral_frame.hpp"
#include "samplemind/analyzer.hpp"

namespace samplemind {
namespace {

// Source frames handled per internal step: bounds every scratch buffer, so push()
// accepts blocks of any size without allocating.
constexpr std::size_t kChunkFrames = 4096;

void check_stream_format(double sample_rate, int channels) {
    if (!(sample_rate >= 1.0 && sample_rate <= 1e7)) {
        throw std::invalid_argument("sample_rate must be in [1, 10000000] Hz, got " + std::to_string(sample_rate));
    }
    if (channels < 1 || channels > 256) {
        throw std::invalid_argument("channels must be in [1, 256], got " + std::to_string(channels));
    }
}

}  // namespace

struct StreamingAnalyzer::Impl {
    Impl(const AnalysisConfig& cfg, double rate, int chans)
        : config(cfg),
          source_rate(rate),
          channels(chans),
          level(chans, rate, cfg.silence_threshold_db),
          resampler(rate, cfg.sample_rate),
          kernels_ptr(features::get_spectral_kernels(cfg)),
          kernels(*kernels_ptr),
          scratch(kernels.make_scratch()),
          tracks(cfg.keep_frames ? std::optional<FrameTracks>(FrameTracks{}) : std::nullopt),
          mel(cfg.n_mels, cfg.n_mfcc, cfg.top_db, kernels.mfcc_dct(), tracks ? &*tracks : nullptr),
          contrast_stats(static_cast<std::size_t>(kernels.contrast_bands())) {
        chunk.resize(kChunkFrames * static_cast<std::size_t>(channels));
        mono.resize(kChunkFrames);
        resampler.reserve(kChunkFrames);
        resampled.resize(std::max(resampler.max_output(kChunkFrames), resampler.max_tail()));
        const auto n_fft = static_cast<std::size_t>(cfg.n_fft);
        frame_buffer.reserve(n_fft + resampled.size());
        frame_buffer.assign(n_fft / 2, 0.0f);  // centring: n_fft/2 zeros before the signal
        contrast.resize(static_cast<std::size_t>(kernels.contrast_bands()));
        mel_power.resize(static_cast<std::size_t>(kernels.n_mels()));
    }

    void push(std::span<const float> interleaved) {
        const auto width = static_cast<std::size_t>(channels);
        std::size_t done = 0;
        while (done < interleaved.size()) {
            const std::size_t frames = std::min(kChunkFrames, (interleaved.size() - done) / width);
            std::copy_n(interleaved.data() + done, frames * width, chunk.data());
            level.add(chunk.data(), static_cast<std::int64_t>(frames), mono.data());
            const std::size_t produced = resampler.process(mono.data(), frames, resampled.data());
            feed(resampled.data(), produced);
            done += frames * width;
        }
    }

    // Appends analysis-rate samples and computes every frame that became complete.
    void feed(const float* samples, std::size_t count) {
        const auto n_fft = static_cast<std::size_t>(config.n_fft);
        const auto hop = static_cast<std::size_t>(config.hop_length);
        const std::size_t room = frame_buffer.capacity() - n_fft;
        while (count > 0) {
            const std::size_t take = std::min(count, room);
            frame_buffer.insert(frame_buffer.end(), samples, samples + take);
            samples += take;
            count -= take;
            std::size_t offset = 0;
            while (frame_buffer.size() - offset >= n_fft) {
                compute_frame(frame_buffer.data() + offset, buffer_start + static_cast<std::int64_t>(offset));
                offset += hop;
            }
            frame_buffer.erase(frame_buffer.begin(), frame_buffer.begin() + static_cast<std::ptrdiff_t>(offset));
            buffer_start += static_cast<std::int64_t>(offset);
        }
    }

    // frame_start: index of the frame's first sample in the padded signal.
    void compute_frame(const float* frame, std::int64_t frame_start) {
        const std::int64_t half = config.n_fft / 2;
        const features::FrameSpan span{half - frame_start, half + real_length - frame_start};
        features::FrameDescriptors d;
        kernels.compute(frame, span, scratch, d, contrast.data(), mel_power.data());
        centroid.add(d.centroid_hz);
        bandwidth.add(d.bandwidth_hz);
        rolloff.add(d.rolloff_hz);
        flatness.add(d.flatness);
        flux.add(d.flux);
        zcr.add(d.zcr);
        rms.add(d.rms);
        for (std::size_t b = 0; b < contrast.size(); ++b) contrast_stats[b].add(contrast[b]);
        mel.add(mel_power.data());
        last = d;
        ++stft_frames;
        if (tracks) append_tracks(d);
    }

    void append_tracks(const features::FrameDescriptors& d) {
        tracks->centroid_hz.push_back(d.centroid_hz);
        tracks->bandwidth_hz.push_back(d.bandwidth_hz);
        tracks->rolloff_hz.push_back(d.rolloff_hz);
        tracks->flatness.push_back(d.flatness);
        tracks->flux.push_back(d.flux);
        tracks->zcr.push_back(d.zcr);
        tracks->rms.push_back(d.rms);
        tracks->contrast_db.insert(tracks->contrast_db.end(), contrast.begin(), contrast.end());
    }

    Analysis finish() {
        // Resampler tail, then the real length is known for ZCR's edge handling, then
        // n_fft/2 zeros of centring padding complete the last frames.
        const std::size_t tail = resampler.finish(resampled.data());
        real_length = resampled_total_before_tail() + static_cast<std::int64_t>(tail);
        feed(resampled.data(), tail);
        const std::vector<float> padding(static_cast<std::size_t>(config.n_fft / 2), 0.0f);
        feed(padding.data(), padding.size());
        mel.flush();
        return result();
    }

    // Analysis-rate samples fed before finish(): everything in the padded stream
    // so far minus the leading padding.
    std::int64_t resampled_total_before_tail() const {
        return buffer_start + static_cast<std::int64_t>(frame_buffer.size()) - config.n_fft / 2;
    }

    Analysis result() {
        Analysis analysis;
        analysis.info.sample_rate = source_rate;
        analysis.info.channels = channels;
        analysis.info.frames = level.frames();
        analysis.info.duration_s = static_cast<double>(level.frames()) / source_rate;
        analysis.info.container = "buffer";
        analysis.info.sample_format = "float_32";
        analysis.info.bit_depth = 32;
        analysis.info.decoder = "buffer";
        analysis.analysis_sample_rate = config.sample_rate;
        analysis.n_frames = stft_frames;
        analysis.level = level.result();
        SpectralStats& s = analysis.spectral;
        s.centroid_hz = centroid.summary();
        s.bandwidth_hz = bandwidth.summary();
        s.rolloff_hz = rolloff.summary();
        s.flatness = flatness.summary();
        s.flux = flux.summary();
        s.zcr = zcr.summary();
        s.rms = rms.summary();
        for (const auto& stats : contrast_stats) s.contrast_db.push_back(stats.summary());
        analysis.mel_mean_db = mel.mel_mean_db();
        analysis.mfcc_mean = mel.mfcc_mean();
        analysis.mfcc_std = mel.mfcc_std();
        if (tracks) analysis.frames = std::move(*tracks);
        return analysis;
    }

    AnalysisConfig config;
    double source_rate;
    int channels;
    features::LevelMeter level;
    dsp::Resampler resampler;
    std::shared_ptr<const features::SpectralKernels> kernels_ptr;
    const features::SpectralKernels& kernels;
    features::SpectralKernels::Scratch scratch;
    std::optional<FrameTracks> tracks;
    features::MelAccumulator mel;
    std::vector<features::RunningStats> contrast_stats;
    features::RunningStats centroid, bandwidth, rolloff, flatness, flux, zcr, rms;
    std::vector<float> chunk, mono, resampled, frame_buffer, contrast, mel_power;
    std::int64_t buffer_start = 0;  // padded-signal index of frame_buffer[0]
    std::int64_t real_length = std::numeric_limits<std::int64_t>::max() / 4;  // known at finish()
    std::int64_t stft_frames = 0;
    features::FrameDescriptors last;
    bool finished = false;
};

StreamingAnalyzer::StreamingAnalyzer(const AnalysisConfig& config, double sample_rate, int channels) {
    config.validate();
    check_stream_format(sample_rate, channels);
    impl_ = std::make_unique<Impl>(config, sample_rate, channels);
}

StreamingAnalyzer::~StreamingAnalyzer() = default;
StreamingAnalyzer::StreamingAnalyzer(StreamingAnalyzer&&) noexcept = default;
StreamingAnalyzer& StreamingAnalyzer::operator=(StreamingAnalyzer&&) noexcept = default;

void StreamingAnalyzer::push(std::span<const float> interleaved) {
    if (impl_->finished) throw std::logic_error("StreamingAnalyzer::push called after finish()");
    if (interleaved.size() % static_cast<std::size_t>(impl_->channels) != 0) {
        throw std::invalid_argument("block of " + std::to_string(interleaved.size()) +
                                    " samples is not a whole number of " + std::to_string(impl_->channels) +
                                    "-channel frames");
    }
    impl_->push(interleaved);
}

RunningDescriptors StreamingAnalyzer::running() const {
    RunningDescriptors r;
    r.frames_pushed = impl_->level.frames();
    r.seconds_pushed = static_cast<double>(r.frames_pushed) / impl_->source_rate;
    r.peak_dbfs = impl_->level.peak_dbfs();
    r.rms_dbfs = impl_->level.rms_dbfs();
    r.stft_frames = impl_->stft_frames;
    r.last_centroid_hz = impl_->last.centroid_hz;
    r.last_rms = impl_->last.rms;
    return r;
}

Analysis StreamingAnalyzer::finish() {
    if (impl_->finished) throw std::logic_error("StreamingAnalyzer::finish called twice");
    impl_->finished = true;
    return impl_->finish();
}

}  // namespace samplemind
