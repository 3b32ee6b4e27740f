#include "decode/read_ahead.hpp"

#include <algorithm>
#include <thread>

#include "analyzer/block_pipe.hpp"

namespace samplemind::decode {
namespace {

constexpr std::size_t kBlockFrames = 16384;
constexpr std::size_t kBlocks = 3;

class ReadAheadDecoder final : public AudioDecoder {
public:
    explicit ReadAheadDecoder(std::unique_ptr<AudioDecoder> inner)
        : inner_(std::move(inner)),
          info_(inner_->info()),
          pipe_(kBlocks, kBlockFrames * static_cast<std::size_t>(info_.channels)),
          worker_([this] { produce(); }) {}

    ~ReadAheadDecoder() override {
        pipe_.cancel();
        worker_.join();
    }
    ReadAheadDecoder(const ReadAheadDecoder&) = delete;
    ReadAheadDecoder& operator=(const ReadAheadDecoder&) = delete;

    const AudioInfo& info() const noexcept override { return info_; }

    std::size_t read(std::span<float> out) override {
        const auto channels = static_cast<std::size_t>(info_.channels);
        std::size_t written = 0;  // frames
        while (written < out.size() / channels) {
            if (at_ == current_.count) {
                if (!current_.samples.empty()) pipe_.release(std::move(current_.samples));
                current_ = {};
                at_ = 0;
                if (!pipe_.take(current_)) break;
            }
            const std::size_t frames = std::min(current_.count - at_, out.size() / channels - written);
            std::copy_n(current_.samples.data() + at_ * channels, frames * channels, out.data() + written * channels);
            at_ += frames;
            written += frames;
        }
        return written;
    }

private:
    void produce() {
        try {
            while (true) {
                std::vector<float> block = pipe_.acquire();
                if (block.empty()) break;  // the consumer went away
                const std::size_t frames = inner_->read(block);
                if (frames == 0) break;
                pipe_.publish(std::move(block), frames);
            }
            pipe_.close();
        } catch (...) {
            pipe_.close(std::current_exception());  // never let an exception escape a thread
        }
    }

    std::unique_ptr<AudioDecoder> inner_;
    AudioInfo info_;
    analyzer::BlockPipe pipe_;
    analyzer::BlockPipe::Block current_;  // the block being consumed, in frames
    std::size_t at_ = 0;
    std::thread worker_;  // last: starts once everything above exists
};

}  // namespace

std::unique_ptr<AudioDecoder> read_ahead(std::unique_ptr<AudioDecoder> inner) {
    return std::make_unique<ReadAheadDecoder>(std::move(inner));
}

}  // namespace samplemind::decode
