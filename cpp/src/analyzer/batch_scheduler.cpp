// The batch scheduler: a persistent pool of workers pulling one file at a time.
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <new>
#include <thread>
#include <utility>

#include "samplemind/analyzer.hpp"
#include "samplemind/batch.hpp"

namespace samplemind {
namespace {

class Job final : public BatchJob {
public:
    Job(std::vector<std::string> paths, const AnalysisConfig& config, const DecodeOptions& options)
        : paths_(std::move(paths)), config_(config), options_(options) {
        options_.parallel_stages = false;  // the pool keeps every core busy already
        options_.cancel = &cancelled_;
    }

    // --- worker side ---

    /// Claims the next file not yet started; false when every file is claimed.
    bool claim(std::size_t& index) {
        index = next_.fetch_add(1);
        return index < paths_.size();
    }

    void run(std::size_t index) {
        FileResult result;
        result.index = index;
        result.path = paths_[index];
        {
            std::lock_guard lock(mutex_);
            current_ = result.path;
        }
        if (cancelled_.load(std::memory_order_relaxed)) {
            result.code = ErrorCode::cancelled;
            result.reason = "cancelled before it started";
        } else {
            analyse(result);
        }
        std::error_code ignored;
        const auto size = std::filesystem::file_size(result.path, ignored);
        complete(std::move(result), ignored ? 0 : static_cast<std::int64_t>(size));
    }

    // --- BatchJob ---

    BatchProgress progress() const override {
        std::lock_guard lock(mutex_);
        BatchProgress p = progress_;
        p.current_file = current_;
        p.cancelled = cancelled_.load(std::memory_order_relaxed);
        return p;
    }

    void cancel() noexcept override { cancelled_.store(true, std::memory_order_relaxed); }

    std::vector<FileResult> take_completed(std::chrono::milliseconds timeout) override {
        std::unique_lock lock(mutex_);
        changed_.wait_for(lock, timeout, [this] { return !completed_.empty() || progress_.finished; });
        return std::exchange(completed_, {});
    }

    void wait() override {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [this] { return progress_.finished; });
    }

private:
    // Every failure becomes the file's error record; nothing escapes the worker.
    void analyse(FileResult& result) const {
        try {
            result.analysis = analyze_file(result.path, config_, options_);
            result.ok = true;
        } catch (const Error& error) {
            result.code = error.code();
            result.reason = error.reason();
        } catch (const std::bad_alloc&) {
            result.code = ErrorCode::too_large;
            result.reason = "out of memory while analysing";
        } catch (const std::exception& error) {
            result.code = ErrorCode::corrupt_data;
            result.reason = std::string("analysis failed: ") + error.what();
        }
    }

    void complete(FileResult result, std::int64_t bytes) {
        {
            std::lock_guard lock(mutex_);
            ++progress_.done;
            progress_.failed += result.ok ? 0 : 1;
            progress_.bytes += bytes;
            progress_.audio_seconds += result.ok ? result.analysis.info.duration_s : 0.0;
            progress_.finished = progress_.done == progress_.total;
            completed_.push_back(std::move(result));
        }
        changed_.notify_all();
    }

    const std::vector<std::string> paths_;
    const AnalysisConfig config_;
    DecodeOptions options_;
    std::atomic<std::size_t> next_{0};
    std::atomic<bool> cancelled_{false};
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    BatchProgress progress_{static_cast<std::int64_t>(paths_.size()), 0, 0, 0, 0.0, {}, false, paths_.empty()};
    std::string current_;
    std::vector<FileResult> completed_;
};

}  // namespace

struct BatchScheduler::Impl {
    explicit Impl(int count) {
        const unsigned hardware = std::max(1u, std::thread::hardware_concurrency());
        const int n = count > 0 ? count : static_cast<int>(hardware);
        for (int i = 0; i < n; ++i) threads.emplace_back([this] { work(); });
    }

    ~Impl() {
        {
            std::lock_guard lock(mutex);
            stopping = true;
            for (const auto& job : jobs) job->cancel();  // the rest drains as cancelled records
        }
        changed.notify_all();
        for (auto& thread : threads) thread.join();
    }

    void work() {
        while (true) {
            std::shared_ptr<Job> job;
            std::size_t index = 0;
            {
                std::unique_lock lock(mutex);
                changed.wait(lock, [this] { return stopping || !jobs.empty(); });
                if (jobs.empty()) return;  // stopping, and nothing left to drain
                job = jobs.front();
                if (!job->claim(index)) {
                    jobs.pop_front();  // every file claimed; workers holding it finish it
                    continue;
                }
            }
            job->run(index);
        }
    }

    std::vector<std::thread> threads;
    std::mutex mutex;
    std::condition_variable changed;
    std::deque<std::shared_ptr<Job>> jobs;
    bool stopping = false;
};

BatchScheduler::BatchScheduler(int workers) : impl_(std::make_unique<Impl>(workers)) {}
BatchScheduler::~BatchScheduler() = default;

int BatchScheduler::workers() const noexcept { return static_cast<int>(impl_->threads.size()); }

std::shared_ptr<BatchJob> BatchScheduler::submit(std::vector<std::string> paths, const AnalysisConfig& config,
                                                 const DecodeOptions& options) {
    config.validate();  // a bad config is the caller's error, not every file's
    auto job = std::make_shared<Job>(std::move(paths), config, options);
    {
        std::lock_guard lock(impl_->mutex);
        impl_->jobs.push_back(job);
    }
    impl_->changed.notify_all();
    return job;
}

std::vector<FileResult> analyze_batch(const std::vector<std::string>& paths, const AnalysisConfig& config,
                                      const DecodeOptions& options, int workers) {
    BatchScheduler scheduler(workers);
    auto job = scheduler.submit(paths, config, options);
    job->wait();
    std::vector<FileResult> results(paths.size());
    for (FileResult& result : job->take_completed(std::chrono::milliseconds(0))) {
        results[result.index] = std::move(result);
    }
    return results;
}

}  // namespace samplemind
