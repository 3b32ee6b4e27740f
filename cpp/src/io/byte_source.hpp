// Random-access bytes of a file or a memory block, read by the native decoders.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace samplemind::io {

/// Positional reads that never trust the caller's idea of the size: read_at returns
/// how many bytes were really there.
class ByteSource {
public:
    virtual ~ByteSource() = default;
    /// Total bytes available.
    virtual std::uint64_t size() const noexcept = 0;
    /// Copies up to dst.size() bytes starting at offset; returns the count copied
    /// (short only at the end). Throws samplemind::Error(io_error) on a read failure.
    virtual std::size_t read_at(std::uint64_t offset, std::span<std::uint8_t> dst) const = 0;
    /// The name used in error messages (the path, or "<memory>").
    virtual const std::string& name() const noexcept = 0;
};

/// Opens a regular file. Throws samplemind::Error(not_found) if it cannot be opened,
/// (unsupported_format) if it is a directory or another non-regular file.
std::unique_ptr<ByteSource> open_file_source(const std::string& path);

/// Wraps bytes owned by the caller, who keeps them alive.
std::unique_ptr<ByteSource> memory_source(std::span<const std::uint8_t> bytes, std::string name);

}  // namespace samplemind::io
