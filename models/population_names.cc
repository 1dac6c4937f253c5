#include "models/population_names.h"

#include <array>
#include <cstring>
#include <string_view>

namespace yibao::models {
namespace {

// Common surnames, the most frequent listed twice so they come up more often.
constexpr std::array<std::string_view, 60> kSurnames = {
    "王", "李", "张", "刘", "陈", "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周",
    "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "高", "罗", "郑", "梁", "谢", "宋", "唐",
    "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "潘", "袁", "蔡", "蒋", "余",
    "于", "杜", "叶", "程", "魏", "苏", "吕", "丁", "任", "卢", "姚", "沈", "钟", "姜", "崔"};
constexpr std::array<std::string_view, 32> kMale = {
    "伟", "强", "磊", "军", "洋", "勇", "杰", "涛", "明", "超", "斌", "鹏", "辉", "刚", "健", "峰",
    "建", "国", "志", "文", "华", "平", "东", "海", "波", "林", "宇", "浩", "俊", "龙", "成", "飞"};
constexpr std::array<std::string_view, 32> kFemale = {
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "秀", "英", "玲", "桂", "兰", "红", "梅", "婷",
    "雪", "琳", "颖", "倩", "洁", "燕", "萍", "慧", "丹", "玉", "琴", "云", "佳", "欣", "晶", "莉"};
constexpr std::array<std::string_view, 48> kPlace = {
    "安", "平", "宁", "江", "山", "阳", "河", "源", "丰", "和", "清", "泉", "永", "兴", "新", "华",
    "福", "德", "长", "乐", "武", "昌", "东", "西", "南", "北", "临", "川", "桂", "林", "定", "远",
    "城", "湖", "溪", "石", "云", "水", "白", "青", "龙", "凤", "金", "明", "顺", "康", "泰", "罗"};

template <size_t N>
constexpr bool all_three_bytes(const std::array<std::string_view, N>& chars) {
  for (std::string_view c : chars)
    if (c.size() != 3) return false;
  return true;
}
static_assert(all_three_bytes(kSurnames) && all_three_bytes(kMale) && all_three_bytes(kFemale) && all_three_bytes(kPlace),
              "draw_person_name copies 3 bytes per character");

}  // namespace

void draw_person_name(Rng& rng, uint8_t sex, std::string& out) {
  const auto& given = sex == 2 ? kFemale : kMale;
  // One draw: surname from bits 0-15, given characters from 16-31 and 32-47, length from 48-63.
  const uint64_t r = rng.next();
  const std::string_view parts[3] = {kSurnames[(r & 0xFFFF) % kSurnames.size()],
                                     given[((r >> 16) & 0xFFFF) % given.size()],
                                     given[((r >> 32) & 0xFFFF) % given.size()]};
  const size_t count = (r >> 48) % 10 < 7 ? 3 : 2;  // 70 % have two given characters
  // Every character is 3 bytes of UTF-8: fixed-size copies.
  // Resizing within the small-string buffer and copying in place avoids assign()'s aliasing checks.
  out.resize(3 * count);
  for (size_t k = 0; k < count; ++k) std::memcpy(out.data() + 3 * k, parts[k].data(), 3);
}

std::string place_name(uint64_t key) {
  uint64_t x = key;
  const uint64_t h = splitmix64(x);
  std::string out(kPlace[h % kPlace.size()]);
  size_t second = (h >> 16) % kPlace.size();
  if (second == h % kPlace.size()) second = (second + 1) % kPlace.size();  // no "明明"
  out.append(kPlace[second]);
  return out;
}

}  // namespace yibao::models
