// Links satlm_gen alone: the generator builds its default seeded layer.
#include "gen/generator.h"

#include <systemc>

int sc_main(int, char*[]) {
    satlm::gen_options o;
    o.out_dir = "unused";
    return satlm::make_generated_layer(o).act.size() == 8u * 36u ? 0 : 1;
}
