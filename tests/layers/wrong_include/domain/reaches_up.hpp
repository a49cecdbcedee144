#pragma once
// A domain header that includes the gateway: the layer check must refuse this tree.
#include "gateway/api.hpp"
