// models -> proto for what the calculator produces: the amounts of a SetlInfo, a FeeLineResult
// per line split, and the setldetail rows. The core adds the ids and times it owns.
// Pure functions; thread-safe.
#pragma once

#include <string_view>

#include "models/calculator.h"
#include "yibao/settlement/v1/common.pb.h"

namespace yibao::convert {

namespace v1 = ::yibao::settlement::v1;

// Every amount field of SetlInfo (fen) and the pooled ratio; ids and times untouched.
void to_proto(const models::Settlement& s, v1::SetlInfo* out);
// One FeeLineResult.
void to_proto(const models::LineSplit& l, std::string_view feedetl_sn, v1::FeeLineResult* out);
// The setldetail rows, with setl_proc_info rendered against the policy that priced them.
void add_details(const models::Settlement& s, const models::PolicySet& policy,
                 google::protobuf::RepeatedPtrField<v1::SetlDetail>* out);

}  // namespace yibao::convert
