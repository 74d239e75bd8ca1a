#include <gtest/gtest.h>
#include "scenario/config.hpp"
TEST(Smoke, Defaults) { EXPECT_NO_THROW(leosem::parse_scenario("")); }
