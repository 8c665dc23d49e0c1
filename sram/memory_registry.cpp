#include "sram/memory_model.h"

#include "tlm/report.h"

#include <fmt/format.h>

#include <map>
#include <mutex>

namespace satlm {

namespace {

struct registry {
    std::mutex lock;
    std::map<std::string, memory_factory> makers;
};

/// The registry with the built-in models, made on first use (a static library's own static
/// initializers would not be linked in).
registry& models() {
    static registry r;
    return r;
}

}  // namespace

bool register_memory_model(const std::string& name, memory_factory make) {
    registry& r = models();
    const std::lock_guard<std::mutex> guard(r.lock);
    r.makers[name] = std::move(make);
    return true;
}

std::vector<std::string> memory_model_names() {
    registry& r = models();
    const std::lock_guard<std::mutex> guard(r.lock);
    std::vector<std::string> names;
    for (const auto& entry : r.makers) names.push_back(entry.first);
    return names;
}

std::unique_ptr<memory_model> make_memory_model(const std::string& name, const sc_core::sc_module_name& instance,
                                                const memory_params& p) {
    memory_factory make;
    {
        registry& r = models();
        const std::lock_guard<std::mutex> guard(r.lock);
        const auto it = r.makers.find(name);
        if (it != r.makers.end()) make = it->second;
    }
    if (!make) {
        std::string known;
        for (const auto& n : memory_model_names()) known += fmt::format("{}\"{}\"", known.empty() ? "" : ", ", n);
        throw config_error(fmt::format("key `{}.model`: expected one of {}, got \"{}\"", p.role, known, name));
    }
    return make(instance, p);
}

}  // namespace satlm
