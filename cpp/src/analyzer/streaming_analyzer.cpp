// The streaming pipeline. Source stage, at the source rate, on the caller's thread:
// sanitise + level meter -> mono mix -> resample. Frame stage, at the analysis rate:
// centred STFT frames -> descriptors -> running statistics, on the caller's thread
// or, when asked, on a second thread fed through a BlockPipe.
#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>

#include "analyzer/block_pipe.hpp"
#include "analyzer/frame_stage.hpp"
#include "dsp/resampler.hpp"
#include "features/level_meter.hpp"
#include "features/loudness_meter.hpp"
#include "number_text.hpp"
#include "decode/header_reader.hpp"
#include "model/category_model.hpp"
#include "stage_timer.hpp"
#include "samplemind/analyzer.hpp"
#include "samplemind/category.hpp"
#include "samplemind/embedding.hpp"

namespace samplemind {
namespace {

// Source frames handled per internal step: bounds every scratch buffer, so push()
// accepts blocks of any size without allocating.
constexpr std::size_t kChunkFrames = 4096;
// Blocks in flight between the source and frame stages when they run on two threads.
constexpr std::size_t kPipeBlocks = 4;

void check_stream_format(double sample_rate, int channels) {
    // The range files are held to: a stream at 1 Hz would make the resampler's filter
    // (and the work per block) enormous before any audio arrives.
    if (!(sample_rate >= decode::kMinSampleRate && sample_rate <= decode::kMaxSampleRate)) {
        throw std::invalid_argument("sample_rate must be in [" + number_text(decode::kMinSampleRate) + ", " +
                                    number_text(decode::kMaxSampleRate) + "] Hz, got " + number_text(sample_rate));
    }
    if (channels < 1 || channels > 256) {
        throw std::invalid_argument("channels must be in [1, 256], got " + std::to_string(channels));
    }
}

}  // namespace

struct StreamingAnalyzer::Impl {
    Impl(const AnalysisConfig& cfg, double rate, int chans, bool frame_thread)
        : config(cfg),
          source_rate(rate),
          channels(chans),
          level(chans, rate, cfg.silence_threshold_db),
          loudness(chans, rate),
          true_peak(chans, kChunkFrames),
          resampler(rate, cfg.sample_rate),
          chunk(kChunkFrames * static_cast<std::size_t>(chans)),
          mono(kChunkFrames),
          resampled(std::max(resampler.max_output(kChunkFrames), resampler.max_tail())),
          frames(cfg, resampled.size()) {
        resampler.reserve(kChunkFrames);
        if (frame_thread) {
            pipe = std::make_unique<analyzer::BlockPipe>(kPipeBlocks, resampled.size());
            worker = std::thread([this] { run_frame_stage(); });
        }
    }

    ~Impl() { stop_worker(); }

    void push(std::span<const float> interleaved) {
        const auto width = static_cast<std::size_t>(channels);
        std::size_t done = 0;
        while (done < interleaved.size()) {
            const std::size_t count = std::min(kChunkFrames, (interleaved.size() - done) / width);
            std::copy_n(interleaved.data() + done, count * width, chunk.data());
            measure_levels(count);
            std::size_t produced = 0;
            {
                detail::StageTimer timer(Stage::resample);
                produced = resampler.process(mono.data(), count, resampled.data());
            }
            deliver(produced);
            done += count * width;
        }
    }

    // Sanitises the chunk, mixes it to mono and measures level, loudness and true peak.
    void measure_levels(std::size_t count) {
        detail::StageTimer timer(Stage::descriptors);
        level.add(chunk.data(), static_cast<std::int64_t>(count), mono.data());
        loudness.add(chunk.data(), static_cast<std::int64_t>(count));
        true_peak.add(chunk.data(), static_cast<std::int64_t>(count), level.peak());
    }

    // Hands `count` resampled samples to the frame stage, here or on its thread.
    void deliver(std::size_t count) {
        resampled_total += static_cast<std::int64_t>(count);
        if (!pipe) {
            feed_frames(resampled.data(), count);
            return;
        }
        std::vector<float> block = pipe->acquire();
        if (block.empty()) {  // the frame thread failed: surface its error here
            stop_worker();
            std::rethrow_exception(worker_error);
        }
        std::copy_n(resampled.data(), count, block.data());
        pipe->publish(std::move(block), count);
    }

    void feed_frames(const float* samples, std::size_t count) {
        frames.feed(samples, count);
        stft_frames.store(frames.stft_frames(), std::memory_order_relaxed);
        last_centroid.store(frames.last().centroid_hz, std::memory_order_relaxed);
        last_rms.store(frames.last().rms, std::memory_order_relaxed);
        pitch_hz.store(static_cast<float>(frames.last_pitch_hz()), std::memory_order_relaxed);
        pitch_confidence.store(static_cast<float>(frames.last_pitch_confidence()), std::memory_order_relaxed);
        onset_count.store(frames.running_onsets().count(), std::memory_order_relaxed);
        last_onset_s.store(static_cast<float>(frames.running_onsets().last_onset_s()), std::memory_order_relaxed);
    }

