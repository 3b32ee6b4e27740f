// A bounded hand-off of sample blocks from one thread to another.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <mutex>
#include <vector>

namespace samplemind::analyzer {

/// A fixed pool of blocks cycling between one producer and one consumer thread:
/// the producer acquire()s a free block, fills it and publish()es it; the consumer
/// take()s it, uses it and release()s it. Memory is bounded by the pool. Either side
/// can end the exchange: the producer with close() (optionally passing its exception,
/// which take() rethrows), the consumer with cancel() (acquire() then returns an
/// empty block). Thread-safe for one producer and one consumer.
class BlockPipe {
public:
    struct Block {
        std::vector<float> samples;
        std::size_t count = 0;  ///< values of `samples` in use
    };

    BlockPipe(std::size_t blocks, std::size_t block_size);

    /// A free block (waits for one); an empty vector once cancelled.
    std::vector<float> acquire();
    void publish(std::vector<float> samples, std::size_t count);
    /// No more blocks will be published; error, if set, is rethrown by take().
    void close(std::exception_ptr error = nullptr);

    /// The next published block; false once closed and drained.
    bool take(Block& block);
    void release(std::vector<float> samples);
    /// The consumer gives up: the producer's acquire() returns empty from now on.
    void cancel();

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<std::vector<float>> free_;
    std::deque<Block> ready_;
    std::exception_ptr error_;
    bool closed_ = false;
    bool cancelled_ = false;
};

}  // namespace samplemind::analyzer
