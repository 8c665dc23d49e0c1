#pragma once
/// A fresh folder under the system temp dir for one test, removed at the end.

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace satlm::test {

struct temp_folder {
    std::filesystem::path dir;

    explicit temp_folder(const std::string& tag = "test") {
        static int serial = 0;
        dir = std::filesystem::temp_directory_path() /
              ("satlm_" + tag + "_" + std::to_string(::getpid()) + "_" + std::to_string(serial++));
        std::filesystem::remove_all(dir);
        std::filesystem::create_directories(dir);
    }
    ~temp_folder() {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
    temp_folder(const temp_folder&) = delete;
    temp_folder& operator=(const temp_folder&) = delete;

    /// The path of `name` inside the folder.
    std::string path(const std::string& name) const { return (dir / name).string(); }
    /// Writes `text` to `name` (creating sub-folders) and returns its path.
    std::string write(const std::string& name, const std::string& text) const {
        const auto p = dir / name;
        std::filesystem::create_directories(p.parent_path());
        std::ofstream(p, std::ios::binary) << text;
        return p.string();
    }
};

}  // namespace satlm::test
