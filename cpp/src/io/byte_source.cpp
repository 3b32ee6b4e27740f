#include "io/byte_source.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "samplemind/error.hpp"

namespace samplemind::io {
namespace {

class FileSource final : public ByteSource {
public:
    FileSource(int fd, std::uint64_t size, std::string path)
        : fd_(fd), size_(size), path_(std::move(path)) {}
    ~FileSource() override { ::close(fd_); }
    FileSource(const FileSource&) = delete;
    FileSource& operator=(const FileSource&) = delete;

    std::uint64_t size() const noexcept override { return size_; }
    const std::string& name() const noexcept override { return path_; }

    std::size_t read_at(std::uint64_t offset, std::span<std::uint8_t> dst) const override {
        std::size_t done = 0;
        while (done < dst.size() && offset + done < size_) {
            const ssize_t got = ::pread(fd_, dst.data() + done, dst.size() - done,
                                        static_cast<off_t>(offset + done));
            if (got == 0) break;  // the file shrank under us: report what we have
            if (got < 0) {
                if (errno == EINTR) continue;
                throw Error(ErrorCode::io_error, path_, std::string("read failed: ") + std::strerror(errno));
            }
            done += static_cast<std::size_t>(got);
        }
        return done;
    }

private:
    int fd_;
    std::uint64_t size_;
    std::string path_;
};

class MemorySource final : public ByteSource {
public:
    MemorySource(std::span<const std::uint8_t> bytes, std::string name)
        : bytes_(bytes), name_(std::move(name)) {}
    std::uint64_t size() const noexcept override { return bytes_.size(); }
    const std::string& name() const noexcept override { return name_; }
    std::size_t read_at(std::uint64_t offset, std::span<std::uint8_t> dst) const override {
        if (offset >= bytes_.size() || dst.empty()) return 0;  // memcpy may not see a null pointer
        const std::size_t count = std::min<std::uint64_t>(dst.size(), bytes_.size() - offset);
        std::memcpy(dst.data(), bytes_.data() + offset, count);
        return count;
    }

private:
    std::span<const std::uint8_t> bytes_;
    std::string name_;
};

}  // namespace

std::unique_ptr<ByteSource> open_file_source(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        const int err = errno;
        const ErrorCode code = (err == ENOENT || err == ENOTDIR) ? ErrorCode::not_found : ErrorCode::io_error;
        throw Error(code, path, std::string("cannot open: ") + std::strerror(err));
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const int err = errno;
        ::close(fd);
        throw Error(ErrorCode::io_error, path, std::string("cannot stat: ") + std::strerror(err));
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        throw Error(ErrorCode::unsupported_format, path, "not a regular file");
    }
    return std::make_unique<FileSource>(fd, static_cast<std::uint64_t>(st.st_size), path);
}

std::unique_ptr<ByteSource> memory_source(std::span<const std::uint8_t> bytes, std::string name) {
    return std::make_unique<MemorySource>(bytes, std::move(name));
}

}  // namespace samplemind::io
