// Links satlm_sram alone: an SRAM macro of the default xmem shape.
#include "sram/sram_core.h"

#include <systemc>

int sc_main(int, char*[]) {
    satlm::sram_core xmem(2048, 32, 1);
    return xmem.word_bytes() == 4 ? 0 : 1;
}