    void run_frame_stage() {
        try {
            analyzer::BlockPipe::Block block;
            while (pipe->take(block)) {
                feed_frames(block.samples.data(), block.count);
                pipe->release(std::move(block.samples));
            }
        } catch (...) {
            worker_error = std::current_exception();  // never let an exception escape a thread
            pipe->cancel();
        }
    }

    void stop_worker() {
        if (!worker.joinable()) return;
        pipe->close();
        worker.join();
    }

    Analysis finish() {
        std::size_t tail = 0;
        {
            detail::StageTimer timer(Stage::resample);
            tail = resampler.finish(resampled.data());
        }
        deliver(tail);
        stop_worker();
        if (worker_error) std::rethrow_exception(worker_error);
        frames.finish(resampled_total);
        return result();
    }

    /// A drum, a drum loop or an FX has no key: what the tonal rules let through there
    /// (a tuned tom, a ringing cymbal's partials) is noise to a key filter. The model
    /// reads the tonal evidence first, so this comes after classifying.
    static void drop_key_of_untuned(Analysis& analysis) {
        const CategoryStats& c = analysis.category;
        if (c.family != "drums" && c.family != "fx" && c.category != "drum_loop") return;
        TonalityStats& t = analysis.tonality;
        t.key.clear();
        t.runner_up_key.clear();
        t.key_strength = t.key_confidence = t.runner_up_strength = 0.0;
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
        {
            detail::StageTimer timer(Stage::descriptors);
            analysis.level = level.result();
            true_peak.finish();
            analysis.loudness.integrated_lufs = loudness.integrated_lufs();
            analysis.loudness.true_peak_dbtp = features::amplitude_to_dbfs(true_peak.peak());
            analysis.loudness.loudness_range_lu = loudness.loudness_range_lu();
        }
        frames.fill(analysis);
        detail::StageTimer timer(Stage::embedding);
        analysis.category = model::shipped_category_model().classify(model_features(analysis), analysis.envelope.is_loop);
        drop_key_of_untuned(analysis);
        analysis.embedding = compute_embedding(analysis);
        return analysis;
    }

    AnalysisConfig config;
    double source_rate;
    int channels;
    features::LevelMeter level;
    features::LoudnessMeter loudness;
    features::TruePeakMeter true_peak;
    dsp::Resampler resampler;
    std::vector<float> chunk, mono, resampled;
    analyzer::FrameStage frames;
    std::int64_t resampled_total = 0;
    // Lock-free on every platform we build for: push() stays real-time safe.
    static_assert(std::atomic<std::int64_t>::is_always_lock_free && std::atomic<float>::is_always_lock_free);
    std::atomic<std::int64_t> stft_frames{0};
    std::atomic<float> last_centroid{0.0f}, last_rms{0.0f};
    std::atomic<float> pitch_hz{0.0f}, pitch_confidence{0.0f}, last_onset_s{-1.0f};
    std::atomic<std::int64_t> onset_count{0};
    std::unique_ptr<analyzer::BlockPipe> pipe;  // set when frames run on `worker`
    std::exception_ptr worker_error;
    std::thread worker;
    bool finished = false;
};

StreamingAnalyzer::StreamingAnalyzer(const AnalysisConfig& config, double sample_rate, int channels,
                                     bool frame_thread) {
    config.validate();
    check_stream_format(sample_rate, channels);
    impl_ = std::make_unique<Impl>(config, sample_rate, channels, frame_thread);
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

void StreamingAnalyzer::prepare(std::size_t max_block_frames, double max_seconds) {
    if (max_block_frames == 0) throw std::invalid_argument("max_block_frames must be > 0, got 0");
    if (impl_->pipe) throw std::logic_error("prepare(): a frame_thread analyser hands blocks over with a lock");
    if (impl_->config.keep_frames) throw std::logic_error("prepare(): keep_frames grows the per-frame tracks");
    impl_->frames.reserve(max_seconds);
    impl_->loudness.reserve(max_seconds);
}

RunningDescriptors StreamingAnalyzer::running() const {
    RunningDescriptors r;
    r.frames_pushed = impl_->level.frames();
    r.seconds_pushed = static_cast<double>(r.frames_pushed) / impl_->source_rate;
    r.peak_dbfs = impl_->level.peak_dbfs();
    r.rms_dbfs = impl_->level.rms_dbfs();
    r.stft_frames = impl_->stft_frames.load(std::memory_order_relaxed);
    r.last_centroid_hz = impl_->last_centroid.load(std::memory_order_relaxed);
    r.last_rms = impl_->last_rms.load(std::memory_order_relaxed);
    r.momentary_lufs = impl_->loudness.momentary_lufs();
    r.pitch_hz = impl_->pitch_hz.load(std::memory_order_relaxed);
    r.pitch_confidence = impl_->pitch_confidence.load(std::memory_order_relaxed);
    r.onset_count = impl_->onset_count.load(std::memory_order_relaxed);
    r.last_onset_s = impl_->last_onset_s.load(std::memory_order_relaxed);
    return r;
}

Analysis StreamingAnalyzer::finish() {
    if (impl_->finished) throw std::logic_error("StreamingAnalyzer::finish called twice");
    impl_->finished = true;
    return impl_->finish();
}

}  // namespace samplemind
