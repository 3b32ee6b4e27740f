// Decodes and analyses every file named (folders are walked), printing one line per
// file: "ok <container> <frames>" or "error <code> <reason>". Run under the
// sanitizers by .ci/run over the corpus tests/write_corpus.py writes. Usage:
//   decode_corpus [--sndfile PATH] FILE_OR_DIR...
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "samplemind/samplemind.hpp"

int main(int argc, char** argv) {
    samplemind::DecodeOptions options;
    std::vector<std::filesystem::path> files;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--sndfile" && i + 1 < argc) {
            options.sndfile_path = argv[++i];
        } else if (std::filesystem::is_directory(arg)) {
            for (const auto& entry : std::filesystem::recursive_directory_iterator(arg)) {
                if (entry.is_regular_file()) files.push_back(entry.path());
            }
        } else {
            files.emplace_back(arg);
        }
    }
    int ok = 0, failed = 0;
    for (const auto& file : files) {
        try {
            const samplemind::Analysis analysis = samplemind::analyze_file(file.string(), {}, options);
            std::printf("ok %s %s %lld\n", file.filename().c_str(), analysis.info.container.c_str(),
                        static_cast<long long>(analysis.info.frames));
            ++ok;
        } catch (const samplemind::Error& error) {
            std::printf("error %s %s %s\n", file.filename().c_str(), samplemind::error_code_name(error.code()),
                        error.reason().c_str());
            ++failed;
        }
    }
    std::printf("%d decoded, %d rejected with an error\n", ok, failed);
    return 0;
}
