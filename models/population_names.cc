#include "models/population_names.h"

#include <array>
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

}  // namespace

void draw_person_name(Rng& rng, uint8_t sex, std::string& out) {
  const auto& given = sex == 2 ? kFemale : kMale;
  const uint64_t a = rng.next();
  const uint64_t b = rng.next();
  const uint64_t c = rng.next();
  out.assign(kSurnames[a % kSurnames.size()]);
  out.append(given[b % given.size()]);
  if (c % 10 < 7) out.append(given[(c >> 8) % given.size()]);  // 70 % have two given characters
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
