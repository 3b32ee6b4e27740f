#include "analyzer/block_pipe.hpp"

#include <utility>

namespace samplemind::analyzer {

BlockPipe::BlockPipe(std::size_t blocks, std::size_t block_size) {
    for (std::size_t i = 0; i < blocks; ++i) free_.emplace_back(block_size);
}

std::vector<float> BlockPipe::acquire() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return !free_.empty() || cancelled_; });
    if (cancelled_) return {};
    std::vector<float> samples = std::move(free_.front());
    free_.pop_front();
    return samples;
}

void BlockPipe::publish(std::vector<float> samples, std::size_t count) {
    {
        std::lock_guard lock(mutex_);
        ready_.push_back({std::move(samples), count});
    }
    changed_.notify_all();
}

void BlockPipe::close(std::exception_ptr error) {
    {
        std::lock_guard lock(mutex_);
        closed_ = true;
        error_ = std::move(error);
    }
    changed_.notify_all();
}

bool BlockPipe::take(Block& block) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return !ready_.empty() || closed_; });
    if (ready_.empty()) {
        if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
        return false;
    }
    block = std::move(ready_.front());
    ready_.pop_front();
    return true;
}

void BlockPipe::release(std::vector<float> samples) {
    {
        std::lock_guard lock(mutex_);
        free_.push_back(std::move(samples));
    }
    changed_.notify_all();
}

void BlockPipe::cancel() {
    {
        std::lock_guard lock(mutex_);
        cancelled_ = true;
    }
    changed_.notify_all();
}

}  // namespace samplemind::analyzer
