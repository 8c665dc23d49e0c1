#pragma once
/// Runs `f`, requires it to throw an `E` and returns the message (a test error otherwise).

#include <boost/test/unit_test.hpp>

#include <exception>
#include <string>

namespace satlm::test {

template <typename E, typename F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const E& e) {
        return e.what();
    } catch (const std::exception& e) {
        BOOST_ERROR(std::string("wrong exception type: ") + e.what());
        return {};
    }
    BOOST_ERROR("expected an exception");
    return {};
}

}  // namespace satlm::test
