#include "decode/read_ahead.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace samplemind::decode {
namespace {

constexpr std::size_t kBlockFrames = 16384;
constexpr std::size_t kBlocks = 3;

class ReadAheadDecoder final : public AudioDecoder {
public:
    explicit ReadAheadDecoder(std::unique_ptr<AudioDecoder> inner)
        : inner_(std::move(inner)), info_(inner_->info()) {
        const std::size_t block_size = kBlockFrames * static_cast<std::size_t>(info_.channels);
        for (std::size_t i = 0; i < kBlocks; ++i) free_.emplace_back(block_size);
        worker_ = std::thread([this] { produce(); });
    }

    ~ReadAheadDecoder() override {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        changed_.notify_all();
        worker_.join();
    }
    ReadAheadDecoder(const ReadAheadDecoder&) = delete;
    ReadAheadDecoder& operator=(const ReadAheadDecoder&) = delete;

    const AudioInfo& info() const noexcept override { return info_; }

    std::size_t read(std::span<float> out) override {
        const auto channels = static_cast<std::size_t>(info_.channels);
        std::size_t written = 0;  // frames
        while (written < out.size() / channels) {
            if (current_at_ == current_frames_ && !next_block()) break;
            const std::size_t frames = std::min(current_frames_ - current_at_, out.size() / channels - written);
            std::copy_n(current_.data() + current_at_ * channels, frames * channels, out.data() + written * channels);
            current_at_ += frames;
            written += frames;
        }
        return written;
    }

private:
    struct Block {
        std::vector<float> samples;
        std::size_t frames;
    };

    // Swaps the consumed block for the next decoded one; false at the end.
    bool next_block() {
        std::unique_lock lock(mutex_);
        if (!current_.empty()) free_.push_back(std::move(current_));
        changed_.notify_all();
        changed_.wait(lock, [this] { return !ready_.empty() || finished_; });
        if (ready_.empty()) {
            if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
            return false;
        }
        current_ = std::move(ready_.front().samples);
        current_frames_ = ready_.front().frames;
        current_at_ = 0;
        ready_.pop_front();
        return true;
    }

    void produce() {
        try {
            while (true) {
                std::vector<float> block;
                {
                    std::unique_lock lock(mutex_);
                    changed_.wait(lock, [this] { return !free_.empty() || stopping_; });
                    if (stopping_) break;
                    block = std::move(free_.back());
                    free_.pop_back();
                }
                const std::size_t frames = inner_->read(block);  // the slow part, unlocked
                std::lock_guard lock(mutex_);
                if (frames == 0) break;
                ready_.push_back({std::move(block), frames});
                changed_.notify_all();
            }
        } catch (...) {
            std::lock_guard lock(mutex_);
            error_ = std::current_exception();  // never let an exception escape a thread
        }
        std::lock_guard lock(mutex_);
        finished_ = true;
        changed_.notify_all();
    }

    std::unique_ptr<AudioDecoder> inner_;
    AudioInfo info_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<std::vector<float>> free_;
    std::deque<Block> ready_;
    std::exception_ptr error_;
    bool stopping_ = false;
    bool finished_ = false;
    std::vector<float> current_;  // the block being consumed (caller's thread only)
    std::size_t current_frames_ = 0;
    std::size_t current_at_ = 0;
    std::thread worker_;
};

}  // namespace

std::unique_ptr<AudioDecoder> read_ahead(std::unique_ptr<AudioDecoder> inner) {
    return std::make_unique<ReadAheadDecoder>(std::move(inner));
}

}  // namespace samplemind::decode
