// proto <-> models for the Admin records: Facility, Person, FilingRecord (admin.proto) and the
// domain's models::Facility, models::Person, models::Filing. Written once, here.
// from_proto validates codes and dates and returns INVALID_ARGUMENT / E_BAD_REQUEST naming the
// field. Pure functions; thread-safe.
#pragma once

#include "models/entities.h"
#include "models/status.h"
#include "yibao/settlement/v1/admin.pb.h"

namespace yibao::convert {

namespace v1 = ::yibao::settlement::v1;

Result<models::Facility> from_proto(const v1::Facility& f);
void to_proto(const models::Facility& f, v1::Facility* out);  // the secret is never copied out

Result<models::Person> from_proto(const v1::Person& p);
void to_proto(const models::Person& p, v1::Person* out);
// The opening accumulators a Person upsert carries (creation only), with their year (0 = none).
models::Accumulators opening_accumulators(const v1::Person& p, int32_t* year);

Result<models::Filing> from_proto(const v1::FilingRecord& f);

}  // namespace yibao::convert
