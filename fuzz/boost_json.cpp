// Boost.JSON compiled from its headers into the fuzz library (instrumented, unlike Debian's
// libboost_json), so that coverage guides the fuzzer through the JSON parser as well.
#include <boost/json/src.hpp>
