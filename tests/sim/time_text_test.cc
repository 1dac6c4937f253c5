// sim/time_text: the hot-path civil time texts equal models' snprintf forms, character for
// character (message ids and header times in result.json and the journal depend on it).
#include "sim/time_text.h"

#include <gtest/gtest.h>

namespace yibao::sim {
namespace {

TEST(TimeText, EqualsTheModelsFormsOverYears) {
  const CivilTime from = make_time(1999, 12, 31, 23, 59, 58);
  const CivilTime to = make_time(2032, 3, 1, 0, 0, 1);
  int checked = 0;
  for (int64_t s = from.s; s <= to.s; s += 7919) {  // a prime step visits every second of the day
    const CivilTime t{s};
    ASSERT_EQ(envelope_text(t), format_envelope(t)) << s;
    ASSERT_EQ(compact_text(t), format_compact(t)) << s;
    ++checked;
  }
  EXPECT_GT(checked, 100000);
}

TEST(TimeText, EdgesOfTheDayAndLeapDays) {
  for (const CivilTime t : {make_time(2024, 2, 29, 0, 0, 0), make_time(2024, 2, 29, 23, 59, 59),
                            make_time(2000, 1, 1), make_time(1970, 1, 1), make_time(2024, 12, 31, 12, 5, 9)}) {
    EXPECT_EQ(envelope_text(t), format_envelope(t));
    EXPECT_EQ(compact_text(t), format_compact(t));
  }
  EXPECT_EQ(envelope_text(make_time(2024, 3, 4, 8, 0, 5)), "2024-03-04 08:00:05");
  EXPECT_EQ(compact_text(make_time(2024, 3, 4, 8, 0, 5)), "20240304080005");
}

TEST(TimeText, YearsBeyondFourDigitsFallBackToModels) {
  const CivilTime far = make_time(12000, 1, 2, 3, 4, 5);
  EXPECT_EQ(envelope_text(far), format_envelope(far));
  EXPECT_EQ(compact_text(far), format_compact(far));
}

}  // namespace
}  // namespace yibao::sim
