// Convenience: the whole state module.
#pragma once
#include "berth/state/container_dir.hpp"
#include "berth/state/container_id.hpp"
#include "berth/state/proc_info.hpp"
#include "berth/state/record.hpp"
#include "berth/state/status.hpp"
#include "berth/state/store.hpp"
