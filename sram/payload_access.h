#pragma once
/// What every byte-array TLM-2.0 target here does with a payload (the SRAM bank, the memory
/// models, the off-chip memory): the byte-enable and range checks, and the copy by command.

#include <tlm>

#include <cstddef>
#include <cstdint>

namespace satlm {

/// Checks that `p` has no byte enables (else TLM_BYTE_ENABLE_ERROR_RESPONSE) and lies inside
/// `size` bytes (else TLM_ADDRESS_ERROR_RESPONSE, wrap-around included). With `who` set, a
/// refusal is logged as a warning naming the target and its `noun` ("bank", "memory").
bool payload_in_range(tlm::tlm_generic_payload& p, std::size_t size, const char* who = nullptr,
                      const char* noun = "memory");
/// Copies a read or write of an in-range `p` from or to `bytes` and sets TLM_OK_RESPONSE; any
/// other command gets TLM_COMMAND_ERROR_RESPONSE. Returns whether it copied.
bool copy_payload(tlm::tlm_generic_payload& p, std::uint8_t* bytes);

}  // namespace satlm
