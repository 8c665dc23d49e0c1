# System tier: the satlm executable on the real vector sets (../shared/vectors/external through
# the manifests in vectors/external/) and on generated sets. These fail, never skip, when the
# shared folder is missing.
find_package(Python3 REQUIRED COMPONENTS Interpreter)
set(SYS ${CMAKE_CURRENT_SOURCE_DIR}/system)
set(SYS_ARGS --satlm $<TARGET_FILE:satlm> --shared ${SATLM_SHARED_DIR})

# One test per external set (sign-off of the copy without outputs, then the checked run), in the
# sign-off configuration; the other fidelity/schedule combinations run over all sets at once.
file(GLOB external_manifests CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/vectors/external/*.toml)
foreach(m IN LISTS external_manifests)
  get_filename_component(set ${m} NAME_WE)
  add_test(NAME system/external/${set}
           COMMAND ${Python3_EXECUTABLE} ${SYS}/satlm_system.py external ${SYS_ARGS} --only ${set})
endforeach()
foreach(combo cycle:overlapped lt:reference lt:overlapped)
  string(REPLACE ":" ";" parts ${combo})
  list(GET parts 0 fid)
  list(GET parts 1 sched)
  add_test(NAME system/external_all_${fid}_${sched}
           COMMAND ${Python3_EXECUTABLE} ${SYS}/satlm_system.py external ${SYS_ARGS} --fidelity ${fid} --schedule ${sched})
endforeach()
# The structural top (model.top = structural): every set signs off through it in both schedules,
# and its reports equal the stepped top's field by field (satlm_system.py structural).
foreach(sched reference overlapped)
  add_test(NAME system/external_all_structural_${sched}
           COMMAND ${Python3_EXECUTABLE} ${SYS}/satlm_system.py external ${SYS_ARGS} --top structural --schedule ${sched})
endforeach()
add_test(NAME system/structural_vs_stepped COMMAND ${Python3_EXECUTABLE} ${SYS}/satlm_system.py structural ${SYS_ARGS})
add_test(NAME system/reference_cycles COMMAND ${Python3_EXECUTABLE} ${SYS}/satlm_system.py cycles ${SYS_ARGS})
add_test(NAME system/retile COMMAND ${Python3_EXECUTABLE} ${SYS}/satlm_system.py retile ${SYS_ARGS})
add_test(NAME system/overlapped_pmem COMMAND ${Python3_EXECUTABLE} ${SYS}/satlm_system.py overlapped-pmem ${SYS_ARGS})
add_test(NAME system/monotone COMMAND ${Python3_EXECUTABLE} ${SYS}/satlm_system.py monotone ${SYS_ARGS})
add_test(NAME system/gen_like COMMAND ${Python3_EXECUTABLE} ${SYS}/satlm_system.py gen-like ${SYS_ARGS})
add_test(NAME system/memories COMMAND ${Python3_EXECUTABLE} ${SYS}/satlm_system.py memories ${SYS_ARGS})
add_test(NAME system/vcd COMMAND ${Python3_EXECUTABLE} ${SYS}/satlm_system.py vcd ${SYS_ARGS})
# The VCD against the RTL's edges, its flow markers and --vcd-window (vcd_system.py).
foreach(sub rtl-edges flow window)
  add_test(NAME system/vcd_${sub} COMMAND ${Python3_EXECUTABLE} ${SYS}/vcd_system.py ${sub} ${SYS_ARGS})
endforeach()
add_test(NAME system/flipped_bit COMMAND ${Python3_EXECUTABLE} ${SYS}/satlm_system.py flipped-bit ${SYS_ARGS})
add_test(NAME system/bad_input COMMAND bash ${SYS}/bad_input.sh $<TARGET_FILE:satlm> ${SATLM_SHARED_DIR})
add_test(NAME system/gen_grid COMMAND bash ${SYS}/gen_grid.sh $<TARGET_FILE:satlm>)
set_tests_properties(system/gen_grid PROPERTIES LABELS slow)
add_test(NAME system/torch_export COMMAND bash ${SYS}/torch_export.sh $<TARGET_FILE:satlm>)
add_test(NAME system/layer_kinds COMMAND bash ${SYS}/layer_kinds.sh $<TARGET_FILE:satlm>)
# Hostile-input tier (docs/safety.md): one ctest per case of hostile_input.py (its @case lines).
file(STRINGS ${SYS}/hostile_input.py hostile_lines REGEX "^@case\\(\"[a-z0-9_]+\"\\)")
foreach(line IN LISTS hostile_lines)
  string(REGEX REPLACE "^@case\\(\"([a-z0-9_]+)\"\\).*" "\\1" name "${line}")
  add_test(NAME system/hostile/${name}
           COMMAND ${Python3_EXECUTABLE} ${SYS}/hostile_input.py ${SYS_ARGS} --case ${name})
endforeach()
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${SYS}/hostile_input.py)
# 200 random in-range key combinations: each runs or exits 2, none exits 3 or dies (4 GB of
# address space).
add_test(NAME system/key_property COMMAND ${Python3_EXECUTABLE} ${SYS}/key_property.py ${SYS_ARGS} --count 200)
get_property(sys_tests DIRECTORY PROPERTY TESTS)
foreach(t IN LISTS sys_tests)
  if(t MATCHES "^system/")
    set_tests_properties(${t} PROPERTIES TIMEOUT 1200 ENVIRONMENT "${SATLM_SC_TEST_ENV}")
  endif()
endforeach()

# `satlm net`: whole networks on the engine (tests/system/net_system.py).
foreach(t scalesim fidelities no-data report bad-input scalesim-reports topologies)
  add_test(NAME system/net/${t} COMMAND ${Python3_EXECUTABLE} ${SYS}/net_system.py ${t} ${SYS_ARGS})
  set_tests_properties(system/net/${t} PROPERTIES TIMEOUT 1200 ENVIRONMENT "${SATLM_SC_TEST_ENV}")
endforeach()

# `satlm sweep`, `merge`, `export`, `plot` (tests/system/sweep_system.py; examples/ needs gnuplot and chromium).
foreach(t validate resume signal shards failed vector-sets plot-axes examples)
  add_test(NAME system/sweep/${t} COMMAND ${Python3_EXECUTABLE} ${SYS}/sweep_system.py ${t} ${SYS_ARGS})
  set_tests_properties(system/sweep/${t} PROPERTIES TIMEOUT 1200 ENVIRONMENT "${SATLM_SC_TEST_ENV}")
endforeach()

# The longest system tests (minutes each under ASan) carry the label `slow`: the sanitized pass
# of .ci/run leaves them out (`-LE slow`), the release pass runs them all.
set_tests_properties(system/net/topologies system/net/fidelities system/key_property system/layer_kinds
                     system/sweep/examples system/retile PROPERTIES LABELS slow)

# Slurm tier (label `slurm`): `satlm sweep --slurm` on a real one-node Slurm cluster that
# tests/slurm/cluster.sh brings up around each test (installing the packages when missing; needs
# root) and tears down by PID. One cluster at a time (the lock), a few seconds each.
foreach(t wait-equals-local fail-resume dry-run-sbatch)
  add_test(NAME slurm/${t}
           COMMAND bash ${PROJECT_SOURCE_DIR}/tests/slurm/cluster.sh --
                   ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tests/slurm/slurm_system.py ${t} --satlm $<TARGET_FILE:satlm>)
  set_tests_properties(slurm/${t} PROPERTIES LABELS slurm TIMEOUT 600 RESOURCE_LOCK slurm_cluster
                       ENVIRONMENT "${SATLM_SC_TEST_ENV}")
endforeach()
# The built-in memory models as the structural top's xmem and pmem (docs/blocks/sram.md).
add_test(NAME system/memory_models COMMAND ${Python3_EXECUTABLE} ${SYS}/memory_models.py --satlm $<TARGET_FILE:satlm>
         --sets ${PROJECT_SOURCE_DIR}/vectors/default ${PROJECT_SOURCE_DIR}/vectors/external/dingy-ws4-2itile.toml)
set_tests_properties(system/memory_models PROPERTIES TIMEOUT 300 ENVIRONMENT "${SATLM_SC_TEST_ENV}")

# The virtual-platform example (examples/platform): the accelerator run by register writes on a
# CPU model prints what `satlm run --dump-out` writes, on every set and both schedules.
foreach(t same-outputs errors)
  add_test(NAME system/platform/${t}
           COMMAND ${Python3_EXECUTABLE} ${SYS}/platform_system.py ${t} --platform $<TARGET_FILE:satlm_platform> ${SYS_ARGS})
  set_tests_properties(system/platform/${t} PROPERTIES TIMEOUT 600 ENVIRONMENT "${SATLM_SC_TEST_ENV}")
endforeach()
