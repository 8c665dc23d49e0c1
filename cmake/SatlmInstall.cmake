# cmake --install: the headers (include/satlm/<folder>/*.h, included as "sram/memory_model.h"),
# the static libraries, the programs and the CMake package `satlm`, so that a project outside
# the tree builds against an installed satlm with
#   find_package(satlm REQUIRED)
#   target_link_libraries(app PRIVATE satlm::satlm)     # or one library: satlm::satlm_testbench
# (docs/architecture.md, "Replacing a block").
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(SATLM_INSTALL_INCLUDEDIR ${CMAKE_INSTALL_INCLUDEDIR}/satlm)
set(SATLM_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/satlm)

# The libraries bottom up (docs/architecture.md); a folder the tree does not have is skipped.
set(satlm_installed_libraries "")
foreach(folder IN ITEMS tlm sram pe dataflow accel engine vectors testbench gen net sweep cli)
  set(lib satlm_${folder})
  if(NOT TARGET ${lib})
    continue()
  endif()
  list(APPEND satlm_installed_libraries ${lib})

  # The folders put the source tree on their include path; installed, it is include/satlm.
  get_target_property(dirs ${lib} INTERFACE_INCLUDE_DIRECTORIES)
  if(NOT dirs)
    set(dirs "")
  endif()
  list(REMOVE_ITEM dirs ${PROJECT_SOURCE_DIR})
  set_property(TARGET ${lib} PROPERTY INTERFACE_INCLUDE_DIRECTORIES ${dirs}
               $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}> $<INSTALL_INTERFACE:${SATLM_INSTALL_INCLUDEDIR}>)
  # The warning flags are satlm's own build policy, not part of what a user links.
  get_target_property(links ${lib} INTERFACE_LINK_LIBRARIES)
  if(links)
    list(REMOVE_ITEM links "$<LINK_ONLY:satlm_warnings>")
    set_property(TARGET ${lib} PROPERTY INTERFACE_LINK_LIBRARIES ${links})
  endif()

  # Headers, keeping their subfolders (dataflow/ws/...).
  file(GLOB_RECURSE headers RELATIVE ${PROJECT_SOURCE_DIR}/${folder} CONFIGURE_DEPENDS
       ${PROJECT_SOURCE_DIR}/${folder}/*.h)
  foreach(h IN LISTS headers)
    get_filename_component(sub ${h} DIRECTORY)
    install(FILES ${PROJECT_SOURCE_DIR}/${folder}/${h} DESTINATION ${SATLM_INSTALL_INCLUDEDIR}/${folder}/${sub})
  endforeach()
endforeach()

# A sanitized build's static libraries need the sanitizer runtimes in whatever links them.
if(SATLM_SANITIZE)
  target_link_options(satlm_tlm INTERFACE $<INSTALL_INTERFACE:-fsanitize=address,undefined>)
endif()

# satlm::satlm: every library (the `satlm` program's own code included: satlm::run_command).
add_library(satlm_all INTERFACE)
set_target_properties(satlm_all PROPERTIES EXPORT_NAME satlm)
target_link_libraries(satlm_all INTERFACE ${satlm_installed_libraries})

install(TARGETS ${satlm_installed_libraries} satlm_all EXPORT satlmTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(EXPORT satlmTargets NAMESPACE satlm:: DESTINATION ${SATLM_INSTALL_CMAKEDIR})

foreach(program IN ITEMS satlm satlm_bench)
  if(TARGET ${program})
    install(TARGETS ${program} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  endif()
endforeach()

configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/satlmConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/satlmConfig.cmake INSTALL_DESTINATION ${SATLM_INSTALL_CMAKEDIR})
# 0.x: a minor version may change the interfaces.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/satlmConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/satlmConfig.cmake ${PROJECT_BINARY_DIR}/satlmConfigVersion.cmake
        DESTINATION ${SATLM_INSTALL_CMAKEDIR})
