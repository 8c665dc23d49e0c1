# The Python module's tests: python3 scripts against build/python (tests/python/python_module.py).
if(SATLM_PYTHON)
  foreach(t version layers sets net reentrant errors dtypes sweep gen)
    add_test(NAME python/${t} COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/python/python_module.py ${t}
             --satlm $<TARGET_FILE:satlm> --shared ${SATLM_SHARED_DIR})
    set_tests_properties(python/${t} PROPERTIES TIMEOUT 900
      ENVIRONMENT "${SATLM_TEST_ENV};PYTHONPATH=${PROJECT_BINARY_DIR}/python")
  endforeach()
  # cmake --install puts an importable module under the prefix (DESTDIR keeps it in the build).
  add_test(NAME python/install COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/python/python_module.py install
           --satlm $<TARGET_FILE:satlm> --shared ${SATLM_SHARED_DIR} --cmake ${CMAKE_COMMAND}
           --build ${PROJECT_BINARY_DIR} --site ${SATLM_PYTHON_INSTALL_DIR})
  set_tests_properties(python/install PROPERTIES TIMEOUT 300
    ENVIRONMENT "${SATLM_TEST_ENV};PYTHONPATH=${PROJECT_BINARY_DIR}/python")
  add_test(NAME python/notebook COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/examples/notebook.py
           ${CMAKE_CURRENT_BINARY_DIR}/notebook-out)
  set_tests_properties(python/notebook PROPERTIES TIMEOUT 900
    ENVIRONMENT "${SATLM_TEST_ENV};PYTHONPATH=${PROJECT_BINARY_DIR}/python")
endif()
