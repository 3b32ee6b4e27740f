// Analysing many files at once: a pool of worker threads owned by the host.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "samplemind/analysis.hpp"
#include "samplemind/config.hpp"
#include "samplemind/decoder.hpp"
#include "samplemind/error.hpp"

namespace samplemind {

/// The outcome for one file of a batch: an analysis or an error record.
struct FileResult {
    std::size_t index = 0;  ///< position of the file in the submitted list
    std::string path;
    bool ok = false;
    Analysis analysis;                          ///< valid when ok
    ErrorCode code = ErrorCode::corrupt_data;   ///< valid when !ok
    std::string reason;                         ///< valid when !ok: why, for a person
};

/// A snapshot of a batch's progress; every field is read without blocking workers.
struct BatchProgress {
    std::int64_t total = 0;        ///< files submitted
    std::int64_t done = 0;         ///< files finished, successfully or not
    std::int64_t failed = 0;       ///< files finished with an error record
    std::int64_t bytes = 0;        ///< bytes of the files finished
    double audio_seconds = 0.0;    ///< audio analysed, seconds
    std::string current_file;      ///< the file most recently started
    bool cancelled = false;
    bool finished = false;         ///< every file has a result
};

/// One submitted batch. Thread-safe: progress(), cancel() and take_completed() may be
/// called from any thread while workers run.
class BatchJob {
public:
    virtual ~BatchJob() = default;
    virtual BatchProgress progress() const = 0;
    /// Stops promptly: files not started get ErrorCode::cancelled records, and files
    /// being read stop at their next block.
    virtual void cancel() noexcept = 0;
    /// Waits up to `timeout` for results, then returns (moves out) every result
    /// completed since the last call, in completion order. Empty when none came.
    virtual std::vector<FileResult> take_completed(std::chrono::milliseconds timeout) = 0;
    /// Blocks until every file has a result.
    virtual void wait() = 0;
};

/// A pool of worker threads that stay alive between batches, each with its own
/// scratch memory (analysers are created per file, plans and filterbanks are
/// shared). Workers pull one file at a time from the oldest unfinished batch; a
/// file's failure becomes its error record and never stops the batch; no exception
/// escapes a worker. Destroying the scheduler cancels unfinished batches and joins
/// the workers.
class BatchScheduler {
public:
    /// workers: threads to run; 0 means std::thread::hardware_concurrency().
    explicit BatchScheduler(int workers = 0);
    ~BatchScheduler();
    BatchScheduler(const BatchScheduler&) = delete;
    BatchScheduler& operator=(const BatchScheduler&) = delete;

    int workers() const noexcept;
    /// Queues a batch and returns at once. Each file is analysed with analyze_file();
    /// options.parallel_stages is ignored (the pool already keeps every core busy).
    std::shared_ptr<BatchJob> submit(std::vector<std::string> paths, const AnalysisConfig& config,
                                     const DecodeOptions& options = {});

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// Convenience: runs a batch on a temporary scheduler and returns results in input order.
std::vector<FileResult> analyze_batch(const std::vector<std::string>& paths, const AnalysisConfig& config = {},
                                      const DecodeOptions& options = {}, int workers = 0);

}  // namespace samplemind
