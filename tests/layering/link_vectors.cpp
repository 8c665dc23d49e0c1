// Links satlm_vectors alone: a vector set's file patterns expand.
#include "vectors/vector_set.h"

#include <systemc>

int sc_main(int, char*[]) { return satlm::acc_address_bits(satlm::layer_keys{}) >= 11 ? 0 : 1; }
