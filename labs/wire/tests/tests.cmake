# tests.cmake — the wire lab's tests and benchmarks hold the codec to
# protobuf-c (libprotobuf-c-dev), with C generated from
# tests/conformance.proto by protoc-c (protobuf-c-compiler) at build time.
# Only the tests and benchmarks link it; the lab library never does.
# Included by undergo_add_lab (cmake/undergo_lab.cmake).
find_program(WT_PROTOC_C protoc-c)
pkg_check_modules(libprotobuf_c QUIET IMPORTED_TARGET GLOBAL libprotobuf-c)
if(NOT WT_PROTOC_C OR NOT libprotobuf_c_FOUND)
  message(FATAL_ERROR "lab wire: protoc-c and libprotobuf-c are needed "
                      "(Debian: protobuf-c-compiler, libprotobuf-c-dev)")
endif()
set(gen ${CMAKE_BINARY_DIR}/labs/${L_NAME}/gen)
file(MAKE_DIRECTORY ${gen})
add_custom_command(
  OUTPUT ${gen}/conformance.pb-c.c ${gen}/conformance.pb-c.h
  COMMAND ${WT_PROTOC_C} --c_out=${gen} --proto_path=${dir}/tests ${dir}/tests/conformance.proto
  DEPENDS ${dir}/tests/conformance.proto
  COMMENT "protoc-c conformance.proto")
add_library(${L_NAME}_pb STATIC ${gen}/conformance.pb-c.c)
# Generated code: its warnings are protoc-c's, not ours.
target_compile_options(${L_NAME}_pb PRIVATE -w)
target_include_directories(${L_NAME}_pb PUBLIC ${gen})
target_link_libraries(${L_NAME}_pb PUBLIC PkgConfig::libprotobuf_c)
foreach(t ${L_NAME}_tests ${L_NAME}_tests_rec ${L_NAME}_benches ${L_NAME}_tests_visible)
  if(TARGET ${t})
    target_link_libraries(${t} PRIVATE ${L_NAME}_pb)
  endif()
endforeach()
list(APPEND lab_test_ldflags "$<TARGET_FILE:${L_NAME}_pb>" ${libprotobuf_c_LDFLAGS})
# The benchmark compares JSON too (jansson).
if(TARGET ${L_NAME}_benches)
  target_link_libraries(${L_NAME}_benches PRIVATE PkgConfig::jansson)
  list(APPEND lab_test_ldflags ${jansson_LDFLAGS})
endif()
