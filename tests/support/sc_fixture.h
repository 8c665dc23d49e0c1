#pragma once
/// Test fixture: SystemC warnings and errors fail the test (except message types a test
/// silences with SC_DO_NOTHING); the banner is off.

#include <systemc>

#include <boost/test/unit_test.hpp>

#include <string>

namespace satlm::test {

inline void report_to_boost(const sc_core::sc_report& rep, const sc_core::sc_actions& actions) {
    if (actions == sc_core::SC_DO_NOTHING) return;
    if (rep.get_severity() >= sc_core::SC_WARNING) {
        BOOST_ERROR(std::string("SystemC ") + rep.get_msg_type() + ": " + rep.get_msg());
    }
    if (actions & sc_core::SC_THROW) throw rep;
}

struct sc_fixture {
    sc_fixture() { sc_core::sc_report_handler::set_handler(&report_to_boost); }
};

/// Folder with the project sources (vectors/, etc.) and the shared folder beside the clone.
inline std::string source_dir() { return SATLM_SOURCE_DIR; }
inline std::string shared_dir() { return SATLM_SHARED_DIR; }

}  // namespace satlm::test
