// The Boost.Test runner lives inside sc_main: libsystemc supplies main() and calls sc_main.
#define BOOST_TEST_MODULE satlm
#define BOOST_TEST_NO_MAIN
#define BOOST_TEST_ALTERNATIVE_INIT_API
#include <boost/test/unit_test.hpp>

#include <systemc>

int sc_main(int argc, char* argv[]) {
    return boost::unit_test::unit_test_main(&init_unit_test, argc, argv);
}
