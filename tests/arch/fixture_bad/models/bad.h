// A deliberately broken file: the arch test checks that the checker rejects it.
#pragma once
#include <grpcpp/grpcpp.h>
